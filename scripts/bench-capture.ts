/**
 * Capture reader benchmark: node --import tsx scripts/bench-capture.ts [file.pcap] [--runs N]
 *
 * Without a file, synthesizes a ~300 MB classic pcap of small TCP packets (and its pcapng twin) in
 * /tmp/h2scope-bench (not committed). Each measurement runs in its own child process, so peak RSS is
 * that reader's alone; the best of N runs is reported (the machine is shared, the best is the least
 * disturbed). Numbers go into docs/dependencies.md.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'pcap-parser';
import { CaptureSource } from '../src/capture/source.js';

const SCRIPT = fileURLToPath(import.meta.url);
const DIR = '/tmp/h2scope-bench';
const TARGET_BYTES = 300 * 1024 * 1024;

interface Result {
  bytes: number;
  packets: number;
  ms: number;
  /** CPU time (user + system, all threads) of the reading alone: steadier than wall time on a busy machine. */
  cpuMs: number;
  maxRssMB: number;
  diagnostics: number;
}

// ---- synthesis -------------------------------------------------------------------------------------

/** Ethernet + IPv4 + TCP headers (54 bytes) and 0..249 payload bytes: small packets of a busy flow. */
function frame(i: number): Buffer {
  const payload = i % 250;
  const f = Buffer.alloc(54 + payload, i & 0xff);
  f.writeUInt16BE(0x0800, 12); // EtherType IPv4
  f.writeUInt8(0x45, 14); // version 4, IHL 5
  f.writeUInt16BE(40 + payload, 16);
  f.writeUInt8(6, 23); // protocol TCP
  f.writeUInt32BE(0x0a000001, 26);
  f.writeUInt32BE(0x0a000002, 30);
  f.writeUInt16BE(40000 + (i % 100), 34);
  f.writeUInt16BE(50051, 36);
  f.writeUInt32BE((i * 1000) >>> 0, 38);
  f.writeUInt8(0x50, 46); // data offset 5
  return f;
}

function pcapFileHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(262144, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

function pcapRecord(i: number, f: Buffer): Buffer {
  const r = Buffer.alloc(16);
  r.writeUInt32LE(1_700_000_000 + Math.floor(i / 10000), 0);
  r.writeUInt32LE((i * 100) % 1_000_000, 4);
  r.writeUInt32LE(f.length, 8);
  r.writeUInt32LE(f.length, 12);
  return r;
}

function pcapngHeader(): Buffer {
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  const idb = Buffer.alloc(20);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(20, 4);
  idb.writeUInt16LE(1, 8);
  idb.writeUInt32LE(262144, 12);
  idb.writeUInt32LE(20, 16);
  return Buffer.concat([shb, idb]);
}

function epbHeader(i: number, f: Buffer): [Buffer, Buffer] {
  const padded = (f.length + 3) & ~3;
  const total = 32 + padded;
  const h = Buffer.alloc(28);
  h.writeUInt32LE(6, 0);
  h.writeUInt32LE(total, 4);
  const ts = BigInt(1_700_000_000 + Math.floor(i / 10000)) * 1_000_000n + BigInt((i * 100) % 1_000_000);
  h.writeUInt32LE(Number(ts >> 32n), 12);
  h.writeUInt32LE(Number(ts & 0xffffffffn), 16);
  h.writeUInt32LE(f.length, 20);
  h.writeUInt32LE(f.length, 24);
  const tail = Buffer.alloc(padded - f.length + 4);
  tail.writeUInt32LE(total, tail.length - 4);
  return [h, tail];
}

function synthesize(path: string, kind: 'pcap' | 'pcapng'): void {
  if (existsSync(path) && statSync(path).size >= TARGET_BYTES) return;
  const fd = openSync(path, 'w');
  let written = 0;
  let parts: Buffer[] = [kind === 'pcap' ? pcapFileHeader() : pcapngHeader()];
  let pending = 0;
  for (let i = 0; written + pending < TARGET_BYTES; i++) {
    const f = frame(i);
    const wrapped = kind === 'pcap' ? [pcapRecord(i, f), f] : ((h) => [h[0], f, h[1]])(epbHeader(i, f));
    for (const b of wrapped) {
      parts.push(b);
      pending += b.length;
    }
    if (pending >= 1 << 20) {
      written += writeSync(fd, Buffer.concat(parts));
      parts = [];
      pending = 0;
    }
  }
  writeSync(fd, Buffer.concat(parts));
  closeSync(fd);
}

/** 1 MB of good records, one with an absurd length, then 20 MB more: the pcap-parser slow path. */
function synthesizeCorrupt(path: string): void {
  if (existsSync(path)) return;
  const parts: Buffer[] = [pcapFileHeader()];
  let size = 0;
  for (let i = 0; size < 1 << 20; i++) {
    const f = frame(i);
    parts.push(pcapRecord(i, f), f);
    size += 16 + f.length;
  }
  const bad = pcapRecord(0, Buffer.alloc(0));
  bad.writeUInt32LE(0x7fffffff, 8);
  parts.push(bad, Buffer.alloc(20 * 1024 * 1024, 0x55));
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.concat(parts));
  closeSync(fd);
}

// ---- workers (one per child process) -----------------------------------------------------------------

type Measured = Omit<Result, 'maxRssMB' | 'cpuMs'>;

async function workOurs(input: string): Promise<Measured> {
  const start = performance.now();
  const source = new CaptureSource(input);
  let packets = 0;
  let diagnostics = 0;
  for await (const events of source.events()) {
    for (const e of events) {
      if (e.kind === 'packet') packets++;
      else if (e.kind === 'diagnostic') diagnostics++;
    }
  }
  return { bytes: source.progress.bytesRead, packets, ms: performance.now() - start, diagnostics };
}

function workPcapParser(path: string): Promise<Measured> {
  return new Promise((resolve) => {
    const start = performance.now();
    let packets = 0;
    let diagnostics = 0;
    const parser = parse(path);
    parser.on('packet', () => packets++);
    parser.on('error', () => diagnostics++);
    parser.on('end', () =>
      resolve({ bytes: statSync(path).size, packets, ms: performance.now() - start, diagnostics }),
    );
  });
}

async function worker(mode: string, input: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const r = mode === 'pcap-parser' ? await workPcapParser(input) : await workOurs(input);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ...r, cpuMs, maxRssMB }) + '\n');
}

// ---- driver ------------------------------------------------------------------------------------------

function runChild(mode: string, file: string): Result {
  const node = [process.execPath, '--import', 'tsx', SCRIPT, '--worker', mode];
  const out =
    mode === 'ours-pipe'
      ? spawnSync('sh', ['-c', 'cat "$0" | "$@"', file, ...node, '-'], { encoding: 'utf8' })
      : spawnSync(node[0]!, [...node.slice(1), file], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${mode} failed: ${out.stderr}`);
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Result;
}

function best(mode: string, file: string, runs: number): Result {
  const results = Array.from({ length: runs }, () => runChild(mode, file));
  return results.reduce((a, b) => (b.ms < a.ms ? b : a));
}

function row(name: string, r: Result): string {
  const mbps = r.bytes / 1e6 / (r.ms / 1000);
  const pps = r.packets / 1e6 / (r.ms / 1000);
  const cells = [
    name.padEnd(42),
    `${(r.bytes / 1e6).toFixed(0)} MB`.padStart(8),
    `${r.packets}`.padStart(9),
    `${(r.ms / 1000).toFixed(2)} s`.padStart(8),
    `${(r.cpuMs / 1000).toFixed(2)} s`.padStart(8),
    `${mbps.toFixed(0)} MB/s`.padStart(10),
    `${pps.toFixed(2)} M pkt/s`.padStart(13),
    `${r.maxRssMB.toFixed(0)} MB`.padStart(8),
    `${r.diagnostics}`.padStart(5),
  ];
  return cells.join(' ');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--worker') return worker(args[1]!, args[2]!);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
  mkdirSync(DIR, { recursive: true });
  const pcap = files[0] ?? join(DIR, 'small-tcp.pcap');
  const pcapng = join(DIR, 'small-tcp.pcapng');
  const corrupt = join(DIR, 'corrupt-after-1mb.pcap');
  if (!files[0]) {
    synthesize(pcap, 'pcap');
    synthesize(pcapng, 'pcapng');
  }
  synthesizeCorrupt(corrupt);
  spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'sh', pcap, pcapng, corrupt]); // into the page cache

  const cpu = cpus();
  console.log(
    `node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  console.log(
    `best of ${runs} runs, each in its own process; RSS = peak of that process (node + tsx included)`,
  );
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const titles = [
    'reader'.padEnd(42),
    'input',
    'packets',
    'wall',
    'cpu',
    'speed',
    'packets/s',
    'peak RSS',
    'diag',
  ];
  console.log(titles.join('  ') + '   (speed and packets/s from wall time)');
  console.log(row('(0) baseline: node + tsx, empty input', best('ours-file', '/dev/null', 1)));
  console.log(row('(a) CaptureReader, file stream (pcap)', best('ours-file', pcap, runs)));
  console.log(row('(b) pcap-parser, file (pcap)', best('pcap-parser', pcap, runs)));
  console.log(row('(c) CaptureReader, cat | stdin pipe (pcap)', best('ours-pipe', pcap, runs)));
  if (!files[0]) console.log(row('(d) CaptureReader, file stream (pcapng)', best('ours-file', pcapng, runs)));
  console.log(row('(e) CaptureReader, corrupt length after 1 MB', best('ours-file', corrupt, 1)));
  console.log(row('(f) pcap-parser, corrupt length after 1 MB', best('pcap-parser', corrupt, 1)));
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

await main();
