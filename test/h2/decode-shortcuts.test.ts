/**
 * The allocation shortcuts of the HTTP/2 layer (docs/performance.md) give the same values as the plain
 * code they replace: latin1 strings built in one call, raw value bytes made on demand, shared flag lists
 * and problem lists, one field per HPACK table entry and one record pair per field.
 */
import hpack from 'hpack.js';
import { describe, expect, it } from 'vitest';
import { flagNames } from '../../src/h2/constants.js';
import { fieldFromLatin1, fieldPair, rawLength } from '../../src/h2/header-field.js';
import { HpackDecoder } from '../../src/h2/hpack-decoder.js';
import { decodeFrame } from '../../src/h2/frames.js';
import { FrameReader } from '../../src/h2/frame-reader.js';
import { encoder, frame } from './frame-bytes.js';
import { decodeFile } from '../helpers/decode.js';

describe('hpack.js string building (hpack-decoder.ts patch)', () => {
  it('gives the octet-by-octet string for Buffers, short octet lists and lists above the apply limit', () => {
    const octets = Array.from({ length: 20_000 }, (_, i) => (i * 37) % 256);
    const expected = octets.map((o) => String.fromCharCode(o)).join('');
    expect(hpack.utils.stringify(octets)).toBe(expected);
    expect(hpack.utils.stringify(octets.slice(0, 100))).toBe(expected.slice(0, 100));
    expect(hpack.utils.stringify(Buffer.from(octets))).toBe(expected);
    expect(hpack.utils.stringify([])).toBe('');
  });

  it('decodes a Huffman-coded value longer than the apply limit exactly', () => {
    const value = 'x'.repeat(9000) + 'yz'.repeat(700);
    const block = encoder()([['grpc-message', value]]);
    const r = new HpackDecoder().decode(block);
    expect(r.ok).toBe(true);
    expect(r.fields.map((f) => [f.name, f.value, f.raw.length])).toEqual([
      ['grpc-message', value, value.length],
    ]);
  });
});

describe('fieldFromLatin1: raw bytes on demand', () => {
  it('makes the exact value octets when asked, once, and knows their count without making them', () => {
    // "€" is e2 82 ac in UTF-8: hpack.js hands it over as three latin1 chars.
    const euro = fieldFromLatin1('x-price', '\u00e2\u0082\u00ac');
    const bin = fieldFromLatin1('x-trace-bin', '\u0000\u00ff\n\r');
    expect(euro.value).toBe('€');
    expect(rawLength(euro)).toBe(3);
    expect(euro.raw).toEqual(Buffer.from('e282ac', 'hex'));
    expect(euro.raw).toBe(euro.raw);
    expect(bin.value).toBe('\u0000\u00ff\n\r');
    expect(rawLength(bin)).toBe(4);
    expect(bin.raw).toEqual(Buffer.from('00ff0a0d', 'hex'));
  });

  it('counts the octets of fields that already have their bytes', () => {
    expect(rawLength({ name: 'a', value: 'é', raw: Buffer.from('c3a9', 'hex') })).toBe(2);
  });
});

describe('shared per-frame lists', () => {
  it('hands out one flag list per (type, flags byte), with the names of that byte', () => {
    expect(flagNames(0x1, 0x25)).toEqual(['END_STREAM', 'END_HEADERS', 'PRIORITY']);
    expect(flagNames(0x1, 0x25)).toBe(flagNames(0x1, 0x25));
    expect(flagNames(0x1, 0x24)).toEqual(['END_HEADERS', 'PRIORITY']);
    expect(flagNames(0x0, 0x25)).toEqual(['END_STREAM']);
  });

  it('gives each malformed frame its own problems and well-formed ones none', () => {
    const [bad1, good, bad2] = new FrameReader().push(
      Buffer.concat([frame(0x8, 0, 0, [0, 0, 0]), frame(0x8, 0, 0, [0, 0, 0, 1]), frame(0x3, 0, 0, [])]),
      1,
      0,
    );
    const a = decodeFrame(bad1!);
    const b = decodeFrame(good!);
    const c = decodeFrame(bad2!);
    expect(a.problems.map((p) => p.code)).toEqual(['h2.frame.bad-length']);
    expect(b.problems).toEqual([]);
    expect(c.problems.map((p) => p.code)).toEqual(['h2.frame.bad-stream', 'h2.frame.bad-length']);
    expect(a.problems).not.toBe(c.problems);
  });

  it('decodes plain DATA and HEADERS (the fast path) with the fields and order of the general path', () => {
    const bytes = [0x61, 0x62, 0x63];
    const [data, headers, dataOnZero] = new FrameReader().push(
      Buffer.concat([frame(0x0, 0x1, 1, bytes), frame(0x1, 0x4, 1, bytes), frame(0x0, 0x1, 0, bytes)]),
      1,
      0,
    );
    const plain = decodeFrame(data!);
    const abc = Buffer.from(bytes);
    const fields = { typeName: 'DATA', flags: ['END_STREAM'], problems: [] };
    expect(plain).toEqual({ kind: 'DATA', padLength: undefined, data: abc, raw: data, ...fields });
    // Stream 0 takes the general path (a bad-stream problem): the same fields in the same order.
    expect(Object.keys(plain)).toEqual(Object.keys(decodeFrame(dataOnZero!)));
    expect(Object.keys(plain)).toEqual(['kind', 'padLength', 'data', 'raw', 'typeName', 'flags', 'problems']);
    const block = decodeFrame(headers!);
    expect(Object.keys(block)).toEqual([
      'kind',
      'padLength',
      'fragment',
      'raw',
      'typeName',
      'flags',
      'problems',
    ]);
    expect(block).toMatchObject({
      kind: 'HEADERS',
      typeName: 'HEADERS',
      flags: ['END_HEADERS'],
      problems: [],
    });
  });
});

describe('one field per HPACK table entry, one pair per field (hpack-decoder.ts)', () => {
  it('hands the same field to every block that indexes an entry, with the same values as a fresh one', () => {
    const encode = encoder();
    const decoder = new HpackDecoder();
    const list: Array<[string, string]> = [
      [':method', 'POST'],
      [':path', '/scope.v1.Lab/Echo'],
      ['content-type', 'application/grpc'],
    ];
    const [first, second, third] = [1, 2, 3].map(() => decoder.decode(encode(list)));
    for (const r of [first!, second!, third!]) expect(r.headers).toEqual(list);
    // :method POST is a static entry; the others are literals inserted by the first block, indexed after.
    expect(second!.fields[0]).toBe(first!.fields[0]);
    expect(second!.fields[1]).not.toBe(first!.fields[1]);
    expect(third!.fields[1]).toBe(second!.fields[1]);
    expect(third!.fields[2]).toBe(second!.fields[2]);
    for (const [i, f] of third!.fields.entries()) {
      const fresh = fieldFromLatin1(list[i]![0], list[i]![1]);
      expect([f.name, f.value, f.raw]).toEqual([fresh.name, fresh.value, fresh.raw]);
      expect(third!.headers[i]).toBe(fieldPair(f));
    }
  });

  it('gives a call record the pairs its frame records show, on a real grpc-js capture', async () => {
    const doc = await decodeFile('samples/grpc-js-unary.pcap');
    let checked = 0;
    for (const conn of doc.connections) {
      for (const call of conn.calls) {
        const headers = conn.frames.find(
          (f) => f.stream === call.stream && f.from === 'client' && f.headers !== undefined,
        )!.headers!;
        expect(call.requestHeaders).toEqual(headers);
        call.requestHeaders.forEach((pair, i) => expect(pair).toBe(headers[i]));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
