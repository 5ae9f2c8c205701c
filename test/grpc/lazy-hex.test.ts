/**
 * Long schema-less bytes fields keep their bytes and make hex only when read (src/grpc/raw-bytes.ts); the
 * ndjson writer puts their hex from the bytes into its output (src/output/json-value.ts). The output must
 * be the very text JSON.stringify gives: checked on every call record of every sample, and on
 * grpc-js-large, whose 1.2 MB message is one such field.
 */
import { readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputStream } from '../../src/cli/output-stream.js';
import { decodeRaw } from '../../src/grpc/protobuf-raw.js';
import { holdsLazyHex, LAZY_HEX_MIN_BYTES, LazyHexBytes } from '../../src/grpc/raw-bytes.js';
import { callHoldsLazyHex, hexInto, writeJson, type JsonOut } from '../../src/output/json-value.js';
import { ndjsonSink } from '../../src/output/ndjson.js';
import type { CallRecord } from '../../src/records/call.js';
import { decodeFile } from '../helpers/decode.js';

const CAPTURES = readdirSync('samples').filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f));

/** writeJson into a string, hex through hexInto (as OutputStream does it). */
function written(value: unknown): string {
  const parts: string[] = [];
  const out: JsonOut = {
    text: (s) => parts.push(s),
    hex: (bytes) => {
      const b = Buffer.alloc(bytes.length * 2);
      hexInto(bytes, b, 0);
      parts.push(b.toString('latin1'));
    },
  };
  writeJson(value, out);
  return parts.join('');
}

/** A message with a string field 1 and a bytes field 2 of `n` bytes (0x80 first: not text, not varints). */
function message(n: number): Buffer {
  const payload = Buffer.alloc(n, 0x80);
  payload[0] = 0x00;
  payload[n - 1] = 0xff;
  const len = [(n & 0x7f) | 0x80, n >> 7]; // n < 16384
  return Buffer.concat([Buffer.from([0x0a, 0x02, 0x68, 0x69, 0x12, ...len]), payload]);
}

describe('lazy hex bytes', () => {
  it('are plain bytes fields to every reader: JSON, equality, spread', () => {
    const bytes = message(LAZY_HEX_MIN_BYTES + 10);
    const r = decodeRaw(bytes);
    expect(r.ok).toBe(true);
    const value = r.fields[1]!.value as LazyHexBytes;
    expect(value).toBeInstanceOf(LazyHexBytes);
    const hex = bytes.subarray(bytes.length - LAZY_HEX_MIN_BYTES - 10).toString('hex');
    expect(value).toEqual({ kind: 'bytes', hex });
    expect(JSON.stringify(value)).toBe(JSON.stringify({ kind: 'bytes', hex }));
    expect({ ...value }).toEqual({ kind: 'bytes', hex });
    expect(holdsLazyHex(r.fields)).toBe(true);
    expect(holdsLazyHex(r.fields[1])).toBe(true);
    expect(holdsLazyHex(r.fields[0])).toBe(false);
  });

  it('short fields stay strings, with no marks', () => {
    const r = decodeRaw(message(LAZY_HEX_MIN_BYTES - 1));
    expect(r.fields[1]!.value).not.toBeInstanceOf(LazyHexBytes);
    expect(holdsLazyHex(r.fields)).toBe(false);
  });

  it('nested and grouped: the way down is marked and written the same as JSON.stringify', () => {
    const inner = message(300);
    // Field 3: `inner` as a nested message (LEN); then group 4 holding the same fields.
    const wrapped = Buffer.concat([
      Buffer.from([0x1a, (inner.length & 0x7f) | 0x80, inner.length >> 7]),
      inner,
      Buffer.from([0x23]), // SGROUP field 4
      inner,
      Buffer.from([0x24]), // EGROUP field 4
    ]);
    const r = decodeRaw(wrapped);
    expect(r.ok).toBe(true);
    expect(r.fields.map((f) => f.wire)).toEqual(['len', 'sgroup']);
    expect(holdsLazyHex(r.fields[0]!.value)).toBe(true);
    expect(holdsLazyHex(r.fields[1]!.value)).toBe(true);
    expect(written({ a: 1, fields: r.fields, b: [undefined, 'x'] })).toBe(
      JSON.stringify({ a: 1, fields: r.fields, b: [undefined, 'x'] }),
    );
  });

  it('packedVarints are kept when every byte reads as varints, and nothing is built when not', () => {
    const ok = Buffer.concat([Buffer.from([0x12, 0x80, 0x02]), Buffer.alloc(256, 0x01)]);
    const value = decodeRaw(ok).fields[0]!.value as LazyHexBytes;
    expect(value.packedVarints).toEqual(Array<number>(256).fill(1));
    expect(written(value)).toBe(JSON.stringify(value));
    const bad = decodeRaw(message(400)).fields[1]!.value as LazyHexBytes;
    expect('packedVarints' in bad).toBe(false);
  });
});

describe('writeJson is JSON.stringify', () => {
  it.each(CAPTURES)('%s: every call record', async (name) => {
    const doc = await decodeFile(`samples/${name}`);
    for (const c of doc.connections)
      for (const call of (c as { calls?: CallRecord[] }).calls ?? [])
        expect(written(call)).toBe(JSON.stringify(call));
  });

  it('grpc-js-large: the 1.2 MB message is lazy, and ndjson with and without writeHex is the same', async () => {
    const doc = await decodeFile('samples/grpc-js-large.pcap');
    const calls = doc.connections.flatMap((c) => (c as { calls?: CallRecord[] }).calls ?? []);
    expect(calls.some(callHoldsLazyHex)).toBe(true);
    const plain: string[] = [];
    const sink = ndjsonSink((s) => plain.push(s));
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const out = OutputStream.to(stream);
    const direct = ndjsonSink(out.write, out.writeHex);
    for (const call of calls) {
      sink.call!(call);
      direct.call!(call);
    }
    await out.flush();
    await out.end();
    const expected = calls.map((call) => JSON.stringify({ type: 'call', call }) + '\n').join('');
    expect(plain.join('')).toBe(expected);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
  });
});

describe('hexInto', () => {
  it('writes what toString("hex") gives, at even and odd positions, short and long', () => {
    for (const length of [0, 1, 15, 16, 17, 63, 64, 65, 66, 255, 1000, 1001])
      for (const at of [0, 1, 2, 3]) {
        // The bytes at offsets 0-3 of their ArrayBuffer too (the 32-bit path reads them as 16-bit words).
        const offset = (length + at) & 3;
        const bytes = Buffer.alloc(length + 4).subarray(offset, offset + length);
        for (let i = 0; i < length; i++) bytes[i] = (i * 37 + length) & 255;
        // A view at an odd byte offset of its ArrayBuffer, as pooled buffers may be.
        const dst = Buffer.alloc(2 * length + 9).subarray(1);
        dst.fill(0x2e);
        expect(hexInto(bytes, dst, at)).toBe(at + 2 * length);
        expect(dst.toString('latin1', 0, at + 2 * length + 1)).toBe(
          '.'.repeat(at) + bytes.toString('hex') + '.',
        );
      }
  });
});

describe('OutputStream.writeHex', () => {
  it('writes hex across buffer seals, and larger than a buffer on its own', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const out = OutputStream.to(stream);
    const pieces: Buffer[] = [];
    for (let i = 0; i < 40; i++)
      pieces.push(Buffer.from(Array.from({ length: 30_000 + i }, (_, j) => (i * j) & 255)));
    pieces.push(Buffer.alloc(700_000, 0xab)); // 1.4 MB of hex: more than a 1 MiB buffer
    let expected = '';
    for (const p of pieces) {
      out.write('"');
      out.writeHex(p);
      out.write('"\n');
      expected += `"${p.toString('hex')}"\n`;
    }
    await out.flush();
    await out.end();
    expect(Buffer.concat(chunks).toString('latin1')).toBe(expected);
  });
});
