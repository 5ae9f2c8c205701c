import { MAX_FRAME_LENGTH } from './constants.js';
import { better, followChain, type FrameSync, type FrameSyncOptions } from './frame-sync.js';

/** Bytes as they arrived, so frames found after a search keep the time and packet that carried them. */
export interface StampedChunk {
  data: Buffer;
  time: number;
  packetIndex: number;
}

export interface SearchResult extends FrameSync {
  /** The bytes from the boundary on, in their original chunks. */
  rest: StampedChunk[];
}

interface Mark {
  /** Index in `buf` of the chunk's first byte. */
  at: number;
  time: number;
  packetIndex: number;
}

/**
 * Incremental frame-boundary search over a stream that arrives in chunks (see findFrameSync). Candidates
 * whose chain still runs into the end are kept and re-checked as bytes arrive, so each offset is examined a
 * bounded number of times, and bytes before the earliest live candidate are dropped. A candidate is
 * accepted with `minFrames` plausible frames, or when its frames end exactly where the data so far ends;
 * one that waits for more than `maxPendingBytes` (its first frames claim to be huge) is given up.
 */
export class FrameSyncSearch {
  private buf = Buffer.alloc(0);
  private len = 0;
  /** Bytes dropped before buf[0]. */
  private dropped = 0;
  private marks: Mark[] = [];
  private pending: number[] = [];
  private scanned = 0;
  private readonly minFrames: number;
  private readonly maxLength: number;
  private readonly maxPendingBytes: number;

  constructor(opts: FrameSyncOptions & { maxPendingBytes?: number } = {}) {
    this.minFrames = opts.minFrames ?? 3;
    this.maxLength = opts.maxFrameLength ?? MAX_FRAME_LENGTH;
    this.maxPendingBytes = opts.maxPendingBytes ?? 4 * 1024 * 1024;
  }

  /** Bytes held, not yet known to be garbage. */
  get buffered(): number {
    return this.len;
  }

  /** Every byte pushed so far, dropped or held. */
  get searched(): number {
    return this.dropped + this.len;
  }

  /** Adds bytes; once a boundary is found, returns it (offset counted from the first byte ever pushed). */
  push(data: Buffer, time = 0, packetIndex = -1): SearchResult | null {
    if (data.length === 0) return null;
    this.marks.push({ at: this.len, time, packetIndex });
    this.append(data);
    const view = this.buf.subarray(0, this.len);
    const live: number[] = [];
    const candidates = this.pending.concat(range(this.scanned, this.len));
    this.scanned = this.len;
    for (const at of candidates) {
      const chain = followChain(view, at, this.minFrames, this.maxLength);
      if (chain.status === 'ok' || chain.status === 'exact') return this.found(at, chain.frames);
      if (chain.status === 'pending' && this.len - at <= this.maxPendingBytes) live.push(at);
    }
    this.pending = live;
    this.compact();
    return null;
  }

  /** End of data: settle for the best chain that runs to the end (see findFrameSync), if any. */
  finish(): SearchResult | null {
    const view = this.buf.subarray(0, this.len);
    let best: FrameSync | null = null;
    for (const at of this.pending)
      best = better(best, at, followChain(view, at, this.minFrames, this.maxLength));
    return best && this.found(best.offset, best.frames);
  }

  /** The search is spent: hands back the bytes from `at` on, split as they arrived. */
  private found(at: number, frames: number): SearchResult {
    const rest: StampedChunk[] = [];
    this.marks.forEach((mark, i) => {
      const end = this.marks[i + 1]?.at ?? this.len;
      const from = Math.max(at, mark.at);
      // Copies: `buf` is reused scratch space.
      if (from < end)
        rest.push({
          data: Buffer.from(this.buf.subarray(from, end)),
          time: mark.time,
          packetIndex: mark.packetIndex,
        });
    });
    const result = { offset: this.dropped + at, frames, rest };
    this.buf = Buffer.alloc(0);
    this.len = 0;
    this.marks = [];
    this.pending = [];
    this.scanned = 0;
    return result;
  }

  /** Amortised growth: each byte is copied O(1) times on average. */
  private append(data: Buffer): void {
    if (this.len + data.length > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.len + data.length, this.buf.length * 2, 4096));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    data.copy(this.buf, this.len);
    this.len += data.length;
  }

  /** Drops the bytes no live candidate needs, once there are enough of them to be worth a copy. */
  private compact(): void {
    const keepFrom = this.pending[0] ?? this.len;
    if (keepFrom < this.buf.length / 2 && keepFrom < 64 * 1024) return;
    this.buf.copy(this.buf, 0, keepFrom, this.len);
    this.len -= keepFrom;
    this.dropped += keepFrom;
    this.scanned -= keepFrom;
    this.pending = this.pending.map((p) => p - keepFrom);
    // Keep the chunk that holds the first kept byte, starting at 0.
    const first = this.marks.findLastIndex((m) => m.at <= keepFrom);
    this.marks = this.marks
      .slice(Math.max(0, first))
      .map((m) => ({ ...m, at: Math.max(0, m.at - keepFrom) }));
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}
