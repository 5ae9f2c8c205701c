import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the tcp layer. Codes are stable: tests, filters and docs refer to them. */
export const TCP_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
