/**
 * A copy of stdin on disk while it is decoded, for the second pass of --write-pcap: a pipe can be read
 * only once. The copy lives in a private temporary directory and is removed by `remove()`.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export class StdinSpool {
  readonly path: string;
  private readonly dir: string;
  private fd: number | null;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'h2scope-'));
    this.path = join(this.dir, 'stdin.capture');
    this.fd = openSync(this.path, 'w');
  }

  /** The same bytes as `source`, each chunk written to the spool file as it passes. */
  tee(source: Readable): Readable {
    const fd = this.fd!;
    async function* copy(): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        writeSync(fd, buf);
        yield buf;
      }
    }
    return Readable.from(copy(), { objectMode: false });
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
