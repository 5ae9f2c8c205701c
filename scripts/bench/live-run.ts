/**
 * Live memory in real time (docs/performance.md, "Live and long-lived connections"): a grpc-js server and
 * one long-lived grpc-js channel making a unary call every `--interval` ms, captured with
 * `tcpdump -i lo -U -w -` and piped into `bin/h2scope.js --format FORMAT -` (output thrown away), for
 * `--seconds` of wall time; every `--every` seconds the h2scope process reports (scripts/bench/live-memlog.mjs,
 * preloaded) its RSS, its heap used after a full GC and its young generation's size.
 *
 *   node --import tsx scripts/bench/live-run.ts [--seconds 600] [--interval 20] [--format ndjson|text|summary]
 *     [--every 30] [--semi MiB]
 *
 * `--format summary` runs `--summary`. `--semi N` starts h2scope with `--max-semi-space-size=N` (a report
 * otherwise re-executes node with 64, src/cli/launch.ts). Needs root (tcpdump) and a build (`npm run
 * build`). A flat heap after GC means the live state is bounded by the connection, not by how long it has
 * been open; RSS also follows the young generation, which V8 sizes by the allocation rate.
 */
import { spawn } from 'node:child_process';
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
const cliArgs = format === 'summary' ? '--summary' : `--format ${format}`;

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

const server = await startLabServer({ port });
const shell = spawn(
  'sh',
  [
    '-c',
    `tcpdump -i lo -U -s 0 -w - tcp port ${port} 2>/dev/null | exec node ${BIN} ${cliArgs} - >/dev/null`,
  ],
  {
    stdio: 'ignore',
    env: {
      ...process.env,
      NODE_OPTIONS: `--expose-gc --import ${MEMLOG_MODULE}${semi ? ` --max-semi-space-size=${semi}` : ''}`,
      H2SCOPE_MEMLOG: memlog,
      H2SCOPE_MEMLOG_EVERY: String(every),
    },
  },
);
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
console.log(`${calls} calls, ${failed} failed, ${cliArgs}${semi ? `, --max-semi-space-size=${semi}` : ''}`);
client.close();
await sleep(500);
spawn('pkill', ['-INT', '-f', `tcpdump -i lo -U -s 0 -w - tcp port ${port}`]);
await sleep(1000);
await stopLabServer(server);
shell.kill();
rmSync(memlog, { force: true });
