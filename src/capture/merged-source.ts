/**
 * Several captures read as one, merged by packet time like mergecap: an incident captured on several
 * hosts (client and server, two proxies) is analysed in one pass, with one connection table.
 *
 * - Packets come out in timestamp order (ties: the file given first), each file read chunk by chunk: at
 *   most about one chunk per file is held, since a file is read further only when its queue is empty.
 *   Each file is assumed to be in time order, as mergecap assumes (a file that is not stays in its order).
 * - Packet indexes count packets of the merged stream (0, 1, 2, ...), so `packet` in every record is
 *   unambiguous across files, as in mergecap's output; which file and record a packet came from is not
 *   kept (a merged capture cannot be re-read by index: --write-pcap needs one input).
 * - Connection identities come from one flow table, so c1, c2, ... are unique across files. A connection
 *   seen in two files (the same 4-tuple, e.g. captured on both hosts) is one connection: its duplicate
 *   segments count once, like retransmissions (first copy wins).
 * - pcapng interface ids are made unique per file (id * files + file index); format, interface and
 *   secrets events pass through as they are read, before the packets they serve.
 */
import type { Readable } from 'node:stream';
import { CaptureSource, type CaptureProgress } from './source.js';
import type { CaptureEvent, RawPacket } from './types.js';

/** What report runs read from: one capture (CaptureSource) or several merged (MergedCaptureSource). */
export interface CaptureInput {
  events(): AsyncGenerator<CaptureEvent[], void, undefined>;
  readonly progress: CaptureProgress;
  readonly name: string;
}

interface Lane {
  source: CaptureSource;
  chunks: AsyncGenerator<CaptureEvent[], void, undefined>;
  queue: RawPacket[];
  /** Read position in `queue` (shifting a long array per packet would be quadratic). */
  head: number;
  done: boolean;
}

export class MergedCaptureSource implements CaptureInput {
  private readonly sources: CaptureSource[];

  constructor(
    readonly inputs: readonly string[],
    options: { stdin?: Readable } = {},
  ) {
    this.sources = inputs.map((input) => new CaptureSource(input, options));
  }

  get name(): string {
    return this.sources.map((s) => s.name).join(' + ');
  }

  get progress(): CaptureProgress {
    const all = this.sources.map((s) => s.progress);
    return {
      bytesRead: all.reduce((n, p) => n + p.bytesRead, 0),
      totalBytes: all.some((p) => p.totalBytes === null)
        ? null
        : all.reduce((n, p) => n + (p.totalBytes ?? 0), 0),
      packets: all.reduce((n, p) => n + p.packets, 0),
      compressed: all.some((p) => p.compressed),
      done: all.every((p) => p.done),
    };
  }

  async *events(): AsyncGenerator<CaptureEvent[], void, undefined> {
    const files = this.sources.length;
    const lanes: Lane[] = this.sources.map((source) => ({
      source,
      chunks: source.events(),
      queue: [],
      head: 0,
      done: false,
    }));
    let next = 0;
    try {
      for (;;) {
        const out: CaptureEvent[] = [];
        // Refill every lane whose queue is empty: its next packet may be the earliest of all.
        for (const [i, lane] of lanes.entries()) {
          while (!lane.done && lane.head >= lane.queue.length) {
            const r = await lane.chunks.next();
            if (r.done) {
              lane.done = true;
              break;
            }
            lane.queue = lane.queue.slice(lane.head);
            lane.head = 0;
            for (const ev of r.value) {
              if (ev.kind === 'packet') lane.queue.push(ev.packet);
              else out.push(renumberInterface(ev, i, files));
            }
          }
        }
        // Emit while every lane still reading has a packet waiting: the smallest timestamp first.
        for (;;) {
          let best: Lane | null = null;
          let bestIndex = -1;
          let blocked = false;
          for (const [i, lane] of lanes.entries()) {
            const p = lane.queue[lane.head];
            if (p === undefined) {
              if (!lane.done) blocked = true;
              continue;
            }
            if (best === null || p.timeNs < best.queue[best.head]!.timeNs) {
              best = lane;
              bestIndex = i;
            }
          }
          if (blocked || best === null) break;
          const p = best.queue[best.head++]!;
          out.push({
            kind: 'packet',
            packet: { ...p, index: next++, interfaceId: p.interfaceId * files + bestIndex },
          });
        }
        if (out.length > 0) yield out;
        if (lanes.every((l) => l.done && l.head >= l.queue.length)) return;
      }
    } finally {
      // Stopped early (SIGINT, output closed): close every file still open.
      for (const lane of lanes) if (!lane.done) void lane.chunks.return(undefined);
    }
  }
}

function renumberInterface(ev: CaptureEvent, file: number, files: number): CaptureEvent {
  if (ev.kind !== 'interface') return ev;
  return { ...ev, iface: { ...ev.iface, id: ev.iface.id * files + file } };
}

/** One input as itself, several merged. */
export function openCaptureInput(
  inputs: readonly string[],
  options: { stdin?: Readable } = {},
): CaptureInput {
  return inputs.length === 1
    ? new CaptureSource(inputs[0]!, options)
    : new MergedCaptureSource(inputs, options);
}
