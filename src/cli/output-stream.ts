/**
 * Buffered writes to stdout or a file with backpressure: records are gathered per capture chunk and written
 * together, and reading waits while the destination drains, so a slow consumer (jq, a pipe to a log
 * shipper) never makes memory grow. A closed pipe (EPIPE, `| head`) ends output quietly.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

export class OutputStream {
  private parts: string[] = [];
  private closed = false;

  private constructor(private readonly stream: Writable) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  static stdout(): OutputStream {
    return new OutputStream(process.stdout);
  }

  static async file(path: string): Promise<OutputStream> {
    const stream = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new OutputStream(stream);
  }

  /** True once the reader went away (EPIPE): stop decoding, nobody is listening. */
  get isClosed(): boolean {
    return this.closed;
  }

  readonly write = (s: string): void => {
    if (!this.closed) this.parts.push(s);
  };

  /** Writes what was gathered; resolves when the destination can take more. */
  async flush(): Promise<void> {
    if (this.parts.length === 0 || this.closed) return;
    const data = this.parts.join('');
    this.parts = [];
    if (!this.stream.write(data)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
      });
    }
  }

  async end(): Promise<void> {
    await this.flush();
    if (this.stream === process.stdout || this.closed) return;
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}
