import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCallMessage, type MessageDecodeContext } from '../../src/grpc/call-message.js';
import type { GrpcMessage } from '../../src/grpc/message-reader.js';

const ctx: MessageDecodeContext = {
  encoding: null,
  format: 'proto',
  schema: null,
  type: null,
  direction: 'request',
  method: '/p.S/M',
  where: { connection: 'c1', stream: 1 },
  maxDecodeBytes: 64,
  hexPreviewBytes: 4,
};

function msg(bytes: Buffer | null, compressed = false, length = bytes?.length ?? 0): GrpcMessage {
  return {
    length,
    compressed,
    flag: compressed ? 1 : 0,
    trailer: false,
    firstTime: 1,
    lastTime: 2,
    lastPacket: 7,
    bytes,
    overCap: bytes === null,
    diagnostics: [],
  };
}

describe('decodeCallMessage', () => {
  it('decodes schema-less protobuf (08 96 01 = field 1 varint 150)', () => {
    expect(decodeCallMessage(msg(Buffer.from('089601', 'hex')), ctx)).toEqual({
      record: {
        length: 3,
        compressed: false,
        firstTime: 1,
        time: 2,
        packet: 7,
        decoded: { kind: 'raw', fields: [{ field: 1, wire: 'varint', value: 150 }] },
      },
      diagnostics: [],
    });
  });

  it('inflates with the side encoding and records both sizes', () => {
    const gz = gzipSync(Buffer.from('089601', 'hex'));
    const r = decodeCallMessage(msg(gz, true), { ...ctx, encoding: 'gzip' });
    expect(r.record).toMatchObject({
      length: gz.length,
      compressed: true,
      decompressedLength: 3,
      decoded: { kind: 'raw' },
    });
  });

  it('skips messages over the reader cap (no bytes)', () => {
    expect(decodeCallMessage(msg(null, false, 1_000_000), ctx).record.decoded).toEqual({
      kind: 'skipped',
      reason: 'over the message cap',
    });
  });

  it('skips messages over the decode cap', () => {
    expect(decodeCallMessage(msg(Buffer.alloc(65)), ctx).record.decoded).toEqual({
      kind: 'skipped',
      reason: 'larger than the 64-byte decode cap',
    });
  });

  it('shows non-protobuf bytes as a capped hex preview with the reason', () => {
    expect(decodeCallMessage(msg(Buffer.from('0f01020304', 'hex')), ctx).record.decoded).toEqual({
      kind: 'bytes',
      hex: '0f010203',
      truncated: true,
      error: 'not protobuf: invalid wire type 7 at byte 0',
    });
  });

  it('locates diagnostics at the message start', () => {
    const r = decodeCallMessage(msg(Buffer.from('00', 'hex'), true), { ...ctx, encoding: 'zstd' });
    expect(r.diagnostics.map((d) => [d.code, d.connection, d.stream, d.time])).toEqual([
      ['grpc.unknown-encoding', 'c1', 1, 1],
    ]);
    expect(r.record.decoded).toEqual({ kind: 'skipped', reason: 'compressed (zstd), not inflated' });
  });
});
