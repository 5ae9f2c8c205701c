/**
 * grpc-timeout (PROTOCOL-HTTP2.md "Requests"):
 *   Timeout → "grpc-timeout" TimeoutValue TimeoutUnit
 *   TimeoutValue → positive integer as ASCII string of at most 8 digits
 *   TimeoutUnit → "H" / "M" / "S" / "m" / "u" / "n"
 */

/** Milliseconds per unit. Sub-millisecond units divide (see toMs) so 1000000n is exactly 1 ms. */
const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1 };
const UNIT_DIVISOR: Record<string, number> = { u: 1000, n: 1_000_000 };

export type GrpcTimeout = { ms: number; reason: null } | { ms: null; reason: string };

/**
 * Parses a grpc-timeout value to milliseconds. Surrounding spaces are tolerated (ASCII-Value "may be
 * stripped"); 0 is accepted although the grammar says positive, because real clients send it for an
 * already expired deadline and it still means something.
 */
export function parseGrpcTimeout(value: string): GrpcTimeout {
  const v = value.trim();
  if (v === '') return { ms: null, reason: 'empty value' };
  const unit = v.slice(-1);
  const digits = v.slice(0, -1);
  if (/^[0-9]$/.test(unit)) return { ms: null, reason: 'missing unit (H, M, S, m, u or n)' };
  if (UNIT_MS[unit] === undefined && UNIT_DIVISOR[unit] === undefined) {
    return { ms: null, reason: `unknown unit '${unit}' (expected H, M, S, m, u or n)` };
  }
  if (!/^[0-9]+$/.test(digits)) return { ms: null, reason: 'value is not a decimal integer' };
  if (digits.length > 8) return { ms: null, reason: `value has ${digits.length} digits (at most 8 allowed)` };
  return { ms: toMs(Number(digits), unit), reason: null };
}

function toMs(n: number, unit: string): number {
  const mul = UNIT_MS[unit];
  if (mul !== undefined) return n * mul;
  return n / (UNIT_DIVISOR[unit] ?? 1);
}
