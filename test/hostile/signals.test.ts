/**
 * Issue 14 item 6: signals. An interrupted report says it is incomplete and exits 130; the first Ctrl-C
 * gives SIGINT back its default action, so a second one ends the process at once; temporary files never
 * outlive the process (they are unlinked as soon as opened), whatever ends it: SIGINT, SIGTERM, a closed
 * output pipe. The children are real processes on a live pipe; the tests wait for events, never durations.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { processIo } from '../../src/cli/io.js';
import { unaryCalls } from './h2-calls.js';
import { tcpCapture } from './tcp-capture.js';
import { CLI } from '../helpers/cli-command.js';

const tmp = mkdtempSync(join(tmpdir(), 'h2scope-signals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CAPTURE = tcpCapture(unaryCalls(200));

/** h2scope reading a pipe that stays open after `CAPTURE`'s first half, with TMPDIR = `tmp`. */
function start(args: string[]) {
  const proc = spawn(CLI[0]!, [...CLI.slice(1), ...args, '-'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  proc.stdin.on('error', () => undefined);
  proc.stdout.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  proc.stdin.write(CAPTURE.subarray(0, CAPTURE.length >> 1));
  return { proc, exited, out: () => out, err: () => err };
}

/** Spool files of h2scope in TMPDIR (a child under tsx keeps tsx's cache there too). */
const spools = (): string[] => readdirSync(tmp).filter((n) => n.startsWith('h2scope-'));

/**
 * Waits until the child is decoding: its spool file is open (Linux shows it in /proc as "(deleted)",
 * which is the point: open, yet already unlinked), which is after it began to catch SIGINT. Elsewhere a
 * pause stands in for it.
 */
async function spoolOpen(pid: number): Promise<string | null> {
  if (!existsSync('/proc/self/fd')) return sleep(3000).then(() => null);
  for (;;) {
    const fds = existsSync(`/proc/${pid}/fd`) ? readdirSync(`/proc/${pid}/fd`) : [];
    for (const fd of fds) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (target.includes(`${tmp}/h2scope-`)) return target;
    }
    await sleep(50);
  }
}

describe('signals', () => {
  it('the first Ctrl-C removes its own listener: a second one gets the default action', () => {
    const before = process.listenerCount('SIGINT');
    let calls = 0;
    const off = processIo().onInterrupt(() => calls++);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toBe(1);
    expect(process.listenerCount('SIGINT')).toBe(before);
    off();
  });

  it('Ctrl-C: the json report of what was read says "complete": false, exit 130, no spool left', async () => {
    const child = start(['--format', 'json']);
    const open = await spoolOpen(child.proc.pid!);
    if (open !== null) expect(open).toMatch(/\(deleted\)$/);
    expect(spools()).toEqual([]); // spooling, yet nothing on disk to leave behind
    child.proc.kill('SIGINT');
    expect(await child.exited).toEqual({ code: 130, signal: null });
    const doc = JSON.parse(child.out()) as {
      capture: { complete: boolean; packets: number };
      diagnostics: Array<{ code: string }>;
    };
    expect(doc.capture.complete).toBe(false);
    expect(doc.capture.packets).toBeGreaterThan(0);
    expect(doc.diagnostics.map((d) => d.code)).toContain('engine.interrupted');
    expect(spools()).toEqual([]);
    child.proc.stdin.destroy();
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s: the process ends, no spool left behind', async (signal) => {
    const child = start(['--format', 'har']);
    await spoolOpen(child.proc.pid!);
    child.proc.kill(signal);
    expect(await child.exited).toEqual({ code: null, signal });
    expect(spools()).toEqual([]);
    child.proc.stdin.destroy();
  });

  it('a closed output pipe: ends quietly, no spool left behind', async () => {
    const child = start(['--format', 'ndjson', '--write-pcap', join(tmp, 'out.pcap')]);
    await spoolOpen(child.proc.pid!);
    child.proc.stdout.destroy();
    child.proc.stdin.end(CAPTURE.subarray(CAPTURE.length >> 1));
    const { code } = await child.exited;
    expect([0, 130, 1]).toContain(code);
    expect(spools()).toEqual([]);
  });
});
