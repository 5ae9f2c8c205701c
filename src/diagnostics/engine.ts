import type { DiagnosticSpec } from './types.js';

/** Diagnostics of the orchestration itself. */
export const ENGINE_DIAGNOSTICS = {
  'engine.internal-error': {
    severity: 'error',
    title: 'Internal error',
    text:
      'h2scope hit an internal error while decoding packet {packet} ({error}); that packet was skipped and ' +
      'decoding went on. Please report it with the capture.',
  },
} as const satisfies Record<string, DiagnosticSpec>;
