/**
 * --format har: every HTTP/2 request (gRPC calls included) as a HAR 1.2 log entry, loadable in browser dev
 * tools and HAR viewers. Headers as sent (pseudo-headers included, as Chrome exports HTTP/2), bodies as
 * text when they are textual UTF-8 and base64 otherwise (gRPC frames always), timings from capture times.
 * gRPC facts (status, outcome, decoded messages) go in the custom `_grpc` field. Streams are collected per
 * connection and turned into entries when the connection ends; with --filter an entry is kept when its
 * call, one of its frames, or its connection matches. Each entry is serialised at once and spooled
 * (text-spool.ts); the log is assembled in start order at the end, as `JSON.stringify(log, null, 2)`
 * would print it. A connection that does not end (a live pipe) would hold every stream it carried, about
 * 7.5 KB a gRPC call: without a filter, once more than HELD_FINISHED of its streams have finished (both
 * sides ended, or reset, and a possible gRPC call's record came), the oldest finished one becomes its
 * entry at once; a frame on it after that is left out (docs/performance.md, "Live runs, session 8").
 * Holding the entries as objects and printing them as one string ran out of string
 * length (V8: 2^29 characters) on large captures: 163 MB of HAR for a 30 MB capture.
 */
import type { RecordSink } from '../engine/engine.js';
import { jsonText } from './json-text.js';
import { matchCall, matchConnection, matchFrame, type FilterExpr } from '../filter/index.js';
import type { CallRecord } from '../records/call.js';
import type { ConnectionRecord } from '../records/records.js';
import type { ConnectionPeers } from '../session/connection-session.js';
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
  /** Finished streams an open connection holds before the oldest becomes its entry (HELD_FINISHED). */
  holdFinished?: number;
}

/** What the log's order needs of an entry, and where its text is. */
interface SpooledEntry {
  startedDateTime: string;
  stream: number;
  text: Piece;
  /** Ties are in the order entries were made when every entry waited for its connection's end. */
  order: ConnOrder;
  /** The stream's rank among its connection's streams, by first frame. */
  index: number;
}

/** A connection's place among those that ended (set when it ends). */
interface ConnOrder {
  ended: number;
}

/** One connection's streams not yet made into entries. */
interface OpenConnection {
  streams: Map<number, HarStream>;
  /** Finished streams (both sides ended, or reset) still held, oldest first. */
  finished: HarStream[];
  queued: Set<HarStream>;
  /** Each stream's rank by first frame. */
  rank: Map<HarStream, number>;
  created: number;
  /** The highest stream id made into an entry early, per parity (server push, client). */
  early: [number, number];
  order: ConnOrder;
  /** Its endpoints and protocol, from `opened` (entries need them before its record). */
  peers: ConnectionPeers | null;
}

/**
 * Finished streams a connection holds before the oldest becomes its entry. A frame on a stream after both
 * of its ends (a WINDOW_UPDATE, a late RST_STREAM) moves its timings or comment, so streams wait for a
 * while rather than being written at their END_STREAM; 256 later streams finishing first is far past
 * such frames, and bounds the wait (about 2 MB).
 */
export const HELD_FINISHED = 256;

/** An entry's indentation inside `{ "log": { "entries": [ ... ] } }` printed with two spaces a level. */
const ENTRY_INDENT = '      ';

export class HarWriter {
  private readonly open = new Map<string, OpenConnection>();
  private readonly calls = new Map<string, CallRecord>();
  private readonly entries: SpooledEntry[] = [];
  private skipped = 0;
  private ended = 0;
  /** Frames on streams already made into entries, left out (see HELD_FINISHED). */
  lateFrames = 0;
  /** Entries made while their connection was open. */
  madeEarly = 0;
  private readonly spool: TextSpool;

  constructor(private readonly options: HarOptions) {
    this.spool = new TextSpool('har', options.spool ?? true, options.spoolFs);
  }

  readonly sink: RecordSink = {
    frame: (f, ev) => {
      if (f.stream === 0) return;
      const c = this.connection(f.connection);
      let s = c.streams.get(f.stream);
      if (!s) {
        // Stream ids only grow: an unknown one at or below one made early is a late frame of a made one.
        if (f.stream <= c.early[f.stream & 1]!) {
          this.lateFrames++;
          return;
        }
        c.streams.set(f.stream, (s = newHarStream(f.connection, f.stream, f.time)));
        c.rank.set(s, c.created++);
      }
      const wasFinished = finished(s);
      applyFrame(s, f, ev);
      if (this.options.filter) s.frames.push(f);
      else if (!wasFinished && finished(s)) this.ready(c, s);
    },
    opened: (peers) => {
      this.connection(peers.id).peers = peers;
    },
    call: (call) => {
      this.calls.set(`${call.connection}/${call.stream}`, call);
      const c = this.open.get(call.connection);
      const s = c?.streams.get(call.stream);
      if (c !== undefined && s !== undefined && !this.options.filter && finished(s)) this.ready(c, s);
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
        (a, b) =>
          a.startedDateTime.localeCompare(b.startedDateTime) ||
          a.stream - b.stream ||
          a.order.ended - b.order.ended ||
          a.index - b.index,
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

  private connection(id: string): OpenConnection {
    let c = this.open.get(id);
    if (c === undefined) {
      c = {
        streams: new Map(),
        finished: [],
        queued: new Set(),
        rank: new Map(),
        created: 0,
        early: [0, 0],
        order: { ended: Infinity },
        peers: null,
      };
      this.open.set(id, c);
    }
    return c;
  }

  /**
   * A finished stream waits among the held ones once nothing more is expected for it: a stream that may be
   * a gRPC call its call record (which may come after its last frame, or at the connection's end for a
   * guessed call).
   */
  private ready(c: OpenConnection, s: HarStream): void {
    if (c.peers === null || c.queued.has(s)) return;
    if (!notGrpc(s) && !this.calls.has(`${s.connection}/${s.stream}`)) return;
    c.finished.push(s);
    c.queued.add(s);
    if (c.finished.length > (this.options.holdFinished ?? HELD_FINISHED)) {
      const oldest = c.finished.shift()!;
      c.queued.delete(oldest);
      this.early(c, oldest);
    }
  }

  /** A finished stream of a connection still open becomes its entry. */
  private early(c: OpenConnection, s: HarStream): void {
    const p = c.peers!;
    this.madeEarly++;
    c.streams.delete(s.stream);
    c.early[s.stream & 1] = Math.max(c.early[s.stream & 1]!, s.stream);
    const rank = c.rank.get(s)!;
    c.rank.delete(s);
    // buildEntry reads the connection's id, server and protocol, known since it opened.
    this.add(s, { id: p.id, server: p.server, protocol: p.protocol } as ConnectionRecord, c.order, rank);
  }

  private end(conn: ConnectionRecord): void {
    const c = this.open.get(conn.id);
    this.open.delete(conn.id);
    const order = c?.order ?? { ended: 0 };
    order.ended = this.ended++;
    if (c === undefined) return;
    for (const s of c.streams.values()) {
      if (!this.keep(s, this.calls.get(`${conn.id}/${s.stream}`) ?? null, conn)) {
        this.calls.delete(`${conn.id}/${s.stream}`);
        continue;
      }
      this.add(s, conn, order, c.rank.get(s)!);
    }
  }

  private add(s: HarStream, conn: ConnectionRecord, order: ConnOrder, index: number): void {
    const key = `${conn.id}/${s.stream}`;
    const call = this.calls.get(key) ?? null;
    this.calls.delete(key);
    const entry = buildEntry(s, call, conn);
    if (entry) {
      // Strings hold no raw newline (JSON escapes them), so indenting every line indents the entry.
      const text = jsonText(entry, 2).replaceAll('\n', '\n' + ENTRY_INDENT);
      const { startedDateTime, _stream: stream } = entry;
      this.entries.push({ startedDateTime, stream, text: this.spool.put(text), order, index });
    }
    // Streams that only saw PRIORITY or RST_STREAM are not requests; the others began before the capture.
    else if (s.responseHeaders !== null || s.request.size + s.response.size > 0) this.skipped++;
  }

  private keep(s: HarStream, call: CallRecord | null, conn: ConnectionRecord): boolean {
    const expr = this.options.filter;
    if (!expr) return true;
    if (call && matchCall(expr, call, conn)) return true;
    return s.frames.some((f) => matchFrame(expr, f, conn)) || matchConnection(expr, conn);
  }
}

/** Both sides ended the stream, or it was reset: what follows on it is rare (see HELD_FINISHED). */
function finished(s: HarStream): boolean {
  return s.reset !== null || (s.requestEnd !== null && s.responseEnded);
}

/**
 * Request headers that say the stream is no gRPC call (no call record will come): a method other than
 * POST, or a content type other than application/grpc*. Headers decoded without the HPACK state (a capture
 * that began mid-connection) say neither.
 */
function notGrpc(s: HarStream): boolean {
  for (const [n, v] of s.requestHeaders ?? []) {
    if (n === ':method' && v !== 'POST') return true;
    if (n === 'content-type' && !v.startsWith('application/grpc')) return true;
  }
  return false;
}
