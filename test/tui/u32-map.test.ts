/** U32Map (src/model/store-columns.ts): the same answers as a Map, through growth, overwrites and misses. */
import { describe, expect, it } from 'vitest';
import { U32Map } from '../../src/model/store-columns.js';

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
