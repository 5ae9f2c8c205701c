import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the capture layer. Codes are stable: tests, filters and docs refer to them. */
export const CAPTURE_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
