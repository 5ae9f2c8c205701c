/** The SACK option scan (RFC 2018 §3) on options areas as Linux sends them, and broken ones. */
import { describe, expect, it } from 'vitest';
import { parseSackBlocks } from '../../src/net/tcp-sack.js';
import { isDsack, sackedBytes } from '../../src/tcp/sack.js';

function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

describe('parseSackBlocks', () => {
  it('reads the blocks after a timestamp option (NOP NOP TS NOP NOP SACK), as Linux sends them', () => {
    const ts = [1, 1, 8, 10, ...u32(1), ...u32(2)];
    const sack = [1, 1, 5, 18, ...u32(4000000000), ...u32(4000001448), ...u32(100), ...u32(200)];
    const b = Buffer.from([...ts, ...sack]);
    expect(parseSackBlocks(b, 0, b.length)).toEqual([4000000000, 4000001448, 100, 200]);
  });

  it('nothing without the option, after EOL, or when an option overruns the area', () => {
    const ts = Buffer.from([1, 1, 8, 10, ...u32(1), ...u32(2)]);
    expect(parseSackBlocks(ts, 0, ts.length)).toBeUndefined();
    const eol = Buffer.from([0, 5, 10, ...u32(1), ...u32(2)]);
    expect(parseSackBlocks(eol, 0, eol.length)).toBeUndefined();
    const broken = Buffer.from([5, 18, ...u32(1), ...u32(2)]);
    expect(parseSackBlocks(broken, 0, broken.length)).toBeUndefined();
  });
});

describe('D-SACK and SACKed bytes', () => {
  it('RFC 2883 §4: a first block below the ACK, or inside the second, is a D-SACK', () => {
    expect(isDsack([900, 1000], 1000, true)).toBe(true);
    expect(isDsack([1200, 1300], 1000, true)).toBe(false);
    expect(isDsack([1200, 1300, 1100, 1400], 1000, true)).toBe(true);
    // Across the sequence number wrap.
    expect(isDsack([0xfffffff0, 0xfffffffa], 5, true)).toBe(true);
  });

  it('counts the first three blocks, as tshark does for bytes in flight', () => {
    expect(sackedBytes([0, 10, 20, 40, 50, 80, 90, 190])).toBe(60);
  });
});
