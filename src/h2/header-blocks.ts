import { H2_DIAGNOSTICS, type H2DiagnosticCode } from '../diagnostics/h2.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic, DiagnosticParams } from '../diagnostics/types.js';
import type { FrameRecord, Role } from '../records/records.js';
import { hasFlag } from './constants.js';
import type { DecodedFrame } from './frames.js';
import type { HpackNote, HpackResult, UnknownEntries } from './hpack-decoder.js';
import type { HpackDecoding } from './hpack-lazy.js';
import { blockInfo, type HpackBlockReport } from './hpack-representations.js';
import { clockMicros } from '../records/time-text.js';
import { rawLength } from './header-field.js';
import { FIELD_OVERHEAD } from './hpack-list-keeper.js';
import type { HeaderField, HpackUnknown } from './types.js';

/** Limits on decoded header lists; crossing one is a diagnostic, decoding goes on. */
export interface HeaderListLimits {
  /**
   * RFC 9113 §6.5.2 size (name + value + 32 per field) kept of one list; fields beyond it are decoded
   * (the dynamic table must follow the encoder) but only counted. Default 64 KiB: peers refuse lists far
   * smaller (SETTINGS_MAX_HEADER_LIST_SIZE; gRPC's metadata limits are 8-16 KiB).
   */
  maxListSize: number;
  /** A warning above this many fields (all are kept while the size allows). Default 200, as Wireshark. */
  maxFields: number;
  /**
   * Amplification bound of one direction: the fields kept over the whole connection stay within
   * `maxListSize` + this many times the direction's HTTP/2 bytes so far. Default 32: a real peer's lists
   * decode to a small multiple of the bytes sent; an HPACK bomb (a large entry referenced over and over,
   * CVE-2016-6581) decodes to thousands of times more, here counted, not kept.
   */
  maxAmplification: number;
  /**
   * Octets of one header block (HEADERS or PUSH_PROMISE and its CONTINUATIONs) held until END_HEADERS.
   * Default 1 MiB: an endless CONTINUATION sequence (CVE-2024-27316 and kin) would otherwise grow without
   * bound on a live pipe. Past it the fragments are dropped and counted; the block is not decoded and the
   * direction's HPACK state is lost (the encoder's table moved on without us).
   */
  maxBlockBytes: number;
}

export const DEFAULT_HEADER_LIST_LIMITS: Readonly<HeaderListLimits> = Object.freeze({
  maxListSize: 64 * 1024,
  maxFields: 200,
  maxAmplification: 32,
  maxBlockBytes: 1024 * 1024,
});

/** What the header blocks of both directions of one connection share. */
export interface HeaderBlocksContext {
  connection: string;
  limits: Readonly<HeaderListLimits>;
  /** Attach representation reports (H2ConnectionOptions.hpackReports). */
  reports?: boolean;
  /** Capture time of the connection's first packet (the zero of relative times in messages), if known. */
  start?: number | null;
}

/** A fragment of a block under its limit: the first as it is, later ones copied (OpenBlock.joined). */
function keep(block: OpenBlock, fragment: Buffer): void {
  if (block.first === null && block.joined === null) {
    block.first = fragment;
    return;
  }
  let joined = block.joined;
  if (joined === null) {
    const first = block.first!;
    joined = Buffer.allocUnsafe(Math.max(2 * (first.length + fragment.length), 1024));
    first.copy(joined, 0);
    block.used = first.length;
    block.first = null;
  } else if (block.used + fragment.length > joined.length) {
    const grown = Buffer.allocUnsafe(Math.max(2 * joined.length, block.used + fragment.length));
    joined.copy(grown, 0, 0, block.used);
    joined = grown;
  }
  fragment.copy(joined, block.used);
  block.used += fragment.length;
  block.joined = joined;
}

/** A list that crosses its limit and decodes to more than this many times its block is a bomb. */
const BOMB_RATIO = 16;

/** RFC 9113 §4.1: every frame has a 9-octet header. */
const FRAME_HEADER = 9;

interface OpenBlock {
  stream: number;
  /** The first fragment as received: a block in one frame (the usual case) is never copied. */
  first: Buffer | null;
  /**
   * The fragments so far copied into one buffer grown by doubling, from the second fragment on: a block of
   * many small CONTINUATIONs holds its octets (at most twice the block limit), not a Buffer view per frame
   * and the reassembly chunk behind each (a 1 MiB block of 1-octet CONTINUATIONs held ~100 MB that way).
   */
  joined: Buffer | null;
  /** Octets of `joined` in use. */
  used: number;
  /** Octets of the block so far, kept or dropped. */
  length: number;
  /** Set once the block passed maxBlockBytes: its fragments were dropped. */
  overflowed: boolean;
}

export interface BlockOutcome {
  /** Set on the frame that ended a block: the decoded fields (also written into the record). */
  fields?: HeaderField[];
  /** With `fields`: each field's representation, size updates and table insertions (RFC 7541 §6). */
  hpackBlock?: HpackBlockReport;
  /** With `fields`: the block is whole but needed entries from before an HPACK loss (see H2Event). */
  hpackUnknown?: HpackUnknown;
  diagnostics: Diagnostic[];
}

/**
 * The outcome of every frame that is no part of a header block while none is open (most frames): shared,
 * and never written to (callers only read outcomes), so such frames cost no allocation here.
 */
export const NOTHING: BlockOutcome = Object.freeze({
  diagnostics: Object.freeze([]) as unknown as Diagnostic[],
});

/**
 * Header blocks of one direction: HEADERS/PUSH_PROMISE + CONTINUATION fragments joined and decoded once,
 * in frame order (RFC 9113 §4.3), by this direction's HPACK decoder. The list goes on the frame that
 * carries END_HEADERS. Any other frame while a block is open breaks the block (RFC 9113 §6.10).
 */
export class HeaderBlocks {
  private block: OpenBlock | null = null;
  /** The decoder's loss count at this side's previous block. */
  private lossesSeen = 0;
  /** HTTP/2 bytes of this direction so far (frame headers and payloads) and header list size kept. */
  private bytesSeen = 0;
  private keptSize = 0;

  /**
   * @param ctx what both directions of a connection share (one object per connection, not per direction)
   */
  constructor(
    private readonly hpack: HpackDecoding,
    private readonly from: Role,
    private readonly ctx: HeaderBlocksContext,
    /** HTTP/2 bytes the direction sent before this state was made (it is made at the first block frame). */
    bytesBefore = 0,
  ) {
    this.bytesSeen = bytesBefore;
  }

  /** Stream and size of the block still waiting for END_HEADERS, if any. */
  get open(): { stream: number; bytes: number } | null {
    return this.block && { stream: this.block.stream, bytes: this.block.length };
  }

  onFrame(d: DecodedFrame, rec: FrameRecord): BlockOutcome {
    this.bytesSeen += FRAME_HEADER + d.raw.length;
    const blockFrame = d.kind === 'HEADERS' || d.kind === 'PUSH_PROMISE' || d.kind === 'CONTINUATION';
    if (!blockFrame && this.block === null) return NOTHING;
    const out: BlockOutcome = { diagnostics: [] };
    const where = { index: rec.index, type: rec.type, stream: rec.stream, time: rec.time };
    const block = this.block;
    const continues = d.kind === 'CONTINUATION' && block !== null && block.stream === d.raw.stream;
    if (block !== null && !continues) {
      this.block = null;
      out.diagnostics.push(this.diag('h2.continuation-expected', { blockStream: block.stream }, where));
      this.loseState(`the header block on stream ${block.stream} was never finished`, where, out);
    }
    if (d.kind === 'HEADERS' || d.kind === 'PUSH_PROMISE') {
      this.start(d.raw.stream, d.fragment, where, out);
    } else if (d.kind === 'CONTINUATION') {
      if (continues) {
        this.append(block, d.fragment, where, out);
      } else if (block === null) {
        out.diagnostics.push(this.diag('h2.continuation-unexpected', {}, where));
      }
    } else {
      return out;
    }
    if (this.block !== null && hasFlag(d.raw.flags, 'END_HEADERS'))
      this.complete(this.block, rec, where, out);
    return out;
  }

  private append(block: OpenBlock, fragment: Buffer, where: Where, out: BlockOutcome): void {
    block.length += fragment.length;
    if (block.overflowed) return;
    if (block.length <= this.ctx.limits.maxBlockBytes) {
      // An empty CONTINUATION adds nothing: not kept, so a flood of them holds no memory either.
      if (fragment.length > 0) keep(block, fragment);
      return;
    }
    block.overflowed = true;
    block.first = null;
    block.joined = null;
    const params = { blockStream: block.stream, limit: this.ctx.limits.maxBlockBytes };
    out.diagnostics.push(this.diag('h2.header-block-too-large', params, where));
  }

  /** Bytes were lost: an open block can never be completed. */
  abandon(): void {
    this.block = null;
  }

  private start(stream: number, fragment: Buffer | null, where: Where, out: BlockOutcome): void {
    if (fragment === null) {
      // Bad padding: where the fragment ends is unknowable, and the encoder's table moved on without us.
      this.loseState(
        `a ${where.type} frame on stream ${stream} had an unreadable header block fragment`,
        where,
        out,
      );
      return;
    }
    this.block = { stream, first: null, joined: null, used: 0, length: 0, overflowed: false };
    this.append(this.block, fragment, where, out);
  }

  private complete(block: OpenBlock, rec: FrameRecord, where: Where, out: BlockOutcome): void {
    this.block = null;
    if (block.overflowed) {
      rec.headerBlockLength = block.length;
      rec.headersError = `header block of ${block.length} bytes, above the ${this.ctx.limits.maxBlockBytes}-byte limit: not decoded`;
      this.loseState(`the header block on stream ${block.stream} was too large to keep`, where, out);
      return;
    }
    const bytes =
      block.joined !== null ? block.joined.subarray(0, block.used) : (block.first ?? Buffer.alloc(0));
    const lostBefore = this.hpack.losses > this.lossesSeen;
    const { maxListSize, maxAmplification } = this.ctx.limits;
    const credit = maxListSize + maxAmplification * this.bytesSeen - this.keptSize;
    const result = this.hpack.decode(bytes, Math.max(0, Math.min(maxListSize, credit)));
    this.lossesSeen = this.hpack.losses;
    rec.headerBlockLength = bytes.length;
    rec.headers = result.headers;
    if (!result.ok) rec.headersError = result.reason;
    if (result.omitted.fields > 0) rec.headersOmitted = { ...result.omitted };
    out.fields = result.fields;
    if (!result.ok && result.cause === 'lost') {
      out.hpackUnknown = {
        entries: result.unknownEntries ?? [],
        names: result.unknownNames ?? [],
        beforeCapture: result.beforeCapture ?? false,
      };
    }
    if (this.ctx.reports) out.hpackBlock = report(bytes, result, lostBefore);
    // Most blocks decode cleanly without notes: no list to build and spread for them.
    if (!result.ok || result.notes.length > 0) out.diagnostics.push(...this.resultDiagnostics(result, where));
    this.checkLimits(result, bytes.length, where, out);
  }

  /**
   * At the end of the capture: if the table is still unknown, one diagnostic says what could not be
   * decoded and that it stayed so (the same one as at a rebuild, which says until when).
   */
  finish(time: number): Diagnostic[] {
    const unknown = this.hpack.unknownEntries;
    if (unknown === null || unknown.references === 0) return [];
    const left = Math.max(0, unknown.maxSize - unknown.inserted);
    const until =
      `until the end of the capture: evicting them all takes ${unknown.maxSize} octets of new entries ` +
      `(RFC 7541 §4.4; ${maxSizeWhy(unknown)}) and the ${this.from} inserted ${unknown.inserted}, ` +
      `${left} short`;
    const params = {
      ...unknownParams(unknown),
      until,
      untilFrame: null,
      untilTime: null,
      untilSeconds: null,
    };
    const where = { connection: this.ctx.connection, time };
    return [diag(H2_DIAGNOSTICS, 'h2.hpack.unknown-entries', { from: this.from, ...params }, where)];
  }

  private resultDiagnostics(result: HpackResult, where: Where): Diagnostic[] {
    const list = result.notes.flatMap((note) => this.noteDiagnostics(note, where));
    if (!result.ok && result.cause === 'error') {
      list.unshift(this.diag('h2.hpack.decode-error', { reason: result.reason }, where));
    }
    return list;
  }

  private noteDiagnostics(note: HpackNote, where: Where): Diagnostic[] {
    switch (note.kind) {
      case 'size-update-above-setting':
        return [
          this.diag('h2.hpack.size-update-above-setting', { size: note.size, setting: note.setting }, where),
        ];
      case 'size-update-missing':
        return [this.diag('h2.hpack.size-update-missing', { setting: note.setting, size: note.size }, where)];
      case 'size-update-not-at-start':
        return [this.diag('h2.hpack.size-update-not-at-start', {}, where)];
      case 'resynced': {
        const how = 'every entry added since the loss is known and no older one can remain';
        return [this.diag('h2.hpack.resynced', { entries: note.entries, how }, where)];
      }
      case 'older-evicted': {
        const unknown = note.unknown;
        if (unknown.references === 0) return [];
        // The one summary of this loss: what was unknown, and from which frame on it no longer is.
        const after =
          note.namelessEntries === 0
            ? 'exact from here on'
            : `from here on only the names of ${note.namelessEntries} newer entries, copied from them, are unknown (their values are shown)`;
        const start = this.ctx.start ?? null;
        const since =
          start === null
            ? ''
            : `, ${secondsAfter(where.time - start)} after the connection's first captured packet`;
        const until =
          `until frame ${where.index} (this block, at ${clockMicros(where.time)} UTC${since}), when the ${this.from} had inserted ${unknown.inserted} ` +
          `octets of new entries, enough to evict every older one from a ${unknown.maxSize}-octet table ` +
          `(RFC 7541 §4.4; ${maxSizeWhy(unknown)}): ${after}`;
        const params = {
          ...unknownParams(unknown),
          until,
          untilFrame: where.index,
          untilTime: where.time,
          untilSeconds: start === null ? null : roundSeconds(where.time - start),
        };
        return [this.diag('h2.hpack.unknown-entries', params, where)];
      }
    }
  }

  private checkLimits(result: HpackResult, blockBytes: number, where: Where, out: BlockOutcome): void {
    const { maxListSize, maxFields, maxAmplification } = this.ctx.limits;
    const { fields, omitted } = result;
    // RFC 9113 §6.5.2: the uncompressed size counts name and value octets plus 32 per field.
    let kept = 0;
    for (const f of fields) kept += Buffer.byteLength(f.name) + rawLength(f) + FIELD_OVERHEAD;
    this.keptSize += kept;
    const size = kept + omitted.size;
    const count = result.headers.length + omitted.fields;
    if (omitted.fields > 0 && (size > BOMB_RATIO * blockBytes || size <= maxListSize)) {
      // Amplified far beyond the block (or cut by the direction's budget): what an HPACK bomb does.
      const limit =
        size <= maxListSize
          ? `this direction's budget (${maxListSize} bytes + ${maxAmplification} times its HTTP/2 bytes)`
          : `the ${maxListSize}-byte list limit`;
      const params = { size, blockBytes, count, omitted: omitted.fields, limit };
      out.diagnostics.push(this.diag('h2.hpack.bomb', params, where));
    } else if (size > maxListSize) {
      const params = { size, limit: maxListSize, omitted: omitted.fields };
      out.diagnostics.push(this.diag('h2.headers.too-large', params, where));
    }
    if (count > maxFields) {
      out.diagnostics.push(this.diag('h2.headers.too-many', { count, limit: maxFields }, where));
    }
  }

  private loseState(why: string, where: Where, out: BlockOutcome): void {
    const wasKnown = this.hpack.stateKnown;
    const reason = `${why}; dynamic table entries unknown`;
    this.hpack.markLost(reason);
    if (wasKnown) out.diagnostics.push(this.diag('h2.hpack-lost', { reason }, where));
  }

  private diag(code: H2DiagnosticCode, params: DiagnosticParams, where: Where): Diagnostic {
    const all = {
      frameIndex: where.index,
      type: where.type,
      stream: where.stream,
      from: this.from,
      ...params,
    };
    return diag(H2_DIAGNOSTICS, code, all, {
      connection: this.ctx.connection,
      stream: where.stream,
      time: where.time,
    });
  }
}

function report(bytes: Buffer, result: HpackResult, lostBefore: boolean): HpackBlockReport {
  // `fields` lines up with `headers` unless some field needed an unknown entry (or decoding stopped).
  const { fields, headers } = result;
  const aligned = fields.length === headers.length;
  const info = blockInfo(bytes, headers, (i) => {
    const field = aligned ? fields[i] : undefined;
    return field && rawLength(field);
  });
  const resynced = result.notes.some((n) => n.kind === 'resynced');
  const lostAfter = !result.ok && result.cause === 'error';
  return { ...info, lostBefore, resynced, lostAfter };
}

function unknownParams(u: UnknownEntries): DiagnosticParams {
  const { reason, references, blocks, entries, inserted, maxSize, maxSizeAssumed } = u;
  return { reason, references, blocks, entries, inserted, maxSize, maxSizeAssumed };
}

function maxSizeWhy(u: UnknownEntries): string {
  return u.maxSizeAssumed
    ? 'the default maximum, assumed: no SETTINGS_HEADER_TABLE_SIZE or size update was captured'
    : 'the maximum in force';
}

/** Seconds to the microsecond (capture timestamps have no finer resolution). */
function roundSeconds(s: number): number {
  return Math.round(s * 1e6) / 1e6;
}

/** "3.201 s" / "412 ms" / "0.085 ms": a time since the connection's first packet, as a person reads it. */
function secondsAfter(s: number): string {
  if (s >= 1) return `${s.toFixed(3)} s`;
  const ms = s * 1000;
  return ms >= 1 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(3)} ms`;
}

interface Where {
  index: number;
  type: string;
  stream: number;
  time: number;
}
