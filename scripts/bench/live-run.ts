/**
 * Live memory in real time (docs/performance.md, "Live and long-lived connections"): a grpc-js server and
 * one long-lived grpc-js channel making a unary call every `--interval` ms, captured with
 * `tcpdump -i lo -U -w -` and piped into `bin/h2scope.js --format FORMAT -` (output thrown away), for
 * `--seconds` of wall time; every `--every` seconds the h2scope process reports (scripts/bench/live-memlog.mjs,
 * preloaded) its RSS, its heap used after a full GC and its young generation's size.
 *
 *   node --import tsx scripts/bench/live-run.ts [--seconds 600] [--interval 20] [--format ndjson|text|summary]
 *     [--every 30] [--semi MiB]      FORMAT also json, har, summary or tui
 *
 * `--format summary` runs `--summary`; `--format tui` runs the TUI in a detached tmux session of its own
 * (`tmux -L live10`, session `live-run-PID`: attach to it to look while it runs). `--semi N` starts h2scope with `--max-semi-space-size=N` (a report
 * otherwise re-executes node with 64, src/cli/launch.ts). Needs root (tcpdump) and a build (`npm run
 * build`). A flat heap after GC means the live state is bounded by the connection, not by how long it has
 * been open; RSS also follows the young generation, which V8 sizes by the allocation rate.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { startLabServer, stopLabServer } from '../samples/grpc/lib/server.js';
import { LabClient, type EchoReply, type EchoRequest } from '../samples/grpc/lib/service.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const seconds = Number(arg('--seconds', '600'));
const interval = Number(arg('--interval', '20'));
const format = arg('--format', 'ndjson');
const every = Number(arg('--every', '30'));
const port = Number(arg('--port', '50331'));
const semi = arg('--semi', '');
const BIN = new URL('../../bin/h2scope.js', import.meta.url).pathname;
const MEMLOG_MODULE = new URL('./live-memlog.mjs', import.meta.url).pathname;
const memlog = `/tmp/h2scope-live-run-${process.pid}.jsonl`;
const tui = format === 'tui';
const cliArgs = format === 'summary' ? ['--summary'] : tui ? [] : ['--format', format];
const session = `live-run-${process.pid}`;

type Echo = (req: EchoRequest, cb: (err: grpc.ServiceError | null, reply?: EchoReply) => void) => void;

interface MemLine {
  ms: number;
  rss: number;
  heapUsed: number;
  young: number;
}

/** The h2scope process's latest memory line (live-memlog.mjs), or null before the first. */
function lastMem(): MemLine | null {
  if (!existsSync(memlog)) return null;
  const lines = readFileSync(memlog, 'utf8').trim().split('\n');
  return lines.length > 0 && lines[0] !== '' ? (JSON.parse(lines.at(-1)!) as MemLine) : null;
}

const MiB = (n: number | undefined): string => (n === undefined ? '?' : (n / 2 ** 20).toFixed(1));
const row = (minutes: number, calls: number): string => {
  const m = lastMem();
  return `| ${minutes.toFixed(1)} | ${calls} | ${MiB(m?.rss)} | ${MiB(m?.heapUsed)} | ${MiB(m?.young)} |`;
};

/** Least-squares slope, in MiB per hour, of one memory figure over the lines from minute `from` on. */
function slopePerHour(lines: readonly MemLine[], pick: (m: MemLine) => number, from: number): string {
  const t0 = lines[0]?.ms ?? 0;
  const pts = lines.filter((m) => m.ms - t0 >= from * 60_000);
  if (pts.length < 2) return '?';
  const xs = pts.map((m) => (m.ms - t0) / 3_600_000);
  const ys = pts.map((m) => pick(m) / 2 ** 20);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return (num / den).toFixed(1);
}

const server = await startLabServer({ port });
const env = {
  ...process.env,
  NODE_OPTIONS: `--expose-gc --import ${MEMLOG_MODULE}${semi ? ` --max-semi-space-size=${semi}` : ''}`,
  H2SCOPE_MEMLOG: memlog,
  H2SCOPE_MEMLOG_EVERY: String(every),
};
const tcpdumpArgs = ['-i', 'lo', '-U', '-s', '0', '-w', '-', 'tcp', 'port', String(port)];
// Two processes joined by a pipe, each ended by its own id at the end (no shell, no kill by name).
let tcpdump: ReturnType<typeof spawn> | null = null;
let h2scope: ReturnType<typeof spawn> | null = null;
const tmux = (...a: string[]): void => void spawnSync('tmux', ['-L', 'live10', ...a], { stdio: 'ignore' });
if (tui) {
  // The TUI needs a terminal: a detached tmux pane; tcpdump's exit ends the input ("input ended").
  const envs = Object.entries(env)
    .filter(([k]) => k === 'NODE_OPTIONS' || k.startsWith('H2SCOPE_'))
    .map(([k, v]) => `${k}='${v ?? ''}'`)
    .join(' ');
  const pane = ['-d', '-s', session, '-x', '160', '-y', '45'];
  tmux(
    'new-session',
    ...pane,
    `tcpdump ${tcpdumpArgs.join(' ')} 2>/dev/null | env -u CI H2SCOPE_MEMLOG_ANY=1 ${envs} node ${BIN} -; sleep 600`,
  );
} else {
  tcpdump = spawn('tcpdump', tcpdumpArgs, { stdio: ['ignore', 'pipe', 'ignore'] });
  h2scope = spawn(process.execPath, [BIN, ...cliArgs, '-'], {
    stdio: [tcpdump.stdout!, 'ignore', 'ignore'],
    env,
  });
}
await sleep(1500);
const client = new LabClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
  'grpc.keepalive_time_ms': 10_000,
}) as unknown as grpc.Client & { Echo: Echo };
let calls = 0;
let failed = 0;
const t0 = Date.now();
let next = 0;
console.log(`| minutes | calls | RSS (MiB) | heap after GC (MiB) | young generation (MiB) |`);
console.log(`|---:|---:|---:|---:|---:|`);
while (Date.now() - t0 < seconds * 1000) {
  client.Echo({ text: `call ${calls}`, id: String(calls), weight: calls % 1000 }, (e) => {
    if (e) failed++;
  });
  calls++;
  const elapsed = (Date.now() - t0) / 1000;
  if (elapsed >= next) {
    if (next > 0) console.log(row(elapsed / 60, calls));
    next += every;
  }
  await sleep(interval);
}
console.log(row(seconds / 60, calls));
const lines = existsSync(memlog)
  ? readFileSync(memlog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MemLine)
  : [];
const from = Math.min(2, seconds / 120);
console.log(
  `${calls} calls, ${failed} failed, ${format === 'tui' ? 'TUI' : cliArgs.join(' ')}` +
    `${semi ? `, --max-semi-space-size=${semi}` : ''}; slope from minute ${from}: ` +
    `RSS ${slopePerHour(lines, (m) => m.rss, from)} MiB/h, heap after GC ${slopePerHour(lines, (m) => m.heapUsed, from)} MiB/h`,
);
client.close();
await sleep(500);
if (tui) {
  if (process.argv.includes('--keep')) console.log(`tmux -L live10 attach -t ${session}`);
  else tmux('kill-session', '-t', session);
} else {
  tcpdump!.kill('SIGINT');
  await new Promise((r) => h2scope!.once('exit', r));
}
await stopLabServer(server);
rmSync(memlog, { force: true });
