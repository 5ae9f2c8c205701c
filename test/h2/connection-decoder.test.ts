/**
 * H2ConnectionDecoder on hand-built connections: frames laid out per RFC 9113 §4.1 (test/h2/frame-bytes.ts),
 * header blocks encoded by hpack.js's Compressor, one encoder per direction as real peers have.
 */
import { describe, expect, it } from 'vitest';
import { H2ConnectionDecoder } from '../../src/h2/connection-decoder.js';
import type { H2Event } from '../../src/h2/types.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import type { FrameRecord } from '../../src/records/records.js';
import { encoder, frame, setting, u32 } from './frame-bytes.js';

const frames = (events: H2Event[]): FrameRecord[] =>
  events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
const diags = (events: H2Event[]): Diagnostic[] =>
  events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
const codes = (events: H2Event[]) => diags(events).map((d) => d.code);

const REQUEST: Array<[string, string]> = [
  [':method', 'POST'],
  [':scheme', 'http'],
  [':path', '/helloworld.Greeter/SayHello'],
  [':authority', 'localhost:50051'],
  ['content-type', 'application/grpc'],
  ['te', 'trailers'],
  ['user-agent', 'grpc-node-js/1.14.7'],
];
const RESPONSE: Array<[string, string]> = [
  [':status', '200'],
  ['content-type', 'application/grpc+proto'],
  ['grpc-accept-encoding', 'identity,deflate,gzip'],
];
const TRAILERS: Array<[string, string]> = [
  ['grpc-status', '0'],
  ['grpc-message', 'OK'],
];
/** gRPC length-prefixed message: compressed flag 0, length 7, protobuf field 1 = "hello". */
const MESSAGE = Buffer.from([0, 0, 0, 0, 7, 0x0a, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);

/** A gRPC unary call as grpc-js exchanges it, one byte stream per direction. */
function unaryCall() {
  const client = encoder();
  const server = encoder();
  return {
    client: Buffer.concat([
      frame(0x4, 0x0, 0, [...setting(0x2, 0), ...setting(0x4, 4_194_304)]),
      frame(0x8, 0x0, 0, u32(4_128_769)),
      frame(0x1, 0x4, 1, client(REQUEST)),
      frame(0x0, 0x1, 1, MESSAGE),
      frame(0x4, 0x1, 0),
    ]),
    server: Buffer.concat([
      frame(0x4, 0x0, 0, setting(0x3, 100)),
      frame(0x4, 0x1, 0),
      frame(0x1, 0x4, 1, server(RESPONSE)),
      frame(0x0, 0x0, 1, MESSAGE),
      frame(0x1, 0x5, 1, server(TRAILERS)),
      frame(0x6, 0x0, 0, Buffer.from('0123456789abcdef', 'hex')),
    ]),
  };
}

describe('H2ConnectionDecoder: a gRPC unary call', () => {
  const call = unaryCall();
  const dec = new H2ConnectionDecoder({ connection: 'c1' });
  const events = [
    ...dec.push('client', call.client, 100.5, 3),
    ...dec.push('server', call.server, 100.75, 5),
    ...dec.finish(),
  ];
  const recs = frames(events);

  it('emits every frame, indexed across both directions in completion order, with no diagnostics', () => {
    expect(codes(events)).toEqual([]);
    expect(recs.map((f) => [f.index, f.from, f.type, f.stream, f.flags])).toEqual([
      [0, 'client', 'SETTINGS', 0, []],
      [1, 'client', 'WINDOW_UPDATE', 0, []],
      [2, 'client', 'HEADERS', 1, ['END_HEADERS']],
      [3, 'client', 'DATA', 1, ['END_STREAM']],
      [4, 'client', 'SETTINGS', 0, ['ACK']],
      [5, 'server', 'SETTINGS', 0, []],
      [6, 'server', 'SETTINGS', 0, ['ACK']],
      [7, 'server', 'HEADERS', 1, ['END_HEADERS']],
      [8, 'server', 'DATA', 1, []],
      [9, 'server', 'HEADERS', 1, ['END_STREAM', 'END_HEADERS']],
      [10, 'server', 'PING', 0, []],
    ]);
  });

  it('fills the record of each type', () => {
    expect(recs[0]).toEqual({
      connection: 'c1',
      index: 0,
      time: 100.5,
      packet: 3,
      from: 'client',
      type: 'SETTINGS',
      stream: 0,
      length: 12,
      flags: [],
      flagBits: 0,
      ack: false,
      settings: { ENABLE_PUSH: 0, INITIAL_WINDOW_SIZE: 4_194_304 },
    });
    expect(recs[1]!.increment).toBe(4_128_769);
    expect(recs[3]).toMatchObject({ length: 12, dataLength: 12, flagBits: 1 });
    expect(recs[4]).toMatchObject({ ack: true, length: 0 });
    expect(recs[4]!.settings).toBeUndefined();
    expect(recs[10]).toMatchObject({ ack: false, opaque: '0123456789abcdef', time: 100.75, packet: 5 });
  });

  it('decodes each header block once, on its frame, with the raw field bytes', () => {
    expect(recs[2]!.headers).toEqual(REQUEST);
    expect(recs[7]!.headers).toEqual(RESPONSE);
    expect(recs[9]!.headers).toEqual(TRAILERS);
    expect(recs[2]!.headerBlockLength).toBe(recs[2]!.length);
    const ev = events.find((e) => e.kind === 'frame' && e.frame.index === 9);
    expect(ev?.kind === 'frame' && ev.fields?.map((f) => f.raw.toString())).toEqual(['0', 'OK']);
  });

  it('passes DATA payloads on as data', () => {
    const data = events.flatMap((e) => (e.kind === 'frame' && e.data ? [e.data] : []));
    expect(data).toEqual([MESSAGE, MESSAGE]);
  });

  it('gives the same events whatever the split points of each direction', () => {
    const strip = (evs: H2Event[]) => frames(evs).map(({ time: _t, packet: _p, ...rest }) => rest);
    const want = strip(events);
    for (let cut = 1; cut < call.client.length; cut += 3) {
      const d = new H2ConnectionDecoder({ connection: 'c1' });
      const got = [
        ...d.push('client', call.client.subarray(0, cut), 1, 1),
        ...d.push('client', call.client.subarray(cut), 2, 2),
        ...d.push('server', call.server.subarray(0, cut % call.server.length), 3, 3),
        ...d.push('server', call.server.subarray(cut % call.server.length), 4, 4),
        ...d.finish(),
      ];
      expect(codes(got), `cut ${cut}`).toEqual([]);
      expect(strip(got), `cut ${cut}`).toEqual(want);
    }
  });
});

describe('H2ConnectionDecoder: header blocks across CONTINUATION frames', () => {
  it('joins HEADERS + CONTINUATIONs and decodes the block once, on the frame with END_HEADERS', () => {
    const block = encoder()(REQUEST);
    const bytes = Buffer.concat([
      frame(0x1, 0x1, 3, block.subarray(0, 10)), // END_STREAM, no END_HEADERS
      frame(0x9, 0x0, 3, block.subarray(10, 11)),
      frame(0x9, 0x4, 3, block.subarray(11)),
    ]);
    const events = new H2ConnectionDecoder({ connection: 'c2' }).push('client', bytes, 1, 0);
    const recs = frames(events);
    expect(codes(events)).toEqual([]);
    expect(recs.map((f) => [f.type, f.headers?.length ?? null, f.headerBlockLength ?? null])).toEqual([
      ['HEADERS', null, null],
      ['CONTINUATION', null, null],
      ['CONTINUATION', REQUEST.length, block.length],
    ]);
    expect(recs[2]!.headers).toEqual(REQUEST);
  });

  it('flags a frame interleaved in an open block, drops the block and loses the HPACK state', () => {
    const enc = encoder();
    const first = enc(REQUEST);
    const second = enc(REQUEST); // all indexed: needs the entries the first block added
    const bytes = Buffer.concat([
      frame(0x1, 0x0, 1, first.subarray(0, 5)),
      frame(0x0, 0x1, 1, MESSAGE),
      frame(0x1, 0x4, 3, second),
    ]);
    const events = new H2ConnectionDecoder({ connection: 'c3' }).push('client', bytes, 7, 1);
    expect(codes(events)).toEqual(['h2.continuation-expected', 'h2.hpack-lost']);
    const [expected] = diags(events);
    expect(expected).toMatchObject({
      severity: 'error',
      connection: 'c3',
      stream: 1,
      time: 7,
      evidence: { frameIndex: 1, type: 'DATA', stream: 1, blockStream: 1, from: 'client' },
    });
    const third = frames(events)[2]!;
    expect(third.headers).toEqual([
      [':method', 'POST'],
      [':scheme', 'http'],
      ...Array(5).fill(['<unknown>', '']),
    ]);
    const fields = events.find((e) => e.kind === 'frame' && e.frame.index === 2);
    expect(fields?.kind === 'frame' && fields.fields?.map((f) => f.name)).toEqual([':method', ':scheme']);
    expect(third.headersError).toMatch(
      /^the header block on stream 1 was never finished; dynamic table entries unknown: 5 fields not decoded/,
    );
  });

  it('flags a CONTINUATION with no open block', () => {
    const events = new H2ConnectionDecoder({ connection: 'c' }).push(
      'server',
      frame(0x9, 0x4, 1, [0x88]),
      0,
      0,
    );
    expect(codes(events)).toEqual(['h2.continuation-unexpected']);
    expect(frames(events)[0]!.headers).toBeUndefined();
  });
});

describe('H2ConnectionDecoder: SETTINGS take effect when acknowledged', () => {
  it('SETTINGS_MAX_FRAME_SIZE from the client bounds the frames the server sends', () => {
    const big = frame(0x0, 0x0, 1, Buffer.alloc(20_000));
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const before = dec.push('server', big, 1, 1);
    expect(codes(before)).toEqual(['h2.frame.too-large']);
    expect(diags(before)[0]!.evidence).toMatchObject({
      length: 20_000,
      limit: 16_384,
      type: 'DATA',
      stream: 1,
    });
    dec.push('client', frame(0x4, 0x0, 0, setting(0x5, 32_768)), 2, 2);
    expect(codes(dec.push('server', big, 3, 3))).toEqual(['h2.frame.too-large']); // not acknowledged yet
    dec.push('server', frame(0x4, 0x1, 0), 4, 4);
    expect(codes(dec.push('server', big, 5, 5))).toEqual([]);
    expect(codes(dec.push('client', big, 6, 6))).toEqual(['h2.frame.too-large']); // the server never raised it
  });

  it('SETTINGS_HEADER_TABLE_SIZE from the client bounds the server encoder: missing and excessive updates', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.push('server', frame(0x1, 0x4, 1, [0x88, 0x40, 0x01, 0x61, 0x01, 0x62]), 1, 1); // :status 200, a: b indexed
    dec.push('client', frame(0x4, 0x0, 0, setting(0x1, 0)), 2, 2);
    dec.push('server', frame(0x4, 0x1, 0), 3, 3);
    // RFC 7541 §4.2: the next block must start with a size update to 0 or below; this one does not.
    const missing = dec.push('server', frame(0x1, 0x4, 3, [0x88, 0xbe]), 4, 4);
    expect(codes(missing)).toEqual(['h2.hpack.size-update-missing']);
    expect(frames(missing)[0]!.headers).toEqual([
      [':status', '200'],
      ['a', 'b'],
    ]);
    // 3f e1 1f: size update to 4096, above the acknowledged 0.
    const above = dec.push('server', frame(0x1, 0x4, 5, [0x3f, 0xe1, 0x1f, 0x88]), 5, 5);
    expect(codes(above)).toEqual(['h2.hpack.size-update-above-setting']);
    expect(diags(above)[0]!.evidence).toMatchObject({ size: 4096, setting: 0, stream: 5 });
  });
});

describe('H2ConnectionDecoder: gaps', () => {
  const enc = encoder();
  const headers1 = frame(0x1, 0x4, 1, enc(RESPONSE));
  const data = frame(0x0, 0x0, 1, Buffer.alloc(4000, 0x41));
  const headers2 = frame(0x1, 0x5, 1, enc(TRAILERS));
  const headers3 = frame(0x1, 0x4, 3, enc(RESPONSE)); // fully indexed from the dynamic table
  const stream = Buffer.concat([headers1, data, headers2, headers3]);

  it('skips exactly to the next frame when the hole ends inside a DATA frame, keeping HPACK', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const cutA = headers1.length + 1000;
    const cutB = headers1.length + 3000;
    const a = dec.push('server', stream.subarray(0, cutA), 1, 1);
    const g = dec.gap('server', cutB - cutA, 2);
    const b = dec.push('server', stream.subarray(cutB), 3, 3);
    expect(frames(a).map((f) => f.type)).toEqual(['HEADERS']);
    expect(codes(g)).toEqual(['h2.gap', 'h2.gap-resync']);
    expect(diags(g)[0]!.message).toBe(
      `Lost 2000 bytes of the server stream at offset ${cutA} inside a DATA frame; frames in the lost region are not shown`,
    );
    expect(diags(g)[1]!.evidence).toMatchObject({ offset: headers1.length + data.length, skipped: 1009 });
    expect(frames(b).map((f) => [f.index, f.type, f.headers])).toEqual([
      [1, 'HEADERS', TRAILERS],
      [2, 'HEADERS', RESPONSE],
    ]);
    expect(codes(b)).toEqual([]);
  });

  it('searches for the next frame when the hole spans frame boundaries, and loses HPACK', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.push('server', stream.subarray(0, headers1.length + 100), 1, 1);
    const lostTo = headers1.length + data.length - 50; // resumes 50 bytes before the end of the DATA frame
    const g = dec.gap('server', lostTo - headers1.length - 100, 2);
    expect(codes(g)).toEqual(['h2.gap', 'h2.gap-resync']); // still inside the DATA frame: exact
    const dec2 = new H2ConnectionDecoder({ connection: 'c' });
    dec2.push('server', stream.subarray(0, 10), 1, 1); // 1 byte into the HEADERS payload
    const g2 = dec2.gap('server', headers1.length + data.length - 10 - 50, 2);
    expect(codes(g2)).toEqual(['h2.gap', 'h2.hpack-lost']);
    // Two whole frames follow the hole and end with the chunk: a boundary, found at once.
    const b = dec2.push('server', stream.subarray(headers1.length + data.length - 50), 3, 3);
    expect(codes(b)).toEqual(['h2.gap-resync']);
    expect(diags(b)[0]!.evidence).toMatchObject({ skipped: 50, offset: headers1.length + data.length });
    const recs = frames(b);
    expect(recs.map((f) => [f.type, f.time, f.packet])).toEqual([
      ['HEADERS', 3, 3],
      ['HEADERS', 3, 3],
    ]);
    expect(recs[0]!.headers).toEqual(TRAILERS); // literals: decodable without the table
    expect(recs[0]!.headersError).toBeUndefined();
    // :status 200 is static; the other two were dynamic entries added before the hole.
    expect(recs[1]!.headers).toEqual([
      [':status', '200'],
      ['<unknown>', ''],
      ['<unknown>', ''],
    ]);
    expect(recs[1]!.headersError).toMatch(
      /^\d+ bytes were lost at offset 10; dynamic table entries unknown: 2 fields/,
    );
  });

  it('joins a direction mid-connection: finds the first frame, decodes what HPACK allows', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.startMidStream('server');
    const from = headers1.length + 3000;
    const events = [...dec.push('server', stream.subarray(from), 9, 9), ...dec.finish()];
    // Entries from before the capture are expected, not a loss: no h2.hpack-lost, but one summary per
    // direction at the end of what they hid (2 fields in 1 block, 2 distinct entries).
    expect(codes(events)).toEqual(['h2.mid-stream-sync', 'h2.hpack.unknown-entries']);
    expect(diags(events)[0]!.evidence).toMatchObject({ skipped: 1009, frames: 2, from: 'server' });
    expect(diags(events)[1]!.evidence).toMatchObject({
      from: 'server',
      references: 2,
      blocks: 1,
      entries: 2,
      untilFrame: null,
      maxSizeAssumed: true,
    });
    const recs = frames(events);
    expect(recs.map((f) => f.type)).toEqual(['HEADERS', 'HEADERS']);
    expect(recs[0]!.headers).toEqual(TRAILERS);
    expect(recs[1]!.headers).toEqual([
      [':status', '200'],
      ['<unknown>', ''],
      ['<unknown>', ''],
    ]);
    expect(recs[1]!.headersError).toMatch(
      /^the capture starts mid-connection; dynamic table entries unknown: 2 fields/,
    );
  });
});

describe('H2ConnectionDecoder: end of capture and limits', () => {
  it('reports a partial frame and an unfinished header block at finish', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.push('client', frame(0x1, 0x0, 1, [0x82]), 1, 1);
    dec.push('server', frame(0x0, 0x0, 1, Buffer.alloc(100)).subarray(0, 50), 2, 2);
    const end = dec.finish();
    expect(codes(end)).toEqual(['h2.header-block-incomplete', 'h2.frame.incomplete-at-end']);
    expect(diags(end)[1]!.message).toBe(
      'The server byte stream ends 50 bytes into a 109-byte DATA frame on stream 1',
    );
    expect(diags(end)[0]!.evidence).toMatchObject({ stream: 1, bytes: 1, from: 'client' });
  });

  it('keeps a header list up to the size limit, counts the fields beyond it, and keeps decoding', () => {
    const many: Array<[string, string]> = Array.from({ length: 5 }, (_, i) => [`x-${i}`, 'v'.repeat(20)]);
    const dec = new H2ConnectionDecoder({ connection: 'c', maxHeaderFields: 4, maxHeaderListSize: 200 });
    const events = dec.push('client', frame(0x1, 0x4, 1, encoder()(many)), 1, 1);
    expect(codes(events)).toEqual(['h2.headers.too-large', 'h2.headers.too-many']);
    expect(diags(events)[0]!.evidence).toMatchObject({ size: 5 * (3 + 20 + 32), limit: 200, omitted: 2 });
    // 3 fields of 55 fit in 200; the 4th would not: it and the 5th are counted, not kept.
    expect(frames(events)[0]!.headers).toEqual(many.slice(0, 3));
    expect(frames(events)[0]!.headersOmitted).toEqual({ fields: 2, size: 110 });
  });

  it('turns malformed frames into diagnostics with the frame in evidence', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c9' });
    const events = dec.push(
      'client',
      Buffer.concat([frame(0x6, 0, 0, [1]), frame(0xfa, 0, 0, [0xde, 0xad])]),
      4,
      2,
    );
    expect(codes(events)).toEqual(['h2.frame.bad-length']);
    expect(diags(events)[0]).toMatchObject({
      connection: 'c9',
      stream: 0,
      time: 4,
      evidence: { frameIndex: 0, type: 'PING', stream: 0, length: 1 },
    });
    expect(frames(events).map((f) => [f.type, f.raw])).toEqual([
      ['PING', '01'],
      ['UNKNOWN_0xfa', 'dead'],
    ]);
  });
});

describe('H2ConnectionDecoder: more gap shapes', () => {
  const enc = encoder();
  const data = frame(0x0, 0x0, 1, Buffer.alloc(3000, 0x42));
  const ping = frame(0x6, 0x0, 0, Buffer.alloc(8, 7));
  const trailers = frame(0x1, 0x5, 1, enc(TRAILERS));

  it('a second hole inside the bytes already being skipped changes nothing else', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.push('server', data.subarray(0, 100), 1, 1);
    expect(codes(dec.gap('server', 500, 2))).toEqual(['h2.gap', 'h2.gap-resync']);
    dec.push('server', data.subarray(600, 700), 3, 3);
    expect(codes(dec.gap('server', 1000, 4))).toEqual(['h2.gap']);
    const rest = dec.push('server', Buffer.concat([data.subarray(1700), ping, trailers]), 5, 5);
    expect(codes(rest)).toEqual([]);
    expect(frames(rest).map((f) => [f.type, f.headers ?? null])).toEqual([
      ['PING', null],
      ['HEADERS', TRAILERS],
    ]);
  });

  it('a hole of unknown size starts a search; a hole during the search restarts it after the hole', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.push('client', ping, 1, 1);
    const g = dec.gap('client', -1, 2);
    expect(codes(g)).toEqual(['h2.gap', 'h2.hpack-lost']);
    expect(diags(g)[0]!.message).toMatch(/^Lost an unknown number of bytes of the client stream/);
    // Garbage, then a PING cut short: the candidate at 5 waits for the rest of its frame.
    expect(dec.push('client', Buffer.concat([Buffer.alloc(5, 0xee), ping.subarray(0, 12)]), 3, 3)).toEqual(
      [],
    );
    expect(codes(dec.gap('client', 10, 4))).toEqual(['h2.gap']);
    const after = dec.push('client', Buffer.concat([Buffer.alloc(3, 0xee), ping, ping, ping]), 5, 5);
    expect(codes(after)).toEqual(['h2.gap-resync']);
    expect(diags(after)[0]!.evidence).toMatchObject({ skipped: 3 });
    expect(frames(after).map((f) => f.index)).toEqual([1, 2, 3]);
  });

  it('reports bytes in which no frame boundary was ever found', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.startMidStream('client');
    dec.push('client', Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n'), 1, 1);
    const end = dec.finish();
    expect(codes(end)).toEqual(['h2.sync-failed']);
    expect(diags(end)[0]!.evidence).toMatchObject({ bytes: 33, from: 'client' });
  });
});
