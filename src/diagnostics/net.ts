import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the net layer. Codes are stable: tests, filters and docs refer to them. */
export const NET_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
