import type { H2DiagnosticCode } from '../diagnostics/h2.js';
import type { DiagnosticParams } from '../diagnostics/types.js';
import { FRAME_HEADER_LENGTH, FrameType, frameTypeName } from './constants.js';
import { FrameReader } from './frame-reader.js';
import { SendLimits } from './peer-settings.js';
import { FrameSyncSearch, type SearchResult } from './frame-sync-search.js';
import type { RawFrame } from './types.js';

/**
 * What one direction's byte stream yields, in order: frames as they are (no wrapper object per frame, the
 * commonest item by far), and notes, which have a `kind`.
 */
export type StreamItem = RawFrame | StreamNote;

export type StreamNote =
  | { kind: 'diag'; code: H2DiagnosticCode; params: DiagnosticParams; time: number; stream?: number }
  /**
   * Bytes were lost. `cutFrameType`: the one frame they fell inside, or null when they may have held any
   * number of frames. Header block state is gone unless that frame is known to be no part of a block.
   */
  | {
      kind: 'lost';
      reason: string;
      cutFrameType: number | null;
      time: number;
      /** Set when the frame search found a boundary after the hole: what the lost region may have held. */
      wholeFrames?: LostRegion;
    };

/**
 * Bytes lost between frame boundaries: the rest of the frame the hole began in (`cutType`, `cutRest` of
 * its bytes; null, 0 when it began on a boundary), then `unknownBytes` of whole frames of unknown types (the
 * bytes the search skipped after the hole included).
 */
export interface LostRegion {
  offset: number;
  cutType: number | null;
  cutRest: number;
  unknownBytes: number;
}

export function isFrame(item: StreamItem): item is RawFrame {
  return !('kind' in item);
}

const MID_STREAM = 'the capture starts mid-connection';

/**
 * One direction's bytes to frames, across holes: a hole that ends inside the current frame is skipped
 * exactly (its length is known); any other hole, and a stream joined mid-connection, is followed by a
 * search for the next frame boundary. Frames of a discarded region are never invented.
 *
 * The stream is its direction's send limits (its base class): the largest frame the peer's acknowledged
 * SETTINGS allow, which tightens the search, read as a field of the same object rather than of a second
 * one per direction of every open connection (docs/performance.md, "Idle connection, session 8").
 */
export class DirectionStream extends SendLimits {
  private readonly reader = new FrameReader();
  /** Stream offset of the next byte, lost bytes included. */
  private cursor = 0;
  /** Bytes still to drop: the rest of a frame a hole cut into. */
  private skip = 0;
  private sync: {
    search: FrameSyncSearch;
    base: number;
    why: 'gap' | 'mid-stream';
    /** why 'gap': the loss, reported once the search ends (with the region when it found a boundary). */
    loss?: { reason: string; time: number; region: LostRegion | null };
  } | null = null;
  /** Capture time of the last push. */
  lastTime = 0;

  /** Appends what `data` completed to `out`. */
  push(data: Buffer, time: number, packetIndex: number, out: StreamItem[]): void {
    this.lastTime = time;
    this.cursor += data.length;
    let bytes = data;
    if (this.skip > 0) {
      const n = Math.min(this.skip, bytes.length);
      this.skip -= n;
      bytes = bytes.subarray(n);
    }
    if (this.sync !== null) {
      const found = this.sync.search.push(bytes, time, packetIndex);
      if (found !== null) out.push(...this.synced(found));
      return;
    }
    if (bytes.length > 0) this.reader.push(bytes, time, packetIndex, out);
  }

  /** `lostBytes` (negative: unknown) were never captured; the next push follows them. */
  gap(lostBytes: number, time: number): StreamItem[] {
    if (lostBytes === 0) return [];
    const lost = Math.max(0, lostBytes);
    const offset = this.cursor;
    this.cursor += lost;
    const partial = this.reader.partial?.header ? this.reader.partial : null;
    const dropped = partial?.header ? ` inside a ${frameTypeName(partial.header.type)} frame` : '';
    const lostText = lostBytes < 0 ? 'an unknown number of' : lostBytes;
    const items: StreamItem[] = [
      { kind: 'diag', code: 'h2.gap', params: { lostBytes: lostText, offset, dropped }, time },
    ];
    if (this.sync !== null) {
      // Still searching: a chain of frames must not span the hole, so search again from after it. What
      // the earlier hole held can no longer be bounded by the next boundary.
      if (this.sync.loss) items.push(this.lostNote(this.sync.loss, null));
      this.sync = { ...this.sync, search: this.newSearch(), base: this.cursor, loss: undefined };
    } else if (lostBytes > 0 && this.skip >= lost) {
      this.skip -= lost; // the hole is inside the frame we were already skipping
    } else if (lostBytes > 0 && partial?.header && remaining(partial) >= lost) {
      items.push(...this.skipRestOfFrame(partial.header.type, remaining(partial) - lost, time));
    } else {
      const what = lostBytes < 0 ? 'bytes were' : `${lost} bytes were`;
      // The lost region starts at the current frame's start when its header was cut, else after the
      // frame the hole began in (whose type is known).
      const region: LostRegion | null =
        lostBytes < 0
          ? null
          : partial?.header
            ? { offset, cutType: partial.header.type, cutRest: remaining(partial), unknownBytes: 0 }
            : {
                offset,
                cutType: null,
                cutRest: 0,
                unknownBytes: lost + (this.reader.partial?.received ?? 0),
              };
      if (region !== null && region.cutType !== null) region.unknownBytes = lost - region.cutRest;
      this.startSearch('gap');
      const loss = { reason: `${what} lost at offset ${offset}`, time, region };
      // Reported when the search ends, where a boundary right after the hole may bound what it held; at
      // once when nothing can (a hole of unknown size, or one that began inside a header block frame).
      if (region === null || isHeaderBlockType(region.cutType)) items.push(this.lostNote(loss, null));
      else this.sync!.loss = loss;
    }
    return items;
  }

  /** The stream starts mid-connection: look for a frame boundary before the first frame. */
  startMidStream(): string {
    this.startSearch('mid-stream');
    return MID_STREAM;
  }

  /** End of capture: settle a pending search, report a partial frame. */
  finish(from: string): StreamItem[] {
    const items: StreamItem[] = [];
    if (this.sync !== null) {
      const searched = this.sync.search.searched;
      const found = this.sync.search.finish();
      if (found === null && this.sync.loss) items.push(this.lostNote(this.sync.loss, null));
      if (found !== null) items.push(...this.synced(found));
      else if (searched > 0)
        items.push({
          kind: 'diag',
          code: 'h2.sync-failed',
          params: { bytes: searched },
          time: this.lastTime,
        });
      this.sync = null;
    }
    const partial = this.reader.partial;
    if (partial !== null) {
      const h = partial.header;
      const what = h === null ? 'frame header' : `${frameTypeName(h.type)} frame on stream ${h.stream}`;
      const need = h === null ? FRAME_HEADER_LENGTH : FRAME_HEADER_LENGTH + h.length;
      const params = { what, have: partial.received, need, offset: partial.offset, from };
      items.push({
        kind: 'diag',
        code: 'h2.frame.incomplete-at-end',
        params,
        time: this.lastTime,
        stream: h?.stream,
      });
    }
    return items;
  }

  /** The hole ended inside a frame of known length: the next frame starts `skip` bytes after it. */
  private skipRestOfFrame(type: number, skip: number, time: number): StreamItem[] {
    const resume = this.cursor + skip;
    this.reader.reset(resume);
    this.skip = skip;
    const method = `the lost bytes ended inside a ${frameTypeName(type)} frame of known length`;
    return [
      { kind: 'diag', code: 'h2.gap-resync', params: { offset: resume, skipped: skip, method }, time },
      { kind: 'lost', reason: `part of a ${frameTypeName(type)} frame was lost`, cutFrameType: type, time },
    ];
  }

  private lostNote(
    loss: { reason: string; time: number },
    region: LostRegion | null,
  ): Extract<StreamNote, { kind: 'lost' }> {
    const note: Extract<StreamNote, { kind: 'lost' }> = {
      kind: 'lost',
      reason: loss.reason,
      cutFrameType: null,
      time: loss.time,
    };
    if (region !== null) note.wholeFrames = region;
    return note;
  }

  private startSearch(why: 'gap' | 'mid-stream'): void {
    this.reader.reset(this.cursor);
    this.skip = 0;
    this.sync = { search: this.newSearch(), base: this.cursor, why };
  }

  private newSearch(): FrameSyncSearch {
    return new FrameSyncSearch({ maxFrameLength: this.maxFrameSize ?? undefined });
  }

  /** Reports the boundary, then replays the bytes from it in their original chunks (keeping their stamps). */
  private synced(found: SearchResult): StreamItem[] {
    const sync = this.sync!;
    this.sync = null;
    const offset = sync.base + found.offset;
    const time = found.rest[0]?.time ?? this.lastTime;
    this.reader.reset(offset);
    const items: StreamItem[] = [];
    if (sync.why === 'mid-stream') {
      const params = { skipped: found.offset, frames: found.frames, offset };
      // No h2.hpack-lost here: entries from before the capture are expected, not a fault; what they
      // hid is summarized once per direction (h2.hpack.unknown-entries) when they are gone or at the end.
      items.push({ kind: 'diag', code: 'h2.mid-stream-sync', params, time });
    } else {
      const region = sync.loss?.region ?? null;
      if (sync.loss)
        items.push(
          this.lostNote(sync.loss, region && { ...region, unknownBytes: region.unknownBytes + found.offset }),
        );
      const method = `${found.frames} consecutive plausible frame${found.frames === 1 ? '' : 's'}`;
      items.push({
        kind: 'diag',
        code: 'h2.gap-resync',
        params: { offset, skipped: found.offset, method },
        time,
      });
    }
    for (const chunk of found.rest) this.reader.push(chunk.data, chunk.time, chunk.packetIndex, items);
    return items;
  }
}

function isHeaderBlockType(type: number | null): boolean {
  return type === FrameType.HEADERS || type === FrameType.PUSH_PROMISE || type === FrameType.CONTINUATION;
}

/** Bytes of the partial frame not received yet. */
function remaining(partial: { header: { length: number } | null; received: number }): number {
  return partial.header === null ? -1 : FRAME_HEADER_LENGTH + partial.header.length - partial.received;
}
