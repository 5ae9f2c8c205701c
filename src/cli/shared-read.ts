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

/**
 * Chunks read ahead of the furthest any thread asked for, several reads at once. The reads complete on
 * libuv's threads but are handed to the threads only when this (merging, decoding) thread's event loop
 * turns, i.e. between its own chunks: one read at a time, asked for by a worker's message, left a worker
 * waiting for a whole chunk of the main thread's decoding (docs/performance.md, "Threads, session 9").
 * With READ_AHEAD chunks read at once, each turn hands over every chunk read since the last.
 */
export const READ_AHEAD = 8;

/** A read of one chunk; failures are values (a read dropped after a short read must not reject unseen). */
interface ChunkRead {
  buffer: SharedArrayBuffer;
  position: number;
  result: Promise<{ bytesRead: number } | { error: NodeJS.ErrnoException }>;
}

/** The merging thread's side. */
export class SharedFileFeed {
  /** Chunks sent. */
  private chunks = 0;
  private wanted = 0;
  private sending = false;
  private ended = false;
  /** File position of the next read to start. */
  private position = 0;
  /** Reads started and not yet sent, in file order. */
  private readonly reads: ChunkRead[] = [];

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
    this.startReads();
    void this.pump();
  }

  /** Starts reads up to READ_AHEAD chunks past the furthest wanted. */
  private startReads(): void {
    while (!this.ended && this.chunks + this.reads.length < this.wanted + READ_AHEAD) {
      // A new buffer per chunk: the threads keep views into it (packets, reassembled data) as long as
      // they need them, and the last view gone frees it.
      const buffer = new SharedArrayBuffer(FILE_CHUNK_SIZE);
      const position = this.position;
      const result = this.handle.read(new Uint8Array(buffer), 0, FILE_CHUNK_SIZE, position).then(
        ({ bytesRead }) => ({ bytesRead }),
        (error: NodeJS.ErrnoException) => ({ error }),
      );
      this.reads.push({ buffer, position, result });
      this.position += FILE_CHUNK_SIZE;
    }
  }

  /** Sends the reads in file order as they complete. */
  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (!this.ended && this.reads.length > 0) {
        const read = this.reads[0]!;
        const r = await read.result;
        if (this.ended) break;
        this.reads.shift();
        if ('error' in r) {
          this.ended = true;
          const e = r.error;
          this.send({ kind: 'read-error', message: e.message ?? String(e), code: e.code });
          break;
        }
        if (r.bytesRead === 0) {
          this.ended = true;
          this.send({ kind: 'end' });
          break;
        }
        this.chunks++;
        this.send({ kind: 'chunk', buffer: read.buffer, length: r.bytesRead });
        if (r.bytesRead < FILE_CHUNK_SIZE) {
          // A short read (the end of the file, or one that grows): the reads after it started at the wrong
          // position. Drop them and go on from where this one stopped, as one thread reads.
          this.reads.length = 0;
          this.position = read.position + r.bytesRead;
        }
        this.startReads();
      }
    } finally {
      this.sending = false;
    }
  }

  async close(): Promise<void> {
    this.ended = true;
    this.reads.length = 0;
    await this.handle.close().catch(() => undefined);
  }
}

/** A decoding thread's side: the chunks as a byte stream for CaptureSource. */
export class SharedFileStream {
  /** Chunks received: the feed reads ahead, so chunks come unasked, and a read wants the one after them. */
  private received = 0;
  readonly stream: Readable;

  constructor(want: (n: number) => void) {
    this.stream = new Readable({
      // One chunk of the file per read, never several run together: every shard must cut the capture at
      // the same points (a batch per chunk, the same seq at its end), and a byte stream's read() returns
      // all it holds, so a shard that fell behind (or a worker still starting) would take the chunks the
      // others asked for as one.
      objectMode: true,
      // Called when the stream holds less than one chunk: it wants the next it has not received.
      highWaterMark: 1,
      read: () => want(this.received + 1),
    });
  }

  receive(m: FeedMessage): void {
    if (m.kind === 'chunk') {
      this.received++;
      this.stream.push(Buffer.from(m.buffer, 0, m.length));
    } else if (m.kind === 'end') this.stream.push(null);
    else this.stream.destroy(Object.assign(new Error(m.message), { code: m.code }));
  }
}
