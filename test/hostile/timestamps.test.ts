/**
 * Issue 14 item 4: pcapng timestamps are 64-bit counts of units, so a capture can carry times far beyond
 * the range of Date. Every report must take them (no "Invalid time value", HAR entries kept).
 */
import { describe, expect, it } from 'vitest';
import { clockMicros, clockMillis, isoDate, isoDateTime } from '../../src/records/time-text.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { unaryCalls } from './h2-calls.js';
import { tcpCaptureNg } from './tcp-capture.js';

const REPORTS: string[][] = [
  ['--format', 'json'],
  ['--format', 'ndjson'],
  ['--format', 'text'],
  ['--format', 'har'],
  ['--format', 'markdown'],
  ['--summary'],
];

describe('time formatters take any 64-bit timestamp', () => {
  it('inside the range of Date: as toISOString', () => {
    expect(isoDateTime(1_700_000_000.25)).toBe('2023-11-14T22:13:20.250Z');
    expect(clockMicros(1_700_000_000.25)).toBe('22:13:20.250000');
    expect(clockMillis(1_700_000_000.25)).toBe('22:13:20.250');
    expect(isoDate(0)).toBe('1970-01-01');
  });

  it('beyond it: dates by the calendar, clocks as seconds, non-finite values named', () => {
    // 2^64 µs, the largest a microsecond pcapng holds: 584,554 years after 1970.
    expect(isoDateTime(2 ** 64 / 1e6)).toBe('+586524-01-19T08:01:49.000Z');
    // Continuity at the edge: the calendar agrees with Date one day inside its range.
    const edge = 8.64e12 - 86400;
    expect(isoDateTime(edge + 86400 * 2).slice(0, 13)).toBe('+275760-09-14');
    expect(new Date(edge * 1000).toISOString().slice(0, 13)).toBe('+275760-09-12');
    expect(isoDateTime(-(2 ** 63) / 1e6).startsWith('-')).toBe(true);
    expect(clockMicros(2 ** 64 / 1e6)).toBe('18446744073709.550781');
    expect(clockMillis(Number.NaN)).toBe('NaN');
    expect(isoDateTime(Number.POSITIVE_INFINITY)).toBe('1970-01-01T00:00:00.000Z');
  });

  it.each([
    ['2^63 µs', 1n << 63n],
    ['2^64 µs - 1 s', (1n << 64n) - 1_000_000n],
  ])('a call at %s goes through every report', async (_, first) => {
    const capture = tcpCaptureNg(unaryCalls(1), first);
    for (const args of REPORTS) {
      const r = await runCliCaptured(['-', ...args], { stdin: capture });
      expect(r.stderr, args.join(' ')).not.toMatch(/internal error|Invalid time value/);
      expect([0, 1], args.join(' ')).toContain(r.code);
      if (args[1] === 'har') {
        const har = JSON.parse(r.stdout) as { log: { entries: Array<{ startedDateTime: string }> } };
        expect(har.log.entries).toHaveLength(1);
        expect(har.log.entries[0]!.startedDateTime).toMatch(/^\+\d{6}-\d\d-\d\dT/);
      }
      if (args[1] === 'json') expect(r.stdout).toContain('/helloworld.Greeter/SayHello');
    }
  });
});
