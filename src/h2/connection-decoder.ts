import { H2_DIAGNOSTICS, type H2DiagnosticCode } from '../diagnostics/h2.js';
import { diag } from '../diagnostics/make.js';
import type { DiagnosticParams } from '../diagnostics/types.js';
import type { Role } from '../records/records.js';
import { FRAME_HEADER_LENGTH, FrameType, frameTypeName } from './constants.js';
import { DirectionStream, isFrame, type StreamItem, type StreamNote } from './direction-stream.js';
import { frameRecord } from './frame-record.js';
import { decodeFrame, type DecodedFrame } from './frames.js';
import { GapAssumption, SendTally, type GapVerdict } from './gap-assumption.js';
import {
  DEFAULT_HEADER_LIST_LIMITS,
  HeaderBlocks,
  NOTHING,
  type HeaderBlocksContext,
  type HeaderListLimits,
} from './header-blocks.js';
import { LazyHpack, type HpackDecoding } from './hpack-lazy.js';
import type { H2Event } from './types.js';

export interface H2ConnectionOptions {
  connection: string;
  /** Keep this much of one decoded header list (RFC 9113 §6.5.2 size); default 64 KiB. */
  maxHeaderListSize?: number;
  /** Warn above this many fields in one header list; default 200. */
  maxHeaderFields?: number;
  /** Kept header lists of a direction stay within maxHeaderListSize + this many times its bytes; 32. */
  maxHeaderAmplification?: number;
  /** Octets of one header block held until END_HEADERS (default 1 MiB); past it the block is dropped. */
  maxHeaderBlockBytes?: number;
  /**
   * Attach each header block's representations and table insertions to its frame event (the TUI's HPACK
   * inspector). Off by default: it is a second pass over every block that reports do not need.
   */
  hpackReports?: boolean;
  /**
   * Capture time of the connection's first packet: diagnostics that say when something happened give the
   * time relative to it as well as the clock time (absent: the clock time only).
   */
  connectionStart?: number;
}

/**
 * One direction of the connection: the bytes `role` sends. Its frame stream (and, below it, its send
 * limits) is its base class, not a part: two objects less per direction, and one time (the last push's)
 * instead of two (docs/performance.md, "Idle connection, session 8").
 */
class Direction extends DirectionStream {
  readonly hpack: HpackDecoding = new LazyHpack();
  /**
   * Header-block state, made at the first HEADERS, PUSH_PROMISE or CONTINUATION: an idle connection's
   * directions hold none. Until then `bytes` counts the direction's HTTP/2 bytes, which the block state's
   * decompression budget starts from.
   */
  blocks: HeaderBlocks | null = null;
  bytes = 0;
  /**
   * What this direction sent, for the evidence about a gap (GapAssumption). Made at the first frame that
   * moves a figure (DATA, a frame on a stream, a connection credit) or at a gap: an idle connection's
   * SETTINGS and PINGs leave every figure at 0, so it holds none.
   */
  tally: SendTally | null = null;
  /** The table is kept across a gap on an assumption not settled yet. */
  assumed: GapAssumption | null = null;

  constructor(readonly role: Role) {
    super();
  }
}

/**
 * HTTP/2 decoding for one connection whose roles are known: frames cut and decoded per direction, header
 * blocks decoded once in order, SETTINGS applied at their ACK, and gaps resynchronised without inventing
 * frames. Events come out in completion order; frame indexes count across both directions. Flow control,
 * stream states and gRPC are left to the layers that read these events.
 */
export class H2ConnectionDecoder {
  /*
   * The two directions as fields, and the options reduced to what both directions' header blocks share:
   * no record of directions and no options object per open connection.
   */
  private readonly client: Direction;
  private readonly server: Direction;
  private readonly ctx: HeaderBlocksContext;
  private nextIndex = 0;

  constructor(opts: H2ConnectionOptions) {
    this.ctx = {
      connection: opts.connection,
      limits: listLimits(opts),
      reports: opts.hpackReports ?? false,
      start: opts.connectionStart ?? null,
    };
    this.client = new Direction('client');
    this.server = new Direction('server');
  }

  push(from: Role, data: Buffer, time: number, packetIndex: number): H2Event[] {
    const dir = this.dir(from);
    const items = chunkItems;
    try {
      dir.push(data, time, packetIndex, items);
      return this.items(dir, items);
    } finally {
      items.length = 0; // holds payload views: let them go with the chunk
    }
  }

  /** `lostBytes` (negative: unknown) of `from`'s stream were never captured; the next push follows them. */
  gap(from: Role, lostBytes: number, time: number): H2Event[] {
    const dir = this.dir(from);
    return this.items(dir, dir.gap(lostBytes, time));
  }

  /**
   * `from`'s bytes start mid-connection: find a frame boundary first; its HPACK state is unknown. Call
   * before the first push. The diagnostics (boundary found, HPACK state unknown) come with the frames.
   */
  startMidStream(from: Role): void {
    const dir = this.dir(from);
    // The SETTINGS exchange was not seen: neither side's limits are known until a new one is (first: the
    // lost table takes the bound in force, which must not be the default the decoder started with).
    for (const d of [this.client, this.server]) {
      d.maxFrameSize = null;
      d.hpack.setProtocolMaxTableSize(null);
    }
    const reason = dir.startMidStream();
    dir.blocks?.abandon();
    dir.hpack.markLost(`${reason}; dynamic table entries unknown`, true);
  }

  /**
   * SETTINGS that `from` sent outside any frame and that are already acknowledged: the HTTP2-Settings of
   * an h2c upgrade, acknowledged by the 101 response (RFC 7540 §3.2.1). They bound what the peer sends from
   * its first frame on. Call before the first push.
   */
  acknowledgedSettings(from: Role, settings: Array<[number, number]>): void {
    const dir = this.dir(from);
    const peer = from === 'client' ? this.server : this.client;
    dir.sentBefore(settings);
    peer.applyAck(dir, peer.hpack);
  }

  finish(): H2Event[] {
    const out: H2Event[] = [];
    for (const dir of [this.client, this.server]) {
      out.push(...this.items(dir, dir.finish(dir.role)));
      if (dir.assumed !== null) this.settleAtEnd(dir, out);
      const open = dir.blocks?.open ?? null;
      if (open !== null) {
        const params = { stream: open.stream, bytes: open.bytes };
        out.push(this.diag(dir, 'h2.header-block-incomplete', params, dir.lastTime, open.stream));
      }
      for (const diagnostic of this.blocksOf(dir).finish(dir.lastTime))
        out.push({ kind: 'diagnostic', diagnostic });
    }
    return out;
  }

  private blocksOf(dir: Direction): HeaderBlocks {
    return (dir.blocks ??= new HeaderBlocks(dir.hpack, dir.role, this.ctx, dir.bytes));
  }

  private dir(role: Role): Direction {
    return role === 'client' ? this.client : this.server;
  }

  private items(dir: Direction, items: StreamItem[]): H2Event[] {
    const out: H2Event[] = [];
    for (const item of items) {
      if (isFrame(item)) this.frame(dir, decodeFrame(item), out);
      else if (item.kind === 'diag') out.push(this.diag(dir, item.code, item.params, item.time, item.stream));
      else this.lost(dir, item, out);
    }
    return out;
  }

  private frame(dir: Direction, d: DecodedFrame, out: H2Event[]): void {
    const { raw } = d;
    const index = this.nextIndex++;
    const rec = frameRecord(d, this.ctx.connection, index, dir.role);
    // Before the block is decoded: a frame that needs a stream state the capture never showed means the
    // gap held a header block after all.
    const contradiction = dir.assumed?.check(raw.type, raw.stream) ?? null;
    if (contradiction !== null) this.settle(dir, contradiction, raw.time, out);
    const blocks =
      dir.blocks !== null || isHeaderBlockType(raw.type)
        ? this.blocksOf(dir).onFrame(d, rec)
        : ((dir.bytes += FRAME_HEADER_LENGTH + raw.length), NOTHING);
    this.track(dir, d);
    if (blocks.fields !== undefined && dir.assumed !== null) {
      rec.headersAssumed = dir.assumed.confidence();
      dir.assumed.blocks++;
    }
    const event: H2Event = { kind: 'frame', frame: rec, payload: raw.payload };
    if (d.kind === 'DATA' && d.data !== null) event.data = d.data;
    if (blocks.fields !== undefined) {
      event.fields = blocks.fields;
      const h = dir.hpack;
      event.hpack = { size: h.tableSize, maxSize: h.maxTableSize, known: h.stateKnown };
      if (blocks.hpackBlock !== undefined) event.hpackBlock = blocks.hpackBlock;
      if (blocks.hpackUnknown !== undefined) event.hpackUnknown = blocks.hpackUnknown;
    }
    out.push(event);
    // RFC 9113 §4.2: the receiver's SETTINGS_MAX_FRAME_SIZE bounds what this side sends.
    const limit = dir.maxFrameSize;
    const tooLarge = limit !== null && raw.length > limit;
    if (d.problems.length > 0 || tooLarge) {
      const where = { frameIndex: index, type: d.typeName, stream: raw.stream };
      for (const p of d.problems)
        out.push(this.diag(dir, p.code, { ...where, ...p.params }, raw.time, raw.stream));
      if (tooLarge) {
        const params = { ...where, length: raw.length, limit };
        out.push(this.diag(dir, 'h2.frame.too-large', params, raw.time, raw.stream));
      }
    }
    // Checked first: for-of over the shared frozen empty list allocates an iterator result per frame.
    if (blocks.diagnostics.length > 0)
      for (const diagnostic of blocks.diagnostics) out.push({ kind: 'diagnostic', diagnostic });
    if (d.kind === 'SETTINGS') {
      const peer = dir.role === 'client' ? this.server : this.client;
      if (!d.ack) dir.sent(d.settings);
      else dir.applyAck(peer, dir.hpack);
    }
  }

  /** Flow-control and stream facts of a frame, for the evidence about gaps. */
  private track(dir: Direction, d: DecodedFrame): void {
    const { raw } = d;
    const endStream =
      (raw.type === FrameType.DATA || raw.type === FrameType.HEADERS) && (raw.flags & 0x1) !== 0;
    if (dir.tally !== null || raw.type === FrameType.DATA || raw.stream !== 0)
      (dir.tally ??= new SendTally()).sent(
        raw.type,
        raw.stream,
        raw.length,
        endStream,
        dir.role === 'client',
      );
    const peer = dir.role === 'client' ? this.server : this.client;
    if (raw.type === FrameType.RST_STREAM && raw.stream !== 0) {
      peer.tally?.open.delete(raw.stream);
      peer.assumed?.reset(raw.stream);
    }
    dir.assumed?.afterFrame(raw.type, raw.stream, endStream);
    if (d.kind === 'WINDOW_UPDATE' && raw.stream === 0 && d.increment !== undefined && d.increment > 0)
      (peer.tally ??= new SendTally()).credited(d.increment);
  }

  /** The assumption about a gap is settled: proven (the table was right) or contradicted (dropped now). */
  private settle(dir: Direction, verdict: NonNullable<GapVerdict>, time: number, out: H2Event[]): void {
    const assumed = dir.assumed!;
    dir.assumed = null;
    if (verdict.kind === 'contradicted') {
      const reason = `${verdict.reason}, so the ${assumed.region.unknownBytes} bytes lost at offset ${assumed.region.offset} held a header block; dynamic table entries unknown`;
      dir.blocks?.abandon();
      dir.hpack.markLost(reason);
      out.push(this.diag(dir, 'h2.hpack-lost', { reason }, time));
      return;
    }
    out.push(this.keptSettled(dir, assumed, 'proven by WINDOW_UPDATE credit', verdict.basis, time));
  }

  /** End of the direction: weigh the last credits; what stays unproven is said with its confidence. */
  private settleAtEnd(dir: Direction, out: H2Event[]): void {
    const assumed = dir.assumed!;
    const verdict = assumed.settle();
    if (verdict !== null) return this.settle(dir, verdict, dir.lastTime, out);
    dir.assumed = null;
    const { confidence, basis } = assumed.confidence();
    out.push(this.keptSettled(dir, assumed, `assumed, ${confidence} confidence`, basis, dir.lastTime));
  }

  private keptSettled(
    dir: Direction,
    a: GapAssumption,
    verdict: string,
    basis: string,
    time: number,
  ): H2Event {
    const marked = a.blocks > 0 && !verdict.startsWith('proven') ? ' and are marked assumed' : '';
    const params = {
      lostBytes: a.region.unknownBytes,
      offset: a.region.offset + a.region.cutRest,
      verdict,
      basis,
      blocks: a.blocks,
      marked:
        a.blocks > 0 && verdict.startsWith('proven')
          ? ' (those before the proof are marked assumed)'
          : marked,
    };
    return this.diag(dir, 'h2.hpack-kept-settled', params, time);
  }

  /** Lost bytes: an open header block can never complete, and HPACK state goes unless no block was hit. */
  private lost(dir: Direction, item: Extract<StreamNote, { kind: 'lost' }>, out: H2Event[]): void {
    const region = item.wholeFrames;
    const type = region ? region.cutType : item.cutFrameType;
    const blockHit =
      (type === null && region === undefined) ||
      (type !== null && isHeaderBlockType(type)) ||
      (dir.blocks?.open ?? null) !== null;
    if (!blockHit && region !== undefined && region.unknownBytes > 0) {
      // The hole ended on a frame boundary: keep the table on the assumption that the whole frames lost
      // held no header block, and weigh the evidence as later frames come.
      if (dir.assumed !== null) this.settleAtEnd(dir, out); // an earlier gap: its evidence ends here
      const isClient = dir.role === 'client';
      const limit = dir.maxFrameSize;
      dir.assumed = new GapAssumption(region, (dir.tally ??= new SendTally()), limit, isClient);
      const why = `they end on a frame boundary${region.cutType === null ? '' : ` after the rest of a ${frameTypeName(region.cutType)} frame`}`;
      const params = { lostBytes: region.unknownBytes, offset: region.offset + region.cutRest, why };
      out.push(this.diag(dir, 'h2.hpack-kept', params, item.time));
      return;
    }
    if (!blockHit) return; // e.g. part of a DATA frame: HPACK state is intact
    dir.blocks?.abandon();
    const wasKnown = dir.hpack.stateKnown;
    const reason = `${item.reason}; dynamic table entries unknown`;
    dir.hpack.markLost(reason);
    if (wasKnown) out.push(this.diag(dir, 'h2.hpack-lost', { reason }, item.time));
  }

  private diag(
    dir: Direction,
    code: H2DiagnosticCode,
    params: DiagnosticParams,
    time: number,
    stream?: number,
  ): H2Event {
    const where = { connection: this.ctx.connection, time, stream };
    return {
      kind: 'diagnostic',
      diagnostic: diag(H2_DIAGNOSTICS, code, { from: dir.role, ...params }, where),
    };
  }
}

/**
 * push()'s items of one chunk, emptied after use: one array for all connections rather than one per
 * connection (its room for 17 items was 150 bytes of every open connection). Safe to share: push() fills
 * and empties it without calling out of this module in between.
 */
const chunkItems: StreamItem[] = [];

/** The header list limits, the shared default unless an option changes one. */
function listLimits(opts: H2ConnectionOptions): Readonly<HeaderListLimits> {
  const d = DEFAULT_HEADER_LIST_LIMITS;
  const { maxHeaderListSize, maxHeaderFields, maxHeaderAmplification, maxHeaderBlockBytes } = opts;
  if (
    maxHeaderListSize === undefined &&
    maxHeaderFields === undefined &&
    maxHeaderAmplification === undefined &&
    maxHeaderBlockBytes === undefined
  )
    return d;
  return {
    maxListSize: maxHeaderListSize ?? d.maxListSize,
    maxFields: maxHeaderFields ?? d.maxFields,
    maxAmplification: maxHeaderAmplification ?? d.maxAmplification,
    maxBlockBytes: maxHeaderBlockBytes ?? d.maxBlockBytes,
  };
}

function isHeaderBlockType(type: number): boolean {
  return type === FrameType.HEADERS || type === FrameType.PUSH_PROMISE || type === FrameType.CONTINUATION;
}
