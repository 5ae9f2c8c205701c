/**
 * Incremental reader of gRPC Length-Prefixed-Messages (grpc/grpc doc/PROTOCOL-HTTP2.md, "Requests"):
 *
 *   Length-Prefixed-Message → Compressed-Flag Message-Length Message
 *   Compressed-Flag → 0 / 1            # 1 byte unsigned integer
 *   Message-Length → 4-byte unsigned integer, big endian
 *
 * "DATA frame boundaries have no relation to Length-Prefixed-Message boundaries" (HTTP2 Transport Mapping),
 * so a message may span many DATA frames and a frame may carry many messages. Same shape as grpc-js's
 * StreamDecoder: push a chunk, get back every message it completed.
 */
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';

/** Bytes of the prefix: Compressed-Flag (1) + Message-Length (4). */
export const GRPC_MESSAGE_PREFIX_LENGTH = 5;
/** Default cap on the bytes kept per message (64 MiB); longer messages are reported without their bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** gRPC-Web (grpc/grpc doc/PROTOCOL-WEB.md): the MSB of the flag byte marks a trailers frame. */
export const GRPC_WEB_TRAILER_FLAG = 0x80;

export interface GrpcMessage {
  /** Message-Length from the prefix. */
  length: number;
  /** Compressed-Flag bit 0 set. */
  compressed: boolean;
  /** The whole flag byte, as sent. */
  flag: number;
  /** gRPC-Web only: this frame carries trailers (flag bit 0x80), not a message. */
  trailer: boolean;
  /** Capture time of the chunk holding the prefix, and of the chunk that completed the message. */
  firstTime: number;
  lastTime: number;
  /** Record number of the packet that completed the message (null when the caller gave none). */
  lastPacket: number | null;
  /**
   * The message bytes, or null when the message was longer than the cap or its bytes were not wanted
   * (keepPlain false: then `overCap` is false).
   */
  bytes: Buffer | null;
  overCap: boolean;
  /** Problems with this message (bad flag byte, over the cap). */
  diagnostics: Diagnostic[];
}

export interface GrpcMessageReaderOptions {
  /** Cap on bytes kept per message; default DEFAULT_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /** Accept the gRPC-Web trailer flag (0x80) without a diagnostic. */
  web?: boolean;
  /** Where diagnostics belong (connection, stream). */
  where?: DiagnosticWhere;
  /**
   * Keep the bytes of uncompressed messages (default true). False when nothing will read them (--payload
   * none without a schema): they are counted, never copied or joined. Compressed messages and gRPC-Web
   * trailers are always kept (their inflation and parsing report problems).
   */
  keepPlain?: boolean;
}

export interface GrpcMessageReaderEnd {
  /** Bytes received for a message (prefix included) that never completed. */
  pendingBytes: number;
  /** Message-Length of that message, when its prefix was complete. */
  declaredLength: number | null;
}

/** What push() returns when the chunk completed no message: shared, frozen. */
/**
 * Messages at least this long get a buffer of their own (ownBytes keeps it as it is); shorter ones a slice
 * of the pool, cheaper to take, and cheap to copy for the few that are kept.
 */
const OWN_BUFFER_BYTES = 256;
const NO_MESSAGES: GrpcMessage[] = Object.freeze([]) as unknown as GrpcMessage[];

export class GrpcMessageReader {
  private readonly maxMessageBytes: number;
  private readonly web: boolean;
  private readonly where: DiagnosticWhere;
  private readonly keepPlain: boolean;
  // The reader runs for every DATA frame of every call: its state is plain fields, with no object per
  // message or per prefix: a Buffer.concat per prefix was most of the reader's cost (push: 0.56 s -> 0.16 s
  // CPU in a profile of the 300 MB bench).
  /** Prefix bytes gathered so far, when a prefix is split across DATA frames (allocated then only). */
  private prefix: Buffer | null = null;
  private prefixFill = 0;
  private prefixTime = 0;
  /** The message being read: its prefix was complete. */
  private reading = false;
  private flag = 0;
  private length = 0;
  private firstTime = 0;
  private received = 0;
  /** False when the message is over the cap: its bytes are counted, not kept. */
  private keep = false;
  /** False when the bytes are not wanted (keepPlain): counted, not kept, and no diagnostic. */
  private wanted = true;
  /** The message's bytes so far: the first piece, then (only when it spans frames) all of them. */
  private first: Buffer | null = null;
  private pieces: Buffer[] | null = null;
  /** `first` is already the message's own copy. */
  private copied = false;

  constructor(options: GrpcMessageReaderOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.web = options.web ?? false;
    this.where = options.where ?? {};
    this.keepPlain = options.keepPlain ?? true;
  }

  /**
   * Feeds DATA payload bytes (padding already removed) that arrived at `time` in capture record `packet`;
   * returns the messages this chunk completed.
   */
  push(data: Buffer, time: number, packet: number | null = null): GrpcMessage[] {
    let out = NO_MESSAGES; // most DATA frames of a large message complete none
    let pos = 0;
    while (pos < data.length || (this.reading && this.received === this.length)) {
      if (!this.reading) {
        pos = this.readPrefix(data, pos, time);
        continue;
      }
      pos = this.readBody(data, pos);
      if (this.received === this.length) {
        if (out === NO_MESSAGES) out = [];
        out.push(this.complete(time, packet));
      }
    }
    return out;
  }

  /** Reports what is left over at the end of the stream. */
  finish(): GrpcMessageReaderEnd {
    if (this.reading) {
      return { pendingBytes: GRPC_MESSAGE_PREFIX_LENGTH + this.received, declaredLength: this.length };
    }
    return { pendingBytes: this.prefixFill, declaredLength: null };
  }

  private readPrefix(data: Buffer, pos: number, time: number): number {
    if (this.prefixFill === 0) {
      this.prefixTime = time;
      // The whole prefix in this chunk (the usual case): read it in place.
      if (data.length - pos >= GRPC_MESSAGE_PREFIX_LENGTH) {
        this.start(data[pos]!, data.readUInt32BE(pos + 1));
        return pos + GRPC_MESSAGE_PREFIX_LENGTH;
      }
    }
    const prefix = (this.prefix ??= Buffer.alloc(GRPC_MESSAGE_PREFIX_LENGTH));
    const take = Math.min(GRPC_MESSAGE_PREFIX_LENGTH - this.prefixFill, data.length - pos);
    data.copy(prefix, this.prefixFill, pos, pos + take);
    this.prefixFill += take;
    if (this.prefixFill === GRPC_MESSAGE_PREFIX_LENGTH) {
      this.prefixFill = 0;
      this.start(prefix[0]!, prefix.readUInt32BE(1));
    }
    return pos + take;
  }

  private start(flag: number, length: number): void {
    this.reading = true;
    this.flag = flag;
    this.length = length;
    this.firstTime = this.prefixTime;
    this.received = 0;
    this.keep = length <= this.maxMessageBytes;
    this.wanted = this.keepPlain || (flag & 0x01) !== 0 || (this.web && (flag & GRPC_WEB_TRAILER_FLAG) !== 0);
  }

  private readBody(data: Buffer, pos: number): number {
    const take = Math.min(this.length - this.received, data.length - pos);
    if (take > 0 && this.wanted) {
      if (this.keep && take === this.length) {
        // The whole message in this chunk (the usual case): copied out at once, without a view first, into
        // a buffer of its own: a slice of the shared 8 KiB pool (below 4 KiB) was copied once more by
        // ownBytes for each schema-less message kept in a record (LazyRawMessage, LazyHexBytes).
        this.first = take >= OWN_BUFFER_BYTES ? Buffer.allocUnsafeSlow(take) : Buffer.allocUnsafe(take);
        data.copy(this.first, 0, pos, pos + take);
        this.copied = true;
      } else if (this.keep) {
        const piece = data.subarray(pos, pos + take);
        if (this.first === null) this.first = piece;
        else (this.pieces ??= [this.first]).push(piece);
      }
    }
    this.received += take;
    return pos + take;
  }

  private complete(time: number, packet: number | null): GrpcMessage {
    this.reading = false;
    const flag = this.flag;
    const msg: GrpcMessage = {
      length: this.length,
      compressed: (flag & 0x01) !== 0,
      flag,
      trailer: this.web && (flag & GRPC_WEB_TRAILER_FLAG) !== 0,
      firstTime: this.firstTime,
      lastTime: time,
      lastPacket: packet,
      // Copied (joined) once, when the message is complete: the caller may reuse the DATA bytes.
      bytes: this.keep && this.wanted ? this.bytes() : null,
      overCap: !this.keep,
      diagnostics: [],
    };
    this.first = null;
    this.pieces = null;
    this.copied = false;
    const allowed = this.web ? flag & ~GRPC_WEB_TRAILER_FLAG : flag;
    if (allowed !== 0 && allowed !== 1) {
      const where = { ...this.where, time: this.firstTime };
      msg.diagnostics.push(diag(GRPC_DIAGNOSTICS, 'grpc.bad-compressed-flag', { flag: hex2(flag) }, where));
    }
    if (!this.keep) {
      const where = { ...this.where, time: this.firstTime };
      const params = { length: this.length, max: this.maxMessageBytes };
      msg.diagnostics.push(diag(GRPC_DIAGNOSTICS, 'grpc.message-too-large', params, where));
    }
    return msg;
  }

  private bytes(): Buffer {
    if (this.copied && this.first !== null) return this.first;
    if (this.pieces !== null) return Buffer.concat(this.pieces, this.length);
    const copy = Buffer.allocUnsafe(this.length);
    this.first?.copy(copy);
    return copy;
  }
}

function hex2(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}
