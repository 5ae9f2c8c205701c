/**
 * The real process on a live pipe: records leave while the input is still open (tcpdump -U -w - | h2scope
 * --format ndjson -), SIGINT ends with what was decoded so far, and a reader that goes away (| head) ends
 * the command quietly. The child is fed in small chunks with pauses, like tcpdump's packet-buffered writes;
 * the test waits for events, it never asserts on durations.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli-command.js';

const STREAMING = readFileSync('samples/grpc-js-streaming.pcap');
/** One connection sending a keepalive PING every second for about 5 s of capture time. */
const KEEPALIVE = readFileSync('samples/grpc-keepalive.pcap');

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves once `n` complete stdout lines have arrived. */
  linesAtLeast: (n: number) => Promise<void>;
  exited: Promise<number | null>;
}

function start(args: string[]): Child {
  const proc = spawn(CLI[0]!, [...CLI.slice(1), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  proc.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.filter((x) => lines.length >= x.n)) w.resolve();
  });
  proc.stdout.on('error', () => undefined);
  proc.stdin.on('error', () => undefined);
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const linesAtLeast = (n: number): Promise<void> =>
    lines.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
  return { proc, lines, stderr: () => err, linesAtLeast, exited };
}

/** Writes `bytes` in 512-byte chunks with a pause after each, as a live capture would arrive. */
async function drip(proc: ChildProcessWithoutNullStreams, bytes: Buffer): Promise<void> {
  for (let i = 0; i < bytes.length; i += 512) {
    proc.stdin.write(bytes.subarray(i, i + 512));
    await sleep(5);
  }
}

const typeOf = (line: string): string => (JSON.parse(line) as { type: string }).type;

describe('live input', () => {
  it('emits ndjson records before the input ends', async () => {
    const child = start(['--format', 'ndjson', '-']);
    const half = STREAMING.length >> 1;
    await drip(child.proc, STREAMING.subarray(0, half));
    let inputEnded = false;
    const firstRecord = child.linesAtLeast(1).then(() => inputEnded);
    expect(await firstRecord).toBe(false); // the input is still open
    await drip(child.proc, STREAMING.subarray(half));
    inputEnded = true;
    child.proc.stdin.end();
    expect(await child.exited).toBe(0);
    expect(child.lines.map(typeOf).at(-1)).toBe('capture');
    expect(child.stderr()).toBe('');
  });

  it('shows an open connection by snapshots, and its diagnostics, before it ends', async () => {
    const child = start(['--format', 'ndjson', '--snapshot-interval', '1', '-']);
    // All but the last 600 bytes (the FINs): the connection is still open.
    await drip(child.proc, KEEPALIVE.subarray(0, KEEPALIVE.length - 600));
    const seen = (): Array<{ type: string; connection?: { open?: boolean; pings?: unknown } }> =>
      child.lines.map((l) => JSON.parse(l) as { type: string; connection?: { open?: boolean } });
    while (!seen().some((r) => r.type === 'diagnostic') || !seen().some((r) => r.connection?.open))
      await child.linesAtLeast(child.lines.length + 1);
    const open = seen().filter((r) => r.connection?.open === true);
    expect(open.length).toBeGreaterThanOrEqual(2);
    expect(open.every((r) => r.connection!.pings !== undefined)).toBe(true);
    // keepalive.too-frequent came while the connection was open: no final connection record yet.
    expect(seen().some((r) => r.type === 'connection' && r.connection?.open !== true)).toBe(false);
    await drip(child.proc, KEEPALIVE.subarray(KEEPALIVE.length - 600));
    child.proc.stdin.end();
    expect(await child.exited).toBe(0);
    const finals = seen().filter((r) => r.type === 'connection' && r.connection?.open !== true);
    expect(finals).toHaveLength(1);
  });

  it('SIGINT ends a silent live pipe with what was decoded so far, marked incomplete, exit 130', async () => {
    const child = start(['--format', 'ndjson', '-']);
    await drip(child.proc, STREAMING.subarray(0, STREAMING.length >> 1));
    await child.linesAtLeast(1);
    child.proc.kill('SIGINT'); // stdin stays open: the pending read must not keep the process alive
    // Issue 14: an interrupted report is not the capture's; 130 = 128 + SIGINT (it was 0).
    expect(await child.exited).toBe(130);
    const last = JSON.parse(child.lines.at(-1)!) as {
      type: string;
      capture: { packets: number; complete: boolean };
    };
    expect(last.type).toBe('capture');
    expect(last.capture.packets).toBeGreaterThan(0);
    expect(last.capture.complete).toBe(false);
    expect(child.lines.some((l) => l.includes('"engine.interrupted"'))).toBe(true);
    expect(child.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    child.proc.stdin.destroy();
  });

  it('ends quietly when the reader of its output goes away (| head -1)', async () => {
    const child = start(['--format', 'ndjson', '-']);
    await drip(child.proc, STREAMING.subarray(0, STREAMING.length >> 1));
    await child.linesAtLeast(1);
    child.proc.stdout.destroy(); // the reader exits: further writes get EPIPE
    const rest = drip(child.proc, STREAMING.subarray(STREAMING.length >> 1)).catch(() => undefined);
    expect(await child.exited).toBe(0);
    await rest;
    expect(child.stderr()).toBe('');
  });
});
