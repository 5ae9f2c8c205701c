/**
 * The store's gRPC calls, compactly: what lists, sorting and filters read (every scalar of a CallRecord,
 * its three header lists and its message byte totals) lives in columns, with strings interned; the whole
 * record (decoded messages, metadata, status details) goes to the spool file as JSON and is read back when
 * a call is opened. A call then costs ~130 bytes of memory instead of ~5 KB (docs/performance.md, "TUI
 * memory"). Without a working spool the whole records stay in memory, as before the spool existed.
 */
import {
  callNotOk,
  type CallKind,
  type CallOutcome,
  type CallRecord,
  type CallSummary,
  type StatusSource,
} from '../records/call.js';
import type { Role } from '../records/role.js';
import {
  F64Column,
  NarrowColumn,
  receiveAll,
  ShippedMap,
  shipAll,
  StringPool,
  TimeColumn,
  TuplePool,
  type Shippable,
} from './store-columns.js';
import type { HeaderLists } from './store-headers.js';
import type { ByteSpool } from './store-spool.js';

/** A call as lists show it: the summary plus the bytes of its messages. */
export interface CallRow extends CallSummary {
  /** Bytes of the request / response messages kept in the record (as messageBytes of the record). */
  requestBytes: number;
  responseBytes: number;
}

const OUTCOMES: readonly CallOutcome[] = [
  'ok',
  'error',
  'reset',
  'refused',
  'connection-closed',
  'deadline-exceeded',
  'incomplete',
  'http-error',
  'status-unknown',
];
const KINDS: readonly CallKind[] = ['unary', 'server-streaming', 'client-streaming', 'bidi'];
const SOURCES: ReadonlyArray<StatusSource | null> = [
  null,
  'trailers',
  'http-status',
  'rst-stream',
  'goaway',
  'connection',
  'deadline',
];
const ROLES: ReadonlyArray<Role | null> = [null, 'client', 'server'];

const BIT_KIND_INFERRED = 1;
const BIT_TRAILERS_ONLY = 2;
const BIT_GUESSED = 4;
/** u32 columns: 0 is null, otherwise 1 + the value (statuses, HTTP statuses) or string id. */
const NULL = 0;

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/**
 * A call that did not succeed: anything but outcome ok with status 0, except a status the capture could
 * not show (outcome 'status-unknown', callNotOk), which is counted apart (callStatusUnknown).
 */
export function callFailed(c: Pick<CallSummary, 'outcome' | 'status'>): boolean {
  return callNotOk(c) || (c.status !== null && c.status !== 0);
}

export function callStatusUnknown(c: Pick<CallSummary, 'outcome'>): boolean {
  return c.outcome === 'status-unknown';
}

/** Bytes of the messages a record keeps (the Calls table's bytes column). */
export function messageBytes(messages: CallRecord['requests']): number {
  let n = 0;
  for (const m of messages) n += m.length;
  return n;
}

export class CallTable {
  // Narrow columns (store-columns.ts): ids, counts and offsets in 1-4 bytes, times in microseconds.
  private readonly connection = new NarrowColumn();
  private readonly stream = new NarrowColumn();
  /** What the request was: [method, service, methodName, authority, contentType, requestEncoding] (str ids). */
  private readonly request = new NarrowColumn();
  /**
   * How it ended: [status, statusName, statusSource, httpStatus, resetCode, reset sender,
   * responseEncoding, outcome, kind, bits] (u32 codes as below, string ids).
   */
  private readonly ending = new NarrowColumn();
  private readonly shapes = new TuplePool();
  private readonly message = new NarrowColumn();
  /** statusUnknown as a shape [reason + 1 (0: none), guess status + 1, guess name, guess basis]. */
  private readonly unknown = new NarrowColumn();
  private readonly requestCount = new NarrowColumn();
  private readonly responseCount = new NarrowColumn();
  private readonly start = new TimeColumn();
  private readonly end = new TimeColumn();
  private readonly durationMs = new F64Column();
  /** NaN for null. */
  private readonly firstResponseMs = new F64Column();
  private readonly deadlineMs = new F64Column();
  private readonly requestBytes = new NarrowColumn();
  private readonly responseBytes = new NarrowColumn();
  /** Header lists (offsets in the store's HeaderLists) of the request, the response and the trailers. */
  private readonly requestHeadersAt = new NarrowColumn();
  private readonly responseHeadersAt = new NarrowColumn();
  private readonly trailersAt = new NarrowColumn();
  /** Where the record's JSON is in the spool (-1: kept in `inMemory`), and its length. */
  private readonly recordAt = new NarrowColumn(true);
  private readonly recordLength = new NarrowColumn();
  private readonly inMemory = new ShippedMap<CallRecord>();

  constructor(
    private readonly strings: StringPool,
    private readonly headerLists: HeaderLists,
    /** Connection ids by ordinal, and ordinals by id (the store's numbering). */
    private readonly connectionId: (ordinal: number) => string,
    private readonly spool: ByteSpool | null,
  ) {}

  get count(): number {
    return this.connection.length;
  }

  /** What a replica needs, in order (src/tui/load-worker.ts); the builder reads none of it back. */
  ship(release = false): unknown[] {
    return shipAll(this.parts(), release);
  }

  receive(delta: unknown[]): void {
    receiveAll(this.parts(), delta);
  }

  private parts(): Shippable[] {
    return [
      this.connection,
      this.stream,
      this.request,
      this.ending,
      this.shapes,
      this.message,
      this.unknown,
      this.requestCount,
      this.responseCount,
      this.start,
      this.end,
      this.durationMs,
      this.firstResponseMs,
      this.deadlineMs,
      this.requestBytes,
      this.responseBytes,
      this.requestHeadersAt,
      this.responseHeadersAt,
      this.trailersAt,
      this.recordAt,
      this.recordLength,
      this.inMemory,
    ];
  }

  /** Appends a call of connection `connOrdinal`; returns its index. */
  add(rec: CallRecord, connOrdinal: number): number {
    const i = this.connection.push(connOrdinal);
    this.stream.push(rec.stream);
    this.request.push(
      this.shapes.id([
        this.str(rec.method),
        this.str(rec.service),
        this.str(rec.methodName),
        this.str(rec.authority),
        this.str(rec.contentType),
        this.str(rec.requestEncoding),
      ]),
    );
    this.ending.push(
      this.shapes.id([
        rec.status === null ? NULL : rec.status + 1,
        this.str(rec.statusName),
        SOURCES.indexOf(rec.statusSource),
        rec.httpStatus === null ? NULL : rec.httpStatus + 1,
        this.str(rec.reset?.errorCode ?? null),
        ROLES.indexOf(rec.reset?.by ?? null),
        this.str(rec.responseEncoding),
        OUTCOMES.indexOf(rec.outcome),
        KINDS.indexOf(rec.kind),
        (rec.kindInferred ? BIT_KIND_INFERRED : 0) |
          (rec.trailersOnly ? BIT_TRAILERS_ONLY : 0) |
          (rec.guessed ? BIT_GUESSED : 0),
      ]),
    );
    this.message.push(this.str(rec.message));
    const u = rec.statusUnknown;
    this.unknown.push(
      this.shapes.id(
        u === undefined
          ? [NULL]
          : [
              this.str(u.reason),
              u.guess === null ? NULL : u.guess.status + 1,
              this.str(u.guess?.statusName ?? null),
              this.str(u.guess?.basis ?? null),
            ],
      ),
    );
    this.requestCount.push(rec.requestCount);
    this.responseCount.push(rec.responseCount);
    this.start.push(rec.start);
    this.end.push(rec.end);
    this.durationMs.push(rec.durationMs);
    this.firstResponseMs.push(rec.firstResponseMs ?? NaN);
    this.deadlineMs.push(rec.deadlineMs ?? NaN);
    this.requestBytes.push(messageBytes(rec.requests));
    this.responseBytes.push(messageBytes(rec.responses));
    this.requestHeadersAt.push(this.headerLists.add(rec.requestHeaders));
    this.responseHeadersAt.push(this.headerLists.add(rec.responseHeaders));
    this.trailersAt.push(this.headerLists.add(rec.trailers));
    const json = ENCODER.encode(JSON.stringify(rec));
    const at = this.spool ? this.spool.append(json) : -1;
    this.recordAt.push(at);
    this.recordLength.push(at >= 0 ? json.length : 0);
    if (at < 0) this.inMemory.set(i, rec);
    return i;
  }

  /**
   * The call as lists show it (built on each call: keep it no longer than a render). Without
   * `withHeaders` its header lists are empty (sorting and counting need none; filters and details do).
   */
  row(i: number, withHeaders = true): CallRow {
    const [method, service, methodName, authority, contentType, requestEncoding] = this.shapes.at(
      this.request.get(i),
    ) as number[];
    const [
      status,
      statusName,
      source,
      httpStatus,
      resetCode,
      resetRole,
      responseEncoding,
      outcome,
      kind,
      bits,
    ] = this.shapes.at(this.ending.get(i)) as number[];
    const resetBy = ROLES[resetRole!] ?? null;
    const firstResponse = this.firstResponseMs.get(i);
    const deadline = this.deadlineMs.get(i);
    const list = (at: NarrowColumn): Array<[string, string]> =>
      withHeaders ? (this.headerLists.get(at.get(i)) ?? []) : [];
    const requestHeaders = list(this.requestHeadersAt);
    const responseHeaders = list(this.responseHeadersAt);
    const trailers = list(this.trailersAt);
    const row: CallRow = {
      connection: this.connectionId(this.connection.get(i)),
      stream: this.stream.get(i),
      method: this.strOf(method!),
      service: this.strOf(service!),
      methodName: this.strOf(methodName!),
      authority: this.strOf(authority!),
      status: status === NULL ? null : status! - 1,
      statusName: this.strOf(statusName!),
      statusSource: SOURCES[source!] ?? null,
      message: this.strOf(this.message.get(i)),
      outcome: OUTCOMES[outcome!]!,
      reset: resetBy === null ? null : { by: resetBy, errorCode: this.strOf(resetCode!) ?? '' },
      kind: KINDS[kind!]!,
      kindInferred: (bits! & BIT_KIND_INFERRED) !== 0,
      start: this.start.get(i),
      end: this.end.get(i),
      durationMs: this.durationMs.get(i),
      firstResponseMs: Number.isNaN(firstResponse) ? null : firstResponse,
      deadlineMs: Number.isNaN(deadline) ? null : deadline,
      contentType: this.strOf(contentType!),
      requestEncoding: this.strOf(requestEncoding!),
      responseEncoding: this.strOf(responseEncoding!),
      requestCount: this.requestCount.get(i),
      responseCount: this.responseCount.get(i),
      requestHeaders,
      responseHeaders,
      trailers,
      trailersOnly: (bits! & BIT_TRAILERS_ONLY) !== 0,
      httpStatus: httpStatus === NULL ? null : httpStatus! - 1,
      guessed: (bits! & BIT_GUESSED) !== 0,
      requestBytes: this.requestBytes.get(i),
      responseBytes: this.responseBytes.get(i),
    };
    const [reason, guessStatus, guessName, basis] = this.shapes.at(this.unknown.get(i));
    if (reason !== NULL)
      row.statusUnknown = {
        reason: this.strOf(reason!) ?? '',
        guess:
          guessStatus === NULL
            ? null
            : {
                status: guessStatus! - 1,
                statusName: this.strOf(guessName!) ?? '',
                basis: this.strOf(basis!) ?? '',
              },
      };
    return row;
  }

  /** The whole record, read back from the spool; null if it cannot be read (see the spool's problem). */
  record(i: number): CallRecord | null {
    if (i < 0 || i >= this.count) return null;
    const kept = this.inMemory.get(i);
    if (kept) return kept;
    const bytes = this.spool?.read(this.recordAt.get(i), this.recordLength.get(i));
    if (!bytes) return null;
    try {
      return JSON.parse(DECODER.decode(bytes)) as CallRecord;
    } catch {
      return null;
    }
  }

  outcome(i: number): CallOutcome {
    return OUTCOMES[this.shapes.at(this.ending.get(i))[7]!]!;
  }

  status(i: number): number | null {
    const status = this.shapes.at(this.ending.get(i))[0]!;
    return status === NULL ? null : status - 1;
  }

  startOf(i: number): number {
    return this.start.get(i);
  }

  endOf(i: number): number {
    return this.end.get(i);
  }

  streamOf(i: number): number {
    return this.stream.get(i);
  }

  /** Connection ordinal of call `i`. */
  connectionOf(i: number): number {
    return this.connection.get(i);
  }

  private str(s: string | null): number {
    return s === null ? NULL : this.strings.id(s) + 1;
  }

  private strOf(id: number): string | null {
    return id === NULL ? null : this.strings.at(id - 1);
  }
}
