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
  /** The message bytes, or null when the message was longer than the cap. */
  bytes: Buffer | null;
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
}

export interface GrpcMessageReaderEnd {
  /** Bytes received for a message (prefix included) that never completed. */
  pendingBytes: number;
  /** Message-Length of that message, when its prefix was complete. */
  declaredLength: number | null;
}

interface Pending {
  flag: number;
  length: number;
  firstTime: number;
  received: number;
  chunks: Buffer[] | null;
}

export class GrpcMessageReader {
  private readonly maxMessageBytes: number;
  private readonly web: boolean;
  private readonly where: DiagnosticWhere;
  /** Prefix bytes gathered so far (a prefix can be split across DATA frames too). */
  private prefix: Buffer = Buffer.alloc(0);
  private prefixTime = 0;
  private current: Pending | null = null;

  constructor(options: GrpcMessageReaderOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.web = options.web ?? false;
    this.where = options.where ?? {};
  }

  /**
   * Feeds DATA payload bytes (padding already removed) that arrived at `time` in capture record `packet`;
   * returns the messages this chunk completed.
   */
  push(data: Buffer, time: number, packet: number | null = null): GrpcMessage[] {
    const out: GrpcMessage[] = [];
    let pos = 0;
    while (pos < data.length || this.currentIsComplete()) {
      if (this.current === null) {
        pos = this.readPrefix(data, pos, time);
        continue;
      }
      pos = this.readBody(data, pos);
      if (this.currentIsComplete()) out.push(this.complete(time, packet));
    }
    return out;
  }

  /** Reports what is left over at the end of the stream. */
  finish(): GrpcMessageReaderEnd {
    if (this.current !== null) {
      return {
        pendingBytes: GRPC_MESSAGE_PREFIX_LENGTH + this.current.received,
        declaredLength: this.current.length,
      };
    }
    return { pendingBytes: this.prefix.length, declaredLength: null };
  }

  private currentIsComplete(): boolean {
    return this.current !== null && this.current.received === this.current.length;
  }

  private readPrefix(data: Buffer, pos: number, time: number): number {
    if (this.prefix.length === 0) this.prefixTime = time;
    const take = Math.min(GRPC_MESSAGE_PREFIX_LENGTH - this.prefix.length, data.length - pos);
    this.prefix = Buffer.concat([this.prefix, data.subarray(pos, pos + take)]);
    if (this.prefix.length === GRPC_MESSAGE_PREFIX_LENGTH) {
      const length = this.prefix.readUInt32BE(1);
      const keep = length <= this.maxMessageBytes;
      this.current = {
        flag: this.prefix[0] ?? 0,
        length,
        firstTime: this.prefixTime,
        received: 0,
        chunks: keep ? [] : null,
      };
      this.prefix = Buffer.alloc(0);
    }
    return pos + take;
  }

  private readBody(data: Buffer, pos: number): number {
    const cur = this.current;
    if (cur === null) return pos;
    const take = Math.min(cur.length - cur.received, data.length - pos);
    if (take > 0) {
      cur.chunks?.push(data.subarray(pos, pos + take));
      cur.received += take;
    }
    return pos + take;
  }

  private complete(time: number, packet: number | null): GrpcMessage {
    const cur = this.current;
    if (cur === null) throw new Error('complete() without a message'); // programmer error
    this.current = null;
    const trailer = this.web && (cur.flag & GRPC_WEB_TRAILER_FLAG) !== 0;
    const msg: GrpcMessage = {
      length: cur.length,
      compressed: (cur.flag & 0x01) !== 0,
      flag: cur.flag,
      trailer,
      firstTime: cur.firstTime,
      lastTime: time,
      lastPacket: packet,
      // Concatenated once, when the message is complete.
      bytes: cur.chunks === null ? null : Buffer.concat(cur.chunks, cur.length),
      diagnostics: [],
    };
    const where = { ...this.where, time: cur.firstTime };
    const allowed = this.web ? cur.flag & ~GRPC_WEB_TRAILER_FLAG : cur.flag;
    if (allowed !== 0 && allowed !== 1) {
      msg.diagnostics.push(
        diag(GRPC_DIAGNOSTICS, 'grpc.bad-compressed-flag', { flag: hex2(cur.flag) }, where),
      );
    }
    if (cur.chunks === null) {
      msg.diagnostics.push(
        diag(
          GRPC_DIAGNOSTICS,
          'grpc.message-too-large',
          { length: cur.length, max: this.maxMessageBytes },
          where,
        ),
      );
    }
    return msg;
  }
}

function hex2(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}
