/** grouped() writes exactly what toLocaleString('en-US') writes, without loading ICU for common numbers. */
import { describe, expect, it } from 'vitest';
import { grouped } from '../../src/records/number-text.js';

describe('grouped', () => {
  it('agrees with toLocaleString("en-US") on integers, short decimals and the odd values', () => {
    const values = [
      0,
      1,
      12,
      123,
      999,
      1000,
      1001,
      12_345,
      123_456,
      241_200,
      1_234_567,
      65_535,
      2 ** 31 - 1,
      2 ** 53,
      -1,
      -999,
      -1000,
      -65_535,
      -1_234_567,
      0.5,
      1.25,
      1234.5,
      1234.567,
      999_999.999,
      -1234.5,
      12.3456,
      1e21,
      1.5e-7,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    for (const v of values) expect(grouped(v), String(v)).toBe(v.toLocaleString('en-US'));
    for (let i = 0; i < 2000; i++) {
      const v = Math.round(Math.sin(i) * 10 ** (i % 12) * 1000) / 1000;
      expect(grouped(v), String(v)).toBe(v.toLocaleString('en-US'));
    }
  });
});
