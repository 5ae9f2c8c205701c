/**
 * Idle open connections in real time (docs/performance.md, "Live runs, session 8"): the idle channels of
 * scripts/bench/live-capture.ts (handshake, preface, SETTINGS both ways, then silence) opened at `--rate`
 * a second until `--connections` are open, each then sending a keepalive PING (answered by an ACK) every
 * `--ping` seconds, written as a pcap stream into the stdin pipe of `bin/h2scope.js --format FORMAT -`
 * (output thrown away) for `--seconds` of wall time, packets stamped with the wall clock. Every `--every`
 * seconds the h2scope process reports (scripts/bench/live-memlog.mjs, preloaded) its RSS, its heap used
 * after a full GC and its young generation's size; the table and the slope after the last opening follow.
 *
 *   node --import tsx scripts/bench/live-idle.ts [--connections 100000] [--rate 1000] [--ping 300]
 *     [--seconds 600] [--every 30] [--format ndjson|text|json|summary]
 *
 * Needs a build (`npm run build`). No root: nothing is captured, the packets are made here.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { frame, idleOpening, type Conn } from './live-capture.js';
import { pcapHeader } from './pcap-file.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const total = Number(arg('--connections', '100000'));
const rate = Number(arg('--rate', '1000'));
const pingEvery = Number(arg('--ping', '300'));
const seconds = Number(arg('--seconds', '600'));
const every = Number(arg('--every', '30'));
const format = arg('--format', 'ndjson');
const BIN = new URL('../../bin/h2scope.js', import.meta.url).pathname;
const MEMLOG_MODULE = new URL('./live-memlog.mjs', import.meta.url).pathname;
const memlog = `/tmp/h2scope-live-idle-${process.pid}.jsonl`;
const cliArgs = format === 'summary' ? ['--summary'] : ['--format', format];

interface MemLine {
  ms: number;
  rss: number;
  heapUsed: number;
  young: number;
}

const readMem = (): MemLine[] =>
  existsSync(memlog)
    ? readFileSync(memlog, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as MemLine)
    : [];
const MiB = (n: number | undefined): string => (n === undefined ? '?' : (n / 2 ** 20).toFixed(1));

const h2scope = spawn(process.execPath, [BIN, ...cliArgs, '-'], {
  stdio: ['pipe', 'ignore', 'inherit'],
  env: {
    ...process.env,
    NODE_OPTIONS: `--expose-gc --import ${MEMLOG_MODULE}`,
    H2SCOPE_MEMLOG: memlog,
    H2SCOPE_MEMLOG_EVERY: String(every),
  },
});
const stdin = h2scope.stdin!;
/** Writes one chunk, waiting while the pipe is full (h2scope is behind). */
const write = async (chunk: Buffer): Promise<void> => {
  if (!stdin.write(chunk)) await new Promise((r) => stdin.once('drain', r));
};

await write(pcapHeader(1));
const PING = (ack: boolean, n: number): Buffer => {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(n >>> 0, 4);
  return frame(0x6, ack ? 0x1 : 0, 0, p);
};
const conns: Conn[] = [];
if (pingEvery < total / rate) throw new Error('--ping must be at least --connections / --rate');
/** The next connection to PING, in the order they opened (one PING per connection per period). */
let nextPing = 0;
let pingRound = 0;
const t0 = Date.now();
let opened = 0;
let pings = 0;
let nextRow = every;
console.log(
  `| minutes | open connections | PINGs | RSS (MiB) | heap after GC (MiB) | young generation (MiB) |`,
);
console.log(`|---:|---:|---:|---:|---:|---:|`);
while (Date.now() - t0 < seconds * 1000) {
  const now = Date.now();
  const elapsed = (now - t0) / 1000;
  const time = now / 1000;
  const parts: Buffer[] = [];
  const due = Math.min(total, Math.floor(elapsed * rate));
  for (; opened < due; opened++) {
    const o = idleOpening(opened, time);
    conns.push(o.conn);
    parts.push(...o.records);
  }
  // Connection i pings at its opening time plus k * pingEvery: the same PING rate at every moment once
  // all are open (rounds do not overlap: pingEvery >= total / rate, checked above).
  while (nextPing < conns.length) {
    if (nextPing / rate + (pingRound + 1) * pingEvery > elapsed) break;
    const c = conns[nextPing]!;
    parts.push(c.send(time, true, PING(false, pings)), c.send(time, false, PING(true, pings)));
    pings++;
    if (++nextPing === total) [nextPing, pingRound] = [0, pingRound + 1];
  }
  if (parts.length > 0) await write(Buffer.concat(parts));
  if (elapsed >= nextRow) {
    const m = readMem().at(-1);
    console.log(
      `| ${(elapsed / 60).toFixed(1)} | ${opened} | ${pings} | ${MiB(m?.rss)} | ${MiB(m?.heapUsed)} | ${MiB(m?.young)} |`,
    );
    nextRow += every;
  }
  await sleep(100);
}
const lines = readMem();
const allOpen = total / rate / 60 + 1; // minutes: a minute after the last connection opened
const after = lines.filter((m) => (m.ms - t0) / 60_000 >= allOpen);
const perHour = (pick: (m: MemLine) => number): string => {
  if (after.length < 2) return '?';
  const a = after[0]!;
  const b = after.at(-1)!;
  return ((pick(b) - pick(a)) / 2 ** 20 / ((b.ms - a.ms) / 3_600_000)).toFixed(1);
};
console.log(
  `${opened} connections, ${pings} PINGs, ${cliArgs.join(' ')}; from minute ${allOpen.toFixed(1)} to the end: ` +
    `RSS ${perHour((m) => m.rss)} MiB/h, heap after GC ${perHour((m) => m.heapUsed)} MiB/h; ` +
    `peak RSS logged ${MiB(Math.max(...lines.map((m) => m.rss)))} MiB`,
);
stdin.end();
await new Promise((r) => h2scope.once('exit', r));
rmSync(memlog, { force: true });
