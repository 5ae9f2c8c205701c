/**
 * Serialised output kept on disk until a report is assembled (the json document, HAR entries): memory then
 * holds where each piece is, not the piece. The file is made in a private temporary directory and both
 * are unlinked at once, the open descriptor being all that is used: the kernel frees the space when the
 * descriptor closes, however the process ends (SIGTERM, a second Ctrl-C, SIGKILL), so nothing is ever
 * left behind. Without a writable directory the pieces simply stay in memory.
 *
 * Every write and read is checked: a full temporary disk (ENOSPC), a file-size limit (EFBIG) or a short
 * read makes the spool `failed` (a SpoolError naming the directory) instead of leaving a hole that reads
 * back as NUL bytes, or a buffer that was never filled. Once failed, puts are dropped (the report cannot
 * be complete, and the caller stops) and read() throws: no piece is ever made of bytes it did not read.
 */
import * as nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A piece of text: in memory, or where it is in the spool file. */
export type Piece = string | { offset: number; length: number };

/** Spool bytes read back per piece of output. */
const READ_BYTES = 1 << 20;

/** The file operations the spool uses (tests inject failing ones). */
export interface SpoolFs {
  writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
}

/** The spool's temporary file could not be written or read back: the report cannot be assembled. */
export class SpoolError extends Error {
  constructor(
    readonly directory: string,
    readonly code: string,
    detail: string,
  ) {
    super(`the temporary directory ${directory} failed (${detail})`);
    this.name = 'SpoolError';
  }
}

function describe(err: unknown): { code: string; detail: string } {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : 'EIO';
  return { code, detail: e instanceof Error ? e.message : String(err) };
}

export class TextSpool {
  /**
   * The (already unlinked) temporary directory while the spool file is open; null in memory mode and after
   * remove().
   */
  dir: string | null = null;
  /** Why no temporary directory could be made (the pieces are then kept in memory), or null. */
  readonly problem: string | null = null;
  /** Set when a write or read of the spool file failed; the report must not be written as complete. */
  failure: SpoolError | null = null;
  private fd: number | null = null;
  private size = 0;
  /** The directory the spool is in (TMPDIR), for messages. */
  private readonly base = tmpdir();

  /** `prefix` names the directory (h2scope-json-..., h2scope-har-...); `enabled` false keeps memory. */
  constructor(
    prefix: string,
    enabled = true,
    private readonly fs: SpoolFs = nodeFs,
  ) {
    if (!enabled) return;
    try {
      this.dir = nodeFs.mkdtempSync(join(this.base, `h2scope-${prefix}-`));
      const file = join(this.dir, 'spool');
      this.fd = nodeFs.openSync(file, 'w+', 0o600);
      nodeFs.unlinkSync(file);
      nodeFs.rmdirSync(this.dir);
    } catch (err) {
      this.remove(); // no temporary directory: the pieces stay in memory
      this.problem = `cannot use the temporary directory ${this.base} (${(err as Error).message})`;
    }
  }

  put(text: string): Piece {
    if (this.failure !== null) return '';
    if (this.fd === null) return text;
    const offset = this.size;
    if (!this.write(Buffer.from(text, 'utf8'))) return '';
    return { offset, length: this.size - offset };
  }

  /** Appends `bytes` at the end of the file; false (and the spool failed) when they could not be. */
  private write(bytes: Buffer): boolean {
    try {
      // writeSync may write less than asked (a disk filling up): go on from where it stopped.
      for (let done = 0; done < bytes.length;) {
        const n = this.fs.writeSync(this.fd!, bytes, done, bytes.length - done, this.size + done);
        if (n <= 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
        done += n;
      }
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.size += bytes.length;
    return true;
  }

  /**
   * Text and already-encoded bytes (payload hex written from the bytes: src/output/json-value.ts) as one
   * piece; in memory mode the bytes (ASCII) become text.
   */
  putParts(parts: ReadonlyArray<string | Buffer>): Piece {
    if (this.failure !== null) return '';
    if (this.fd === null)
      return parts.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
    const offset = this.size;
    for (const part of joinText(parts))
      if (!this.write(typeof part === 'string' ? Buffer.from(part, 'utf8') : part)) return '';
    return { offset, length: this.size - offset };
  }

  /** The piece again, in parts of at most a megabyte; throws a SpoolError when it cannot be read whole. */
  *read(piece: Piece): Generator<string | Buffer> {
    if (typeof piece === 'string') {
      yield piece;
      return;
    }
    if (this.failure !== null) throw this.failure;
    for (let at = 0; at < piece.length; at += READ_BYTES) {
      const n = Math.min(READ_BYTES, piece.length - at);
      // Zero-filled and only yielded when every byte was read: nothing unread can reach the output.
      const buf = Buffer.alloc(n);
      try {
        for (let got = 0; got < n;) {
          const k = this.fs.readSync(this.fd!, buf, got, n - got, piece.offset + at + got);
          if (k <= 0)
            throw Object.assign(new Error('the file is shorter than what was written'), { code: 'EIO' });
          got += k;
        }
      } catch (err) {
        throw this.fail(err);
      }
      yield buf;
    }
  }

  /** Closes the spool file (its space goes back) and any directory left by a failed start. */
  remove(): void {
    if (this.fd !== null) nodeFs.closeSync(this.fd);
    this.fd = null;
    if (this.dir !== null) nodeFs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  /** Records the first failure and frees the disk space at once (the report is lost either way). */
  private fail(err: unknown): SpoolError {
    if (this.failure === null) {
      const { code, detail } = describe(err);
      this.failure = new SpoolError(this.base, code, detail);
      this.remove();
    }
    return this.failure;
  }
}

/** The parts with each run of strings joined into one (one write per run instead of one per string). */
export function joinText(parts: ReadonlyArray<string | Buffer>): Array<string | Buffer> {
  const out: Array<string | Buffer> = [];
  let run: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') run.push(part);
    else {
      if (run.length > 0) out.push(run.join(''));
      run = [];
      out.push(part);
    }
  }
  if (run.length > 0) out.push(run.join(''));
  return out;
}
