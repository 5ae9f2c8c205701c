import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the analysis layer. Codes are stable: tests, filters and docs refer to them. */
export const ANALYSIS_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
