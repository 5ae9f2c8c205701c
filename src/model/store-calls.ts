/**
 * The store's gRPC calls, compactly: what lists, sorting and filters read (every scalar of a CallRecord,
 * its three header lists and its message byte totals) lives in columns, with strings interned; the whole
 * record (decoded messages, metadata, status details) goes to the spool file as JSON and is read back when
 * a call is opened. A call then costs ~130 bytes of memory instead of ~5 KB (docs/performance.md, "TUI
 * memory"). Without a working spool the whole records stay in memory, as before the spool existed.
 */
import type { CallKind, CallOutcome, CallRecord, CallSummary, StatusSource } from '../records/call.js';
import type { Role } from '../records/role.js';
import { F64Column, StringPool, U32Column, U8Column } from './store-columns.js';
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

/** A call that did not succeed: anything but outcome ok with status 0 (or an unknown status). */
export function callFailed(c: Pick<CallSummary, 'outcome' | 'status'>): boolean {
  return c.outcome !== 'ok' || (c.status !== null && c.status !== 0);
}

function messageBytes(messages: CallRecord['requests']): number {
  let n = 0;
  for (const m of messages) n += m.length;
  return n;
}

export class CallTable {
  private readonly connection = new U32Column();
  private readonly stream = new U32Column();
  private readonly method = new U32Column();
  private readonly service = new U32Column();
  private readonly methodName = new U32Column();
  private readonly authority = new U32Column();
  private readonly statusCode = new U32Column();
  private readonly statusName = new U32Column();
  private readonly message = new U32Column();
  private readonly contentType = new U32Column();
  private readonly requestEncoding = new U32Column();
  private readonly responseEncoding = new U32Column();
  private readonly resetCode = new U32Column();
  private readonly httpStatus = new U32Column();
  private readonly requestCount = new U32Column();
  private readonly responseCount = new U32Column();
  /** outcome | kind << 4 */
  private readonly outcomeKind = new U8Column();
  /** status source | reset sender << 4 */
  private readonly sourceReset = new U8Column();
  private readonly bits = new U8Column();
  private readonly start = new F64Column();
  private readonly end = new F64Column();
  private readonly durationMs = new F64Column();
  /** NaN for null. */
  private readonly firstResponseMs = new F64Column();
  private readonly deadlineMs = new F64Column();
  private readonly requestBytes = new F64Column();
  private readonly responseBytes = new F64Column();
  /** Header lists (offsets in the store's HeaderLists) of the request, the response and the trailers. */
  private readonly requestHeadersAt = new U32Column();
  private readonly responseHeadersAt = new U32Column();
  private readonly trailersAt = new U32Column();
  /** Where the record's JSON is in the spool (-1: kept in `inMemory`), and its length. */
  private readonly recordAt = new F64Column();
  private readonly recordLength = new U32Column();
  private readonly inMemory = new Map<number, CallRecord>();

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

  /** Appends a call of connection `connOrdinal`; returns its index. */
  add(rec: CallRecord, connOrdinal: number): number {
    const i = this.connection.push(connOrdinal);
    this.stream.push(rec.stream);
    this.method.push(this.str(rec.method));
    this.service.push(this.str(rec.service));
    this.methodName.push(this.str(rec.methodName));
    this.authority.push(this.str(rec.authority));
    this.statusCode.push(rec.status === null ? NULL : rec.status + 1);
    this.statusName.push(this.str(rec.statusName));
    this.message.push(this.str(rec.message));
    this.contentType.push(this.str(rec.contentType));
    this.requestEncoding.push(this.str(rec.requestEncoding));
    this.responseEncoding.push(this.str(rec.responseEncoding));
    this.resetCode.push(this.str(rec.reset?.errorCode ?? null));
    this.httpStatus.push(rec.httpStatus === null ? NULL : rec.httpStatus + 1);
    this.requestCount.push(rec.requestCount);
    this.responseCount.push(rec.responseCount);
    this.outcomeKind.push(OUTCOMES.indexOf(rec.outcome) | (KINDS.indexOf(rec.kind) << 4));
    this.sourceReset.push(SOURCES.indexOf(rec.statusSource) | (ROLES.indexOf(rec.reset?.by ?? null) << 4));
    this.bits.push(
      (rec.kindInferred ? BIT_KIND_INFERRED : 0) |
        (rec.trailersOnly ? BIT_TRAILERS_ONLY : 0) |
        (rec.guessed ? BIT_GUESSED : 0),
    );
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
    const ok = this.outcomeKind.get(i);
    const sr = this.sourceReset.get(i);
    const bits = this.bits.get(i);
    const resetBy = ROLES[sr >> 4] ?? null;
    const status = this.statusCode.get(i);
    const httpStatus = this.httpStatus.get(i);
    const firstResponse = this.firstResponseMs.get(i);
    const deadline = this.deadlineMs.get(i);
    const list = (at: U32Column): Array<[string, string]> =>
      withHeaders ? (this.headerLists.get(at.get(i)) ?? []) : [];
    const requestHeaders = list(this.requestHeadersAt);
    const responseHeaders = list(this.responseHeadersAt);
    const trailers = list(this.trailersAt);
    return {
      connection: this.connectionId(this.connection.get(i)),
      stream: this.stream.get(i),
      method: this.strOf(this.method.get(i)),
      service: this.strOf(this.service.get(i)),
      methodName: this.strOf(this.methodName.get(i)),
      authority: this.strOf(this.authority.get(i)),
      status: status === NULL ? null : status - 1,
      statusName: this.strOf(this.statusName.get(i)),
      statusSource: SOURCES[sr & 15] ?? null,
      message: this.strOf(this.message.get(i)),
      outcome: OUTCOMES[ok & 15]!,
      reset: resetBy === null ? null : { by: resetBy, errorCode: this.strOf(this.resetCode.get(i)) ?? '' },
      kind: KINDS[ok >> 4]!,
      kindInferred: (bits & BIT_KIND_INFERRED) !== 0,
      start: this.start.get(i),
      end: this.end.get(i),
      durationMs: this.durationMs.get(i),
      firstResponseMs: Number.isNaN(firstResponse) ? null : firstResponse,
      deadlineMs: Number.isNaN(deadline) ? null : deadline,
      contentType: this.strOf(this.contentType.get(i)),
      requestEncoding: this.strOf(this.requestEncoding.get(i)),
      responseEncoding: this.strOf(this.responseEncoding.get(i)),
      requestCount: this.requestCount.get(i),
      responseCount: this.responseCount.get(i),
      requestHeaders,
      responseHeaders,
      trailers,
      trailersOnly: (bits & BIT_TRAILERS_ONLY) !== 0,
      httpStatus: httpStatus === NULL ? null : httpStatus - 1,
      guessed: (bits & BIT_GUESSED) !== 0,
      requestBytes: this.requestBytes.get(i),
      responseBytes: this.responseBytes.get(i),
    };
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
    return OUTCOMES[this.outcomeKind.get(i) & 15]!;
  }

  status(i: number): number | null {
    const status = this.statusCode.get(i);
    return status === NULL ? null : status - 1;
  }

  startOf(i: number): number {
    return this.start.get(i);
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
