/**
 * HTTP/1.1 messages of one direction (RFC 9112 §6): heads, then bodies framed by Content-Length, chunked
 * transfer coding, or (responses only) the connection's close. Incremental and pure: bytes in, completed
 * messages out. Bodies are kept only when `keep` says so (gRPC-Web), up to a limit; others are counted and
 * dropped. After a gap the direction is no longer readable: framing cannot be recovered without guessing.
 */
import { parseHttp1Head, type Http1Head } from './http1.js';

export interface Http1Message {
  head: Http1Head;
  /** The body (chunked coding removed) when kept, else null. */
  body: Buffer | null;
  bodyBytes: number;
  /** False when the connection ended (or bytes were lost) before the body did. */
  complete: boolean;
  /** Capture time and packet of the head's first bytes and of the message's end. */
  start: number;
  time: number;
  packetIndex: number;
}

type Body =
  | { kind: 'length'; left: number }
  | { kind: 'chunked'; left: number; state: 'size' | 'data' | 'data-crlf' | 'trailers' }
  | { kind: 'close' };

/** Largest body kept (a gRPC-Web response stream): beyond it the message is cut, counted as incomplete. */
const MAX_KEPT_BODY = 16 * 1024 * 1024;

export class Http1MessageReader {
  private buf: Buffer = Buffer.alloc(0);
  private head: Http1Head | null = null;
  private body: Body | null = null;
  private parts: Buffer[] | null = null;
  private kept = 0;
  private bodyBytes = 0;
  private start = 0;
  private broken = false;

  /**
   * @param keep whether a message's body is wanted
   * @param noBody responses to HEAD have no body whatever their headers say (RFC 9112 §6.3): the reader of
   * responses asks the session, which knows the requests
   */
  constructor(
    private readonly keep: (head: Http1Head) => boolean,
    private readonly noBody: (head: Http1Head) => boolean = () => false,
  ) {}

  push(data: Buffer, time: number, packetIndex: number): Http1Message[] {
    if (this.broken) return [];
    const out: Http1Message[] = [];
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    for (;;) {
      if (this.head === null) {
        if (this.buf.length === 0) break;
        if (this.buf.length > 0 && this.start === 0) this.start = time;
        const r = parseHttp1Head(this.buf);
        if (!r.ok) {
          if (!r.needMore) this.broken = true; // not HTTP/1 any more (or never was)
          break;
        }
        this.beginBody(r.head);
        this.buf = this.buf.subarray(r.head.headLength);
      }
      if (!this.readBody(out, time, packetIndex)) break;
    }
    return out;
  }

  /** Bytes were lost: the message being read ends there, and nothing after can be framed. */
  gap(time: number, packetIndex: number): Http1Message[] {
    if (this.broken) return [];
    this.broken = true;
    return this.head === null ? [] : [this.finishMessage(false, time, packetIndex)];
  }

  /** The direction ended: a close-delimited body is complete, any other unfinished message is not. */
  finish(time: number, packetIndex: number): Http1Message[] {
    if (this.broken || this.head === null) return [];
    return [this.finishMessage(this.body?.kind === 'close', time, packetIndex)];
  }

  private beginBody(head: Http1Head): void {
    this.head = head;
    this.parts = this.keep(head) ? [] : null;
    this.kept = 0;
    this.bodyBytes = 0;
    const te = headerOf(head, 'transfer-encoding')?.toLowerCase() ?? '';
    const length = headerOf(head, 'content-length');
    const status = head.status ?? 0;
    const bodiless =
      head.kind === 'response' && ((status >= 100 && status < 200) || status === 204 || status === 304);
    if (bodiless || this.noBody(head)) this.body = { kind: 'length', left: 0 };
    else if (te.split(',').some((t) => t.trim() === 'chunked'))
      this.body = { kind: 'chunked', left: 0, state: 'size' };
    else if (length !== undefined && /^\d+$/.test(length.trim()))
      this.body = { kind: 'length', left: Number(length) };
    else this.body = head.kind === 'request' ? { kind: 'length', left: 0 } : { kind: 'close' };
  }

  /** Reads what the buffer holds of the body; true when the message completed (and was emitted). */
  private readBody(out: Http1Message[], time: number, packetIndex: number): boolean {
    const body = this.body!;
    if (body.kind === 'close') {
      this.take(this.buf.length);
      return false;
    }
    if (body.kind === 'length') {
      const n = Math.min(body.left, this.buf.length);
      this.take(n);
      body.left -= n;
      if (body.left > 0) return false;
      out.push(this.finishMessage(true, time, packetIndex));
      return true;
    }
    for (;;) {
      if (body.state === 'data') {
        const n = Math.min(body.left, this.buf.length);
        this.take(n);
        body.left -= n;
        if (body.left > 0) return false;
        body.state = 'data-crlf';
        continue;
      }
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.buf.length > 4096) this.broken = true; // no chunk line is that long
        return false;
      }
      const line = this.buf.subarray(0, eol).toString('latin1');
      this.buf = this.buf.subarray(eol + 2);
      if (body.state === 'data-crlf') {
        body.state = 'size';
        continue;
      }
      if (body.state === 'trailers') {
        if (line !== '') continue; // a trailer field (RFC 9112 §7.1.2): not kept
        out.push(this.finishMessage(true, time, packetIndex));
        return true;
      }
      const size = Number.parseInt(line.split(';')[0]!.trim(), 16);
      if (!Number.isFinite(size) || size < 0) {
        this.broken = true;
        return false;
      }
      if (size === 0) body.state = 'trailers';
      else {
        body.state = 'data';
        body.left = size;
      }
    }
  }

  private take(n: number): void {
    if (n === 0) return;
    const piece = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.bodyBytes += n;
    if (this.parts !== null && this.kept + n <= MAX_KEPT_BODY) {
      this.parts.push(Buffer.from(piece)); // a copy: the chunk's buffer is the reader's, not ours
      this.kept += n;
    }
  }

  private finishMessage(complete: boolean, time: number, packetIndex: number): Http1Message {
    const cut = this.kept < this.bodyBytes;
    const message: Http1Message = {
      head: this.head!,
      body: this.parts === null ? null : Buffer.concat(this.parts),
      bodyBytes: this.bodyBytes,
      complete: complete && !cut,
      start: this.start,
      time,
      packetIndex,
    };
    this.head = null;
    this.body = null;
    this.parts = null;
    this.start = 0;
    return message;
  }
}

function headerOf(head: Http1Head, name: string): string | undefined {
  return head.headers.find(([n]) => n === name)?.[1];
}
