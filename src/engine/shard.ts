/**
 * Sharded decoding: N engines (one per worker thread, src/cli/report-worker.ts) each read the whole capture
 * through net and TCP, and decode only their share of the connections (shardOwners; session, HTTP/2, HPACK,
 * gRPC, analysis: the costly part). Each engine's records go to a ShardSink, tagged with the engine's `seq` (the same count at
 * the same point of the capture in every shard); ShardMerge puts the shards' records back in the order one
 * engine gives them and applies what needs every connection (the per-code diagnostic cap, the whole-capture
 * analysis) before the report's sink. The output is the one of a single engine, byte for byte.
 *
 * Records cross threads by structured clone, except in ndjson mode, where the worker writes the frame,
 * call and connection lines itself (JSON.stringify and payload hex are most of ndjson's cost) and sends
 * their bytes, with only what the merging thread needs of calls and connections.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import { hexInto } from '../output/json-value.js';
import { ndjsonSink } from '../output/ndjson.js';
import type { ByteOut } from '../output/raw-json.js';
import { writeLine } from '../output/raw-line.js';
import { callRelay, RelayMatcher, relayFacts } from '../analysis/relay-legs.js';
import type { CallRecord, CallRelay } from '../records/call.js';
import type { CaptureRecord, ConnectionRecord, FrameRecord } from '../records/records.js';
import type { H2Event } from '../h2/types.js';
import { DiagnosticCap } from './diagnostic-cap.js';
import type { RecordSink } from './engine.js';
import type { CaptureObserver } from './observer.js';
import type { ConnectionPeers } from '../session/connection-session.js';

type FrameEvent = Extract<H2Event, { kind: 'frame' }>;

/** What a shard sends for each record. */
export const OP = {
  frame: 0,
  call: 1,
  connection: 2,
  diagnostic: 3,
  capture: 4,
  /** ndjson mode (5 to 7): the line is in the batch's bytes; value: its end offset. */
  frameLine: 5,
  /** value: [end offset, the call's service facts]. */
  callLine: 6,
  /** value: [end offset, the connection's facts for the whole-capture analysis]. */
  connectionLine: 7,
  /**
   * value: [peers, capture time]: a connection's protocol is known (RecordSink.opened: the summary pairs
   * relayed calls by endpoints; the live whole-capture analysis judges imbalance and bursts from it).
   */
  opened: 8,
} as const;

export interface ShardMode {
  /** Write frame, call and connection records as ndjson lines in the worker. */
  ndjson: boolean;
  /** Send frame records (the report or its filter reads them). */
  frames: boolean;
  /** Send each frame's event too (HAR reads its DATA bytes). */
  frameEvents: boolean;
  /**
   * --summary: send of calls and connections only what the summary and the whole-capture analysis read
   * (summaryCallFacts, connectionFacts): cloning whole call records cost as much as decoding them.
   */
  summary: boolean;
}

/**
 * Weights of a shard's share of the connections: the merging thread's shard (0) decodes and also merges,
 * so it owns MERGING_WEIGHT for every DECODING_WEIGHT a worker owns. 3 : 5 balanced the two threads' CPU
 * on the unary and small-calls captures (docs/performance.md, "Threads, session 9"); with an even split
 * the merging thread was the busier and the worker waited for acks.
 */
const MERGING_WEIGHT = 3;
const DECODING_WEIGHT = 5;

/**
 * Which shard owns each connection, in the order they open (EngineOptions.shard.owners): the shards
 * interleaved by their weights (smooth weighted round robin: 2 shards give 1, 0, 1, 0, 1, 1, 0, 1), so that
 * a capture of a few connections is still split about evenly.
 */
export function shardOwners(count: number): number[] {
  const weights = Array.from({ length: count }, (_, i) => (i === 0 ? MERGING_WEIGHT : DECODING_WEIGHT));
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const owners: number[] = [];
  for (let k = 0; k < total; k++) {
    let pick = 0;
    for (let i = 0; i < count; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[pick]!) pick = i;
    }
    current[pick]! -= total;
    owners.push(pick);
  }
  return owners;
}

/** One shard's records for one capture chunk (or for the end of the capture). */
export interface ShardBatch {
  /** Chunks decoded so far (the same chunks in every shard: the same file, read the same way). */
  chunk: number;
  /** The engine's seq after this batch: every shard's must be equal. */
  seq: number;
  seqs: number[];
  kinds: number[];
  values: unknown[];
  /** ndjson mode: the lines, referred to by end offsets. */
  bytes: Uint8Array | null;
  done: boolean;
}

/**
 * Grows as lines are written; handed over whole (transferred) at the end of a batch. It is itself the
 * ByteOut raw-json.ts fills (`buf`, `pos`, `room`), so a call line is written into it as on one thread.
 */
class ByteBuilder implements ByteOut {
  buf: Buffer<ArrayBuffer> = Buffer.allocUnsafeSlow(1 << 20);
  pos = 0;

  readonly write = (s: string): void => {
    if (s.length * 3 > this.buf.length - this.pos) this.room(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos);
  };

  readonly writeHex = (bytes: Uint8Array): void => {
    this.room(bytes.length * 2);
    this.pos = hexInto(bytes, this.buf, this.pos);
  };

  /** An ndjson line written straight into the bytes, as on one thread (raw-line.ts). */
  readonly jsonLine = (head: Uint8Array, value: unknown): void => writeLine(this, head, value);

  /** Makes n bytes free at `pos`, growing the buffer (a batch's lines stay contiguous). */
  room(n: number): void {
    if (n <= this.buf.length - this.pos) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  take(): Uint8Array | null {
    if (this.pos === 0) return null;
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos);
    // The next batch starts as large as this one ended: multi-megabyte hex lines (streams of large
    // messages) no longer double the buffer, copying, in every batch. Pages never written cost nothing.
    this.buf = Buffer.allocUnsafeSlow(Math.max(1 << 20, this.pos));
    this.pos = 0;
    return out;
  }
}

/**
 * What the whole-capture analysis (summarize in src/analysis/capture-facts.ts) and the summary's
 * connection rows (connectionRow in src/output/report-rows.ts) read of a connection.
 */
function connectionFacts(rec: ConnectionRecord): unknown {
  return {
    id: rec.id,
    protocol: rec.protocol,
    client: rec.client,
    server: rec.server,
    start: rec.start,
    end: rec.end,
    frameCount: rec.frameCount,
    h2Detection: rec.h2Detection,
    concurrency: rec.concurrency && { client: { opened: rec.concurrency.client.opened } },
    clientRule: rec.clientRule,
    endReason: rec.endReason,
    packets: rec.packets,
    bytes: rec.bytes,
    goaway: rec.goaway?.map((g) => ({ from: g.from, time: g.time })),
  };
}

/**
 * What the summary (SummaryReport, CallStatsByMethod in src/output/call-stats.ts, callNotOk) and the
 * whole-capture analysis (CaptureAnalyzer.call) read of a call: a field either reads must be here.
 */
function summaryCallFacts(rec: CallRecord): unknown {
  const length = (m: { length: number }): { length: number } => ({ length: m.length });
  return {
    connection: rec.connection,
    stream: rec.stream,
    service: rec.service,
    authority: rec.authority,
    method: rec.method,
    outcome: rec.outcome,
    status: rec.status,
    statusName: rec.statusName,
    statusUnknown: rec.statusUnknown,
    durationMs: rec.durationMs,
    requests: rec.requests.map(length),
    responses: rec.responses.map(length),
    requestCount: rec.requestCount,
    responseCount: rec.responseCount,
    // the summary's "where the time went" (src/output/latency-stats.ts), the live imbalance window
    latency: rec.latency,
    start: rec.start,
    end: rec.end,
  };
}

/** The worker's sink: every record with the seq of its engine at that moment. */
export class ShardSink implements RecordSink {
  /** Set once the engine exists; records before it (schema and key log problems) are at seq 0. */
  engine: { readonly seq: number } | null = null;
  private seqs: number[] = [];
  private kinds: number[] = [];
  private values: unknown[] = [];
  private readonly bytes = new ByteBuilder();
  private readonly lines: RecordSink | null;

  constructor(
    private readonly index: number,
    private readonly mode: ShardMode,
  ) {
    this.lines = mode.ndjson ? ndjsonSink(this.bytes.write, this.bytes.writeHex, this.bytes.jsonLine) : null;
  }

  private op(kind: number, value: unknown): void {
    this.seqs.push(this.engine?.seq ?? 0);
    this.kinds.push(kind);
    this.values.push(value);
  }

  frame(rec: FrameRecord, ev: FrameEvent): void {
    if (this.lines !== null) {
      this.lines.frame(rec, ev);
      return this.op(OP.frameLine, this.bytes.pos);
    }
    if (!this.mode.frames) return;
    if (!this.mode.frameEvents) return this.op(OP.frame, rec);
    // Only what HAR reads, and the DATA bytes copied: a view would clone the whole chunk it points into.
    const data = ev.data && new Uint8Array(ev.data);
    this.op(OP.frame, [rec, { kind: 'frame', frame: rec, data, fields: ev.fields && [] }]);
  }

  call(rec: CallRecord): void {
    if (this.mode.summary) return this.op(OP.call, summaryCallFacts(rec));
    if (this.lines === null) return this.op(OP.call, rec);
    this.lines.call!(rec);
    const facts = {
      connection: rec.connection,
      service: rec.service,
      authority: rec.authority,
      // what relay pairing reads (src/analysis/relay-legs.ts)
      stream: rec.stream,
      method: rec.method,
      start: rec.start,
      end: rec.end,
      requestCount: rec.requestCount,
      requests: rec.requests.map((m) => ({ length: m.length })),
    };
    this.op(OP.callLine, [this.bytes.pos, facts]);
  }

  connection(rec: ConnectionRecord): void {
    if (this.mode.summary) return this.op(OP.connection, connectionFacts(rec));
    if (this.lines === null) return this.op(OP.connection, rec);
    this.lines.connection(rec);
    this.op(OP.connectionLine, [this.bytes.pos, connectionFacts(rec)]);
  }

  /** The merging side's whole-capture analysis sees the connections open as one engine's does. */
  opened(peers: ConnectionPeers, time: number): void {
    this.op(OP.opened, [peers, time]);
  }

  diagnostic(d: Diagnostic): void {
    // Problems found before the engine existed (schema, key log) are every shard's: shard 0 reports them.
    if (this.engine === null && this.index !== 0) return;
    this.op(OP.diagnostic, d);
  }

  capture(rec: CaptureRecord): void {
    // Every shard read the whole capture: one record is enough.
    if (this.index === 0) this.op(OP.capture, rec);
  }

  /** What was recorded since the last batch. */
  batch(chunk: number, done: boolean): ShardBatch {
    const b: ShardBatch = {
      chunk,
      seq: this.engine?.seq ?? 0,
      seqs: this.seqs,
      kinds: this.kinds,
      values: this.values,
      bytes: this.bytes.take(),
      done,
    };
    this.seqs = [];
    this.kinds = [];
    this.values = [];
    return b;
  }
}

/** Where merged ndjson lines go (OutputStream.copy). */
export type ByteWrite = (bytes: Uint8Array, start: number, end: number) => void;

/** What a call line's facts carry for relay pairing (ShardWriter.call). */
type RelayLineFacts = Parameters<typeof relayFacts>[0];

/**
 * The merging thread's side: takes every shard's batch of the same chunk and passes their records to the
 * sink in one engine's order, through the per-code diagnostic cap and the whole-capture analysis, as the
 * Engine does them. `connections` counts connection records (DiagnosticTally's count, for lines that
 * bypass the sink).
 */
export class ShardMerge {
  private readonly sink: DiagnosticCap;
  connections = 0;
  /** Reading was stopped (SIGINT): the capture record says it is incomplete, as Engine.interrupted does. */
  incomplete = false;
  /** The capture record, once merged. */
  captureRecord: CaptureRecord | null = null;

  constructor(
    sink: RecordSink,
    maxDiagnosticsPerCode: number,
    private readonly analysis: CaptureObserver[],
    private readonly writeBytes: ByteWrite | null,
    /** Called for each connection whose ndjson line was written (counts it where the sink would). */
    private readonly onConnectionLine: () => void = () => undefined,
  ) {
    this.sink = new DiagnosticCap(sink, maxDiagnosticsPerCode);
  }

  /**
   * ndjson written as the threads' lines: the merge marks relayed calls (CallRecord.relay), on their line or
   * on the record (calls sent as records), as relayMarkSink does on one thread. Set by the report.
   */
  markRelays = false;
  private readonly relays = new RelayMatcher<null>();

  private relayMark(facts: RelayLineFacts): CallRelay | null {
    if (!this.markRelays) return null;
    const r = this.relays.call(relayFacts(facts), null).relayed;
    return r === null ? null : callRelay(r);
  }

  /** Batches of the same chunk, one per shard in shard order. */
  merge(batches: readonly ShardBatch[]): void {
    const seq = batches[0]!.seq;
    for (const b of batches)
      if (b.seq !== seq || b.chunk !== batches[0]!.chunk)
        throw new Error(`shards disagree at chunk ${b.chunk}: seq ${b.seq} against ${seq}`);
    const at = batches.map(() => 0);
    // Where each shard's bytes were last cut: consecutive lines of one shard are written as one range.
    const from = batches.map(() => 0);
    let run = -1;
    let runStart = 0;
    let runEnd = 0;
    const flushRun = (): void => {
      if (run >= 0 && runEnd > runStart) this.writeBytes!(batches[run]!.bytes!, runStart, runEnd);
      run = -1;
    };
    for (;;) {
      // The lowest seq next; at equal seqs, the lower shard (only engine errors can be in two shards).
      let pick = -1;
      let best = Infinity;
      for (let s = 0; s < batches.length; s++) {
        const b = batches[s]!;
        const i = at[s]!;
        if (i < b.seqs.length && b.seqs[i]! < best) {
          best = b.seqs[i]!;
          pick = s;
        }
      }
      if (pick < 0) break;
      const b = batches[pick]!;
      const i = at[pick]!++;
      const kind = b.kinds[i]!;
      const value = b.values[i];
      if (kind >= OP.frameLine && kind <= OP.connectionLine) {
        const end = kind === OP.frameLine ? (value as number) : (value as [number, unknown])[0];
        if (run !== pick) {
          flushRun();
          run = pick;
          runStart = from[pick]!;
        }
        const mark = kind === OP.callLine ? this.relayMark((value as [number, RelayLineFacts])[1]) : null;
        if (mark !== null) {
          // A relayed call's line gets its relay field, as the single-thread relayMarkSink gives it
          // (src/output/relayed-calls.ts): the lines before it as they are, then this line rewritten.
          const lineStart = from[pick]!;
          runEnd = lineStart; // this shard's lines before it (runEnd may be another shard's)
          flushRun();
          const line = Buffer.from(
            b.bytes!.buffer,
            b.bytes!.byteOffset + lineStart,
            end - lineStart,
          ).toString('utf8');
          const marked = Buffer.from(
            `${line.slice(0, line.lastIndexOf('}}'))},"relay":${JSON.stringify(mark)}}}\n`,
          );
          this.writeBytes!(marked, 0, marked.length);
          from[pick] = end;
        } else {
          runEnd = end;
          from[pick] = end;
        }
        if (kind === OP.callLine) {
          // A diagnostic the call completes (imbalance over a window) follows the call's line.
          const found = this.callFacts((value as [number, CallRecord])[1]);
          if (found.length > 0) flushRun();
          for (const d of found) this.sink.diagnostic(d);
        } else if (kind === OP.connectionLine) {
          this.connections++;
          this.onConnectionLine();
          flushRun(); // the whole-capture analysis may write a diagnostic after this line
          this.connectionFacts((value as [number, ConnectionRecord])[1]);
        }
        continue;
      }
      flushRun();
      this.replay(kind, value);
    }
    flushRun();
  }

  private replay(kind: number, value: unknown): void {
    switch (kind) {
      case OP.frame: {
        if (!Array.isArray(value)) return this.sink.frame(value as FrameRecord, undefined as never);
        const [rec, ev] = value as [FrameRecord, FrameEvent & { data?: Uint8Array }];
        if (ev.data) ev.data = Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.byteLength);
        return this.sink.frame(rec, ev);
      }
      case OP.call: {
        const rec = value as CallRecord;
        const mark = this.markRelays ? this.relayMark(rec) : null;
        this.sink.call(mark === null ? rec : { ...rec, relay: mark });
        for (const d of this.callFacts(value as CallRecord)) this.sink.diagnostic(d);
        return;
      }
      case OP.opened: {
        const [peers, time] = value as [ConnectionPeers, number];
        if (this.markRelays) this.relays.opened(peers);
        this.sink.opened?.(peers, time);
        for (const o of this.analysis) for (const d of o.opened?.(peers, time) ?? []) this.sink.diagnostic(d);
        return;
      }
      case OP.connection:
        this.connections++;
        this.sink.connection(value as ConnectionRecord);
        return this.connectionFacts(value as ConnectionRecord);
      case OP.diagnostic:
        return this.sink.diagnostic(value as Diagnostic);
      case OP.capture:
        return this.capture(value as CaptureRecord);
    }
  }

  /** A diagnostic of the merging thread's own (an interruption), in order with the records merged. */
  diagnostic(d: Diagnostic): void {
    this.sink.diagnostic(d);
  }

  /** As Engine.finish: the whole-capture diagnostics, then the capture record. */
  capture(rec: CaptureRecord): void {
    if (this.incomplete) rec.complete = false;
    for (const o of this.analysis) for (const d of o.finish()) this.sink.diagnostic(d);
    this.captureRecord = rec;
    this.sink.capture(rec);
  }

  private callFacts(call: CallRecord): Diagnostic[] {
    const found: Diagnostic[] = [];
    for (const o of this.analysis) found.push(...o.call(call));
    return found;
  }

  private connectionFacts(rec: ConnectionRecord): void {
    for (const o of this.analysis) for (const d of o.connection(rec)) this.sink.diagnostic(d);
  }
}
