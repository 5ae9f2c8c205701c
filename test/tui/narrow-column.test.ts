import { describe, expect, it } from 'vitest';
import { NarrowColumn, TimeColumn } from '../../src/model/store-columns.js';

// The store's narrow columns give back exactly what was pushed, whatever width each chunk ended at.
describe('NarrowColumn', () => {
  const values = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
  const roundTrip = (column: NarrowColumn, xs: number[]): void => {
    for (const x of xs) column.push(x);
    expect(column.length).toBe(xs.length);
    expect(values(xs.length, (i) => column.get(i))).toEqual(xs);
  };

  it('keeps small values in a byte and widens a chunk when a value needs it', () => {
    const column = new NarrowColumn();
    roundTrip(column, [...values(70_000, (i) => i % 7), 300, 70_000, 2 ** 32 - 1, 2 ** 40, 0.25, -3]);
    expect(column.byteLength).toBeLessThan(70_000 * 2 + 4096 * 8 + 65_536 * 8);
  });

  it('stores distances from a block base with delta, either way', () => {
    const column = new NarrowColumn(true);
    const xs = values(200_000, (i) => 1_700_000_000_000 + i * 3 - (i % 5) * 7);
    roundTrip(column, xs);
    expect(column.byteLength).toBeLessThanOrEqual(4 * 65_536 * 2); // u16 deltas, not u32 or f64
  });

  it('keeps a climbing column two bytes a row while it grows by under 128 a row, and starts small', () => {
    // spool offsets of small frames: 9-127 bytes each, 300k rows
    const column = new NarrowColumn(true, 16);
    let at = 0;
    roundTrip(
      column,
      values(300_000, (i) => (at += 9 + ((i * 37) % 119))),
    );
    expect(column.byteLength).toBeLessThanOrEqual(5 * 65_536 * 2);
    const small = new NarrowColumn(true, 16);
    roundTrip(small, [5, 3, 2 ** 33, 7, 0.5]);
    expect(small.byteLength).toBeLessThanOrEqual(16 * 8);
  });

  it('ships what is new to a replica that reads the same values', () => {
    const builder = new NarrowColumn(true);
    const replica = new NarrowColumn(true);
    const xs = values(150_000, (i) => (i % 1000 === 0 ? 2 ** 45 + i : i * 40));
    for (let k = 0; k < xs.length; k++) {
      builder.push(xs[k]!);
      if (k % 40_000 === 0) replica.receive(builder.ship(true));
    }
    replica.receive(builder.ship(true));
    expect(values(xs.length, (i) => replica.get(i))).toEqual(xs);
  });
});

describe('TimeColumn', () => {
  it('gives back microsecond, nanosecond and far-out times exactly', () => {
    const times = [
      1765000000 + 123456 / 1e6,
      1765000000 + 999999 / 1e6,
      1765000001,
      0,
      0.000001,
      1765000000 + 123456789 / 1e9,
      2 ** 40,
      2 ** 40 + 0.5,
      -5.25,
      1765000002 + 5000 / 1e6,
    ];
    const column = new TimeColumn();
    for (const t of times) column.push(t);
    const replica = new TimeColumn();
    replica.receive(column.ship());
    for (const c of [column, replica]) expect(times.map((_, i) => c.get(i))).toEqual(times);
  });
});
