import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the h2 layer. Codes are stable: tests, filters and docs refer to them. */
export const H2_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
