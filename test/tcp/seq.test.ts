import { describe, expect, it } from 'vitest';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../../src/tcp/seq.js';

describe('sequence arithmetic (RFC 9293 §3.4, RFC 1982 comparison)', () => {
  it('differences are signed and wrap modulo 2^32', () => {
    expect(seqDiff(10, 3)).toBe(7);
    expect(seqDiff(3, 10)).toBe(-7);
    expect(seqDiff(0x00000005, 0xfffffff0)).toBe(0x15); // 5 is 21 after 2^32-16
    expect(seqDiff(0xfffffff0, 0x00000005)).toBe(-0x15);
    expect(seqDiff(0xffffffff, 0)).toBe(-1);
  });

  it('a distance of exactly 2^31 compares as before (RFC 1982 leaves it undefined)', () => {
    expect(seqDiff(0x80000000, 0)).toBe(-0x80000000);
    expect(seqLt(0x80000000, 0)).toBe(true);
    expect(seqDiff(0x7fffffff, 0)).toBe(0x7fffffff);
  });

  it('adds modulo 2^32, with negative and large offsets', () => {
    expect(seqAdd(0xfffffff0, 0x20)).toBe(0x10);
    expect(seqAdd(5, -10)).toBe(0xfffffffb);
    expect(seqAdd(1, 2 ** 32 * 3 + 7)).toBe(8); // a stream offset beyond 4 GiB
    expect(seqAdd(0xffffffff, 1)).toBe(0);
  });

  it('compares across the wrap', () => {
    expect(seqLt(0xfffffff0, 5)).toBe(true);
    expect(seqGt(5, 0xfffffff0)).toBe(true);
    expect(seqLe(7, 7)).toBe(true);
    expect(seqGe(7, 7)).toBe(true);
    expect(seqGe(6, 7)).toBe(false);
    expect(seqLe(0, 0xffffffff)).toBe(false);
  });
});
