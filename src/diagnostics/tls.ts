import type { DiagnosticSpec } from './types.js';

/** Diagnostics raised by the tls layer. Codes are stable: tests, filters and docs refer to them. */
export const TLS_DIAGNOSTICS = {} as const satisfies Record<string, DiagnosticSpec>;
