/**
 * The decode pipeline, one way: capture events -> net -> TCP reassembly -> per-connection session (protocol
 * recognition, HTTP/2, HPACK) -> records for a sink. Synchronous and deterministic: the only I/O is the
 * caller's (src/capture/source.ts reads, src/output writes).
 */
import type { CaptureEvent } from '../capture/types.js';
import { diag } from '../diagnostics/make.js';
import { ENGINE_DIAGNOSTICS } from '../diagnostics/engine.js';
import { DEFAULT_MAX_DIAGNOSTICS_PER_CODE, DiagnosticCap } from './diagnostic-cap.js';
import type { Diagnostic } from '../diagnostics/types.js';
import {
  emptyCaptureRecord,
  type CaptureRecord,
  type ConnectionRecord,
  type FrameRecord,
} from '../records/records.js';
import { NetDecoder } from '../net/net-decoder.js';
import {
  ConnectionSession,
  type ConnectionPeers,
  type SessionEvent,
  type SessionOptions,
} from '../session/connection-session.js';
import { FlowTable } from '../tcp/flow-table.js';
import { KeyLog } from '../tls/keylog.js';
import type { TcpEndReason, TcpEvent } from '../tcp/types.js';
import type { H2Event } from '../h2/types.js';
import type { CallRecord } from '../records/call.js';
import type {
  CaptureObserver,
  ConnectionObserver,
  ConnectionObserverFactory,
  ObservedEvent,
  ObserverOutput,
} from './observer.js';

/** Where records go as soon as they are complete. */
export interface RecordSink {
  connection(rec: ConnectionRecord): void;
  frame(rec: FrameRecord, event: Extract<H2Event, { kind: 'frame' }>): void;
  diagnostic(d: Diagnostic): void;
  /** A gRPC call, as soon as it ended (or at the end of its connection). */
  call?(rec: CallRecord): void;
  /** Once, after everything else. */
  capture(rec: CaptureRecord): void;
  /**
   * A connection's endpoints and protocol, once its session has decided them and before its first event
   * reaches the sink: views of connections still open (a live capture) show them before the record.
   */
  opened?(peers: ConnectionPeers, time: number): void;
  /**
   * A snapshot of a connection still open (`open: true`, endReason "open"), every `snapshotInterval`
   * seconds of capture time for the connections that saw packets since their previous one. Its final
   * record still comes to connection() when it ends.
   */
  connectionUpdate?(rec: ConnectionRecord): void;
}

export interface EngineOptions extends SessionOptions {
  /** Shown in the capture record (the path, or "-" for stdin). */
  file: string;
  /** Per-connection consumers of HTTP/2 events, in chain order (gRPC calls first, then analysis). */
  observers?: ConnectionObserverFactory[];
  /** Whole-capture consumers of connection and call records. */
  captureObservers?: CaptureObserver[];
  /** Diagnostics passed to the sink per code; the rest are counted (engine.diagnostics-suppressed). */
  maxDiagnosticsPerCode?: number;
  /**
   * Seconds of capture time between snapshots of the open connections handed to
   * RecordSink.connectionUpdate; 0 or absent: none (Engine.snapshot() still answers on demand).
   */
  snapshotInterval?: number;
  /**
   * Sharded decoding (src/engine/shard.ts): every shard reads the whole capture through net and TCP, but
   * runs sessions and observers only for the connections it owns (every `count`th opened, from `index`),
   * and only shard 0 reports what belongs to no connection (capture, net and TCP diagnostics). `seq` tells
   * where each record came from, so the shards' records merge into the order of one engine.
   */
  shard?: ShardSpec;
}

/**
 * One shard of `count`: it owns the kth connection opened (from 0) when `owners[k % owners.length]` is its
 * index, or without `owners` when k % count is (a weighted split: the merging thread's shard may own fewer).
 */
export interface ShardSpec {
  index: number;
  count: number;
  owners?: readonly number[];
}

const NO_OBSERVERS: ConnectionObserver[] = [];

/**
 * A connection's session with the engine's own facts about it as fields: one map entry per open connection
 * instead of one in each of four tables (sessions, observers, announced, snapshot packets), about 70 bytes
 * less per idle open connection (docs/performance.md, "Idle connection, session 8").
 */
class LiveSession extends ConnectionSession {
  observers: ConnectionObserver[] = NO_OBSERVERS;
  /** Its peers went to sink.opened (or it ended: no announcement after that). */
  announced = false;
  /** Packets at its last periodic snapshot, -1 before one: unchanged connections are not repeated. */
  snapshotPackets = -1;
}

export class Engine {
  private readonly net = new NetDecoder();
  private readonly flows = new FlowTable();
  private readonly sessions = new Map<string, LiveSession>();
  /** Someone listens for connections' endpoints before their end (the TUI's sink, capture observers). */
  private readonly wantsOpened: boolean;
  private readonly capture: CaptureRecord;
  private readonly linkTypes = new Set<number>();
  private lastPacket = -1;
  /** TLS secrets from --keylog and the capture's Decryption Secrets Blocks, shared by every connection. */
  private readonly keyLog: KeyLog;
  private readonly sessionOptions: SessionOptions;
  private readonly snapshotInterval: number;
  /** Capture time of the next periodic snapshot (set at the first packet). */
  private nextSnapshot = Infinity;
  /** Shard mode: connections opened so far (ownership), whether this shard reports global records. */
  private opened = 0;
  private readonly global: boolean;
  private seqNo = 0;

  /** The sink, behind the per-code diagnostic cap (also the observers' DiagnosticBudget). */
  private readonly sink: DiagnosticCap;

  constructor(
    private readonly opts: EngineOptions,
    sink: RecordSink,
  ) {
    this.sink = new DiagnosticCap(sink, opts.maxDiagnosticsPerCode ?? DEFAULT_MAX_DIAGNOSTICS_PER_CODE);
    this.capture = emptyCaptureRecord(opts.file);
    this.keyLog = opts.keyLog ?? new KeyLog();
    this.sessionOptions = { ...opts, keyLog: this.keyLog };
    this.snapshotInterval = opts.snapshotInterval ?? 0;
    this.wantsOpened =
      this.sink.opened !== undefined || (opts.captureObservers ?? []).some((o) => o.opened !== undefined);
    this.global = (opts.shard?.index ?? 0) === 0;
  }

  /**
   * Counts the points where records can come from (capture events, net and TCP events, finish steps): the
   * same number at the same point in every shard, since all of them read the same capture through net and
   * TCP, so records tagged with it merge into the order one engine would have produced.
   */
  get seq(): number {
    return this.seqNo;
  }

  /** Global records (no connection's): one shard reports them, the others drop them. */
  private globalDiagnostic(d: Diagnostic): void {
    if (this.global) this.sink.diagnostic(d);
  }

  /**
   * The records of the connections still open, as they stand at the last packet read (`open: true`,
   * endReason "open", `end` that packet's capture time), in order of creation: the session's record plus
   * what each observer's snapshot() adds. Changes nothing; the final records come as usual. With
   * `changedOnly`, only connections that saw packets since their previous changedOnly snapshot.
   */
  snapshot(changedOnly = false): ConnectionRecord[] {
    const out: ConnectionRecord[] = [];
    const time = this.capture.end ?? 0;
    this.guard(() => {
      for (const conn of this.flows.openConnections()) {
        const id = conn.info.id;
        const session = this.sessions.get(id);
        if (session === undefined) continue;
        if (changedOnly) {
          const packets = conn.packets;
          if (session.snapshotPackets === packets) continue;
          session.snapshotPackets = packets;
        }
        const rec = session.snapshot(time, conn.stats);
        // The record is new: extended in place (a spread per observer cost more than the rest together).
        for (const o of session.observers) {
          const extend = o.snapshot?.(rec);
          if (extend !== undefined) Object.assign(rec, extend);
        }
        out.push(rec);
      }
    });
    return out;
  }

  push(events: readonly CaptureEvent[]): void {
    for (const ev of events) {
      if (ev.kind !== 'packet') this.seqNo++;
      switch (ev.kind) {
        case 'format':
          this.capture.format = ev.format;
          break;
        case 'interface':
          this.linkTypes.add(ev.iface.linkType);
          break;
        case 'packet':
          this.packet(ev);
          break;
        case 'secrets':
          // pcapng DSBs precede the packets they serve; sessions look secrets up at their ServerHello.
          for (const d of this.keyLog.addDecryptionSecrets(ev.secretsType, ev.data)) this.globalDiagnostic(d);
          break;
        case 'diagnostic':
          if (ev.diagnostic.severity === 'error') this.capture.complete = false;
          this.globalDiagnostic(ev.diagnostic);
          break;
      }
    }
  }

  /**
   * Reading was stopped before the input ended (SIGINT): the capture record says it is incomplete, and a
   * diagnostic says why, so no report of a partial read looks like the whole capture.
   */
  interrupted(signal: string): void {
    this.capture.complete = false;
    const packets = this.capture.packets;
    this.seqNo++;
    this.globalDiagnostic(diag(ENGINE_DIAGNOSTICS, 'engine.interrupted', { signal, packets }, {}));
  }

  /** Marks the input as gzip-compressed (the source knows, the reader only sees inflated bytes). */
  setCompressed(compressed: boolean): void {
    this.capture.compressed = compressed;
  }

  finish(): CaptureRecord {
    this.guard(() => {
      this.seqNo++;
      for (const nev of this.net.finish())
        if (nev.kind === 'diagnostic') this.globalDiagnostic(nev.diagnostic);
      this.tcpEvents(this.flows.finish());
      this.seqNo++;
      for (const o of this.opts.captureObservers ?? []) for (const d of o.finish()) this.sink.diagnostic(d);
    });
    this.seqNo++;
    this.capture.linkTypes = [...this.linkTypes].sort((a, b) => a - b);
    this.sink.capture(this.capture);
    return this.capture;
  }

  private packet(ev: Extract<CaptureEvent, { kind: 'packet' }>): void {
    const raw = ev.packet;
    this.lastPacket = raw.index;
    const cap = this.capture;
    cap.packets++;
    cap.bytes += raw.originalLength;
    if (cap.start === null) {
      cap.start = raw.time;
      if (this.snapshotInterval > 0) this.nextSnapshot = raw.time + this.snapshotInterval;
    }
    cap.end = raw.time;
    this.linkTypes.add(raw.linkType);
    // The safety net of guard(), without a closure per packet.
    try {
      for (const nev of this.net.push(raw)) {
        this.seqNo++;
        if (nev.kind === 'tcp') this.tcpEvents(this.flows.push(nev.segment));
        else if (nev.kind === 'diagnostic') this.globalDiagnostic(nev.diagnostic);
      }
    } catch (err) {
      this.internalError(err);
    }
    if (raw.time >= this.nextSnapshot) this.periodicSnapshot(raw.time);
  }

  /** Snapshots of the open connections that changed, after the packet that reached the next tick. */
  private periodicSnapshot(time: number): void {
    const every = this.snapshotInterval;
    // A long pause in the capture makes one tick, not one per interval skipped.
    this.nextSnapshot += (Math.floor((time - this.nextSnapshot) / every) + 1) * every;
    const update = this.sink.connectionUpdate;
    if (update === undefined) return;
    for (const rec of this.snapshot(true)) update.call(this.sink, rec);
  }

  private tcpEvents(events: TcpEvent[]): void {
    const shard = this.opts.shard;
    for (const ev of events) {
      this.seqNo++;
      switch (ev.kind) {
        case 'open': {
          // Another shard's connection: no session, so none of its events produce anything here.
          if (shard !== undefined) {
            const k = this.opened++;
            const owner = shard.owners ? shard.owners[k % shard.owners.length] : k % shard.count;
            if (owner !== shard.index) break;
          }
          const session = new LiveSession(ev.conn, this.sessionOptions);
          const factories = this.opts.observers ?? [];
          if (factories.length > 0) session.observers = factories.map((make) => make(ev.conn, this.sink));
          this.sessions.set(ev.conn.id, session);
          break;
        }
        case 'data': {
          const session = this.sessions.get(ev.conn);
          if (session !== undefined)
            this.emit(session, session.data(ev.dir, ev.data, ev.gapBefore, ev.time, ev.packetIndex));
          break;
        }
        case 'end': {
          const session = this.sessions.get(ev.conn);
          if (session === undefined) break;
          this.sessions.delete(ev.conn);
          // Gone from the table: its last events are not preceded by an announcement.
          session.announced = true;
          this.emit(session, session.end(ev.time, ev.reason, ev.stats), ev.reason);
          break;
        }
        case 'diagnostic':
          this.globalDiagnostic(ev.diagnostic);
          break;
        case 'fin':
        case 'rst': {
          const session = this.sessions.get(ev.conn);
          if (session !== undefined) this.emit(session, session.close(ev.dir, ev.kind, ev.time));
          break;
        }
        default:
          break; // packet: counted by the flow table
      }
    }
  }

  private emit(session: LiveSession, events: SessionEvent[], endReason?: TcpEndReason): void {
    if (events.length === 0) return;
    if (this.wantsOpened && !session.announced) this.announce(session);
    const observers = session.observers;
    for (const ev of events) {
      if (ev.kind === 'connection') {
        // A session's final record never says "open" (only snapshots do).
        this.endConnection(ev.record, observers, endReason ?? (ev.record.endReason as TcpEndReason));
        continue;
      }
      if (ev.kind === 'frame') this.sink.frame(ev.frame, ev);
      else if (ev.kind === 'diagnostic') this.sink.diagnostic(ev.diagnostic);
      this.observe(observers, 0, ev);
    }
  }

  private announce(session: LiveSession): void {
    const peers = session.peers;
    if (!peers) return;
    session.announced = true;
    const time = this.capture.end ?? 0;
    this.sink.opened?.(peers, time);
    for (const o of this.opts.captureObservers ?? [])
      for (const d of o.opened?.(peers, time) ?? []) this.sink.diagnostic(d);
  }

  /** Passes an event down the observer chain from `from`; outputs go to the sink and further down. */
  private observe(observers: ConnectionObserver[], from: number, ev: ObservedEvent): void {
    for (let i = from; i < observers.length; i++) {
      const outputs = observers[i]!.event(ev);
      if (outputs.length > 0) this.output(observers, i + 1, outputs);
    }
  }

  private output(observers: ConnectionObserver[], next: number, outputs: ObserverOutput[]): void {
    for (const out of outputs) {
      if (out.kind === 'diagnostic') {
        this.sink.diagnostic(out.diagnostic);
        continue;
      }
      this.sink.call?.(out.call);
      for (const o of this.opts.captureObservers ?? [])
        for (const d of o.call(out.call)) this.sink.diagnostic(d);
      this.observe(observers, next, out);
    }
  }

  private endConnection(
    record: ConnectionRecord,
    observers: ConnectionObserver[],
    reason: TcpEndReason,
  ): void {
    let rec = record;
    observers.forEach((o, i) => {
      const { outputs, extend } = o.end(rec, reason);
      this.output(observers, i + 1, outputs);
      if (extend) rec = { ...rec, ...extend };
    });
    this.sink.connection(rec);
    for (const o of this.opts.captureObservers ?? [])
      for (const d of o.connection(rec)) this.sink.diagnostic(d);
  }

  /**
   * A safety net, not control flow: decoders return malformed input as values. A throw here is our bug; the
   * user still gets the rest of the capture and a diagnostic that says which packet to report.
   */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.internalError(err);
    }
  }

  private internalError(err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    this.sink.diagnostic(
      diag(ENGINE_DIAGNOSTICS, 'engine.internal-error', { packet: this.lastPacket + 1, error }),
    );
  }
}
