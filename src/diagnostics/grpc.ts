import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the grpc layer. Codes are stable: tests, filters and docs refer to them. */
export const GRPC_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
