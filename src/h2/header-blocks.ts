import { H2_DIAGNOSTICS, type H2DiagnosticCode } from '../diagnostics/h2.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic, DiagnosticParams } from '../diagnostics/types.js';
import type { FrameRecord, Role } from '../records/records.js';
import { hasFlag } from './constants.js';
import type { DecodedFrame } from './frames.js';
import type { HpackNote, HpackResult } from './hpack-decoder.js';
import type { HpackDecoding } from './hpack-lazy.js';
import { blockInfo, type HpackBlockReport } from './hpack-representations.js';
import { rawLength } from './header-field.js';
import type { HeaderField } from './types.js';

/**
 * Limits on one header block. Crossing a list limit is a warning, decoding goes on; crossing a block
 * limit (an endless block: CONTINUATION without END_HEADERS) cuts it, as servers do since CVE-2024-27316,
 * so one never-ending block cannot hold the memory of a live capture.
 */
export interface HeaderListLimits {
  /** RFC 9113 §6.5.2 size (name + value + 32 per field). Default 256 KiB, as Wireshark. */
  maxListSize: number;
  /** Default 200 fields, as Wireshark. */
  maxFields: number;
  /** Bytes of header block fragments joined before END_HEADERS. Default 1 MiB. */
  maxBlockBytes: number;
  /** HEADERS/PUSH_PROMISE plus CONTINUATION frames of one block. Default 1,000. */
  maxBlockFrames: number;
}

export const DEFAULT_HEADER_LIST_LIMITS: HeaderListLimits = {
  maxListSize: 256 * 1024,
  maxFields: 200,
  maxBlockBytes: 1024 * 1024,
  maxBlockFrames: 1_000,
};

interface OpenBlock {
  stream: number;
  fragments: Buffer[];
  length: number;
  frames: number;
}

export interface BlockOutcome {
  /** Set on the frame that ended a block: the decoded fields (also written into the record). */
  fields?: HeaderField[];
  /** With `fields`: each field's representation, size updates and table insertions (RFC 7541 §6). */
  hpackBlock?: HpackBlockReport;
  diagnostics: Diagnostic[];
}

/**
 * The outcome of every frame that is no part of a header block while none is open (most frames): shared,
 * and never written to (callers only read outcomes), so such frames cost no allocation here.
 */
const NOTHING: BlockOutcome = Object.freeze({ diagnostics: Object.freeze([]) as unknown as Diagnostic[] });

/**
 * Header blocks of one direction: HEADERS/PUSH_PROMISE + CONTINUATION fragments joined and decoded once,
 * in frame order (RFC 9113 §4.3), by this direction's HPACK decoder. The list goes on the frame that
 * carries END_HEADERS. Any other frame while a block is open breaks the block (RFC 9113 §6.10).
 */
export class HeaderBlocks {
  private block: OpenBlock | null = null;
  /** A block cut at the limits: its further CONTINUATIONs are skipped up to END_HEADERS. */
  private cut: { stream: number } | null = null;
  /** The decoder's loss count at this side's previous block. */
  private lossesSeen = 0;

  constructor(
    private readonly hpack: HpackDecoding,
    private readonly ctx: { connection: string; from: Role; limits: HeaderListLimits; reports?: boolean },
  ) {}

  /** Stream and size of the block still waiting for END_HEADERS, if any. */
  get open(): { stream: number; bytes: number } | null {
    return this.block && { stream: this.block.stream, bytes: this.block.length };
  }

  onFrame(d: DecodedFrame, rec: FrameRecord): BlockOutcome {
    const blockFrame = d.kind === 'HEADERS' || d.kind === 'PUSH_PROMISE' || d.kind === 'CONTINUATION';
    if (!blockFrame && this.block === null && this.cut === null) return NOTHING;
    const cut = this.cut;
    if (cut !== null && d.kind === 'CONTINUATION' && d.raw.stream === cut.stream) return this.skipCut(d, rec);
    const out: BlockOutcome = { diagnostics: [] };
    const where = { index: rec.index, type: rec.type, stream: rec.stream, time: rec.time };
    if (cut !== null) {
      // The cut block was still open (its state is already lost): RFC 9113 §6.10 as for any open block.
      this.cut = null;
      out.diagnostics.push(this.diag('h2.continuation-expected', { blockStream: cut.stream }, where));
    }
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
        block.fragments.push(d.fragment);
        block.length += d.fragment.length;
        block.frames++;
        if (this.overLimits(block)) return this.cutBlock(block, d, rec, where, out);
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

  /** Bytes were lost: an open block can never be completed. */
  abandon(): void {
    this.block = null;
    this.cut = null;
  }

  private overLimits(block: OpenBlock): boolean {
    const { maxBlockBytes, maxBlockFrames } = this.ctx.limits;
    return block.length > maxBlockBytes || block.frames > maxBlockFrames;
  }

  /**
   * The block passed a limit: its fragments go, the diagnostic says so once, and the HPACK state of this
   * direction is lost (the encoder's table changed by a block we will never decode).
   */
  private cutBlock(
    block: OpenBlock,
    d: DecodedFrame,
    rec: FrameRecord,
    where: Where,
    out: BlockOutcome,
  ): BlockOutcome {
    this.block = null;
    const { maxBlockBytes, maxBlockFrames } = this.ctx.limits;
    const params = {
      bytes: block.length,
      frames: block.frames,
      limitBytes: maxBlockBytes,
      limitFrames: maxBlockFrames,
    };
    out.diagnostics.push(this.diag('h2.header-block-cut', params, where));
    this.loseState(`the header block on stream ${block.stream} was cut at the limits`, where, out);
    rec.headersError = 'header block cut: too long without END_HEADERS';
    if (!hasFlag(d.raw.flags, 'END_HEADERS')) this.cut = { stream: block.stream };
    return out;
  }

  /** A CONTINUATION of a cut block: skipped; END_HEADERS ends the skipping. */
  private skipCut(d: DecodedFrame, rec: FrameRecord): BlockOutcome {
    rec.headersError = 'header block cut: too long without END_HEADERS';
    if (hasFlag(d.raw.flags, 'END_HEADERS')) this.cut = null;
    return NOTHING;
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
    this.block = { stream, fragments: [fragment], length: fragment.length, frames: 1 };
  }

  private complete(block: OpenBlock, rec: FrameRecord, where: Where, out: BlockOutcome): void {
    this.block = null;
    const bytes =
      block.fragments.length === 1 ? block.fragments[0]! : Buffer.concat(block.fragments, block.length);
    const lostBefore = this.hpack.losses > this.lossesSeen;
    const result = this.hpack.decode(bytes);
    this.lossesSeen = this.hpack.losses;
    rec.headerBlockLength = bytes.length;
    rec.headers = result.headers;
    if (!result.ok) rec.headersError = result.reason;
    out.fields = result.fields;
    if (this.ctx.reports) out.hpackBlock = report(bytes, result, lostBefore);
    out.diagnostics.push(...this.resultDiagnostics(result, where));
    this.checkLimits(result.fields, where, out);
  }

  private resultDiagnostics(result: HpackResult, where: Where): Diagnostic[] {
    const list = result.notes.map((note) => this.noteDiagnostic(note, where));
    if (!result.ok && result.cause === 'error') {
      list.unshift(this.diag('h2.hpack.decode-error', { reason: result.reason }, where));
    }
    return list;
  }

  private noteDiagnostic(note: HpackNote, where: Where): Diagnostic {
    switch (note.kind) {
      case 'size-update-above-setting':
        return this.diag(
          'h2.hpack.size-update-above-setting',
          { size: note.size, setting: note.setting },
          where,
        );
      case 'size-update-missing':
        return this.diag('h2.hpack.size-update-missing', { setting: note.setting, size: note.size }, where);
      case 'size-update-not-at-start':
        return this.diag('h2.hpack.size-update-not-at-start', {}, where);
      case 'resynced': {
        const how = 'every entry added since the loss is known and no older one can remain';
        return this.diag('h2.hpack.resynced', { entries: note.entries, how }, where);
      }
    }
  }

  private checkLimits(fields: HeaderField[], where: Where, out: BlockOutcome): void {
    const { maxListSize, maxFields } = this.ctx.limits;
    // RFC 9113 §6.5.2: the uncompressed size counts name and value octets plus 32 per field.
    let size = 0;
    for (const f of fields) size += Buffer.byteLength(f.name) + rawLength(f) + 32;
    if (size > maxListSize)
      out.diagnostics.push(this.diag('h2.headers.too-large', { size, limit: maxListSize }, where));
    if (fields.length > maxFields) {
      out.diagnostics.push(
        this.diag('h2.headers.too-many', { count: fields.length, limit: maxFields }, where),
      );
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
      from: this.ctx.from,
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

interface Where {
  index: number;
  type: string;
  stream: number;
  time: number;
}
