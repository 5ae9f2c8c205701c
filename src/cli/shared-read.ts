/**
 * `--threads`: the capture file read once, on the merging thread, into SharedArrayBuffers that every
 * decoding thread sees without a copy. Each thread still parses every chunk (capture records, link/IP,
 * TCP reassembly: the same connection ids and the same seq count in every shard, src/engine/shard.ts),
 * but no longer reads the file itself: N reads of the file cost N times its system time and N times the
 * garbage collection of 1 MiB chunks (docs/performance.md, "Threads").
 *
 * Demand-driven: a thread asks for a chunk when its stream wants one (Readable.read), and the chunk read
 * for the first thread that asks goes to all of them. The threads are at most AHEAD batches apart (the
 * merge acks), so the chunks queued for the slowest one stay few.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FILE_CHUNK_SIZE } from '../capture/source.js';

/** Merging thread -> decoding thread. */
export type FeedMessage =
  | { kind: 'chunk'; buffer: SharedArrayBuffer; length: number }
  | { kind: 'end' }
  | { kind: 'read-error'; message: string; code: string | undefined };

/** The merging thread's side. */
export class SharedFileFeed {
  private chunks = 0;
  private wanted = 0;
  private reading = false;
  private ended = false;
  private position = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly totalBytes: number,
    private readonly send: (m: FeedMessage) => void,
  ) {}

  /**
   * A regular file opened for reading, or null (it cannot be opened, or is no regular file): then every
   * thread opens the input itself, and reports the problem as one thread would.
   */
  static async open(path: string, send: (m: FeedMessage) => void): Promise<SharedFileFeed | null> {
    let handle: FileHandle | null = null;
    try {
      handle = await open(path, 'r');
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error('not a regular file');
      return new SharedFileFeed(handle, stat.size, send);
    } catch {
      await handle?.close().catch(() => undefined);
      return null;
    }
  }

  /** A thread wants its `n`th chunk (counted from 1). */
  want(n: number): void {
    if (n > this.wanted) this.wanted = n;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (!this.ended && this.chunks < this.wanted) {
        // A new buffer per chunk: the threads keep views into it (packets, reassembled data) as long as
        // they need them, and the last view gone frees it.
        const buffer = new SharedArrayBuffer(FILE_CHUNK_SIZE);
        const { bytesRead } = await this.handle.read(
          new Uint8Array(buffer),
          0,
          FILE_CHUNK_SIZE,
          this.position,
        );
        if (bytesRead === 0) {
          this.ended = true;
          this.send({ kind: 'end' });
          break;
        }
        this.position += bytesRead;
        this.chunks++;
        this.send({ kind: 'chunk', buffer, length: bytesRead });
      }
    } catch (err) {
      this.ended = true;
      const e = err as NodeJS.ErrnoException;
      this.send({ kind: 'read-error', message: e.message ?? String(err), code: e.code });
    } finally {
      this.reading = false;
    }
  }

  async close(): Promise<void> {
    this.ended = true;
    await this.handle.close().catch(() => undefined);
  }
}

/** A decoding thread's side: the chunks as a byte stream for CaptureSource. */
export class SharedFileStream {
  private asked = 0;
  readonly stream: Readable;

  constructor(want: (n: number) => void) {
    this.stream = new Readable({
      // One chunk of the file per read, never several run together: every shard must cut the capture at
      // the same points (a batch per chunk, the same seq at its end), and a byte stream's read() returns
      // all it holds, so a shard that fell behind (or a worker still starting) would take the chunks the
      // others asked for as one.
      objectMode: true,
      // Called again only after a push is taken: at most one chunk asked for and not yet received.
      highWaterMark: 1,
      read: () => want(++this.asked),
    });
  }

  receive(m: FeedMessage): void {
    if (m.kind === 'chunk') this.stream.push(Buffer.from(m.buffer, 0, m.length));
    else if (m.kind === 'end') this.stream.push(null);
    else this.stream.destroy(Object.assign(new Error(m.message), { code: m.code }));
  }
}
