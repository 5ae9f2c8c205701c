import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { ContentType, HandshakeType } from './constants.js';

/** RFC 8446 §5.1: type(1) legacy_record_version(2) length(2). */
export const TLS_RECORD_HEADER_LENGTH = 5;
/** RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14. */
export const MAX_PLAINTEXT_LENGTH = 2 ** 14;
/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048 (TLS 1.3 allows only + 256). */
export const MAX_CIPHERTEXT_LENGTH = 2 ** 14 + 2048;

/** One TLS record as cut from a direction's byte stream (fragment not interpreted). */
export interface TlsRecord {
  contentType: number;
  /** legacy_record_version, e.g. 0x0303 (0x0301 is allowed on a first ClientHello). */
  version: number;
  /** The length field; always equal to fragment.length. */
  length: number;
  /** May share memory with the pushed buffers. */
  fragment: Buffer;
  /** Offset of the record header within this direction's byte stream (bytes pushed plus bytes lost). */
  offset: number;
  /** Capture time and record number of the packet that completed the record. */
  time: number;
  packetIndex: number;
  /**
   * Stream bytes lost or skipped between the previous record and this one: 0 contiguous, -1 unknown (the
   * start of the direction was never seen). A decryptor uses it to know sequence numbers may have moved.
   */
  gapBefore: number;
}

export type TlsRecordEvent =
  { kind: 'record'; record: TlsRecord } | { kind: 'diagnostic'; diagnostic: Diagnostic };

/** What the first bytes of a direction look like. */
export type TlsSniff = 'client-hello' | 'server-hello' | 'record' | 'not-tls' | 'need-more';

/** RFC 8446 §4.1.2 / §4.1.3: smallest ClientHello / ServerHello bodies (one suite, one compression method). */
const MIN_CLIENT_HELLO = 2 + 32 + 1 + 2 + 2 + 1 + 1;
const MIN_SERVER_HELLO = 2 + 32 + 1 + 2 + 1;

type HeaderCheck = 'ok' | 'need-more' | 'bad' | 'overflow';

/**
 * Can `buf[at..]` be a record header? Types 20-24 (tls12_cid, 25, exists only in DTLS, RFC 9146),
 * major version 3, minor 0-4, and only application_data may be empty (RFC 8446 §5.1, RFC 5246 §6.2.1). 'overflow': right type and version but longer than RFC 5246 §6.2.3 allows.
 */
function checkHeader(buf: Buffer, at: number): HeaderCheck {
  const have = buf.length - at;
  if (have < 1) return 'need-more';
  const type = buf[at]!;
  if (type < ContentType.change_cipher_spec || type > ContentType.heartbeat) return 'bad';
  if (have < 2) return 'need-more';
  if (buf[at + 1] !== 3) return 'bad';
  if (have < 3) return 'need-more';
  if (buf[at + 2]! > 4) return 'bad';
  if (have < 5) return 'need-more';
  const length = buf.readUInt16BE(at + 3);
  if (length === 0 && type !== ContentType.application_data) return 'bad';
  return length > MAX_CIPHERTEXT_LENGTH ? 'overflow' : 'ok';
}

/** Strict form for sniffing and resynchronising: undefined when more bytes are needed. */
function plausibleHeader(buf: Buffer, at: number): boolean | undefined {
  const check = checkHeader(buf, at);
  return check === 'need-more' ? undefined : check === 'ok';
}

/** Sniffs the first bytes of a direction, on any port. */
export function sniffTls(buf: Buffer): TlsSniff {
  const header = plausibleHeader(buf, 0);
  if (header === undefined) return 'need-more';
  if (!header) return 'not-tls';
  if (buf[0] !== ContentType.handshake) return 'record';
  if (buf.length < TLS_RECORD_HEADER_LENGTH + 4) return 'need-more';
  const msgType = buf[5];
  const bodyLength = buf.readUIntBE(6, 3);
  if (msgType === HandshakeType.client_hello)
    return bodyLength >= MIN_CLIENT_HELLO ? 'client-hello' : 'not-tls';
  if (msgType === HandshakeType.server_hello)
    return bodyLength >= MIN_SERVER_HELLO ? 'server-hello' : 'not-tls';
  return 'record';
}

/** True when the bytes start with a TLS record header (a ClientHello or ServerHello, or any other record). */
export function looksLikeTls(buf: Buffer): boolean {
  const s = sniffTls(buf);
  return s === 'client-hello' || s === 'server-hello' || s === 'record';
}

export interface TlsRecordReaderOptions {
  /** Connection id for diagnostics. */
  connection?: string;
}

type ReaderState = 'records' | 'resync' | 'not-tls';

const MAX_RESYNC_SKIP = 2 * (TLS_RECORD_HEADER_LENGTH + MAX_CIPHERTEXT_LENGTH);

/**
 * Incremental TLS record reader for one direction. `push` returns every record the bytes completed.
 * After lost bytes (`gapBefore` != 0) it drops the partial record and looks for the next record boundary:
 * a plausible header whose successor is also plausible (or which ends exactly where the data ends).
 * Bytes that are not TLS from the start stop the reader (state 'not-tls'); later garbage makes it resync.
 */
export class TlsRecordReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Stream offset of buf[0]. */
  private bufOffset = 0;
  private mode: ReaderState = 'records';
  private recordsSeen = 0;
  /** Bytes lost or skipped since the last record; -1 unknown. */
  private pendingGap = 0;
  /** Bytes skipped by the current resynchronisation so far. */
  private skipped = 0;
  /** Segments of an incomplete record not yet appended to buf, and the record's total size. */
  private held: Buffer[] = [];
  private heldLength = 0;
  private need = 0;

  constructor(private readonly options: TlsRecordReaderOptions = {}) {}

  get state(): ReaderState {
    return this.mode;
  }

  push(data: Buffer, time: number, packetIndex: number, gapBefore = 0): TlsRecordEvent[] {
    if (!this.active()) return [];
    if (gapBefore === 0 && this.need > 0 && this.buf.length + this.heldLength + data.length < this.need) {
      // Inside a known-length record: hold the segment, copy once when the record completes.
      this.held.push(data);
      this.heldLength += data.length;
      return [];
    }
    const out: TlsRecordEvent[] = [];
    if (gapBefore !== 0) this.onGap(gapBefore);
    this.buf = this.buf.length + this.heldLength === 0 ? data : Buffer.concat([this.buf, ...this.held, data]);
    this.held = [];
    this.heldLength = 0;
    this.need = 0;
    while (this.active()) {
      if (this.mode === 'resync' && !this.resync(out, time)) break;
      if (!this.readRecord(out, time, packetIndex)) break;
    }
    return out;
  }

  private active(): boolean {
    return this.mode !== 'not-tls';
  }

  /** End of the direction: reports a partial record. */
  finish(): TlsRecordEvent[] {
    this.takeHeld();
    if (this.mode !== 'records' || this.buf.length === 0) return [];
    const need = this.buf.length >= TLS_RECORD_HEADER_LENGTH ? this.buf.readUInt16BE(3) + 5 : 5;
    const d = diag(
      TLS_DIAGNOSTICS,
      'tls.record-truncated',
      { offset: this.bufOffset, have: this.buf.length, need },
      { connection: this.options.connection },
    );
    this.buf = Buffer.alloc(0);
    return [{ kind: 'diagnostic', diagnostic: d }];
  }

  private takeHeld(): void {
    if (this.heldLength > 0) this.buf = Buffer.concat([this.buf, ...this.held]);
    this.held = [];
    this.heldLength = 0;
    this.need = 0;
  }

  private onGap(gapBefore: number): void {
    this.takeHeld();
    const dropped = this.buf.length;
    this.bufOffset += dropped + Math.max(gapBefore, 0);
    this.buf = Buffer.alloc(0);
    if (gapBefore < 0 || this.pendingGap < 0) this.pendingGap = -1;
    else this.pendingGap += dropped + gapBefore;
    this.mode = 'resync';
  }

  /** Reads one record at buf[0]; false when more bytes are needed. */
  private readRecord(out: TlsRecordEvent[], time: number, packetIndex: number): boolean {
    const header = checkHeader(this.buf, 0);
    if (header === 'need-more') return false;
    if (header === 'bad') {
      this.onGarbage(out, time);
      return true; // the mode changed: the loop resynchronises or stops
    }
    const length = this.buf.readUInt16BE(3);
    const end = TLS_RECORD_HEADER_LENGTH + length;
    if (this.buf.length < end) {
      this.need = end;
      return false;
    }
    if (header === 'overflow') {
      const params = { offset: this.bufOffset, length, max: MAX_CIPHERTEXT_LENGTH };
      const where = { connection: this.options.connection, time };
      out.push({
        kind: 'diagnostic',
        diagnostic: diag(TLS_DIAGNOSTICS, 'tls.record-overflow', params, where),
      });
    }
    const record: TlsRecord = {
      contentType: this.buf[0]!,
      version: this.buf.readUInt16BE(1),
      length,
      fragment: this.buf.subarray(TLS_RECORD_HEADER_LENGTH, end),
      offset: this.bufOffset,
      time,
      packetIndex,
      gapBefore: this.pendingGap,
    };
    out.push({ kind: 'record', record });
    this.recordsSeen++;
    this.pendingGap = 0;
    this.consume(end);
    return true;
  }

  /** A header that cannot be TLS: the stream was never TLS, or it was and lost its framing. */
  private onGarbage(out: TlsRecordEvent[], time: number): void {
    const where = { connection: this.options.connection, time };
    if (this.recordsSeen === 0) {
      this.giveUp(out, where);
      return;
    }
    const bytes = this.buf.subarray(0, TLS_RECORD_HEADER_LENGTH).toString('hex');
    const params = { offset: this.bufOffset, bytes };
    out.push({ kind: 'diagnostic', diagnostic: diag(TLS_DIAGNOSTICS, 'tls.record-garbage', params, where) });
    this.mode = 'resync';
  }

  /**
   * Finds the next record boundary. Returns true when found (buf now starts there), false when more
   * bytes are needed. A single plausible 5-byte header matches random bytes about once per 10^6
   * positions; requiring the next header to be plausible too makes a false boundary negligible.
   * A TLS stream has a boundary at least every 5 + 2^14 + 2048 bytes: skipping twice that means not TLS.
   */
  private resync(out: TlsRecordEvent[], time: number): boolean {
    const where = { connection: this.options.connection, time };
    let i = 0;
    let found = false;
    for (; i < this.buf.length; i++) {
      const header = plausibleHeader(this.buf, i);
      if (header === undefined) break;
      if (!header) continue;
      const next = i + TLS_RECORD_HEADER_LENGTH + this.buf.readUInt16BE(i + 3);
      const confirmed = next === this.buf.length ? true : plausibleHeader(this.buf, next);
      if (confirmed === undefined) break;
      if (confirmed) {
        found = true;
        break;
      }
    }
    if (found && (i > 0 || this.skipped > 0 || this.recordsSeen > 0)) {
      const params = { offset: this.bufOffset + i, skipped: this.skipped + i };
      out.push({ kind: 'diagnostic', diagnostic: diag(TLS_DIAGNOSTICS, 'tls.resync', params, where) });
    }
    if (i > 0 && this.pendingGap >= 0) this.pendingGap += i;
    this.skipped = found ? 0 : this.skipped + i;
    this.consume(i);
    if (found) this.mode = 'records';
    else if (this.skipped > MAX_RESYNC_SKIP) this.giveUp(out, where);
    return found;
  }

  private giveUp(out: TlsRecordEvent[], where: { connection?: string; time: number }): void {
    const bytes = this.buf.subarray(0, TLS_RECORD_HEADER_LENGTH).toString('hex');
    out.push({
      kind: 'diagnostic',
      diagnostic: diag(TLS_DIAGNOSTICS, 'tls.not-tls', { offset: this.bufOffset, bytes }, where),
    });
    this.mode = 'not-tls';
    this.buf = Buffer.alloc(0);
  }

  private consume(n: number): void {
    this.bufOffset += n;
    this.buf = n >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(n);
  }
}
