import { describe, expect, it } from 'vitest';
import { appendMetadata, decodeBinaryHeader, headerValue, splitHeaders } from '../../src/grpc/metadata.js';
import type { HeaderField } from '../../src/h2/types.js';

function f(name: string, value: string | Buffer): HeaderField {
  const raw = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  return { name, value: raw.toString('latin1'), raw };
}

describe('decodeBinaryHeader', () => {
  // gRFC G1 example: 'foo-bin: 0x01' is "AQ" in base64, "00 01" in true binary.
  it('decodes unpadded and padded base64', () => {
    expect(decodeBinaryHeader(Buffer.from('AQ'))).toEqual({ encoding: 'base64', values: [Buffer.from([1])] });
    expect(decodeBinaryHeader(Buffer.from('AQ=='))).toEqual({
      encoding: 'base64',
      values: [Buffer.from([1])],
    });
    expect(decodeBinaryHeader(Buffer.from(''))).toEqual({ encoding: 'base64', values: [Buffer.alloc(0)] });
  });

  it('splits on "," before decoding (joined duplicate headers)', () => {
    expect(decodeBinaryHeader(Buffer.from('AQ,AgM='))).toEqual({
      encoding: 'base64',
      values: [Buffer.from([1]), Buffer.from([2, 3])],
    });
  });

  it('recognises NUL-prefixed true binary and keeps commas in it', () => {
    expect(decodeBinaryHeader(Buffer.from([0x00, 0x01]))).toEqual({
      encoding: 'true-binary',
      values: [Buffer.from([1])],
    });
    expect(decodeBinaryHeader(Buffer.from([0x00, 0x2c, 0xff]))).toEqual({
      encoding: 'true-binary',
      values: [Buffer.from([0x2c, 0xff])],
    });
  });

  it('keeps raw bytes that are neither', () => {
    const raw = Buffer.from([0xff, 0x0a, 0x41]);
    expect(decodeBinaryHeader(raw)).toEqual({ encoding: 'raw', values: [raw] });
    // 5 base64 characters cannot come from any byte string
    expect(decodeBinaryHeader(Buffer.from('AAAAA')).encoding).toBe('raw');
  });
});

describe('splitHeaders', () => {
  it('splits the request of the PROTOCOL-HTTP2.md example', () => {
    const fields = [
      f(':method', 'POST'),
      f(':scheme', 'http'),
      f(':path', '/google.pubsub.v2.PublisherService/CreateTopic'),
      f(':authority', 'pubsub.googleapis.com'),
      f('grpc-timeout', '1S'),
      f('content-type', 'application/grpc+proto'),
      f('grpc-encoding', 'gzip'),
      f('authorization', 'Bearer y235.wef315yfh138vh31hv93hv8h3v'),
      f('te', 'trailers'),
      f('trace-proto-bin', 'AQID'),
      f('user-agent', 'grpc-java/1.2.3'),
    ];
    const s = splitHeaders(fields);
    expect(s.pseudo.map(([n]) => n)).toEqual([':method', ':scheme', ':path', ':authority']);
    expect(s.reserved).toEqual([
      ['grpc-timeout', '1S'],
      ['content-type', 'application/grpc+proto'],
      ['grpc-encoding', 'gzip'],
      ['te', 'trailers'],
      ['user-agent', 'grpc-java/1.2.3'],
    ]);
    expect(s.metadata).toEqual([
      { name: 'authorization', value: 'Bearer y235.wef315yfh138vh31hv93hv8h3v', binary: false },
      { name: 'trace-proto-bin', value: '010203', binary: true, encoding: 'base64' },
    ]);
    expect(s.diagnostics).toEqual([]);
    expect(headerValue(fields, 'grpc-timeout')).toBe('1S');
    expect(headerValue(fields, 'absent')).toBeUndefined();
  });

  it('emits one entry per comma-separated binary value and a diagnostic for undecodable ones', () => {
    const s = splitHeaders([f('x-bin', 'AQ,Ag'), f('y-bin', Buffer.from([0xfe, 0x01]))], {
      connection: 'c1',
      stream: 1,
    });
    expect(s.metadata).toEqual([
      { name: 'x-bin', value: '01', binary: true, encoding: 'base64' },
      { name: 'x-bin', value: '02', binary: true, encoding: 'base64' },
      { name: 'y-bin', value: 'fe01', binary: true, encoding: 'raw' },
    ]);
    expect(s.diagnostics.map((d) => [d.code, d.evidence, d.stream])).toEqual([
      ['grpc.bad-binary-metadata', { name: 'y-bin' }, 1],
    ]);
  });

  it('treats unknown grpc- names as reserved, not metadata', () => {
    const s = splitHeaders([f('grpc-future-thing', 'x'), f('grpc-status-details-bin', 'CAE')]);
    expect(s.reserved).toEqual([
      ['grpc-future-thing', 'x'],
      ['grpc-status-details-bin', 'CAE'],
    ]);
    expect(s.metadata).toEqual([]);
  });
});

describe('appendMetadata', () => {
  it("appends splitHeaders' metadata and diagnostics to what is already there", () => {
    const block = [
      f(':status', '200'),
      f('content-type', 'application/grpc'),
      f('x-id', '7'),
      f('y-bin', Buffer.from([0xfe])),
    ];
    const where = { connection: 'c1', stream: 3 };
    const metadata = [{ name: 'first', value: '1', binary: false }];
    const diagnostics = splitHeaders([f('z-bin', Buffer.from([0xff]))], where).diagnostics;
    appendMetadata(block, metadata, diagnostics, where);
    const split = splitHeaders(block, where);
    expect(metadata).toEqual([{ name: 'first', value: '1', binary: false }, ...split.metadata]);
    expect(metadata.slice(1)).toEqual([
      { name: 'x-id', value: '7', binary: false },
      { name: 'y-bin', value: 'fe', binary: true, encoding: 'raw' },
    ]);
    expect(diagnostics.map((d) => [d.code, d.evidence])).toEqual([
      ['grpc.bad-binary-metadata', { name: 'z-bin' }],
      ['grpc.bad-binary-metadata', { name: 'y-bin' }],
    ]);
  });
});
