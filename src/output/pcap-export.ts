/**
 * --write-pcap: the packets of the matching connections, copied to a new classic pcap in capture order.
 * A second pass over the input (a file, or the spooled copy of stdin) through the same net decoder and
 * TCP flow table as the engine, which give connections the same ids ("c1", ...) in the same order, so
 * every TCP packet can be attributed without the engine keeping per-connection packet lists.
 * Limits: non-TCP packets are not copied; of an IP datagram reassembled from fragments only the last
 * fragment is.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CaptureSource } from '../capture/source.js';
import type { CaptureEvent } from '../capture/types.js';
import { NetDecoder } from '../net/net-decoder.js';
import { formatEndpoint, type Endpoint } from '../net/types.js';
import { PcapWriter } from './pcap-writer.js';
import { FlowTable } from '../tcp/flow-table.js';

export interface PcapExport {
  written: number;
  skippedLinkType: number;
  linkType: number | null;
}

/** Batches small writes into large ones: three buffers per packet would be three syscalls. */
class FileBatcher {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  readonly write = (b: Buffer): void => {
    this.parts.push(b);
    this.size += b.length;
    if (this.size >= 1024 * 1024) this.flush();
  };
  flush(): void {
    if (this.size > 0) writeSync(this.fd, Buffer.concat(this.parts));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Copies the first `maxPackets` records' packets that belong to a connection in `matched` (null: every
 * connection) to the file `fd` (opened by the caller, closed here); with `packets`, only the records of
 * those numbers among them (the TUI's followed stream: the packets that completed its frames).
 */
export async function exportPackets(
  input: string | Readable,
  matched: ReadonlySet<string> | null,
  fd: number,
  maxPackets: number,
  packets?: ReadonlySet<number>,
): Promise<PcapExport> {
  const out = new FileBatcher(fd);
  const owners = new PacketOwners();
  let writer: PcapWriter | null = null;
  let nanosecond = false;
  let seen = 0;
  try {
    outer: for await (const events of new CaptureSource(input).events()) {
      for (const ev of events) {
        if (ev.kind !== 'packet') {
          nanosecond ||= isNanosecond(ev);
          continue;
        }
        if (seen++ >= maxPackets) break outer;
        // Every packet still goes through the flow table, so connection ids stay those the engine gave.
        const conn = owners.of(ev);
        if (conn === null || (matched !== null && !matched.has(conn))) continue;
        if (packets && !packets.has(ev.packet.index)) continue;
        writer ??= new PcapWriter(out.write, { nanosecond });
        writer.packet(ev.packet);
      }
    }
    out.flush();
  } finally {
    closeSync(fd);
  }
  return {
    written: writer?.written ?? 0,
    skippedLinkType: writer?.skippedLinkType ?? 0,
    linkType: writer?.fileLinkType ?? null,
  };
}

function isNanosecond(ev: CaptureEvent): boolean {
  if (ev.kind === 'format') return ev.nanosecond === true;
  return ev.kind === 'interface' && ev.iface.tsUnitsPerSecond > 1e6;
}

/**
 * Attributes packets to connections. A packet the flow table absorbs without an event (the last ACK after
 * both FINs, a late retransmission: its tombstone, src/tcp/flow-table.ts) goes to the last connection of
 * its 4-tuple, so a copied connection is complete as tcpdump saw it.
 */
class PacketOwners {
  private readonly net = new NetDecoder();
  private readonly flows = new FlowTable();
  private readonly byTuple = new Map<string, string>();

  of(ev: Extract<CaptureEvent, { kind: 'packet' }>): string | null {
    const index = ev.packet.index;
    let owner: string | null = null;
    for (const nev of this.net.push(ev.packet)) {
      if (nev.kind !== 'tcp') continue;
      const seg = nev.segment;
      for (const tev of this.flows.push(seg)) {
        if (tev.kind === 'open') this.byTuple.set(tuple(tev.conn.a, tev.conn.b), tev.conn.id);
        if (tev.kind === 'packet' && tev.packetIndex === index) owner = tev.conn;
      }
      if (owner === null && seg.packetIndex === index)
        owner = this.byTuple.get(tuple(seg.src, seg.dst)) ?? null;
    }
    return owner;
  }
}

function tuple(a: Endpoint, b: Endpoint): string {
  const x = formatEndpoint(a);
  const y = formatEndpoint(b);
  return x < y ? `${x} ${y}` : `${y} ${x}`;
}

export function openPcapFile(path: string): number {
  return openSync(path, 'w');
}
