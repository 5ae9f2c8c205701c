/**
 * json for the command line: the same document as JsonCollector (`{ capture, connections: [ {...connection,
 * calls, frames} ], diagnostics }`, connections in id order), with memory bounded by what is pending
 * rather than by the capture. Records are serialised as they arrive and appended to a spool file in
 * pieces; each connection remembers where its pieces are, and the document is assembled from the spool
 * at the end. Holding the records as objects until the end took 4.8 GiB on a 300 MB capture
 * (docs/performance.md). Without a writable temporary directory the pieces stay in memory.
 */
import type { RecordSink } from '../engine/engine.js';
import type { CallRecord } from '../records/call.js';
import { jsonText } from './json-text.js';
import { callHoldsLazyHex, hexInto, writeJson } from './json-value.js';
import { joinText, TextSpool, type Piece, type SpoolError, type SpoolFs } from './text-spool.js';

/** Serialised text held in memory before it goes to the spool, across all connections. */
const PENDING_CHARS = 4 * 1024 * 1024;

export interface JsonDocumentOptions {
  /** Characters held in memory before they are spooled (tests use small values). */
  pendingChars?: number;
  /** False keeps every piece in memory (as when no temporary directory is writable). */
  spool?: boolean;
  /** The spool's file operations (tests inject failing ones). */
  spoolFs?: SpoolFs;
}

/**
 * One list's serialised items (comma-separated, no brackets): spooled pieces, then pending text, with
 * payload hex as bytes (a call record's long bytes fields, written from their bytes: json-value.ts).
 */
class ItemList {
  readonly pieces: Piece[] = [];
  pending: Array<string | Buffer> = [];
  pendingChars = 0;
  count = 0;

  add(json: string): number {
    this.pending.push(this.count++ === 0 ? json : ',' + json);
    this.pendingChars += json.length + 1;
    return json.length + 1;
  }

  addParts(parts: Array<string | Buffer>): number {
    if (this.count++ > 0) this.pending.push(',');
    let size = 1;
    for (const p of parts) {
      this.pending.push(p);
      size += p.length;
    }
    this.pendingChars += size;
    return size;
  }
}

/** A call record's JSON, long bytes fields' hex as bytes; a plain string when it has none. */
function callJson(rec: CallRecord): string | Array<string | Buffer> {
  if (!callHoldsLazyHex(rec)) return jsonText(rec);
  const parts: Array<string | Buffer> = [];
  writeJson(rec, {
    text: (s) => parts.push(s),
    hex: (bytes) => {
      const b = Buffer.allocUnsafe(bytes.length * 2);
      hexInto(bytes, b, 0);
      parts.push(b);
    },
  });
  return parts;
}

interface ConnectionLists {
  calls: ItemList;
  frames: ItemList;
}

/**
 * A finished connection, flat: its calls' and frames' piece counts, then its pieces (the connection record
 * without its closing brace, the calls', the frames'), each a string (in memory) or an offset and a length
 * (in the spool). Kept until the end for every connection of the capture: as ItemList and Piece objects
 * that was ~1 KB per connection, json's peak RSS growing 14 % from the 300 to the 600 MB bench (27k more
 * connections); flat it is a few numbers.
 */
interface Finished {
  id: number;
  pieces: Array<number | string>;
}

function pushPiece(out: Array<number | string>, piece: Piece): void {
  if (typeof piece === 'string') out.push(piece);
  else out.push(piece.offset, piece.length);
}

/** The pieces of a Finished in order, from `at` in its list. */
function* flatPieces(pieces: ReadonlyArray<number | string>, at: number, count: number): Generator<Piece> {
  for (let i = 0; i < count; i++) {
    const p = pieces[at++]!;
    if (typeof p === 'string') yield p;
    else yield { offset: p, length: pieces[at++] as number };
  }
}

export class JsonDocumentWriter {
  private readonly spool: TextSpool;
  private readonly pendingLimit: number;
  private readonly open = new Map<string, ConnectionLists>();
  private readonly finished: Finished[] = [];
  private readonly diagnostics = new ItemList();
  private capture = 'null';
  private pendingChars = 0;

  constructor(opts: JsonDocumentOptions = {}) {
    this.spool = new TextSpool('json', opts.spool ?? true, opts.spoolFs);
    this.pendingLimit = opts.pendingChars ?? PENDING_CHARS;
  }

  /** The temporary directory while pieces go to a file; null without one (or after the document). */
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

  readonly sink: RecordSink = {
    connection: (rec) => {
      const lists = this.lists(rec.id);
      this.open.delete(rec.id);
      this.spillList(lists.calls);
      this.spillList(lists.frames);
      const json = jsonText(rec);
      const { calls, frames } = lists;
      const pieces: Array<number | string> = [calls.pieces.length, frames.pieces.length];
      pushPiece(pieces, this.spool.put(json.slice(0, -1)));
      for (const p of calls.pieces) pushPiece(pieces, p);
      for (const p of frames.pieces) pushPiece(pieces, p);
      // slice(): an exact-size copy (the pushes left room for more, 200 B a connection).
      this.finished.push({ id: Number(rec.id.slice(1)), pieces: pieces.slice() });
    },
    frame: (rec) => this.added(this.lists(rec.connection).frames.add(jsonText(rec))),
    call: (rec) => {
      const json = callJson(rec);
      const calls = this.lists(rec.connection).calls;
      this.added(typeof json === 'string' ? calls.add(json) : calls.addParts(json));
    },
    diagnostic: (d) => this.added(this.diagnostics.add(jsonText(d))),
    capture: (rec) => {
      this.capture = jsonText(rec);
    },
  };

  /**
   * The document, piece by piece (the caller writes each and may wait for its output to drain in
   * between), after the capture record arrived. The spool is removed when the last piece was taken.
   */
  *document(): Generator<string | Buffer> {
    // Pieces lost to a full disk: the document would look complete without them.
    if (this.spool.failure !== null) throw this.spool.failure;
    try {
      yield `{"capture":${this.capture},"connections":[`;
      const connections = [...this.finished].sort((a, b) => a.id - b.id);
      for (let i = 0; i < connections.length; i++) {
        const c = connections[i]!;
        if (i > 0) yield ',';
        // Both lists were spilled when the connection ended: all their items are pieces.
        const calls = c.pieces[0] as number;
        const frames = c.pieces[1] as number;
        const pieces = flatPieces(c.pieces, 2, 1 + calls + frames);
        yield* this.spool.read(pieces.next().value as Piece);
        yield ',"calls":[';
        for (let k = 0; k < calls; k++) yield* this.spool.read(pieces.next().value as Piece);
        yield '],"frames":[';
        for (let k = 0; k < frames; k++) yield* this.spool.read(pieces.next().value as Piece);
        yield ']}';
      }
      yield '],"diagnostics":[';
      yield* this.items(this.diagnostics);
      yield ']}\n';
    } finally {
      this.spool.remove();
    }
  }

  /** Removes the spool file when the document is never written (an interrupted run). */
  discard(): void {
    this.spool.remove();
  }

  private *items(list: ItemList): Generator<string | Buffer> {
    for (const piece of list.pieces) yield* this.spool.read(piece);
    if (list.pending.length > 0) yield* joinText(list.pending);
  }

  private lists(id: string): ConnectionLists {
    let lists = this.open.get(id);
    if (lists === undefined) this.open.set(id, (lists = { calls: new ItemList(), frames: new ItemList() }));
    return lists;
  }

  private added(chars: number): void {
    this.pendingChars += chars;
    if (this.pendingChars < this.pendingLimit) return;
    for (const lists of this.open.values()) {
      this.spillList(lists.calls);
      this.spillList(lists.frames);
    }
    this.spillList(this.diagnostics);
  }

  private spillList(list: ItemList): void {
    if (list.pending.length === 0) return;
    list.pieces.push(this.spool.putParts(list.pending));
    this.pendingChars -= list.pendingChars;
    list.pending = [];
    list.pendingChars = 0;
  }
}
