/**
 * U32Map and U32PairMap (src/model/store-columns.ts): the same answers as a Map, through growth, overwrites
 * and misses.
 */
import { describe, expect, it } from 'vitest';
import { U32Map, U32PairMap } from '../../src/model/store-columns.js';

describe('U32Map', () => {
  it('agrees with a Map on 100,000 stream ids, overwrites and absent keys', () => {
    const m = new U32Map();
    const ref = new Map<number, number>();
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 100_000; i++) {
      // Mostly odd consecutive stream ids, as a connection's calls; some large and repeated keys.
      const key = i % 10 === 0 ? rnd() : 1 + 2 * i;
      m.set(key, i);
      ref.set(key, i);
    }
    expect(m.size).toBe(ref.size);
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    for (let i = 0; i < 1000; i++) expect(m.get(2 * i)).toBe(ref.get(2 * i));
    expect(m.get(0xffffffff)).toBe(ref.get(0xffffffff));
  });
});

describe('U32PairMap', () => {
  it('agrees with a Map keyed by both ids on 100,000 (name, value) pairs, overwrites and absent pairs', () => {
    const m = new U32PairMap();
    const ref = new Map<string, number>();
    let seed = 11;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 100_000; i++) {
      // As a store's header pairs: a few names, values mostly new (a per-call id), some large ids.
      const a = i % 7 === 0 ? rnd() : i % 13;
      const b = i % 5 === 0 ? i % 100 : i;
      m.set(a, b, i);
      ref.set(`${a} ${b}`, i);
    }
    expect(m.size).toBe(ref.size);
    for (const [k, v] of ref) {
      const [a, b] = k.split(' ').map(Number);
      expect(m.get(a!, b!)).toBe(v);
    }
    // (a, b) and (b, a) are different pairs; pairs never set are absent.
    for (let i = 0; i < 1000; i++)
      expect(m.get(i % 13, 0xffffffff - i)).toBe(ref.get(`${i % 13} ${0xffffffff - i}`));
    expect(m.get(3, 1)).toBe(ref.get('3 1'));
  });
});
