/**
 * Streams whose request headers were not seen (capture started mid-call, HPACK state lost) are
 * candidates until something shows they are gRPC: a gRPC response content-type, a grpc-status trailer,
 * or DATA that parses as clean Length-Prefixed-Messages. Recognised calls are marked `guessed`.
 */
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import { whereOf } from './call-finish.js';
import type { CallState, TrackerConfig } from './call-state.js';

/**
 * Turns a candidate into a call, recording why on the call (`guesses`); returns whether it did. The
 * connection's first such call also gets the guessed-call diagnostic (leading its held ones): a capture
 * started on a busy channel guesses most calls, and one diagnostic per connection says it (each call's
 * record says it for itself), not one per call.
 */
export function recognise(
  config: TrackerConfig,
  state: CallState,
  evidence: string,
  firstOfConnection: boolean,
): boolean {
  if (state.status !== 'candidate') return false;
  state.status = 'grpc';
  const missing = state.requestHeadersLost
    ? 'request headers not decodable'
    : 'request headers not in the capture';
  state.guesses.push({ what: 'grpc-call', reason: `${missing}; recognised by ${evidence}` });
  if (!firstOfConnection) return true;
  const where = { ...whereOf(config, state), time: state.start };
  state.held.unshift(diag(GRPC_DIAGNOSTICS, 'grpc.guessed-call', { stream: state.stream, evidence }, where));
  return true;
}

/**
 * --decode-as PORT=grpc: the user says every stream on the port is a call, so a stream without a gRPC
 * content-type (absent, odd, or request headers never seen) is one at once, marked guessed "decode-as".
 */
export function recogniseByPort(config: TrackerConfig, state: CallState, why: string): void {
  const port = config.decodeAsPort;
  if (state.status !== 'candidate' || port === null) return;
  state.status = 'grpc';
  state.guesses.push({ what: 'grpc-call', reason: `decode-as: port ${port} (${why})` });
  const where = { ...whereOf(config, state), time: state.start };
  state.held.unshift(
    diag(GRPC_DIAGNOSTICS, 'grpc.decode-as-call', { stream: state.stream, port, why }, where),
  );
}

/** DATA in both directions parsed as clean Length-Prefixed-Messages, at least one, none cut at END_STREAM. */
export function framedAsGrpc(state: CallState): boolean {
  const sides = [state.request, state.response];
  if (sides.reduce((n, s) => n + s.count, 0) === 0) return false;
  return sides.every(
    (s) => s.framingOk && (s.ended === null || s.reader === null || s.reader.finish().pendingBytes === 0),
  );
}
