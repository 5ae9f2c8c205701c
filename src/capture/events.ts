import { CAPTURE_DIAGNOSTICS, type CaptureDiagnosticCode } from '../diagnostics/capture.js';
import { diag } from '../diagnostics/make.js';
import type { DiagnosticParams } from '../diagnostics/types.js';
import type { CaptureEvent } from './types.js';

/** A capture-layer diagnostic wrapped as a CaptureEvent. */
export function captureDiagnostic(code: CaptureDiagnosticCode, params: DiagnosticParams): CaptureEvent {
  return { kind: 'diagnostic', diagnostic: diag(CAPTURE_DIAGNOSTICS, code, params) };
}

/** The incremental shape every format reader has (docs/architecture.md, "Data flow"). */
export interface FormatReader {
  push(chunk: Buffer): CaptureEvent[];
  finish(): CaptureEvent[];
  /** True once the reader will produce nothing more (corruption, unknown version, or finished). */
  readonly stopped: boolean;
}
