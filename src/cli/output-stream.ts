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

/**
 * Gathered text is encoded into a Buffer (outside the JS heap) every this many characters, so the record
 * strings die young: kept as strings until the end of a 1 MiB capture chunk (4 MB of ndjson), they
 * survived young-generation collections and were copied to the old one (330 MB promoted on a 30 MB
 * capture, 140 MB with this; docs/performance.md).
 */
const SEAL_CHARS = 64 * 1024;

export class OutputStream {
  private parts: string[] = [];
  private partsChars = 0;
  /** Text already encoded, waiting for flush(). */
  private sealed: Buffer[] = [];
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
    this.parts.push(s);
    this.partsChars += s.length;
    if (this.partsChars >= SEAL_CHARS) this.seal();
  };

  /** True when records are waiting to be written. */
  get pending(): boolean {
    return (this.parts.length > 0 || this.sealed.length > 0) && !this.closed;
  }

  /** Writes what was gathered; resolves when the destination can take more. */
  async flush(): Promise<void> {
    this.seal();
    if (this.sealed.length === 0 || this.closed) return;
    const data = this.sealed.length === 1 ? this.sealed[0]! : Buffer.concat(this.sealed);
    this.sealed = [];
    if (!this.stream.write(data)) await this.drained();
  }

  private seal(): void {
    if (this.parts.length === 0) return;
    this.sealed.push(Buffer.from(this.parts.join(''), 'utf8'));
    this.parts = [];
    this.partsChars = 0;
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
