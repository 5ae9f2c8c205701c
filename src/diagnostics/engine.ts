import type { DiagnosticSpec } from './types.js';

/** Diagnostics of the orchestration itself. */
export const ENGINE_DIAGNOSTICS = {
  'engine.internal-error': {
    severity: 'error',
    title: 'Internal error',
    text: 'h2scope hit an internal error while decoding packet {packet} ({error}); that packet was skipped and decoding went on.',
    fix: 'Please report it with the capture.',
  },
  'engine.diagnostics-suppressed': {
    severity: 'info',
    title: 'Diagnostics suppressed',
    text: '{suppressed} more {suppressedCode} diagnostics were not reported (limit {limit} per code)',
  },
  'engine.interrupted': {
    severity: 'warning',
    title: 'Interrupted',
    text: 'Reading stopped at {signal} after {packets} packets: this report covers only what was decoded until then, and the capture record says "complete": false',
  },
} as const satisfies Record<string, DiagnosticSpec>;
