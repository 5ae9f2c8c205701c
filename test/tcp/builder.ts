/**
 * Hand-built TcpSegments for the tcp tests. Flags are spelled like tcpdump's `Flags [S.]`, letters only:
 * S SYN, A ACK, F FIN, R RST, P PSH. Packet indexes count up from 0 and time advances 1 s per packet
 * (whole numbers: exact in assertions) unless given, so every event's packetIndex/time names the segment that caused it.
 */
import type { Endpoint, TcpSegment } from '../../src/net/types.js';
import { FlowTable, type FlowTableOptions } from '../../src/tcp/flow-table.js';
import type { Dir, TcpEvent } from '../../src/tcp/types.js';

export const CLIENT: Endpoint = { ip: '10.0.0.1', port: 50000 };
export const SERVER: Endpoint = { ip: '10.0.0.2', port: 80 };

export interface SegOpts {
  seq: number;
  ack?: number;
  flags?: string;
  data?: string | Buffer;
  time?: number;
}

export class Wire {
  index = 0;
  time = 1000;

  constructor(
    readonly client: Endpoint = CLIENT,
    readonly server: Endpoint = SERVER,
  ) {}

  c2s(o: SegOpts): TcpSegment {
    return this.seg(this.client, this.server, o);
  }

  s2c(o: SegOpts): TcpSegment {
    return this.seg(this.server, this.client, o);
  }

  seg(src: Endpoint, dst: Endpoint, o: SegOpts): TcpSegment {
    const flags = o.flags ?? 'A';
    const time = o.time ?? this.time;
    this.time = time + 1;
    const payload = typeof o.data === 'string' ? Buffer.from(o.data, 'latin1') : (o.data ?? Buffer.alloc(0));
    return {
      packetIndex: this.index++,
      time,
      ipVersion: src.ip.includes(':') ? 6 : 4,
      src,
      dst,
      seq: o.seq >>> 0,
      ack: (o.ack ?? 0) >>> 0,
      flags: {
        fin: flags.includes('F'),
        syn: flags.includes('S'),
        rst: flags.includes('R'),
        psh: flags.includes('P'),
        ack: flags.includes('A'),
        urg: false,
        ece: false,
        cwr: false,
      },
      window: 65535,
      payload,
    };
  }
}

/** Pushes every segment (and finish() when asked) and returns all events in order. */
export function run(segs: TcpSegment[], opts?: FlowTableOptions, finish = true): TcpEvent[] {
  const table = new FlowTable(opts);
  const out: TcpEvent[] = [];
  for (const s of segs) out.push(...table.push(s));
  if (finish) out.push(...table.finish());
  return out;
}

export type DataEvent = Extract<TcpEvent, { kind: 'data' }>;

export function dataEvents(events: TcpEvent[], dir?: Dir, conn?: string): DataEvent[] {
  return events.filter(
    (e): e is DataEvent =>
      e.kind === 'data' && (dir === undefined || e.dir === dir) && (conn === undefined || e.conn === conn),
  );
}

/** The delivered bytes of one direction, as a latin1 string. */
export function text(events: TcpEvent[], dir: Dir, conn?: string): string {
  return Buffer.concat(dataEvents(events, dir, conn).map((e) => e.data)).toString('latin1');
}

/** A compact trace: "open c1", "packet c1 0 #3", "data c1 0 @5+3 gap0 #3", "fin c1 1 #7", "end c1 fin". */
export function trace(events: TcpEvent[]): string[] {
  return events.map((e) => {
    switch (e.kind) {
      case 'open':
        return `open ${e.conn.id}`;
      case 'packet':
        return `packet ${e.conn} ${e.dir} #${e.packetIndex}`;
      case 'data':
        return `data ${e.conn} ${e.dir} @${e.offset}+${e.data.length} gap${e.gapBefore} #${e.packetIndex}`;
      case 'fin':
      case 'rst':
        return `${e.kind} ${e.conn} ${e.dir} #${e.packetIndex}`;
      case 'end':
        return `end ${e.conn} ${e.reason}`;
      case 'diagnostic':
        return `diag ${e.diagnostic.code}`;
    }
  });
}

export function diagnostics(events: TcpEvent[], code?: string) {
  return events
    .filter((e): e is Extract<TcpEvent, { kind: 'diagnostic' }> => e.kind === 'diagnostic')
    .map((e) => e.diagnostic)
    .filter((d) => code === undefined || d.code === code);
}

export function endOf(events: TcpEvent[], conn = 'c1'): Extract<TcpEvent, { kind: 'end' }> {
  const e = events.find((x): x is Extract<TcpEvent, { kind: 'end' }> => x.kind === 'end' && x.conn === conn);
  if (!e) throw new Error(`no end event for ${conn}`);
  return e;
}

/** Mulberry32: a small seeded PRNG so property tests are reproducible (no Math.random). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
