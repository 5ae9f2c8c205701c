/**
 * A copy of stdin on disk while it is decoded, for the second pass of --write-pcap: a pipe can be read
 * only once. The file is made in a private temporary directory and both are unlinked at once: only the
 * open descriptor is used (written, then read back from the start), so the space goes back however the
 * process ends and nothing is left behind. `remove()` closes it.
 */
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SpoolError } from '../output/text-spool.js';

export class StdinSpool {
  private fd: number | null;
  /** Set when the copy could not be written whole (full disk): the second pass must not read it. */
  failure: SpoolError | null = null;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'h2scope-'));
    const path = join(dir, 'stdin.capture');
    this.fd = openSync(path, 'w+', 0o600);
    unlinkSync(path);
    rmdirSync(dir);
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

  /** The copy from its start (positioned reads: the descriptor stays open until remove()). */
  reader(): Readable {
    return createReadStream('', { fd: this.fd!, start: 0, autoClose: false });
  }

  remove(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
