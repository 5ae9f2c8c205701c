/**
 * TCP sequence arithmetic, the only place that knows sequence numbers wrap.
 *
 * RFC 9293 §3.4: sequence numbers are unsigned 32-bit and "all arithmetic dealing with sequence numbers
 * must be performed modulo 2**32". Comparison is RFC 1982 serial-number style: `a` is before `b` when
 * the forward distance from `a` to `b` is less than 2^31. RFC 1982 leaves a distance of exactly 2^31
 * undefined; here it compares as "before" (the signed 32-bit difference is -2^31).
 */

export const SEQ_MODULO = 2 ** 32;

/** Signed distance `a - b` in [-2^31, 2^31): positive when `a` is after `b`. */
export function seqDiff(a: number, b: number): number {
  // Both operands are in [0, 2^32), so a - b is exact; ToInt32 (`| 0`) reduces it modulo 2^32.
  return (a - b) | 0;
}

/** `a + n` modulo 2^32; `n` may be negative or larger than 2^32 (a stream offset). */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}
