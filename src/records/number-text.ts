/**
 * Numbers with thousands separators, as `n.toLocaleString('en-US')` writes them ("241,200", "1,234.5"),
 * without ICU: the first toLocaleString of a process loads ICU's number formatting (about 30-120 ms
 * measured here), paid by every short report and every test that spawns the CLI. Integers and decimals of
 * at most three fraction digits (what the reports print) are grouped here; anything else (more digits,
 * exponents, -0, NaN, infinities) goes to toLocaleString, so the text is always the same as before.
 */
export function grouped(n: number): string {
  const s = String(n);
  const dot = s.indexOf('.');
  const end = dot < 0 ? s.length : dot;
  if (
    !/^-?\d+$/.test(s.slice(0, end)) ||
    (dot >= 0 && !/^\d{1,3}$/.test(s.slice(dot + 1))) ||
    Object.is(n, -0)
  )
    return n.toLocaleString('en-US');
  const start = s.startsWith('-') ? 1 : 0;
  let out = s.slice(end);
  let i = end;
  for (; i - 3 > start; i -= 3) out = ',' + s.slice(i - 3, i) + out;
  return s.slice(0, i) + out;
}

/** "1 call", "3 calls": the count as written (no separators), the noun with an "s" unless one. */
export function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
