import { open, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureReader } from './capture-reader.js';
import { captureDiagnostic } from './events.js';
import { isGzip } from './sniff.js';
import type { CaptureEvent } from './types.js';

// The I/O edge of the capture layer: the only code here that touches files and process streams.

/** Read size for files: large chunks keep per-chunk overhead low (see docs/dependencies.md). */
export const FILE_CHUNK_SIZE = 1024 * 1024;
/** Gzip output chunk size; zlib's 16 KiB default costs a reader step per 16 KiB. */
const GUNZIP_CHUNK_SIZE = 256 * 1024;

export interface CaptureProgress {
  /** Bytes read from the input as stored (compressed bytes for a .gz file). */
  bytesRead: number;
  /** Size of the input file, or null for pipes and streams. */
  totalBytes: number | null;
  /** Packets decoded so far. */
  packets: number;
  compressed: boolean;
  done: boolean;
}

export interface CaptureSourceOptions {
  /** Stream used for the input '-' (default process.stdin); tests and benches pass their own. */
  stdin?: Readable;
  /** Read size for files (default FILE_CHUNK_SIZE). */
  chunkSize?: number;
  /** How messages name a stream input (a `--threads` decoding thread reads its file as a stream). */
  name?: string;
}

interface Opened {
  stream: Readable;
  /** We opened it, so we close it; stdin and given streams are left to their owner. */
  owned: boolean;
}

/**
 * A capture read from a path, '-' (stdin) or a stream. `events()` yields the events of each chunk as
 * soon as it arrives, so a live pipe produces packets before EOF; `progress` may be read meanwhile.
 * Problems (cannot open, gzip error, read error) are diagnostic events, never throws.
 */
export class CaptureSource {
  private readonly state: CaptureProgress = {
    bytesRead: 0,
    totalBytes: null,
    packets: 0,
    compressed: false,
    done: false,
  };
  private readError: unknown = null;

  constructor(
    readonly input: string | Readable,
    private readonly options: CaptureSourceOptions = {},
  ) {}

  /** A snapshot of how far reading has come. */
  get progress(): CaptureProgress {
    return { ...this.state };
  }

  /** Name of the input for messages. */
  get name(): string {
    if (typeof this.input !== 'string') return this.options.name ?? 'the input stream';
    return this.input === '-' ? 'standard input' : this.input;
  }

  async *events(): AsyncGenerator<CaptureEvent[], void, undefined> {
    const opened = await this.open();
    if (!('stream' in opened)) {
      this.state.done = true;
      yield [opened];
      return;
    }
    const reader = new CaptureReader();
    let decoded: Readable | null = null;
    let delivered = 0;
    let failed = false;
    try {
      const raw = this.counted(opened.stream);
      const head = await readHead(raw, 2);
      this.state.compressed = isGzip(head.bytes);
      const bytes = prepend(head, raw);
      decoded = this.state.compressed ? gunzip(bytes) : null;
      for await (const chunk of decoded ?? bytes) {
        delivered += (chunk as Buffer).length;
        const events = reader.push(chunk as Buffer);
        if (events.length > 0) yield this.count(events);
        if (reader.done) break; // corruption or not a capture: the rest cannot be read
      }
    } catch (err) {
      failed = true;
      yield [this.failure(err)];
    } finally {
      decoded?.destroy();
      if (opened.owned) opened.stream.destroy();
    }
    this.state.done = true;
    // A gzip stream that failed before inflating a byte is not an empty capture: its error says it all.
    if (failed && this.state.compressed && delivered === 0) return;
    const tail = reader.finish();
    if (tail.length > 0) yield this.count(tail);
  }

  private async open(): Promise<Opened | CaptureEvent> {
    if (typeof this.input !== 'string') return { stream: this.input, owned: false };
    if (this.input === '-') return { stream: this.options.stdin ?? process.stdin, owned: false };
    const path = this.input;
    let handle: FileHandle | null = null;
    try {
      handle = await open(path, 'r');
      const stat = await handle.stat();
      if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      this.state.totalBytes = stat.isFile() ? stat.size : null;
      const highWaterMark = this.options.chunkSize ?? FILE_CHUNK_SIZE;
      return { stream: handle.createReadStream({ highWaterMark }), owned: true };
    } catch (err) {
      await handle?.close();
      return captureDiagnostic('capture.open-failed', { path, ...osReason(err) });
    }
  }

  /** The raw chunks, counted as they are read; a read error is remembered to tell it from a gzip error. */
  private async *counted(stream: Readable): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        this.state.bytesRead += buf.length;
        yield buf;
      }
    } catch (err) {
      this.readError = err;
      throw err;
    }
  }

  private count(events: CaptureEvent[]): CaptureEvent[] {
    for (const e of events) if (e.kind === 'packet') this.state.packets++;
    return events;
  }

  private failure(err: unknown): CaptureEvent {
    const params = { input: this.name, bytesRead: this.state.bytesRead, ...osReason(err) };
    const isReadError = this.readError !== null && this.readError === err;
    return captureDiagnostic(isReadError ? 'capture.read-failed' : 'capture.gzip-error', params);
  }
}

/** Yields the events of a capture chunk by chunk (see CaptureSource). */
export function readCapture(
  input: string | Readable,
  options?: CaptureSourceOptions,
): AsyncGenerator<CaptureEvent[], void, undefined> {
  return new CaptureSource(input, options).events();
}

/** Every event of a capture file, for tests and small tools. */
export async function readCaptureFile(path: string): Promise<CaptureEvent[]> {
  const all: CaptureEvent[] = [];
  for await (const events of readCapture(path)) all.push(...events);
  return all;
}

interface Head {
  bytes: Buffer;
  chunks: Buffer[];
}

/** Reads chunks until at least `n` bytes (or the end) to look at the content before deciding. */
async function readHead(source: AsyncIterator<Buffer>, n: number): Promise<Head> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const next = await source.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), chunks };
}

async function* prepend(head: Head, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head.chunks;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** RFC 1952 members, concatenated members included; errors surface from the returned stream. */
function gunzip(source: AsyncIterable<Buffer>): Readable {
  const gz = createGunzip({ chunkSize: GUNZIP_CHUNK_SIZE });
  return pipeline(Readable.from(source, { objectMode: false }), gz, () => {
    // Errors reach the consumer through gz's iterator; nothing more to do here.
  });
}

const OS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  EPERM: 'operation not permitted',
  ELOOP: 'too many symbolic links',
  ENOTDIR: 'a component of the path is not a directory',
};

/** The OS or zlib reason of an error, in words, with its code kept as evidence. */
export function osReason(err: unknown): { reason: string; errorCode?: string } {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code !== 'string') return { reason: message };
  return { reason: `${OS_REASONS[code] ?? message} (${code})`, errorCode: code };
}
