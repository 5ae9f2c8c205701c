/**
 * Buffered writes to stdout or a file with backpressure: records are gathered while a capture chunk is
 * decoded and written together right after it, and reading waits while the destination drains, so a slow
 * consumer (jq, a log shipper) never makes memory grow. On a live pipe every chunk tcpdump writes is
 * decoded and its records leave at once: that is per record as far as the reader can tell, without a
 * write call per line on large files. A closed pipe (EPIPE, `| head`) ends output quietly; any other
 * write error is kept for the caller to report in one line.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ByteOut } from '../output/raw-json.js';
import { writeLine } from '../output/raw-line.js';
import { hexInto } from '../output/json-value.js';

/**
 * Text is encoded straight into this many bytes of reusable buffer. Joining the record strings and
 * encoding the result (Buffer.from(parts.join(''))) copied every character twice and allocated both
 * copies: 4x slower than utf8Write into a buffer on the 30 MB bench's 133 MB of ndjson (454 ms against
 * 108 ms), and the strings kept until the join survived young-generation collections
 * (docs/performance.md).
 */
const CHUNK_BYTES = 1 << 20;
/** The least rest of a buffer keepPartial keeps filling (below it, a fresh buffer). */
const MIN_REST = 64 << 10;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

export class OutputStream {
  /** The buffer being filled; handed to the stream when full, then replaced. */
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  /** Full buffers (or exact copies of a partial one), waiting for flush(). */
  private sealed: Buffer[] = [];
  private sealedBytes = 0;
  private closed = false;
  private failure: NodeJS.ErrnoException | null = null;

  private constructor(
    private readonly stream: Writable,
    private readonly owned: boolean,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.closed = true;
      if (err.code !== 'EPIPE') this.failure = err;
    });
  }

  /** Writes to a stream the caller owns (stdout): it is drained at the end, never closed. */
  static to(stream: Writable): OutputStream {
    return new OutputStream(stream, false);
  }

  /** Opens (creates or truncates) a file; rejects with the OS error when it cannot. */
  static async file(path: string): Promise<OutputStream> {
    const stream = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new OutputStream(stream, true);
  }

  /** True once the reader went away (EPIPE) or writing failed: stop decoding, nobody is listening. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** A write error other than a closed pipe (disk full, ...), or null. */
  get error(): NodeJS.ErrnoException | null {
    return this.failure;
  }

  readonly write = (s: string): void => {
    if (this.closed) return;
    const worst = s.length * MAX_UTF8_PER_UNIT;
    if (worst > this.buf.length - this.used) {
      this.seal();
      if (worst > this.buf.length) {
        // Larger than a chunk (a record with megabytes of payload hex): encoded on its own.
        this.push(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(s, this.used);
  };

  /**
   * An ndjson line: `head` (bytes), the value's JSON, `}\n`: the same bytes as write(head) +
   * write(jsonText(value)) + write('}\n'), written straight into the buffer (raw-line.ts, json-bytes.ts),
   * with no JSON string in between. A line may span buffers: room() seals a full one.
   */
  readonly jsonLine = (head: Uint8Array, value: unknown): void => {
    if (this.closed) return;
    const o = this.byteOut;
    o.buf = this.buf;
    o.pos = this.used;
    writeLine(o, head, value);
    this.buf = o.buf;
    this.used = o.pos;
  };

  /** This stream's buffer as json-bytes.ts fills it: room() seals a full buffer (a line may span buffers). */
  private readonly byteOut: ByteOut = {
    buf: this.buf,
    pos: 0,
    room: (n: number): void => {
      const o = this.byteOut;
      if (n <= o.buf.length - o.pos) return;
      this.buf = o.buf;
      this.used = o.pos;
      this.seal();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
      o.buf = this.buf;
      o.pos = 0;
    },
  };

  /** The bytes as hex digits, written from the bytes into the buffer (payloads: no string in between). */
  readonly writeHex = (bytes: Uint8Array): void => {
    if (this.closed) return;
    const size = bytes.length * 2;
    if (size > this.buf.length - this.used) {
      this.seal();
      if (size > this.buf.length) {
        // Larger than a chunk (a payload of more than half a megabyte): its own buffer.
        const own = Buffer.allocUnsafe(size);
        hexInto(bytes, own, 0);
        this.push(own);
        return;
      }
    }
    this.used = hexInto(bytes, this.buf, this.used);
  };

  /**
   * Bytes already encoded elsewhere (ndjson lines from a decoding thread), copied into the buffer: they
   * arrive as many short ranges of a few large buffers, and a chunk per range would cost more than the copy.
   * A long range (a run of one thread's lines: the hex of large messages) goes to the stream as it is,
   * a view of its buffer, which nothing writes again (src/engine/shard.ts hands each batch's buffer over
   * and starts a new one): copying it cost the merging thread a second pass over, and fresh pages for,
   * every byte of the payloads' hex (docs/performance.md, "Threads, session 8").
   */
  readonly copy = (bytes: Uint8Array, start: number, end: number): void => {
    if (this.closed) return;
    const n = end - start;
    if (n >= CHUNK_BYTES / 4) {
      this.seal();
      this.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, n));
      return;
    }
    if (n > this.buf.length - this.used) this.seal();
    this.buf.set(bytes.subarray(start, end), this.used);
    this.used += n;
  };

  /** Bytes already encoded (a piece of a spooled document), written after what came before. */
  writeBytes(bytes: Buffer): void {
    if (this.closed) return;
    this.keepPartial();
    this.push(bytes);
  }

  /** Bytes gathered and not yet handed to the destination. */
  get pendingBytes(): number {
    return this.sealedBytes + this.used;
  }

  /** True when records are waiting to be written. */
  get pending(): boolean {
    return (this.used > 0 || this.sealed.length > 0) && !this.closed;
  }

  /** Writes what was gathered; resolves when the destination can take more. */
  async flush(): Promise<void> {
    this.keepPartial();
    if (this.sealed.length === 0 || this.closed) return;
    const chunks = this.sealed;
    this.sealed = [];
    this.sealedBytes = 0;
    // One write per buffer, no concatenation: the stream batches them (writev) without another copy.
    let ready = true;
    for (const chunk of chunks) ready = this.stream.write(chunk);
    if (!ready) await this.drained();
  }

  /**
   * The current buffer goes to the stream as it is; a fresh one takes its place (also when nothing was
   * written into a short rest left by keepPartial, so that a caller can count on a whole chunk).
   */
  private seal(): void {
    if (this.used > 0) this.push(this.buf.subarray(0, this.used));
    else if (this.buf.length === CHUNK_BYTES) return;
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }

  /**
   * A partly filled buffer goes to the stream as a view of what was written, and the rest of the buffer
   * is filled next: a live pipe flushes a few records per capture chunk, and a file is flushed after every
   * capture chunk too (a few hundred KiB of records), where copying the written part out, as before, cost
   * a second pass over (and a fresh allocation for) most of the output. Nothing writes a range again once
   * it was handed over. A rest too short to be worth filling is replaced by a fresh buffer.
   */
  private keepPartial(): void {
    if (this.used === 0) return;
    this.push(this.buf.subarray(0, this.used));
    this.buf =
      this.buf.length - this.used >= MIN_REST
        ? this.buf.subarray(this.used)
        : Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }

  private push(bytes: Buffer): void {
    this.sealed.push(bytes);
    this.sealedBytes += bytes.length;
  }

  /** Flushes, then closes a file, or waits until stdout has taken everything. */
  async end(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    if (!this.owned) {
      if (this.stream.writableNeedDrain) await this.drained();
      return;
    }
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
  }
}
