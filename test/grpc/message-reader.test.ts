import { describe, expect, it } from 'vitest';
import { GrpcMessageReader } from '../../src/grpc/message-reader.js';

// Length-Prefixed-Message → Compressed-Flag Message-Length Message (PROTOCOL-HTTP2.md "Requests"):
// 1 flag byte, 4-byte big-endian length, then the message.
function lpm(flag: number, body: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}

describe('GrpcMessageReader', () => {
  it('reads one message in one chunk', () => {
    const r = new GrpcMessageReader();
    // 00 00000002 0801 = uncompressed, length 2, protobuf "field 1 varint 1"
    const out = r.push(Buffer.from('00000000020801', 'hex'), 10, 4);
    expect(out).toHaveLength(1);
    expect(out[0]).toEqual({
      length: 2,
      compressed: false,
      flag: 0,
      trailer: false,
      firstTime: 10,
      lastTime: 10,
      lastPacket: 4,
      bytes: Buffer.from('0801', 'hex'),
      overCap: false,
      diagnostics: [],
    });
    expect(r.finish()).toEqual({ pendingBytes: 0, declaredLength: null });
  });

  it('keepPlain false: uncompressed messages are counted, not kept; compressed ones are kept', () => {
    const r = new GrpcMessageReader({ keepPlain: false });
    const body = Buffer.alloc(3000, 7);
    const data = Buffer.concat([lpm(0, body), lpm(1, Buffer.from('zz'))]);
    // In pieces, so the first message spans chunks (it would be joined if kept).
    const out = [...r.push(data.subarray(0, 1000), 1), ...r.push(data.subarray(1000), 2)];
    expect(out.map((m) => [m.length, m.compressed, m.bytes?.toString() ?? null, m.overCap])).toEqual([
      [3000, false, null, false],
      [2, true, 'zz', false],
    ]);
    expect(out.flatMap((m) => m.diagnostics)).toEqual([]);
    expect(r.finish()).toEqual({ pendingBytes: 0, declaredLength: null });
  });

  it('reads many messages in one DATA frame', () => {
    const r = new GrpcMessageReader();
    const data = Buffer.concat([
      lpm(0, Buffer.from('a')),
      lpm(1, Buffer.from('bc')),
      lpm(0, Buffer.alloc(0)),
    ]);
    const out = r.push(data, 1);
    expect(out.map((m) => [m.length, m.compressed, m.bytes?.toString()])).toEqual([
      [1, false, 'a'],
      [2, true, 'bc'],
      [0, false, ''],
    ]);
  });

  it('joins a message split across frames, byte by byte, prefix included', () => {
    // "DATA frame boundaries have no relation to Length-Prefixed-Message boundaries" (HTTP2 Transport Mapping)
    const r = new GrpcMessageReader();
    const data = lpm(0, Buffer.from('hello'));
    const all = [];
    for (let i = 0; i < data.length; i++) all.push(...r.push(data.subarray(i, i + 1), 100 + i));
    expect(all).toHaveLength(1);
    expect(all[0]?.bytes?.toString()).toBe('hello');
    expect(all[0]?.firstTime).toBe(100);
    expect(all[0]?.lastTime).toBe(109);
  });

  it('completes a message and starts the next in the same chunk', () => {
    const r = new GrpcMessageReader();
    const data = Buffer.concat([lpm(0, Buffer.from('xyz')), lpm(0, Buffer.from('12345'))]);
    expect(r.push(data.subarray(0, 6), 1)).toEqual([]);
    // bytes 6..13: the end of "xyz", the 5-byte prefix of the next message and its first byte
    const second = r.push(data.subarray(6, 14), 2);
    expect(second.map((m) => m.bytes?.toString())).toEqual(['xyz']);
    expect(r.finish()).toEqual({ pendingBytes: 6, declaredLength: 5 });
    const third = r.push(data.subarray(14), 3, 30);
    // first byte (the prefix) at time 2, last byte at time 3 in packet 30
    expect(third.map((m) => [m.bytes?.toString(), m.firstTime, m.lastTime, m.lastPacket])).toEqual([
      ['12345', 2, 3, 30],
    ]);
  });

  it('reports a partial prefix as pending bytes', () => {
    const r = new GrpcMessageReader();
    r.push(Buffer.from('000000', 'hex'), 1);
    expect(r.finish()).toEqual({ pendingBytes: 3, declaredLength: null });
  });

  it('drops the bytes of a message over the cap but keeps its length, with a diagnostic', () => {
    const r = new GrpcMessageReader({ maxMessageBytes: 4, where: { connection: 'c1', stream: 3 } });
    const out = r.push(Buffer.concat([lpm(0, Buffer.from('123456')), lpm(0, Buffer.from('ok'))]), 7);
    expect(out[0]?.length).toBe(6);
    expect(out[0]?.bytes).toBeNull();
    expect(out[0]?.diagnostics.map((d) => [d.code, d.connection, d.stream, d.time, d.evidence])).toEqual([
      ['grpc.message-too-large', 'c1', 3, 7, { length: 6, max: 4 }],
    ]);
    expect(out[1]?.bytes?.toString()).toBe('ok');
    expect(out[1]?.diagnostics).toEqual([]);
  });

  it('flags a Compressed-Flag byte other than 0/1 and keeps framing', () => {
    const r = new GrpcMessageReader();
    const out = r.push(lpm(0x02, Buffer.from('zz')), 1);
    expect(out[0]?.flag).toBe(2);
    expect(out[0]?.compressed).toBe(false);
    expect(out[0]?.diagnostics.map((d) => [d.code, d.evidence])).toEqual([
      ['grpc.bad-compressed-flag', { flag: '0x02' }],
    ]);
  });

  it('treats 0x80 as a gRPC-Web trailer frame only in web mode', () => {
    // PROTOCOL-WEB.md: the MSB of the flag byte set means the frame carries trailers.
    const trailers = Buffer.from('grpc-status:0\r\n');
    const web = new GrpcMessageReader({ web: true }).push(lpm(0x80, trailers), 1);
    expect(web[0]?.trailer).toBe(true);
    expect(web[0]?.diagnostics).toEqual([]);
    const plain = new GrpcMessageReader().push(lpm(0x80, trailers), 1);
    expect(plain[0]?.trailer).toBe(false);
    expect(plain[0]?.diagnostics.map((d) => d.code)).toEqual(['grpc.bad-compressed-flag']);
  });

  it('returns nothing for an empty chunk', () => {
    expect(new GrpcMessageReader().push(Buffer.alloc(0), 1)).toEqual([]);
  });

  it('copies bytes so later reuse of the input does not change a message', () => {
    const r = new GrpcMessageReader();
    const data = lpm(0, Buffer.from('abc'));
    const out = r.push(data, 1);
    data.fill(0);
    expect(out[0]?.bytes?.toString()).toBe('abc');
  });
});
