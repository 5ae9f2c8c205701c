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

interface FrameHeader {
  type: number;
  flags: number;
  stream: number;
  length: number;
  offset: number;
}

/** RFC 9113 §4.1: Length (24) | Type (8) | Flags (8) | R (1) | Stream Identifier (31). */
function readHeader(buf: Buffer, at: number, offset: number): FrameHeader {
  return {
    length: buf.readUIntBE(at, 3),
    type: buf.readUInt8(at + 3),
    flags: buf.readUInt8(at + 4),
    // RFC 9113 §4.1: the reserved bit is ignored on receipt.
    stream: buf.readUInt32BE(at + 5) & 0x7fffffff,
    offset,
  };
}

/**
 * Cuts frames out of one direction's byte stream, whatever the split points. A payload that arrives in
 * pieces is collected and concatenated once when complete, so large DATA frames cost linear copying;
 * a frame that lies inside one pushed chunk is a subarray of it (no copy).
 */
export class FrameReader {
  private readonly headerBuf = Buffer.alloc(FRAME_HEADER_LENGTH);
  private headerFill = 0;
  private header: FrameHeader | null = null;
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Stream offset of the next byte pushed. */
  private nextOffset = 0;

  constructor(startOffset = 0) {
    this.nextOffset = startOffset;
  }

  /** Returns the frames this chunk completed; `time`/`packetIndex` are stamped on each of them. */
  push(data: Buffer, time: number, packetIndex: number): RawFrame[] {
    const frames: RawFrame[] = [];
    let pos = 0;
    while (pos < data.length) {
      if (this.header === null) {
        pos = this.takeHeader(data, pos);
        if (this.header === null) break;
      }
      const header: FrameHeader = this.header;
      const missing = header.length - this.partsLength;
      const take = Math.min(missing, data.length - pos);
      // Whole payload in this chunk (zero-length frames included, even at the chunk's end): no copy.
      if (take === header.length) {
        frames.push(this.complete(header, data.subarray(pos, pos + take), time, packetIndex));
      } else {
        if (take > 0) this.parts.push(data.subarray(pos, pos + take));
        this.partsLength += take;
        if (this.partsLength === header.length) {
          const payload = Buffer.concat(this.parts, this.partsLength);
          frames.push(this.complete(header, payload, time, packetIndex));
        }
      }
      pos += take;
    }
    this.nextOffset += data.length;
    return frames;
  }

  /** The frame in progress, if any (for gap handling and end-of-capture reporting). */
  get partial(): PartialFrame | null {
    if (this.header !== null) {
      const { type, flags, stream, length, offset } = this.header;
      return {
        header: { type, flags, stream, length },
        received: FRAME_HEADER_LENGTH + this.partsLength,
        offset,
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
    this.header = null;
    this.parts = [];
    this.partsLength = 0;
    this.nextOffset = nextOffset;
  }

  /** Consumes header bytes from `data` at `pos`; sets `this.header` once all 9 are in. */
  private takeHeader(data: Buffer, pos: number): number {
    const offset = this.nextOffset + pos - this.headerFill;
    if (this.headerFill === 0 && data.length - pos >= FRAME_HEADER_LENGTH) {
      this.header = readHeader(data, pos, offset);
      return pos + FRAME_HEADER_LENGTH;
    }
    const take = Math.min(FRAME_HEADER_LENGTH - this.headerFill, data.length - pos);
    data.copy(this.headerBuf, this.headerFill, pos, pos + take);
    this.headerFill += take;
    if (this.headerFill === FRAME_HEADER_LENGTH) {
      this.header = readHeader(this.headerBuf, 0, offset);
      this.headerFill = 0;
    }
    return pos + take;
  }

  private complete(header: FrameHeader, payload: Buffer, time: number, packetIndex: number): RawFrame {
    this.header = null;
    this.parts = [];
    this.partsLength = 0;
    const { type, flags, stream, length, offset } = header;
    return { type, flags, stream, length, payload, time, packetIndex, offset };
  }
}
