/**
 * Synthesizes a large, realistic gRPC capture from the real samples: their TCP connections are replayed
 * many times, each copy with its own client address, port and initial sequence numbers (some close to
 * 2^32, so sequence wrap-around is exercised), `concurrency` copies live at once and interleaved by
 * time as on a busy server. Packets within a copy keep their original order and pacing, so TCP
 * reassembly and HPACK state are as valid as in the sample. Written to /tmp, never committed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PcapWriter } from './pcap-file.js';
import { rewritePacket, type CopyParams } from './rewrite.js';
import { LINKTYPE_ETHERNET, sampleConnections, type SampleConnection } from './sample-connections.js';

/** Bump when the output of the generator changes, so cached files are rebuilt. */
const GENERATOR_VERSION = 1;
export const SERVER_PORT = 50051;
const SERVER_IP = 0x0a000001; // 10.0.0.1
const CLIENT_NET = 0x0a010000; // clients from 10.1.0.0 on, one address per copy
const START_MICROS = 1_700_000_000 * 1_000_000;

/**
 * Copies of each sample per round: one 1.2 MB response (16 KiB DATA frames) for every 32 of each small
 * scenario, so about half the bytes are bulk data and half are small unary and streaming calls with
 * metadata, errors and deadlines (the frame-heavy part). Python grpcio (C-core) peers included.
 */
export const MIX: readonly (readonly [string, number])[] = [
  ['grpc-js-large.pcap', 1],
  ['grpc-js-unary.pcap', 32],
  ['grpc-js-streaming.pcap', 32],
  ['grpc-js-status.pcap', 32],
  ['grpc-js-deadline.pcap', 32],
  ['py-client-js-server.pcap', 32],
  ['js-client-py-server.pcap', 32],
];

export interface SynthesisOptions {
  path: string;
  targetBytes: number;
  samplesDir: string;
  /** Connections live at the same time. */
  concurrency?: number;
}

export interface SynthesisStats {
  version: number;
  targetBytes: number;
  concurrency: number;
  bytes: number;
  packets: number;
  connections: number;
  /** Capture time from first to last packet. */
  durationSeconds: number;
  mix: Record<string, number>;
}

interface Slot {
  conn: SampleConnection | null;
  params: CopyParams;
  startMicros: number;
  next: number;
  endMicros: number;
}

/** mulberry32: a tiny deterministic PRNG, so the same options always give the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function roundOf(samplesDir: string): SampleConnection[] {
  const groups = MIX.map(([file, copies]) => ({ conns: sampleConnections(join(samplesDir, file)), copies }));
  const most = Math.max(...groups.map((g) => g.copies));
  const round: SampleConnection[] = [];
  for (let i = 0; i < most; i++) for (const g of groups) if (i < g.copies) round.push(...g.conns);
  return round;
}

export function synthesize(opts: SynthesisOptions): SynthesisStats {
  const concurrency = opts.concurrency ?? 64;
  const statsPath = `${opts.path}.json`;
  if (existsSync(opts.path) && existsSync(statsPath)) {
    const old = JSON.parse(readFileSync(statsPath, 'utf8')) as SynthesisStats;
    if (old.version === GENERATOR_VERSION && old.targetBytes === opts.targetBytes) return old;
  }
  const round = roundOf(opts.samplesDir);
  const rand = prng(0x5eed);
  const out = new PcapWriter(opts.path, LINKTYPE_ETHERNET);
  const mix: Record<string, number> = {};
  let copies = 0;
  let taken = 0;
  const isn = (n: number, wrapEvery: number, offset: number): number =>
    n % wrapEvery === offset ? 0x100000000 - 700 : rand();
  const startCopy = (slot: Slot, at: number): void => {
    if (out.bytes >= opts.targetBytes) {
      slot.conn = null;
      return;
    }
    const conn = round[taken++ % round.length]!;
    const n = ++copies;
    slot.conn = conn;
    slot.next = 0;
    slot.startMicros = at;
    slot.params = {
      clientIp: CLIENT_NET + n,
      serverIp: SERVER_IP,
      clientPort: 32768 + ((n * 7919) % 28232),
      serverPort: SERVER_PORT,
      clientSeqDelta: (isn(n, 8, 0) - conn.clientIsn) >>> 0,
      serverSeqDelta: (isn(n, 8, 4) - conn.serverIsn) >>> 0,
    };
    mix[conn.name] = (mix[conn.name] ?? 0) + 1;
  };
  const slots: Slot[] = Array.from({ length: concurrency }, (_, i) => {
    const slot = { conn: null, next: 0, startMicros: 0, endMicros: 0 } as unknown as Slot;
    startCopy(slot, START_MICROS + i * 37_000);
    return slot;
  });
  let last = START_MICROS;
  while (true) {
    let best: Slot | undefined;
    let bestTime = Infinity;
    for (const s of slots) {
      if (!s.conn) continue;
      const t = s.startMicros + s.conn.packets[s.next]!.offsetMicros;
      if (t < bestTime) [best, bestTime] = [s, t];
    }
    if (!best?.conn) break;
    out.write(bestTime, rewritePacket(best.conn.packets[best.next]!, best.params));
    last = bestTime;
    if (++best.next === best.conn.packets.length) startCopy(best, bestTime + (rand() % 50_000));
  }
  out.close();
  const stats: SynthesisStats = {
    version: GENERATOR_VERSION,
    targetBytes: opts.targetBytes,
    concurrency,
    bytes: out.bytes,
    packets: out.packets,
    connections: copies,
    durationSeconds: (last - START_MICROS) / 1e6,
    mix,
  };
  writeFileSync(statsPath, JSON.stringify(stats, null, 2) + '\n');
  return stats;
}
