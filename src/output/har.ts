/**
 * --format har: every HTTP/2 request (gRPC calls included) as a HAR 1.2 log entry, loadable in browser dev
 * tools and HAR viewers. Headers as sent (pseudo-headers included, as Chrome exports HTTP/2), bodies as
 * text when they are textual UTF-8 and base64 otherwise (gRPC frames always), timings from capture times.
 * gRPC facts (status, outcome, decoded messages) go in the custom `_grpc` field. Streams are collected per
 * connection and turned into entries when the connection ends; with --filter an entry is kept when its
 * call, one of its frames, or its connection matches. Each entry is serialised at once and spooled
 * (text-spool.ts); the log is assembled in start order at the end, as `JSON.stringify(log, null, 2)`
 * would print it. Holding the entries as objects and printing them as one string ran out of string
 * length (V8: 2^29 characters) on large captures: 163 MB of HAR for a 30 MB capture.
 */
import type { RecordSink } from '../engine/engine.js';
import { jsonText } from './json-text.js';
import { matchCall, matchConnection, matchFrame, type FilterExpr } from '../filter/index.js';
import type { CallRecord } from '../records/call.js';
import type { ConnectionRecord } from '../records/records.js';
import { buildEntry } from './har-entry.js';
import type { HarLog } from './har-types.js';
import { applyFrame, newHarStream, type HarStream } from './har-stream.js';
import { TextSpool, type Piece, type SpoolError, type SpoolFs } from './text-spool.js';

export interface HarOptions {
  filter?: FilterExpr | null;
  /** h2scope's version, for log.creator. */
  version: string;
  /** False keeps the serialised entries in memory instead of a temporary file. */
  spool?: boolean;
  /** The spool's file operations (tests inject failing ones). */
  spoolFs?: SpoolFs;
}

/** What the log's order needs of an entry, and where its text is. */
interface SpooledEntry {
  startedDateTime: string;
  stream: number;
  text: Piece;
}

/** An entry's indentation inside `{ "log": { "entries": [ ... ] } }` printed with two spaces a level. */
const ENTRY_INDENT = '      ';

export class HarWriter {
  private readonly open = new Map<string, Map<number, HarStream>>();
  private readonly calls = new Map<string, CallRecord>();
  private readonly entries: SpooledEntry[] = [];
  private skipped = 0;
  private readonly spool: TextSpool;

  constructor(private readonly options: HarOptions) {
    this.spool = new TextSpool('har', options.spool ?? true, options.spoolFs);
  }

  readonly sink: RecordSink = {
    frame: (f, ev) => {
      if (f.stream === 0) return;
      let streams = this.open.get(f.connection);
      if (!streams) this.open.set(f.connection, (streams = new Map()));
      let s = streams.get(f.stream);
      if (!s) streams.set(f.stream, (s = newHarStream(f.connection, f.stream, f.time)));
      applyFrame(s, f, ev);
      if (this.options.filter) s.frames.push(f);
    },
    call: (c) => {
      this.calls.set(`${c.connection}/${c.stream}`, c);
    },
    connection: (conn) => this.end(conn),
    diagnostic: () => undefined,
    capture: () => undefined,
  };

  /** The log, piece by piece; the spool is removed once the last piece was taken. */
  *document(): Generator<string | Buffer> {
    // Pieces lost to a full disk: the document would look complete without them.
    if (this.spool.failure !== null) throw this.spool.failure;
    try {
      const entries = [...this.entries].sort(
        (a, b) => a.startedDateTime.localeCompare(b.startedDateTime) || a.stream - b.stream,
      );
      const doc: HarLog = {
        log: {
          version: '1.2',
          creator: { name: 'h2scope', version: this.options.version },
          pages: [],
          entries: [],
        },
      };
      if (this.skipped > 0)
        doc.log.comment = `${this.skipped} streams without request headers (capture started mid-stream) are not included`;
      const text = jsonText(doc, 2) + '\n';
      const at = text.indexOf('"entries": []') + '"entries": ['.length;
      yield text.slice(0, at);
      for (let i = 0; i < entries.length; i++) {
        yield `${i > 0 ? ',' : ''}\n${ENTRY_INDENT}`;
        yield* this.spool.read(entries[i]!.text);
      }
      if (entries.length > 0) yield '\n    ';
      yield text.slice(at);
    } finally {
      this.spool.remove();
    }
  }

  /** The temporary directory of the spool; null when entries stay in memory, or after the document. */
  get spoolDir(): string | null {
    return this.spool.dir;
  }

  /** Why the records are kept in memory instead of a temporary file (a note for the user), or null. */
  /** Set once a write or read of the spool failed (full disk): the document cannot be complete. */
  get spoolFailure(): SpoolError | null {
    return this.spool.failure;
  }

  get spoolProblem(): string | null {
    return this.spool.problem;
  }

  /** Removes the spool when the log is never written (an interrupted run). */
  discard(): void {
    this.spool.remove();
  }

  private end(conn: ConnectionRecord): void {
    const streams = this.open.get(conn.id) ?? new Map<number, HarStream>();
    this.open.delete(conn.id);
    for (const s of streams.values()) {
      const key = `${conn.id}/${s.stream}`;
      const call = this.calls.get(key) ?? null;
      this.calls.delete(key);
      if (!this.keep(s, call, conn)) continue;
      const entry = buildEntry(s, call, conn);
      if (entry) {
        // Strings hold no raw newline (JSON escapes them), so indenting every line indents the entry.
        const text = jsonText(entry, 2).replaceAll('\n', '\n' + ENTRY_INDENT);
        const { startedDateTime, _stream: stream } = entry;
        this.entries.push({ startedDateTime, stream, text: this.spool.put(text) });
      }
      // Streams that only saw PRIORITY or RST_STREAM are not requests; the others began before the capture.
      else if (s.responseHeaders !== null || s.request.size + s.response.size > 0) this.skipped++;
    }
  }

  private keep(s: HarStream, call: CallRecord | null, conn: ConnectionRecord): boolean {
    const expr = this.options.filter;
    if (!expr) return true;
    if (call && matchCall(expr, call, conn)) return true;
    return s.frames.some((f) => matchFrame(expr, f, conn)) || matchConnection(expr, conn);
  }
}
