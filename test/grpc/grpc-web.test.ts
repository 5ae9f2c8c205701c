import { describe, expect, it } from 'vitest';
import type { CallRecord, GrpcEvent } from '../../src/records/call.js';
import { GrpcCallTracker } from '../../src/grpc/call-tracker.js';
import { Base64Stream, parseWebTrailers } from '../../src/grpc/grpc-web.js';
import { REQUEST, data, headers, lpm } from './h2-events.js';

// PROTOCOL-WEB.md: trailers are a body frame with flag 0x80 holding "name: value\r\n" lines.
const TRAILER_BLOCK = 'grpc-status: 3\r\ngrpc-message: bad%20name\r\nX-Trace: abc\r\n';

describe('parseWebTrailers', () => {
  it('parses CRLF header lines, lowercasing names', () => {
    expect(parseWebTrailers(Buffer.from(TRAILER_BLOCK)).map((f) => [f.name, f.value])).toEqual([
      ['grpc-status', '3'],
      ['grpc-message', 'bad%20name'],
      ['x-trace', 'abc'],
    ]);
  });

  it('skips lines without a name', () => {
    expect(parseWebTrailers(Buffer.from(':x\r\nnocolon\r\n\r\n'))).toEqual([]);
  });
});

describe('Base64Stream', () => {
  it('decodes a stream split at any point', () => {
    const text = Buffer.from(Buffer.from('hello grpc-web').toString('base64'));
    for (let cut = 0; cut <= text.length; cut++) {
      const s = new Base64Stream();
      const out = Buffer.concat([s.push(text.subarray(0, cut)), s.push(text.subarray(cut))]);
      expect([cut, out.toString()]).toEqual([cut, 'hello grpc-web']);
      expect(s.pendingChars).toBe(0);
    }
  });

  it('decodes concatenated, separately padded chunks', () => {
    const s = new Base64Stream();
    const joined = Buffer.from(Buffer.from('a').toString('base64') + Buffer.from('bc').toString('base64')); // "YQ==YmM="
    expect(s.push(joined).toString()).toBe('abc');
  });
});

function callOf(evs: GrpcEvent[]): CallRecord {
  const c = evs.flatMap((e) => (e.kind === 'call' ? [e.call] : []));
  expect(c).toHaveLength(1);
  return c[0] as CallRecord;
}

describe('GrpcCallTracker with gRPC-Web', () => {
  const request = (ct: string) =>
    REQUEST('/p.S/M').map(([n, v]): [string, string | Buffer] => (n === 'content-type' ? [n, ct] : [n, v]));
  const response = (ct: string): Array<[string, string]> => [
    [':status', '200'],
    ['content-type', ct],
  ];

  it('reads trailers from the 0x80 body frame', () => {
    const t = new GrpcCallTracker({ connection: 'c1' });
    const body = Buffer.concat([lpm('0801'), lpm(Buffer.from(TRAILER_BLOCK), 0x80)]);
    const evs = [
      headers('client', 1, 1, request('application/grpc-web+proto')),
      data('client', 1, 1, lpm('0801'), true),
      headers('server', 1, 2, response('application/grpc-web+proto')),
      data('server', 1, 3, body, true),
    ].flatMap((e) => t.push(e));
    const c = callOf(evs);
    expect(c).toMatchObject({
      outcome: 'error',
      status: 3,
      message: 'bad name',
      responseCount: 1,
      requestCount: 1,
    });
    expect(c.trailers).toEqual([
      ['grpc-status', '3'],
      ['grpc-message', 'bad%20name'],
      ['x-trace', 'abc'],
    ]);
    expect(c.metadata.trailers).toEqual([{ name: 'x-trace', value: 'abc', binary: false }]);
    expect(evs.filter((e) => e.kind === 'diagnostic')).toEqual([]);
  });

  it('decodes grpc-web-text bodies (base64) split across DATA frames', () => {
    const t = new GrpcCallTracker({ connection: 'c1' });
    const b64 = Buffer.from(
      Buffer.concat([lpm('0a0141'), lpm(Buffer.from('grpc-status: 0\r\n'), 0x80)]).toString('base64'),
    );
    const evs = [
      headers('client', 1, 1, request('application/grpc-web-text')),
      data('client', 1, 1, Buffer.from(lpm('0801').toString('base64')), true),
      headers('server', 1, 2, response('application/grpc-web-text+proto')),
      data('server', 1, 3, b64.subarray(0, 7)),
      data('server', 1, 4, b64.subarray(7), true),
    ].flatMap((e) => t.push(e));
    const c = callOf(evs);
    expect(c).toMatchObject({ outcome: 'ok', status: 0, responseCount: 1 });
    expect(c.responses[0]?.decoded).toEqual({
      kind: 'raw',
      fields: [{ field: 1, wire: 'len', value: { kind: 'string', text: 'A' } }],
    });
    expect(c.requests[0]?.decoded).toEqual({ kind: 'raw', fields: [{ field: 1, wire: 'varint', value: 1 }] });
  });
});
