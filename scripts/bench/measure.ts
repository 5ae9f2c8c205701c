/**
 * Runs one command under GNU time (/usr/bin/time) with stdout to /dev/null and returns its wall time,
 * CPU time and peak RSS: the same meter for h2scope and tshark, so their numbers compare directly.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  wallSeconds: number;
  /** User + system CPU seconds (all threads): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMiB: number;
  exitCode: number;
}

export function measure(command: string, args: string[], cwd: string): Measurement {
  const dir = mkdtempSync(join(tmpdir(), 'h2scope-time-'));
  const stats = join(dir, 'time.txt');
  const devNull = openSync('/dev/null', 'w');
  try {
    const r = spawnSync('/usr/bin/time', ['-o', stats, '-f', '%e %U %S %M %x', command, ...args], {
      cwd,
      stdio: ['ignore', devNull, 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = readFileSync(stats, 'utf8').trim().split('\n').at(-1) ?? '';
    const [wall, user, sys, rssKB, exit] = line.split(' ').map(Number);
    if (wall === undefined || rssKB === undefined || Number.isNaN(wall))
      throw new Error(`${command}: no timing (${r.stderr.toString().slice(0, 500)})`);
    return {
      wallSeconds: wall,
      cpuSeconds: (user ?? 0) + (sys ?? 0),
      peakRssMiB: rssKB / 1024,
      exitCode: exit ?? r.status ?? -1,
    };
  } finally {
    closeSync(devNull);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Best (lowest wall time) of several measurements; the machine is shared, the best is the least disturbed. */
export function best(ms: Measurement[]): Measurement {
  return ms.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
}
