import { FRAME_HEADER_LENGTH } from './constants.js';
import type { LostRegion } from './direction-stream.js';

/** RFC 9113 §4.2: the largest frame payload any SETTINGS_MAX_FRAME_SIZE allows. */
const LARGEST_FRAME = 16_777_215;
/** The smallest frame that can change an HPACK table: a 9-octet header and one octet of header block. */
const SMALLEST_BLOCK_FRAME = FRAME_HEADER_LENGTH + 1;

/** The empty set every SendTally starts with (never written). */
const NO_STREAMS: Set<number> = new Set();

/**
 * What one direction sent that bounds what it may have lost: DATA bytes (flow-controlled, padding
 * included), the connection-level credit its peer granted, and the streams whose header blocks it sent.
 * Kept for every HTTP/2 direction, updated per frame; cheap (no history beyond the credits since this
 * direction's last frame).
 */
export class SendTally {
  dataSent = 0;
  credit = 0;
  /**
   * The most the peer ever credited beyond the DATA seen so far (a receiver that grows its window), taken
   * at this direction's last frame: credits that came after it may already count bytes a later gap lost.
   */
  ahead = 0;
  private aheadNow = 0;
  /** The credit total at this direction's last frame. */
  creditAtLastFrame = 0;
  /**
   * Streams this side sent HEADERS or DATA on and has not ended (END_STREAM) or seen reset; the shared empty
   * set until the first (never added to: see sent()), so an idle connection holds no set.
   */
  open: Set<number> = NO_STREAMS;
  /** Highest stream id this side opened (clients: new streams must come in order, RFC 9113 §5.1.1). */
  maxOpened = 0;

  /** A frame this direction sent. */
  sent(type: number, stream: number, length: number, endStream: boolean, isClient: boolean): void {
    this.ahead = this.aheadNow;
    this.creditAtLastFrame = this.credit;
    if (type === 0) this.dataSent += length;
    if (stream === 0) return;
    // DATA counts too: on a connection joined mid-stream the HEADERS may be from before the capture.
    if (type === 0 || type === 1) {
      if (this.open === NO_STREAMS) this.open = new Set();
      this.open.add(stream);
    }
    if (type === 1 && isClient && stream > this.maxOpened) this.maxOpened = stream;
    if (endStream || type === 3) this.open.delete(stream);
  }

  /** The peer granted `increment` octets on the connection (WINDOW_UPDATE on stream 0). */
  credited(increment: number): void {
    this.credit += increment;
    this.aheadNow = Math.max(this.aheadNow, this.credit - this.dataSent);
  }
}

export type GapConfidence = 'proven' | 'high' | 'medium';

/** What the decoder does after a frame: nothing, the table turned out wrong, or the question settled. */
export type GapVerdict = { kind: 'contradicted'; reason: string } | { kind: 'proven'; basis: string } | null;

/**
 * A gap that ended on a frame boundary, after which a direction's HPACK table is kept on the assumption
 * that the lost frames held no header block. Evidence for and against arrives with later frames:
 * - against (the table is dropped): a frame that needs a stream state the capture never showed, i.e. DATA
 *   on a stream whose HEADERS this side never sent, or a client opening a stream past the next id;
 * - for, weighed when the direction ends: the receiver's connection WINDOW_UPDATEs credit more octets than
 *   the DATA captured, beyond what it ever credited ahead before the gap. A receiver credits what it
 *   consumed (RFC 9113 §6.9), so that excess is DATA the capture lost: when it leaves no room in the lost
 *   region for a frame carrying a header block, the assumption is proven. Credits are compared only in
 *   total at the end, not one by one: bytes held for reassembly across a gap arrive stamped with the packet
 *   that released them, so capture times cannot tell which DATA a credit followed.
 */
export class GapAssumption {
  private readonly dataBefore: number;
  private readonly creditBefore: number;
  private readonly ahead: number;
  private lower = 0;
  /** Streams this side had open at the gap and has not ended since. */
  readonly openAtGap: Set<number>;
  /** Header blocks decoded with the kept table. */
  blocks = 0;

  constructor(
    readonly region: LostRegion,
    private readonly tally: SendTally,
    private readonly maxFrame: number | null,
    private readonly isClient: boolean,
  ) {
    this.dataBefore = tally.dataSent;
    this.creditBefore = tally.creditAtLastFrame;
    this.ahead = tally.ahead;
    this.openAtGap = new Set(tally.open);
  }

  /** Octets of DATA payload the lost region must hold beyond the cut frame (flow control counts it). */
  private get cutData(): number {
    return this.region.cutType === 0 ? this.region.cutRest : 0;
  }

  /**
   * A frame the direction sent after the gap, before its header block (if any) is decoded: does it
   * contradict the assumption? `tally` is not updated for it yet.
   */
  check(type: number, stream: number): GapVerdict {
    if (stream === 0) return null;
    const open = this.tally.open.has(stream);
    if (type === 0 && !open)
      return {
        kind: 'contradicted',
        reason: `DATA on stream ${stream}, whose HEADERS the capture never showed`,
      };
    const next = this.tally.maxOpened + 2;
    if (this.isClient && type === 1 && !open && this.tally.maxOpened > 0 && stream > next)
      return {
        kind: 'contradicted',
        reason: `the client opened stream ${stream} after ${this.tally.maxOpened}: stream ${next} was lost`,
      };
    return null;
  }

  /** After the tally took a post-gap frame of the direction. */
  afterFrame(type: number, stream: number, endStream: boolean): void {
    if (stream !== 0 && (endStream || type === 3)) this.openAtGap.delete(stream);
  }

  /** Stream reset by the peer after the gap. */
  reset(stream: number): void {
    this.openAtGap.delete(stream);
  }

  /** The direction has ended: weigh the credits against the DATA captured. */
  settle(): GapVerdict {
    // The DATA the receiver consumed includes the lost bytes; what it credited beyond the captured DATA
    // (less what it credited ahead before the gap) is a lower bound on them.
    this.lower = Math.max(0, this.tally.credit - this.tally.dataSent - this.ahead);
    const needed = this.lower - this.cutData;
    const room = this.room(needed);
    if (needed > 0 && room >= 0 && room < SMALLEST_BLOCK_FRAME)
      return { kind: 'proven', basis: this.basis() };
    return null;
  }

  /** What is known now, for a block decoded with the kept table or for the final word. */
  confidence(): { confidence: Exclude<GapConfidence, 'proven'>; basis: string } {
    const consistent = this.openAtGap.size === 0;
    return { confidence: consistent && this.lower > 0 ? 'high' : 'medium', basis: this.basis() };
  }

  /** Octets of the region left over after `payload` octets of DATA in as few frames as possible. */
  private room(payload: number): number {
    const frames = Math.ceil(payload / (this.maxFrame ?? LARGEST_FRAME));
    return this.region.unknownBytes - payload - FRAME_HEADER_LENGTH * frames;
  }

  private basis(): string {
    const parts = [`the ${this.region.unknownBytes} lost bytes end on a frame boundary`];
    if (this.lower > 0) {
      const credited = this.tally.credit - this.creditBefore;
      const seen = this.tally.dataSent - this.dataBefore;
      parts.push(
        `the receiver credited ${credited} octets after the gap for ${seen} of DATA captured: at least ` +
          `${this.lower} octets of DATA were lost`,
      );
    }
    parts.push('no later frame needed a stream state the capture never showed');
    if (this.openAtGap.size === 0) parts.push('every stream open at the gap ended after it');
    return parts.join('; ');
  }
}
