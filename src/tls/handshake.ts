import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { contentTypeName, handshakeTypeName } from './constants.js';

/** RFC 8446 §4: msg_type(1) length(3). */
export const HANDSHAKE_HEADER_LENGTH = 4;
/** Default cap on one handshake message; certificate chains are the largest, typically under 16 KiB. */
export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 256 * 1024;

/** One complete handshake message (RFC 8446 §4), header stripped. */
export interface HandshakeMessage {
  msgType: number;
  /** The length field; equal to body.length. */
  length: number;
  body: Buffer;
  /** Time and packet of the record that completed the message. */
  time: number;
  packetIndex: number;
}

export type HandshakeEvent =
  { kind: 'message'; message: HandshakeMessage } | { kind: 'diagnostic'; diagnostic: Diagnostic };

export interface HandshakeReaderOptions {
  connection?: string;
  /** Messages longer than this are skipped with `tls.handshake-too-long`. */
  maxMessageLength?: number;
}

/**
 * Reassembles handshake messages from the plaintext of handshake records of one direction: several
 * messages per record, and messages spanning records (RFC 8446 §5.1). Feed it only plaintext: records
 * before encryption starts, or the decrypted content of encrypted ones.
 */
export class HandshakeReader {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Body bytes of an over-long message still to skip. */
  private skipping = 0;
  private readonly maxMessageLength: number;

  constructor(private readonly options: HandshakeReaderOptions = {}) {
    this.maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_HANDSHAKE_MESSAGE;
  }

  /** True while a message is partially received: a key change or another record type now is an error. */
  get midMessage(): boolean {
    return this.pendingLength > 0 || this.skipping > 0;
  }

  push(fragment: Buffer, time: number, packetIndex: number): HandshakeEvent[] {
    const out: HandshakeEvent[] = [];
    let data = fragment;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, data.length);
      this.skipping -= n;
      data = data.subarray(n);
    }
    if (data.length === 0) return out;
    if (this.pendingLength > 0) {
      // Collect fragments without copying until the message is complete (no quadratic concatenation).
      this.pending.push(data);
      this.pendingLength += data.length;
      const need = this.pendingMessageLength();
      if (
        need !== undefined &&
        need <= this.maxMessageLength &&
        this.pendingLength < HANDSHAKE_HEADER_LENGTH + need
      ) {
        return out;
      }
      data = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingLength = 0;
    }
    let buf = data;
    while (buf.length >= HANDSHAKE_HEADER_LENGTH) {
      const msgType = buf[0]!;
      const length = buf.readUIntBE(1, 3);
      if (length > this.maxMessageLength) {
        out.push(
          this.event(
            'tls.handshake-too-long',
            { type: handshakeTypeName(msgType), length, limit: this.maxMessageLength },
            time,
          ),
        );
        const available = buf.length - HANDSHAKE_HEADER_LENGTH;
        this.skipping = Math.max(0, length - available);
        buf = buf.subarray(Math.min(buf.length, HANDSHAKE_HEADER_LENGTH + length));
        continue;
      }
      const end = HANDSHAKE_HEADER_LENGTH + length;
      if (buf.length < end) break;
      const body = buf.subarray(HANDSHAKE_HEADER_LENGTH, end);
      out.push({ kind: 'message', message: { msgType, length, body, time, packetIndex } });
      buf = buf.subarray(end);
    }
    if (buf.length > 0) {
      this.pending = [buf];
      this.pendingLength = buf.length;
    }
    return out;
  }

  /**
   * A record of another content type arrived. Inside a fragmented message that is a protocol error
   * (RFC 8446 §5.1: handshake messages MUST NOT be interleaved with other record types); the partial
   * message is dropped.
   */
  interrupt(contentType: number, time: number): HandshakeEvent[] {
    if (!this.midMessage) return [];
    const type = this.pendingType();
    this.clear();
    return [
      this.event('tls.handshake-interleaved', { contentType: contentTypeName(contentType), type }, time),
    ];
  }

  /** Bytes were lost: a partial message cannot be completed. */
  reset(): void {
    this.clear();
  }

  /** End of the direction: reports a partial message. */
  finish(): HandshakeEvent[] {
    if (this.pendingLength === 0) return [];
    const buf = Buffer.concat(this.pending);
    const need =
      buf.length >= HANDSHAKE_HEADER_LENGTH
        ? buf.readUIntBE(1, 3) + HANDSHAKE_HEADER_LENGTH
        : HANDSHAKE_HEADER_LENGTH;
    const type = this.pendingType();
    this.clear();
    return [this.event('tls.handshake-truncated', { type, have: buf.length, need }, undefined)];
  }

  /** The length field of the pending message, once its 4 header bytes are in. */
  private pendingMessageLength(): number | undefined {
    if (this.pendingLength < HANDSHAKE_HEADER_LENGTH) return undefined;
    const head =
      this.pending[0]!.length >= HANDSHAKE_HEADER_LENGTH ? this.pending[0]! : Buffer.concat(this.pending);
    return head.readUIntBE(1, 3);
  }

  private pendingType(): string {
    const first = this.pending[0];
    return first !== undefined && first.length > 0 ? handshakeTypeName(first[0]!) : 'unknown';
  }

  private clear(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.skipping = 0;
  }

  private event(
    code: 'tls.handshake-too-long' | 'tls.handshake-interleaved' | 'tls.handshake-truncated',
    params: Record<string, string | number>,
    time: number | undefined,
  ): HandshakeEvent {
    return {
      kind: 'diagnostic',
      diagnostic: diag(TLS_DIAGNOSTICS, code, params, { connection: this.options.connection, time }),
    };
  }
}
