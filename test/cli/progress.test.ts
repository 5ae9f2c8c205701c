import { describe, expect, it } from 'vitest';
import { formatBytes, formatProgress } from '../../src/cli/progress.js';
import { runCliCaptured } from './run-cli.js';

const progress = (bytesRead: number, totalBytes: number | null, packets: number) => ({
  bytesRead,
  totalBytes,
  packets,
  compressed: false,
  done: false,
});

describe('formatProgress', () => {
  it('shows a bar, percent, bytes of total, packets and rate for a file', () => {
    expect(formatProgress(progress(3 * 1024 * 1024, 12 * 1024 * 1024, 20_000), 2)).toBe(
      '[#####...............]  25%  3.0 MiB / 12.0 MiB  20,000 packets  10,000 packets/s',
    );
    expect(formatProgress(progress(100, 100, 3), 0)).toBe(
      '[####################] 100%  100 B / 100 B  3 packets  0 packets/s',
    );
  });

  it('shows bytes read, packets and rate for a pipe (no total)', () => {
    expect(formatProgress(progress(1536, null, 12), 4)).toBe('1.5 KiB read  12 packets  3 packets/s');
  });

  it('formats sizes in binary units', () => {
    expect([formatBytes(1023), formatBytes(1024), formatBytes(5 * 1024 ** 3)]).toEqual([
      '1023 B',
      '1.0 KiB',
      '5.00 GiB',
    ]);
  });
});

describe('the progress line', () => {
  const file = 'samples/grpc-js-large.pcap';

  it('is drawn on stderr when stderr is a terminal, and erased at the end', async () => {
    const r = await runCliCaptured([file, '-f', 'json'], { stderrIsTTY: true, tick: 150 });
    expect(r.code).toBe(0);
    const draws = r.stderr.split('\r').filter((s) => s.startsWith('['));
    expect(draws.length).toBeGreaterThan(0);
    const last = draws.at(-1)!;
    expect(last.endsWith('\x1b[K')).toBe(true);
    expect(last.slice(0, -3)).toMatch(
      /^\[#+\.*\] +\d+% {2}[\d.]+ [KM]iB \/ 1\.2 MiB {2}[\d,]+ packets {2}[\d,]+ packets\/s$/,
    );
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(r.stdout.startsWith('{"capture"')).toBe(true); // never on stdout
  });

  it('is never drawn with --quiet or when stderr is not a terminal', async () => {
    const quiet = await runCliCaptured([file, '-f', 'json', '-q'], { stderrIsTTY: true, tick: 150 });
    expect(quiet.stderr).toBe('');
    const piped = await runCliCaptured([file, '-f', 'json'], { tick: 150 });
    expect(piped.stderr).toBe('');
  });
});
