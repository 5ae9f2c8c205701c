import type { H2DiagnosticCode } from '../diagnostics/h2.js';
import type { DiagnosticParams } from '../diagnostics/types.js';
import { frameTypeName } from './constants.js';
import type { RawFrame } from './types.js';

/**
 * A protocol violation found in one frame. `decodeFrame` is pure and does not know the frame's index
 * in the connection, so it returns these and the connection decoder turns them into diagnostics.
 */
export interface FrameProblem {
  code: H2DiagnosticCode;
  params: DiagnosticParams;
}

function base(raw: RawFrame): DiagnosticParams {
  return { type: frameTypeName(raw.type), stream: raw.stream, length: raw.length };
}

export function badLength(raw: RawFrame, expected: string, section: string): FrameProblem {
  return { code: 'h2.frame.bad-length', params: { ...base(raw), expected, section } };
}

export function badPadding(raw: RawFrame, padLength: number, room: number): FrameProblem {
  return { code: 'h2.frame.bad-padding', params: { ...base(raw), padLength, room } };
}

/** RFC 9113 §6: which frames belong on stream 0 and which never do. */
export function badStream(raw: RawFrame, section: string): FrameProblem {
  const rule = raw.stream === 0 ? 'must not be sent on stream 0' : 'must be sent on stream 0';
  return { code: 'h2.frame.bad-stream', params: { ...base(raw), rule, section } };
}

export function problem(raw: RawFrame, code: H2DiagnosticCode, params: DiagnosticParams = {}): FrameProblem {
  return { code, params: { ...base(raw), ...params } };
}
