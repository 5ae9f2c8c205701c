/**
 * Text for capture timestamps (epoch seconds, a double). A pcapng timestamp is a 64-bit count of units
 * (if_tsresol), so a damaged or hostile file can carry times far beyond the range of Date (±8.64e15 ms,
 * year 275760), where toISOString throws "Invalid time value". Every formatter here accepts any number:
 * clock times beyond that range are the seconds as they are, dates are computed by the proleptic
 * Gregorian calendar without Date. Every report formats time through this module.
 */

/** Date's range in seconds (ECMA-262 §21.4.1.22: time values are within ±8.64e15 ms). */
const DATE_LIMIT_S = 8.64e12;

function inDateRange(epoch: number): boolean {
  return Number.isFinite(epoch) && Math.abs(epoch) <= DATE_LIMIT_S;
}

/** Seconds as they are, for times no calendar shows (`NaN`, infinities kept as JavaScript spells them). */
function rawSeconds(epoch: number, digits: number): string {
  return Number.isFinite(epoch) ? epoch.toFixed(digits) : String(epoch);
}

/** "12:34:56.789012" (UTC); beyond Date's range the seconds, e.g. "18446744073709.550781". */
export function clockMicros(epoch: number): string {
  if (!inDateRange(epoch)) return rawSeconds(epoch, 6);
  const whole = Math.floor(epoch);
  const micros = Math.round((epoch - whole) * 1e6) % 1e6;
  return `${new Date(whole * 1000).toISOString().slice(11, 19)}.${String(micros).padStart(6, '0')}`;
}

/** "12:34:56.789" (UTC); beyond Date's range the seconds with 3 decimals. */
export function clockMillis(epoch: number): string {
  if (!inDateRange(epoch)) return rawSeconds(epoch, 3);
  return new Date(epoch * 1000).toISOString().slice(11, 23);
}

/**
 * ISO 8601 date and time in UTC with milliseconds, as toISOString writes it ("2026-12-07T04:19:54.000Z",
 * years beyond 9999 as "+275761-..."), for any finite time; a non-finite one gives the epoch instead.
 */
export function isoDateTime(epoch: number): string {
  if (inDateRange(epoch)) return new Date(epoch * 1000).toISOString();
  if (!Number.isFinite(epoch)) return '1970-01-01T00:00:00.000Z';
  const days = Math.floor(epoch / 86400);
  const secs = epoch - days * 86400; // the fraction is below a double's precision at these magnitudes
  const { y, m, d } = civilFromDays(days);
  const year = y < 0 ? `-${String(-y).padStart(6, '0')}` : `+${String(y).padStart(6, '0')}`;
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = Math.floor(secs % 60);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${year}-${two(m)}-${two(d)}T${two(hh)}:${two(mm)}:${two(ss)}.000Z`;
}

/** "2026-12-07" (UTC) of any finite time (see isoDateTime). */
export function isoDate(epoch: number): string {
  const iso = isoDateTime(epoch);
  return iso.slice(0, iso.indexOf('T'));
}

/**
 * Year, month, day of a count of days since 1970-01-01 in the proleptic Gregorian calendar (Howard
 * Hinnant's days_from_civil inverse, "chrono-Compatible Low-Level Date Algorithms"). Exact for any
 * day count a double holds as an integer (|days| < 2^53).
 */
function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // [0, 146096]
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}
