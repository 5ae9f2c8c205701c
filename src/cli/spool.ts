/**
 * A copy of stdin on disk while it is decoded, for the second pass of --write-pcap: a pipe can be read
 * only once. The copy lives in a private temporary directory and is removed by `remove()`.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SpoolError } from '../output/text-spool.js';

export class StdinSpool {
  readonly path: string;
  private readonly dir: string;
  private fd: number | null;
  /** Set when the copy could not be written whole (full disk): the second pass must not read it. */
  failure: SpoolError | null = null;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'h2scope-'));
    this.path = join(this.dir, 'stdin.capture');
    this.fd = openSync(this.path, 'w');
  }

  /** The same bytes as `source`, each chunk written to the spool file as it passes. */
  tee(source: Readable): Readable {
    const fd = this.fd!;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the generator records the failure here
    const spool = this;
    async function* copy(): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        // The decoding goes on without the copy once it failed; the export then reports the failure.
        if (spool.failure === null) spool.write(fd, buf);
        yield buf;
      }
    }
    return Readable.from(copy(), { objectMode: false });
  }

  /** All of `buf`, however many writes it takes; a failure is recorded, not thrown. */
  private write(fd: number, buf: Buffer): void {
    try {
      for (let done = 0; done < buf.length;) {
        const n = writeSync(fd, buf, done, buf.length - done);
        if (n <= 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
        done += n;
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      this.failure = new SpoolError(tmpdir(), e.code ?? 'EIO', e.message);
    }
  }

  /** Done writing: the file can be read. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  remove(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
