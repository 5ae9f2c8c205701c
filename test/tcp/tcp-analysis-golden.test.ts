/**
 * The TCP analysis against tshark's (samples/*.tcp-golden.json, scripts/make-tcp-golden.mjs): every packet's
 * tcp.analysis.* flags, every ACK RTT and every handshake RTT, on real captures: real loss (tcp-loss-grpc-js, made
 * with random drops between two namespaces), packets dropped, duplicated and reordered in a file
 * (damaged-*), a slow reader's zero windows (h2-zero-window), Linux keep-alives and their ACKs on an idle
 * connection (h2-tcp-keepalive), up to 751 segments in flight behind a router's queue (h2-bytes-in-flight), one-byte
 * zero-window probes from libslirp's BSD TCP and their ACKs (h2-zero-window-probe), and healthy ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { NetDecoder } from '../../src/net/net-decoder.js';
import { formatEndpoint } from '../../src/net/types.js';
import { TCP_A, TcpAnalyzer } from '../../src/tcp/tcp-analysis.js';
import type { TcpEvent } from '../../src/tcp/types.js';

const FLAG_NAMES: Array<[number, string]> = [
  [TCP_A.RETRANSMISSION, 'retransmission'],
  [TCP_A.FAST_RETRANSMISSION, 'fast_retransmission'],
  [TCP_A.SPURIOUS_RETRANSMISSION, 'spurious_retransmission'],
  [TCP_A.OUT_OF_ORDER, 'out_of_order'],
  [TCP_A.LOST_SEGMENT, 'lost_segment'],
  [TCP_A.DUPLICATE_ACK, 'duplicate_ack'],
  [TCP_A.ZERO_WINDOW, 'zero_window'],
  [TCP_A.ZERO_WINDOW_PROBE, 'zero_window_probe'],
  [TCP_A.KEEP_ALIVE, 'keep_alive'],
  [TCP_A.WINDOW_UPDATE, 'window_update'],
  [TCP_A.WINDOW_FULL, 'window_full'],
  [TCP_A.ACK_LOST_SEGMENT, 'ack_lost_segment'],
  [TCP_A.KEEP_ALIVE_ACK, 'keep_alive_ack'],
  [TCP_A.ZERO_WINDOW_PROBE_ACK, 'zero_window_probe_ack'],
];

interface Golden {
  packets: Array<[number, ...string[]]>;
  ackRtt: Array<[number, number]>;
  initialRtt: Record<string, number>;
  bytesInFlight: Array<[number, number]>;
  sack: Array<[number, ...number[]]>;
  dsack: number[];
}

interface Ours {
  flags: Map<number, string[]>;
  ackRtt: Map<number, number>;
  initialRtt: number[];
  bytesInFlight: Array<[number, number]>;
  sack: Array<[number, ...number[]]>;
  dsack: number[];
}

/** Every TCP packet of a capture through one TcpAnalyzer per 4-tuple (tshark's tcp.stream, in order). */
async function analyse(file: string): Promise<Ours> {
  const net = new NetDecoder();
  const conns = new Map<string, { analyzer: TcpAnalyzer; first: string }>();
  const order: TcpAnalyzer[] = [];
  const flags = new Map<number, string[]>();
  const ackRtt = new Map<number, number>();
  const sink: TcpEvent[] = [];
  const bytesInFlight: Array<[number, number]> = [];
  const sack: Array<[number, ...number[]]> = [];
  const dsack: number[] = [];
  for (const ev of await readCaptureFile(file)) {
    if (ev.kind !== 'packet') continue;
    for (const nev of net.push(ev.packet)) {
      if (nev.kind !== 'tcp') continue;
      const seg = nev.segment;
      const src = formatEndpoint(seg.src);
      const dst = formatEndpoint(seg.dst);
      const key = [src, dst].sort().join(' ');
      let c = conns.get(key);
      // A new SYN on a 4-tuple seen before is a new connection (tshark: a new tcp.stream).
      const opening = seg.flags.syn && !seg.flags.ack && c?.analyzer.handshake()?.syn !== seg.time;
      if (!c || (opening && c.analyzer.handshake() !== null)) {
        const info = {
          id: `c${conns.size + 1}`,
          a: seg.src,
          b: seg.dst,
          clientRule: 'syn' as const,
          synSeen: seg.flags.syn,
          start: seg.time,
          firstPacketIndex: seg.packetIndex,
        };
        c = { analyzer: new TcpAnalyzer(info), first: src };
        conns.set(key, c);
        order.push(c.analyzer);
      }
      const f = c.analyzer.segment(seg, src === c.first ? 0 : 1, sink);
      const frame = seg.packetIndex + 1;
      const names = FLAG_NAMES.filter(([bit]) => (f & bit) !== 0).map(([, name]) => name);
      if (names.length > 0) flags.set(frame, names);
      if (c.analyzer.lastAckRttMs >= 0) ackRtt.set(frame, Math.round(c.analyzer.lastAckRttMs * 1e3) / 1e3);
      if (c.analyzer.lastBytesInFlight > 0) bytesInFlight.push([frame, c.analyzer.lastBytesInFlight]);
      if (seg.sack) sack.push([frame, ...seg.sack]);
      if (c.analyzer.lastDsack) dsack.push(frame);
    }
  }
  const initialRtt = order.map((a) => a.handshake()?.initialRttMs ?? -1);
  return { flags, ackRtt, initialRtt, bytesInFlight, sack, dsack };
}

/** Streams of the samples whose SYN was refused with RST-ACK (tshark -Y 'tcp.flags.reset==1 && tcp.seq==1'). */
const REFUSED: Record<string, number[]> = { showcase: [3] };

function refused(name: string, stream: number): boolean {
  return REFUSED[name]?.includes(stream) ?? false;
}

const SAMPLES = [
  'tcp-loss-grpc-js',
  'damaged-dropped',
  'damaged-reordered',
  'damaged-duplicated',
  'grpc-js-large',
  'showcase',
  'h2-any-sll2',
  'grpc-small-window',
  'grpc-stream-limit',
  'tls-grpc-js-13',
  'grpc-keepalive',
  'h2-zero-window',
  'h2-tcp-keepalive',
  'h2-bytes-in-flight',
  'h2-zero-window-probe',
];

describe('TCP analysis matches tshark tcp.analysis.*', () => {
  for (const name of SAMPLES) {
    it(name, async () => {
      const golden = JSON.parse(readFileSync(`samples/${name}.tcp-golden.json`, 'utf8')) as Golden;
      const file = ['pcap', 'pcapng'].map((e) => `samples/${name}.${e}`).find((p) => existsSync(p))!;
      const ours = await analyse(file);
      const want = new Map(golden.packets.map(([frame, ...names]) => [frame, names.sort()]));
      const got = new Map([...ours.flags].map(([frame, names]) => [frame, [...names].sort()]));
      const diff: string[] = [];
      for (const frame of new Set([...want.keys(), ...got.keys()])) {
        const w = (want.get(frame) ?? []).join(',');
        const g = (got.get(frame) ?? []).join(',');
        if (w !== g) diff.push(`frame ${frame}: tshark [${w}] h2scope [${g}]`);
      }
      expect(diff).toEqual([]);
      const rttDiff: string[] = [];
      for (const [frame, rtt] of golden.ackRtt) {
        const g = ours.ackRtt.get(frame);
        if (g === undefined || Math.abs(g - rtt) > 0.002)
          rttDiff.push(`frame ${frame}: tshark ${rtt} h2scope ${g}`);
      }
      for (const frame of ours.ackRtt.keys())
        if (!golden.ackRtt.some(([f]) => f === frame)) rttDiff.push(`frame ${frame}: h2scope only`);
      expect(rttDiff).toEqual([]);
      // tshark also times a SYN answered by RST-ACK (a refused connection) as an "initial RTT"; h2scope's
      // handshake has no RTT without a completed handshake, so those streams are left out.
      let compared = 0;
      for (const [stream, rtt] of Object.entries(golden.initialRtt)) {
        const mine = ours.initialRtt[Number(stream)]!;
        if (mine < 0 && refused(name, Number(stream))) continue;
        expect(mine).toBeCloseTo(rtt, 3);
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
      expect(ours.sack).toEqual(golden.sack);
      expect(ours.dsack).toEqual(golden.dsack);
      const bifDiff: string[] = [];
      const wantBif = new Map(golden.bytesInFlight);
      const gotBif = new Map(ours.bytesInFlight);
      for (const frame of new Set([...wantBif.keys(), ...gotBif.keys()]))
        if (wantBif.get(frame) !== gotBif.get(frame))
          bifDiff.push(`frame ${frame}: tshark ${wantBif.get(frame)} h2scope ${gotBif.get(frame)}`);
      expect(bifDiff).toEqual([]);
    });
  }
});
