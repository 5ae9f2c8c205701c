import { describe, expect, it } from 'vitest';
import { InterfaceClock, tsresolUnits, unitsToTimestamp } from '../../src/capture/timestamp.js';

describe('if_tsresol (draft-ietf-opsawg-pcapng §4.2)', () => {
  it('reads powers of 10 and, with the top bit set, powers of 2', () => {
    expect([6, 9, 0, 3].map(tsresolUnits)).toEqual([1_000_000n, 1_000_000_000n, 1n, 1000n]);
    expect([0x80, 0x8a, 0x94].map(tsresolUnits)).toEqual([1n, 1024n, 1_048_576n]);
    expect(tsresolUnits(19)).toBe(10_000_000_000_000_000_000n); // finer than a nanosecond
  });
});

describe('unitsToTimestamp', () => {
  it('converts exactly, truncating below a nanosecond', () => {
    expect(unitsToTimestamp(1_700_000_000_123_456n, 1_000_000n, 0n)).toEqual({
      time: 1_700_000_000.123456,
      timeNs: 1_700_000_000_123_456_000n,
    });
    expect(unitsToTimestamp(1n, 1024n, 0n).timeNs).toBe(976_562n); // 976562.5 ns
    expect(unitsToTimestamp(1_700_000_000_000_000_000_001n, 10n ** 12n, 0n).timeNs).toBe(
      1_700_000_000_000_000_000n,
    );
    expect(unitsToTimestamp(500n, 1000n, -10n)).toEqual({ time: -9.5, timeNs: -9_500_000_000n });
  });
});

describe('InterfaceClock', () => {
  const split = (ts: bigint): [number, number] => [Number(ts >> 32n), Number(ts & 0xffffffffn)];

  it('gives the same result as the bigint conversion on both of its paths', () => {
    const resolutions = [1n, 10n, 1000n, 1_000_000n, 1_000_000_000n, 1024n, 10n ** 12n];
    const offsets = [0n, 1_600_000_000n, -5n];
    const values = [
      0n,
      1n,
      999_999n,
      1_000_000n,
      1_700_000_000_123_456n, // microseconds now: the float path
      (1n << 53n) - 1n, // largest exact float
      1n << 53n,
      1_700_000_000_123_456_789n, // nanoseconds now: the bigint path
      (1n << 64n) - 1n,
    ];
    for (const units of resolutions) {
      for (const offset of offsets) {
        const clock = new InterfaceClock(units, offset);
        for (const ts of values) {
          const [high, low] = split(ts);
          expect(clock.at(high, low), `${ts} at ${units}/s + ${offset}`).toEqual(
            unitsToTimestamp(ts, units, offset),
          );
        }
      }
    }
  });

  it('keeps seconds right across consecutive packets (per-second cache)', () => {
    const clock = new InterfaceClock(1_000_000n, 0n);
    const seen = [1_999_999n, 2_000_000n, 1_500_000n, 2_000_001n].map((ts) => clock.at(...split(ts)).timeNs);
    expect(seen).toEqual([1_999_999_000n, 2_000_000_000n, 1_500_000_000n, 2_000_001_000n]);
  });
});
