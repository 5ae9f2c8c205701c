/**
 * Bytes the TUI shows only when a row is opened (frame payloads for the hex pane, whole call records)
 * kept in a temporary file instead of the heap: memory then holds where each piece is (an offset), not the
 * piece, so a capture of any length can be browsed. The spool works the same for a file, stdin, a live
 * pipe and decrypted TLS, since it holds what the engine decoded rather than pointing into the input.
 *
 * Appends go through a 1 MiB buffer (one write per megabyte); reads of bytes still in the buffer come from
 * it. When no temporary directory can be made, or a write fails (disk full, file size limit), the spool
 * stops taking bytes and `problem` says why: `append` then returns -1 and callers keep what they need in
 * memory instead (the store degrades to its in-memory behaviour). Everything written before the failure
 * stays readable.
 *
 * The file is unlinked (and its private directory removed) as soon as it is open: the open descriptor
 * keeps it readable and writable, and the system frees it when the descriptor closes, at `remove()`, when
 * the spool is garbage-collected, or when the process ends in any way (Ctrl-C, SIGKILL, a crash). So no
 * spool is ever left behind in the temporary directory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUFFER_BYTES = 1 << 20;

/** The file operations the spool needs (tests inject failing ones). */
export interface SpoolFs {
  mkdtemp(prefix: string): string;
  open(path: string): number;
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  close(fd: number): void;
  unlink(path: string): void;
  rm(dir: string): void;
}

export const NODE_FS: SpoolFs = {
  mkdtemp: (prefix) => mkdtempSync(prefix),
  open: (path) => openSync(path, 'w+', 0o600),
  write: (fd, buf, offset, length, position) => writeSync(fd, buf, offset, length, position),
  read: (fd, buf, offset, length, position) => readSync(fd, buf, offset, length, position),
  close: (fd) => closeSync(fd),
  unlink: (path) => unlinkSync(path),
  rm: (dir) => rmSync(dir, { recursive: true, force: true }),
};

/** Closes the descriptors of spools that were dropped without remove() (tests make many stores). */
const dropped = new FinalizationRegistry<{ fs: SpoolFs; fd: number }>(({ fs, fd }) => {
  try {
    fs.close(fd);
  } catch {
    // already closed
  }
});

export class ByteSpool {
  /** Why bytes are no longer (or never were) spooled; null while the spool works. */
  problem: string | null = null;
  private fd: number | null = null;
  /** False once a write failed or there is no file: appends return -1, reads of written bytes go on. */
  private writable = false;
  /** Bytes in the file. */
  private flushed = 0;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  private readonly token = {};

  constructor(
    private readonly fs: SpoolFs = NODE_FS,
    private readonly tmp: string = tmpdir(),
    /**
     * The descriptor of a spool another ByteSpool opened (and will close): the TUI's decoding worker
     * appends through it while the UI thread reads (src/tui/load-worker.ts). Descriptors are per process,
     * so both threads use the same open file.
     */
    borrowed?: number,
  ) {
    if (borrowed !== undefined) {
      this.fd = borrowed;
      this.writable = true;
      return;
    }
    let dir: string | null = null;
    try {
      dir = fs.mkdtemp(join(tmp, 'h2scope-tui-'));
      const path = join(dir, 'spool');
      this.fd = fs.open(path);
      fs.unlink(path);
      this.writable = true;
      dropped.register(this, { fs, fd: this.fd }, this.token);
    } catch (err) {
      this.fail(`cannot use the temporary directory ${tmp} (${(err as Error).message})`);
    } finally {
      if (dir !== null) {
        try {
          fs.rm(dir);
        } catch {
          // an empty private directory we cannot remove is left to the system's cleaning
        }
      }
    }
  }

  /** The open file's descriptor (for a worker that appends through it), or null. */
  get descriptor(): number | null {
    return this.fd;
  }

  /** Writes what is buffered to the file, so another thread can read everything appended so far. */
  sync(): void {
    this.flush();
  }

  /**
   * The spool of the UI thread while a worker appends through its descriptor: the file now holds `size`
   * bytes, all written (the worker synced), and `problem` is the worker's. This spool takes no appends.
   */
  grown(size: number, problem: string | null): void {
    this.flushed = size;
    this.buffered = 0;
    this.writable = false;
    if (problem !== null) this.problem = problem;
  }

  /** Bytes taken so far (file and buffer). */
  get size(): number {
    return this.flushed + this.buffered;
  }

  /** Appends `bytes`; returns their offset, or -1 when the spool is not working (see `problem`). */
  append(bytes: Uint8Array): number {
    if (!this.writable) return -1;
    if (this.buffered + bytes.length > BUFFER_BYTES) {
      this.flush();
      if (!this.writable) return -1;
    }
    const at = this.size;
    if (bytes.length > BUFFER_BYTES) {
      this.writeAll(bytes);
      return this.writable ? at : -1;
    }
    this.buffer.set(bytes, this.buffered);
    this.buffered += bytes.length;
    return at;
  }

  /** The `length` bytes at `offset`, or null when they cannot be read back (never bytes not written). */
  read(offset: number, length: number): Uint8Array | null {
    if (this.fd === null || offset < 0 || length < 0 || offset + length > this.size) return null;
    const out = new Uint8Array(length);
    const inFile = Math.max(0, Math.min(length, this.flushed - offset));
    if (inFile > 0) {
      try {
        let got = 0;
        while (got < inFile) {
          const n = this.fs.read(this.fd, out, got, inFile - got, offset + got);
          if (n <= 0) return null;
          got += n;
        }
      } catch {
        return null;
      }
    }
    if (inFile < length) {
      const from = offset + inFile - this.flushed;
      out.set(this.buffer.subarray(from, from + (length - inFile)), inFile);
    }
    return out;
  }

  /** Frees the file (closes its descriptor); further appends return -1, reads null. */
  remove(): void {
    dropped.unregister(this.token);
    if (this.fd !== null) {
      try {
        this.fs.close(this.fd);
      } catch {
        // closing a spool we are freeing: nothing to do about it
      }
    }
    this.fd = null;
    this.writable = false;
    this.problem ??= 'spool removed';
  }

  private flush(): void {
    if (this.buffered === 0) return;
    const n = this.buffered;
    this.buffered = 0;
    // On failure the buffer's bytes that did not reach the file are gone: `size` shrinks to what the
    // file holds, so reading them gives null, never other bytes.
    this.writeAll(this.buffer.subarray(0, n));
  }

  private writeAll(bytes: Uint8Array): void {
    let done = 0;
    try {
      while (done < bytes.length) {
        const n = this.fs.write(this.fd!, bytes, done, bytes.length - done, this.flushed + done);
        if (n <= 0) throw new Error('no bytes written');
        done += n;
      }
      this.flushed += done;
    } catch (err) {
      this.flushed += done;
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOSPC' ? 'disk full' : code === 'EFBIG' ? 'file size limit' : (err as Error).message;
      this.fail(`writing to the temporary directory ${this.tmp} failed (${why})`);
    }
  }

  private fail(problem: string): void {
    this.problem = problem;
    this.writable = false;
  }
}
