import { describe, expect, it } from 'vitest';
import { StringPool } from '../../src/model/store-columns.js';
import { encodeStrings, StringArena } from '../../src/model/string-arena.js';

describe('StringArena: strings kept as bytes', () => {
  it('gives back every JS string exactly: latin1, wide, lone surrogates, empty, longer than a chunk', () => {
    const strings = [
      '',
      'application/grpc',
      'caf\u00e9 \u00ff',
      '\u4e2d\u6587 and ascii',
      'emoji \u{1f600}',
      'lone \ud800 surrogate',
      'x'.repeat((1 << 18) + 17),
      '\u0100'.repeat(70_000),
    ];
    const arena = new StringArena();
    arena.append(encodeStrings(strings));
    expect(arena.length).toBe(strings.length);
    strings.forEach((s, i) => expect(arena.at(i)).toBe(s));
    expect(arena.at(strings.length)).toBe('');
    expect(arena.at(-1)).toBe('');
  });

  it('keeps ids across many appends, past the first index chunk and the decode cache', () => {
    const arena = new StringArena();
    const all: string[] = [];
    for (let batch = 0; batch < 30; batch++) {
      const strings = Array.from({ length: 3000 }, (_, k) => `seq-${batch}-${k}`);
      all.push(...strings);
      arena.append(encodeStrings(strings));
    }
    expect(arena.length).toBe(90_000);
    for (let i = 0; i < all.length; i += 997) expect(arena.at(i)).toBe(all[i]);
    for (let i = all.length - 1; i >= 0; i -= 1009) expect(arena.at(i)).toBe(all[i]);
    // Bytes, not strings: 9-12 bytes of text and 8 of index each, in 256 KiB chunks.
    expect(arena.byteLength).toBeLessThan(90_000 * 20 + 2 * (1 << 18));
  });

  it('a pool shipped as bytes reads the same as the builder, and refuses to intern', () => {
    const builder = new StringPool();
    const replica = new StringPool();
    const names = ['content-type', 'application/grpc', 'x-seq', '1', '2', '\u00e9\u4e2d'];
    for (const s of names.slice(0, 3)) builder.id(s);
    replica.receiveEncoded(builder.shipEncoded());
    for (const s of [...names, 'content-type']) builder.id(s);
    replica.receiveEncoded(builder.shipEncoded());
    expect(replica.size).toBe(builder.size);
    for (let i = 0; i < builder.size; i++) expect(replica.at(i)).toBe(builder.at(i));
    expect(() => replica.id('new')).toThrow(/does not intern/);
  });

  it('a pool interns as a Map would: one id per distinct string, through table growth, wide and long strings', () => {
    const pool = new StringPool();
    const ref = new Map<string, number>();
    const strings: string[] = [];
    for (let i = 0; i < 50_000; i++)
      strings.push(`x-call-seq-${i}`, i % 3 === 0 ? 'application/grpc' : `v${i % 500}`);
    strings.push(
      '',
      '\u00e9',
      '\u4e2d',
      'lone \ud800',
      '\u0100'.repeat(300),
      'x'.repeat((1 << 18) + 5),
      'ab',
      'ba',
    );
    for (const s of strings) {
      if (!ref.has(s)) ref.set(s, ref.size);
      expect(pool.id(s)).toBe(ref.get(s));
    }
    expect(pool.size).toBe(ref.size);
    for (const [s, id] of ref) {
      expect(pool.find(s)).toBe(id);
      expect(pool.at(id)).toBe(s);
    }
    // Same length and bytes but not the same string: a one-byte and a two-byte one, and near misses.
    for (const s of ['\u00e9\u00e9', 'x-call-seq-50000', 'v500', 'x'.repeat((1 << 18) + 4)])
      expect(pool.find(s)).toBeUndefined();
    const limited = new StringPool(2);
    limited.id('a');
    limited.id('b');
    expect(limited.id('a')).toBe(0);
    expect(() => limited.id('c')).toThrow(/limit 2/);
  });
});
