const NS_PER_SECOND = 1_000_000_000n;
/** Timestamps below 2^53 units fit a float exactly: the upper 32-bit word is below 2^21. */
const EXACT_HIGH_LIMIT = 0x200000;

export interface Timestamp {
  /** Epoch seconds as a float. */
  time: number;
  /** Exact nanoseconds since the epoch (truncated toward zero below 1 ns). */
  timeNs: bigint;
}

/**
 * pcapng §4.2 (if_tsresol, if_tsoffset): a timestamp counts units of 1/unitsPerSecond second since
 * the epoch plus offsetSeconds. Done in bigint so nanosecond and finer resolutions stay exact.
 */
export function unitsToTimestamp(ts: bigint, unitsPerSecond: bigint, offsetSeconds: bigint): Timestamp {
  const seconds = ts / unitsPerSecond;
  const fraction = ts % unitsPerSecond;
  const epochSeconds = seconds + offsetSeconds;
  return {
    time: Number(epochSeconds) + Number(fraction) / Number(unitsPerSecond),
    timeNs: epochSeconds * NS_PER_SECOND + (fraction * NS_PER_SECOND) / unitsPerSecond,
  };
}

/**
 * if_tsresol (§4.2): most significant bit clear = 10^-n seconds, set = 2^-n seconds.
 * Returns units per second.
 */
export function tsresolUnits(tsresol: number): bigint {
  const exponent = BigInt(tsresol & 0x7f);
  return (tsresol & 0x80) !== 0 ? 2n ** exponent : 10n ** exponent;
}

/**
 * Converts one interface's 64-bit timestamps. Same results as `unitsToTimestamp`, but the common case
 * (a resolution dividing 1 ns, a value below 2^53 units: microseconds until year 2255) uses float
 * arithmetic and one bigint per second instead of bigint division per packet.
 */
export class InterfaceClock {
  private readonly units: number;
  /** 0 when the resolution does not divide a nanosecond evenly: then always the bigint path. */
  private readonly nsPerUnit: number;
  private readonly offset: number;
  private lastSecond = Number.NaN;
  private lastSecondNs = 0n;

  constructor(
    readonly unitsPerSecond: bigint,
    readonly offsetSeconds: bigint,
  ) {
    const divides = unitsPerSecond <= NS_PER_SECOND && NS_PER_SECOND % unitsPerSecond === 0n;
    this.units = Number(unitsPerSecond);
    this.nsPerUnit = divides ? Number(NS_PER_SECOND / unitsPerSecond) : 0;
    const exactOffset = offsetSeconds >= -(2n ** 52n) && offsetSeconds <= 2n ** 52n;
    if (!exactOffset) this.nsPerUnit = 0;
    this.offset = Number(offsetSeconds);
  }

  /** The timestamp whose upper and lower 32-bit words are `high` and `low` (pcapng §4.3). */
  at(high: number, low: number): Timestamp {
    if (this.nsPerUnit === 0 || high >= EXACT_HIGH_LIMIT) {
      return unitsToTimestamp((BigInt(high) << 32n) | BigInt(low), this.unitsPerSecond, this.offsetSeconds);
    }
    const ts = high * 0x100000000 + low;
    let second = Math.floor(ts / this.units);
    let fraction = ts - second * this.units;
    if (fraction < 0) [second, fraction] = [second - 1, fraction + this.units]; // float division rounded up
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastSecondNs = (BigInt(second) + this.offsetSeconds) * NS_PER_SECOND;
    }
    return {
      time: second + this.offset + fraction / this.units,
      timeNs: this.lastSecondNs + BigInt(fraction * this.nsPerUnit),
    };
  }
}
