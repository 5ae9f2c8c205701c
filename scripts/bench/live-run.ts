/**
 * Live memory in real time (docs/performance.md, "Live and long-lived connections"): a grpc-js server and
 * one long-lived grpc-js channel making a unary call every `--interval` ms, captured with
 * `tcpdump -i lo -U -w -` and piped into `bin/h2scope.js --format FORMAT -` (output thrown away), for
 * `--seconds` of wall time; the h2scope process's RSS is read from /proc every `--every` seconds.
 *
 *   node --import tsx scripts/bench/live-run.ts [--seconds 600] [--interval 20] [--format ndjson] [--every 30]
 *
 * Needs root (tcpdump) and a build (`npm run build`). Flat RSS over the run means the live state is bounded
 * by the connection, not by how long it has been open.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
const BIN = new URL('../../bin/h2scope.js', import.meta.url).pathname;

type Echo = (req: EchoRequest, cb: (err: grpc.ServiceError | null, reply?: EchoReply) => void) => void;

function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const server = await startLabServer({ port });
const shell = spawn(
  'sh',
  [
    '-c',
    `tcpdump -i lo -U -s 0 -w - tcp port ${port} 2>/dev/null | exec node ${BIN} --format ${format} - >/dev/null`,
  ],
  { stdio: 'ignore' },
);
await sleep(1500);
const client = new LabClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
  'grpc.keepalive_time_ms': 10_000,
}) as unknown as grpc.Client & { Echo: Echo };
// The h2scope process: node, child of the shell.
const pid = Number(
  (await new Promise<string>((resolve) => {
    const p = spawn('pgrep', ['-n', '-f', `${BIN} --format ${format}`]);
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('exit', () => resolve(out.trim()));
  })) || 0,
);
let calls = 0;
let failed = 0;
const t0 = Date.now();
let next = 0;
console.log(`| minutes | calls | h2scope RSS (MiB) |`);
console.log(`|---:|---:|---:|`);
while (Date.now() - t0 < seconds * 1000) {
  client.Echo({ text: `call ${calls}`, id: String(calls), weight: calls % 1000 }, (e) => {
    if (e) failed++;
  });
  calls++;
  const elapsed = (Date.now() - t0) / 1000;
  if (elapsed >= next) {
    console.log(`| ${(elapsed / 60).toFixed(1)} | ${calls} | ${rssMiB(pid)?.toFixed(1) ?? '?'} |`);
    next += every;
  }
  await sleep(interval);
}
console.log(`| ${(seconds / 60).toFixed(1)} | ${calls} | ${rssMiB(pid)?.toFixed(1) ?? '?'} |`);
console.log(`${calls} calls, ${failed} failed, format ${format}, pid ${pid}`);
client.close();
await sleep(500);
spawn('pkill', ['-INT', '-f', `tcpdump -i lo -U -s 0 -w - tcp port ${port}`]);
await sleep(1000);
await stopLabServer(server);
shell.kill();
