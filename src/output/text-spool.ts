/**
 * Serialised output kept on disk until a report is assembled (the json document, HAR entries): memory then
 * holds where each piece is, not the piece. A private temporary directory, removed by remove(); without a
 * writable one the pieces simply stay in memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A piece of text: in memory, or where it is in the spool file. */
export type Piece = string | { offset: number; length: number };

/** Spool bytes read back per piece of output. */
const READ_BYTES = 1 << 20;

export class TextSpool {
  /** The temporary directory while there is one; null in memory mode and after remove(). */
  dir: string | null = null;
  /** Why no temporary directory could be made (the pieces are then kept in memory), or null. */
  readonly problem: string | null = null;
  private fd: number | null = null;
  private size = 0;
  /** A second Ctrl-C exits at once (process.exit): the directory goes with the process all the same. */
  private readonly onExit = (): void => this.remove();

  /** `prefix` names the directory (h2scope-json-..., h2scope-har-...); `enabled` false keeps memory. */
  constructor(prefix: string, enabled = true) {
    if (!enabled) return;
    try {
      this.dir = mkdtempSync(join(tmpdir(), `h2scope-${prefix}-`));
      this.fd = openSync(join(this.dir, 'spool'), 'w+');
      process.once('exit', this.onExit);
    } catch (err) {
      this.remove(); // no temporary directory: the pieces stay in memory
      this.problem = `cannot use the temporary directory ${tmpdir()} (${(err as Error).message})`;
    }
  }

  put(text: string): Piece {
    if (this.fd === null) return text;
    const bytes = Buffer.from(text, 'utf8');
    writeSync(this.fd, bytes, 0, bytes.length, this.size);
    const piece = { offset: this.size, length: bytes.length };
    this.size += bytes.length;
    return piece;
  }

  /**
   * Text and already-encoded bytes (payload hex written from the bytes: src/output/json-value.ts) as one
   * piece; in memory mode the bytes (ASCII) become text.
   */
  putParts(parts: ReadonlyArray<string | Buffer>): Piece {
    if (this.fd === null)
      return parts.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
    const offset = this.size;
    for (const part of joinText(parts)) {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      writeSync(this.fd, bytes, 0, bytes.length, this.size);
      this.size += bytes.length;
    }
    return { offset, length: this.size - offset };
  }

  /** The piece again, in parts of at most a megabyte. */
  *read(piece: Piece): Generator<string | Buffer> {
    if (typeof piece === 'string') {
      yield piece;
      return;
    }
    for (let at = 0; at < piece.length; at += READ_BYTES) {
      const n = Math.min(READ_BYTES, piece.length - at);
      const buf = Buffer.allocUnsafe(n);
      readSync(this.fd!, buf, 0, n, piece.offset + at);
      yield buf;
    }
  }

  remove(): void {
    process.off('exit', this.onExit);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
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
