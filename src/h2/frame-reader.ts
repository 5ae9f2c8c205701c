import { FRAME_HEADER_LENGTH } from './constants.js';
import type { RawFrame } from './types.js';

/** What is known about a frame that has started but not completed. */
export interface PartialFrame {
  /** Null until all 9 header bytes arrived. */
  header: { type: number; flags: number; stream: number; length: number } | null;
  /** Bytes of this frame (header included) received so far. */
  received: number;
  offset: number;
}

/**
 * Cuts frames out of one direction's byte stream, whatever the split points. A payload that arrives in
 * pieces is collected and concatenated once when complete, so large DATA frames cost linear copying;
 * a frame that lies inside one pushed chunk is a subarray of it (no copy).
 */
export class FrameReader {
  /** Collects a header split across chunks; made on first need (most streams never split one). */
  private headerBuf: Buffer | null = null;
  private headerFill = 0;
  /*
   * The header of the frame in progress, as plain fields rather than an object per frame (one less
   * allocation per frame; frames are the unit of work of this layer). Valid while `inFrame`.
   */
  private inFrame = false;
  private type = 0;
  private flags = 0;
  private stream = 0;
  private length = 0;
  private frameOffset = 0;
  /** Pieces of a payload split across chunks; null until one is (most frames lie inside one chunk). */
  private parts: Buffer[] | null = null;
  private partsLength = 0;
  /** Stream offset of the next byte pushed. */
  private nextOffset = 0;

  constructor(startOffset = 0) {
    this.nextOffset = startOffset;
  }

  /**
   * Returns the frames this chunk completed; `time`/`packetIndex` are stamped on each of them. With `out`,
   * they are appended to it (and it is returned) instead of to a new array.
   */
  push<T = never>(
    data: Buffer,
    time: number,
    packetIndex: number,
    out: Array<RawFrame | T> = [],
  ): Array<RawFrame | T> {
    let pos = 0;
    while (pos < data.length) {
      if (!this.inFrame) {
        pos = this.takeHeader(data, pos);
        if (!this.inFrame) break;
      }
      const length = this.length;
      const missing = length - this.partsLength;
      const take = Math.min(missing, data.length - pos);
      // Whole payload in this chunk (zero-length frames included, even at the chunk's end): no copy.
      if (take === length) {
        out.push(this.complete(data.subarray(pos, pos + take), time, packetIndex));
      } else {
        if (take > 0) (this.parts ??= []).push(data.subarray(pos, pos + take));
        this.partsLength += take;
        if (this.partsLength === length) {
          const payload = Buffer.concat(this.parts ?? [], this.partsLength);
          out.push(this.complete(payload, time, packetIndex));
        }
      }
      pos += take;
    }
    this.nextOffset += data.length;
    return out;
  }

  /** The frame in progress, if any (for gap handling and end-of-capture reporting). */
  get partial(): PartialFrame | null {
    if (this.inFrame) {
      const { type, flags, stream, length, frameOffset } = this;
      return {
        header: { type, flags, stream, length },
        received: FRAME_HEADER_LENGTH + this.partsLength,
        offset: frameOffset,
      };
    }
    if (this.headerFill > 0) {
      return { header: null, received: this.headerFill, offset: this.nextOffset - this.headerFill };
    }
    return null;
  }

  /** Stream offset of the next byte `push` will see. */
  get offset(): number {
    return this.nextOffset;
  }

  /** Drops any partial frame (after a gap); the next pushed byte is at `nextOffset` in the stream. */
  reset(nextOffset: number = this.nextOffset): void {
    this.headerFill = 0;
    this.inFrame = false;
    this.parts = null;
    this.partsLength = 0;
    this.nextOffset = nextOffset;
  }

  /** Consumes header bytes from `data` at `pos`; sets the header fields once all 9 are in. */
  private takeHeader(data: Buffer, pos: number): number {
    const offset = this.nextOffset + pos - this.headerFill;
    if (this.headerFill === 0 && data.length - pos >= FRAME_HEADER_LENGTH) {
      this.readHeader(data, pos, offset);
      return pos + FRAME_HEADER_LENGTH;
    }
    const take = Math.min(FRAME_HEADER_LENGTH - this.headerFill, data.length - pos);
    const headerBuf = (this.headerBuf ??= Buffer.alloc(FRAME_HEADER_LENGTH));
    data.copy(headerBuf, this.headerFill, pos, pos + take);
    this.headerFill += take;
    if (this.headerFill === FRAME_HEADER_LENGTH) {
      this.readHeader(headerBuf, 0, offset);
      this.headerFill = 0;
    }
    return pos + take;
  }

  /** RFC 9113 §4.1: Length (24) | Type (8) | Flags (8) | R (1) | Stream Identifier (31). */
  private readHeader(buf: Buffer, at: number, offset: number): void {
    this.inFrame = true;
    this.length = (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
    this.type = buf[at + 3]!;
    this.flags = buf[at + 4]!;
    // RFC 9113 §4.1: the reserved bit is ignored on receipt.
    this.stream = buf.readUInt32BE(at + 5) & 0x7fffffff;
    this.frameOffset = offset;
  }

  private complete(payload: Buffer, time: number, packetIndex: number): RawFrame {
    this.inFrame = false;
    this.parts = null;
    this.partsLength = 0;
    const { type, flags, stream, length, frameOffset: offset } = this;
    return { type, flags, stream, length, payload, time, packetIndex, offset };
  }
}
