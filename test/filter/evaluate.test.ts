import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import {
  matchCall,
  matchConnection,
  matchDiagnostic,
  matchFrame,
  needsConnection,
  parseFilter,
  type FilterExpr,
} from '../../src/filter/index.js';
import type { ConnectionRecord, FrameRecord } from '../../src/records/records.js';
import { decodeFile } from '../helpers/decode.js';

function expr(text: string): FilterExpr {
  const r = parseFilter(text);
  if (!r.ok) throw new Error(r.error);
  return r.expr;
}

// grpc-js-unary.meta.json: five Echo calls on streams 1, 3, 5 (ok), 7 (FAILED_PRECONDITION, 9) and
// 9 (RESOURCE_EXHAUSTED, 8); one h2c connection 127.0.0.1:49616 -> 127.0.0.1:50101.
const unary = await decodeFile('samples/grpc-js-unary.pcap');
const conn = unary.connections[0]!;
const calls = conn.calls;
const frames = conn.frames;

const streamsOf = (text: string): number[] =>
  calls.filter((c) => matchCall(expr(text), c, conn)).map((c) => c.stream);
const framesOf = (text: string, context?: ConnectionRecord): FrameRecord[] =>
  frames.filter((f) => matchFrame(expr(text), f, context));

describe('calls of grpc-js-unary', () => {
  it('selects failed calls by status number, name and outcome', () => {
    expect(calls.map((c) => c.stream)).toEqual([1, 3, 5, 7, 9]);
    expect(streamsOf('grpc.status != 0')).toEqual([7, 9]);
    expect(streamsOf('grpc.status == FAILED_PRECONDITION')).toEqual([7]);
    expect(streamsOf('grpc.status == resource_exhausted || grpc.status == 9')).toEqual([7, 9]);
    expect(streamsOf('grpc.outcome == error')).toEqual([7, 9]);
    expect(streamsOf('grpc.outcome != ok && grpc.status > 8')).toEqual([7]);
  });

  it('matches text with ~, contains and ==', () => {
    expect(streamsOf('grpc.message contains "quota"')).toEqual([9]);
    // The percent-decoded grpc-message of stream 7 is "résumé ✓ failed".
    expect(streamsOf('grpc.message ~ "^r.sum. ✓"')).toEqual([7]);
    expect(streamsOf('grpc.method == "/scope.v1.Lab/Echo" && grpc.service == scope.v1.Lab')).toEqual([
      1, 3, 5, 7, 9,
    ]);
    expect(streamsOf('grpc.method_name ~ /^echo$/i')).toEqual([1, 3, 5, 7, 9]);
  });

  it('reads headers and metadata of calls', () => {
    expect(streamsOf('http2.header.x-trace-id == "trace-0004"')).toEqual([7]);
    expect(streamsOf('http2.header.x-call-seq == "2"')).toEqual([3]);
    expect(streamsOf('http2.headers contains "x-reply-bin"')).toEqual([3]);
    expect(streamsOf('http2.stream >= 5 && http2.stream < 9')).toEqual([5, 7]);
  });

  it('compares durations in ms, with units', () => {
    const durations = calls.map((c) => c.durationMs);
    const slowest = Math.max(...durations);
    expect(streamsOf(`grpc.duration >= ${slowest}`)).toEqual([calls[durations.indexOf(slowest)]!.stream]);
    expect(streamsOf('grpc.duration < 1s')).toEqual([1, 3, 5, 7, 9]);
    expect(streamsOf('grpc.duration > 1s')).toEqual([]);
  });

  it('reads conn.* from the connection given as context', () => {
    expect(streamsOf('conn.server.port == 50101 && grpc.status == 8')).toEqual([9]);
    expect(streamsOf('conn.port == 49616')).toEqual([1, 3, 5, 7, 9]);
    expect(streamsOf('conn.client.ip == 127.0.0.1 && conn.protocol == h2c')).toEqual([1, 3, 5, 7, 9]);
    // Without the context only conn.id is known.
    expect(matchCall(expr('conn.id == c1'), calls[0]!)).toBe(true);
    expect(matchCall(expr('conn.server.port == 50101'), calls[0]!)).toBe(false);
  });
});

describe('frames of grpc-js-unary', () => {
  it('selects by type name or number, stream, flags and sender', () => {
    expect(framesOf('http2.type == GOAWAY').map((f) => f.from)).toEqual([
      'client',
      'client',
      'server',
      'server',
    ]);
    expect(framesOf('http2.type == 7').length).toBe(4);
    expect(framesOf('http2.type == DATA && http2.from == client').map((f) => f.stream)).toEqual([
      1, 3, 5, 7, 9,
    ]);
    expect(framesOf('http2.stream == 7').map((f) => f.type)).toEqual(['HEADERS', 'DATA', 'HEADERS']);
    expect(framesOf('http2.flags == END_STREAM && http2.from == server').map((f) => f.stream)).toEqual([
      1, 3, 5, 7, 9,
    ]);
    expect(framesOf('http2.type == SETTINGS && http2.flags == ACK').length).toBe(2);
    expect(framesOf('http2.error == NO_ERROR && http2.last_stream == 9').length).toBe(2);
  });

  it('reads header values and settings of frames', () => {
    expect(framesOf('http2.header.:path ~ "Echo"').map((f) => f.stream)).toEqual([1, 3, 5, 7, 9]);
    expect(framesOf('http2.header.grpc-status == "8"').map((f) => f.stream)).toEqual([9]);
    expect(framesOf('http2.setting.INITIAL_WINDOW_SIZE == 65535').map((f) => f.from)).toEqual(['client']);
  });

  it('treats fields a frame does not have as absent', () => {
    expect(framesOf('grpc.status == 0')).toEqual([]);
    expect(framesOf('grpc.status != 0')).toEqual([]);
    // Negating a comparison on an absent field is true (Wireshark's rule).
    expect(framesOf('!(grpc.status == 0)').length).toBe(frames.length);
    expect(framesOf('conn.server.port == 50101')).toEqual([]);
    expect(framesOf('conn.server.port == 50101', conn).length).toBe(frames.length);
  });
});

describe('connections and diagnostics', () => {
  it('matches connection records on conn.* only', () => {
    expect(matchConnection(expr('conn.server == "127.0.0.1:50101"'), conn)).toBe(true);
    expect(matchConnection(expr('conn.frames == 29 && conn.end == fin'), conn)).toBe(true);
    expect(matchConnection(expr('conn.duration > 99 && conn.duration < 100'), conn)).toBe(true);
    expect(matchConnection(expr('conn.bytes == 1827 && conn.packets == 30'), conn)).toBe(true);
    expect(matchConnection(expr('http2.type == DATA'), conn)).toBe(false);
    expect(matchConnection(expr('conn.sni'), conn)).toBe(false);
  });

  it('matches diagnostics on diag.*, their stream and connection', () => {
    const d: Diagnostic = {
      severity: 'warning',
      code: 'tcp.gap',
      connection: 'c2',
      stream: 3,
      message: 'Lost 10 bytes',
    };
    expect(matchDiagnostic(expr('diag.severity == WARNING && diag.code == "tcp.gap"'), d)).toBe(true);
    expect(matchDiagnostic(expr('diag.code ~ "^tcp\\."'), d)).toBe(true);
    expect(matchDiagnostic(expr('http2.stream == 3 && conn.id == c2'), d)).toBe(true);
    expect(matchDiagnostic(expr('diag.message contains "lost"'), d)).toBe(false);
    expect(matchDiagnostic(expr('conn.id == c2'), { ...d, connection: undefined })).toBe(false);
  });

  it('says which filters need the connection record', () => {
    expect(needsConnection(expr('grpc.status != 0 && conn.id == c1'))).toBe(false);
    expect(needsConnection(expr('grpc.status != 0 || !(conn.server.port == 1)'))).toBe(true);
  });
});

describe('several values', () => {
  const base = frames.find((f) => f.type === 'HEADERS' && f.from === 'client')!;
  const twice: FrameRecord = {
    ...base,
    headers: [
      ['x-a', '1'],
      ['x-a', '2'],
    ],
  };

  it('== matches any value, != needs all to differ', () => {
    expect(matchFrame(expr('http2.header.x-a == "2"'), twice)).toBe(true);
    expect(matchFrame(expr('http2.header.x-a != "2"'), twice)).toBe(false);
    expect(matchFrame(expr('http2.header.x-a != "3"'), twice)).toBe(true);
    expect(matchFrame(expr('http2.header.x-b != "3"'), twice)).toBe(false);
    expect(matchFrame(expr('http2.header.x-a'), twice)).toBe(true);
    expect(matchFrame(expr('http2.header.x-b'), twice)).toBe(false);
  });
});
