import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the session layer. Codes are stable: tests, filters and docs refer to them. */
export const SESSION_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
