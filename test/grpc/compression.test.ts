import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressMessage, normalizeEncoding } from '../../src/grpc/compression.js';

// gzip (RFC 1952) of "hello world hello world", as written by Node 20's zlib.gzipSync.
const GZ_HELLO = Buffer.from('1f8b0800000000000003cb48cdc9c95728cf2fca4951c840b0013bcee2ea17000000', 'hex');
// zlib (RFC 1950) of "abc": CMF 78, FLG 9c, deflate data, Adler-32 024d0127.
const ZLIB_ABC = Buffer.from('789c4b4c4a0600024d0127', 'hex');

describe('decompressMessage', () => {
  it('passes uncompressed messages through untouched, whatever the encoding', () => {
    const b = Buffer.from('0801', 'hex');
    expect(decompressMessage(b, false, 'gzip')).toEqual({ bytes: b, decompressed: false, diagnostic: null });
  });

  it('inflates gzip', () => {
    const r = decompressMessage(GZ_HELLO, true, 'gzip');
    expect(r.bytes.toString()).toBe('hello world hello world');
    expect(r.decompressed).toBe(true);
    expect(r.diagnostic).toBeNull();
  });

  it('accepts the encoding name in any case', () => {
    expect(decompressMessage(GZ_HELLO, true, ' GZIP ').bytes.toString()).toBe('hello world hello world');
    expect(normalizeEncoding(null)).toBe('identity');
    expect(normalizeEncoding('')).toBe('identity');
  });

  it('inflates deflate in zlib format and in raw deflate format', () => {
    expect(decompressMessage(ZLIB_ABC, true, 'deflate').bytes.toString()).toBe('abc');
    const raw = deflateRawSync(Buffer.from('raw deflate'));
    expect(decompressMessage(raw, true, 'deflate').bytes.toString()).toBe('raw deflate');
  });

  it('reports a truncated gzip stream as truncated and keeps the bytes', () => {
    const cut = GZ_HELLO.subarray(0, 20);
    const r = decompressMessage(cut, true, 'gzip', { where: { connection: 'c2', stream: 5 } });
    expect(r.bytes).toBe(cut);
    expect(r.decompressed).toBe(false);
    expect(r.diagnostic?.code).toBe('grpc.decompress-failed');
    expect(r.diagnostic?.evidence).toEqual({
      encoding: 'gzip',
      length: 20,
      reason: 'compressed data ends early',
      truncated: true,
    });
    expect(r.diagnostic?.stream).toBe(5);
  });

  it('reports malformed gzip as not truncated', () => {
    const r = decompressMessage(Buffer.from('not gzip at all'), true, 'gzip');
    expect(r.diagnostic?.code).toBe('grpc.decompress-failed');
    expect(r.diagnostic?.evidence?.['truncated']).toBe(false);
    expect(r.diagnostic?.evidence?.['reason']).toBe('incorrect header check');
  });

  it('stops at maxOutputLength and keeps the compressed bytes', () => {
    const bomb = gzipSync(Buffer.alloc(100_000));
    const r = decompressMessage(bomb, true, 'gzip', { maxOutputLength: 1000 });
    expect(r.bytes).toBe(bomb);
    expect(r.diagnostic?.code).toBe('grpc.decompressed-too-large');
    expect(r.diagnostic?.evidence).toEqual({ encoding: 'gzip', max: 1000 });
  });

  it.each(['snappy', 'zstd', 'br', 'x-custom'])('names the unknown encoding %s', (enc) => {
    const b = Buffer.from('ff00', 'hex');
    const r = decompressMessage(b, true, enc);
    expect(r).toEqual({ bytes: b, decompressed: false, diagnostic: expect.any(Object) });
    expect(r.diagnostic?.code).toBe('grpc.unknown-encoding');
    expect(r.diagnostic?.message).toContain(`'${enc}'`);
  });

  it('flags Compressed-Flag 1 without grpc-encoding and still inflates sniffed gzip / zlib', () => {
    // PROTOCOL-HTTP2.md: "If the Message-Encoding header is omitted then the Compressed-Flag must be 0."
    const gz = decompressMessage(GZ_HELLO, true, null);
    expect(gz.bytes.toString()).toBe('hello world hello world');
    expect(gz.diagnostic?.code).toBe('grpc.compressed-without-encoding');
    expect(gz.diagnostic?.evidence).toEqual({ encoding: 'absent' });
    const z = decompressMessage(deflateSync(Buffer.from('q')), true, 'identity');
    expect(z.bytes.toString()).toBe('q');
    expect(z.diagnostic?.evidence).toEqual({ encoding: 'identity' });
  });

  it('keeps the bytes when Compressed-Flag 1 comes with identity and the bytes are not compressed', () => {
    const b = Buffer.from('0801', 'hex');
    const r = decompressMessage(b, true, null);
    expect(r.bytes).toBe(b);
    expect(r.decompressed).toBe(false);
    expect(r.diagnostic?.code).toBe('grpc.compressed-without-encoding');
  });

  it('does not throw on a 0x78 first byte that is not zlib', () => {
    const b = Buffer.from('78ffff', 'hex');
    expect(decompressMessage(b, true, null).bytes).toBe(b);
  });
});
