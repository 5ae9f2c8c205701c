import { DIAGNOSTICS } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type {
  ConnectionObserver,
  ConnectionObserverFactory,
  DiagnosticBudget,
  ObservedEvent,
  ObserverOutput,
} from '../engine/observer.js';
import type { H2Event } from '../h2/types.js';
import type { CallRecord } from '../records/call.js';
import type {
  ConcurrencyRecord,
  ConnectionRecord,
  FrameRecord,
  HpackRecord,
  Role,
} from '../records/records.js';
import type { TcpConnectionInfo, TcpEndReason } from '../tcp/types.js';
import { AbuseTracker } from './abuse.js';
import { callFacts } from './call-facts.js';
import { CallLedger } from './call-ledger.js';
import { ConcurrencyTracker } from './concurrency.js';
import type { ConnectionFacts, SeenDiagnostic } from './connection-facts.js';
import { detectClientCancel, detectDeadlineExceeded, detectDeadlineOverrun } from './detect-calls.js';
import { isStarved, starvation, type StreamFlowFigures } from './detect-flow.js';
import { isTooManyPings, tooManyPings } from './detect-goaway.js';
import { detectFrequentPings, detectIdleDrop } from './detect-keepalive.js';
import { CONNECTION_DETECTORS } from './detectors.js';
import { FlowDirection } from './flow-direction.js';
import { GoawayTracker } from './goaway.js';
import { HpackOccupancy } from './hpack-occupancy.js';
import { analysisOptions, type AnalysisOptions } from './options.js';
import { PingTracker } from './pings.js';
import { SettingsTimeline, type AppliedSettings } from './settings-timeline.js';
import { peerOf, stateOf, StreamTable, type StateViolation } from './stream-states.js';

/** Lower-layer diagnostics that make windows and stream states estimates rather than facts. */
const INEXACT: Record<string, string> = {
  'session.mid-connection': 'the capture starts mid-connection',
  'h2.mid-stream-sync': 'the capture starts mid-connection',
  'h2.gap': 'bytes were lost',
  'h2.sync-failed': 'bytes could not be decoded',
  'session.h2c-upgrade': 'h2c upgrade: the HTTP2-Settings values are not applied to the windows',
};

const MAX_SEEN = 50;

const NO_OUTPUT: ObserverOutput[] = [];
/** What a connection with no stream reads: no entries, and no one adds any (see writableStreams()). */
const NO_STREAM_TABLE = new StreamTable(0, 0);
const NO_SEEN = Object.freeze([]) as unknown as SeenDiagnostic[];
const NO_VIOLATIONS = Object.freeze([]) as unknown as StateViolation[];
const NO_STREAMS: ReadonlySet<number> = new Set();

/**
 * The connection analysis: one per TCP connection, fed every HTTP/2 event in capture order (and the
 * gRPC calls of the observer before it). It keeps the per-connection state over time (flow control,
 * SETTINGS, PINGs, stream states, GOAWAY, HPACK) and, when the connection ends, adds it to the connection
 * record and runs the detectors (docs/analysis.md).
 */
export class ConnectionAnalyzer implements ConnectionObserver {
  private readonly settings: SettingsTimeline;
  /**
   * Flow control per sending side, stream concurrency and HPACK occupancy are made at their first use: an
   * idle open connection (SETTINGS, then nothing for hours) is most of a live capture's connections, and
   * these were half of what one cost (docs/performance.md, "Live and long-lived connections"). Read before
   * that, they are what a new one says (the same record fields).
   */
  private clientFlow: FlowDirection | null = null;
  private serverFlow: FlowDirection | null = null;
  /** PINGs and GOAWAYs likewise, at the first (read before, a new one). */
  private pingTracker: PingTracker | null = null;
  /** Made at the first frame on a stream (idle connections have none); read before, an empty one. */
  private streamTable: StreamTable | null = null;
  private concurrency: ConcurrencyTracker | null = null;
  private goawayTracker: GoawayTracker | null = null;
  /** Abuse and overload patterns (abuse.ts): small until a side sends what it counts. */
  private readonly abuse: AbuseTracker;
  private hpack: HpackOccupancy | null = null;
  /** Made at the first call: most connections of a capture carry a few, idle ones none. */
  private ledger: CallLedger | null = null;
  /** Shared empty lists until the first entry (made then), as every list here that mostly stays empty. */
  private seen: SeenDiagnostic[] = NO_SEEN;
  private violations: StateViolation[] = NO_VIOLATIONS;
  private violationCount = 0;
  /** Frames each side sent: two fields, not a record per connection (facts() makes the record). */
  private clientFrames = 0;
  private serverFrames = 0;
  private lastActivity: number | null = null;
  private inexact: string | null = null;
  /** A FIN or RST was seen (the idle-drop check runs at the first). */
  private closed = false;
  /**
   * Diagnostics raised while the connection was open (docs/analysis.md, "When diagnostics are raised"),
   * by raisedKey: the end-of-connection detectors do not raise them again. Made at the first.
   */
  private raised: Set<string> | null = null;

  constructor(
    private readonly conn: TcpConnectionInfo,
    private readonly opts: AnalysisOptions,
    private readonly budget?: DiagnosticBudget,
  ) {
    this.settings = new SettingsTimeline(opts.maxListed);
    this.abuse = new AbuseTracker(conn.id, opts.abuse, this.settings);
  }

  event(ev: ObservedEvent): ObserverOutput[] {
    if (ev.kind === 'call') return this.call(ev.call);
    if (ev.kind === 'diagnostic') return this.noteDiagnostic(ev.diagnostic);
    else if (ev.kind === 'frame') return this.frame(ev);
    else if (ev.kind === 'tcp-close' && !this.closed) return this.firstClose(ev.how, ev.time);
    return NO_OUTPUT;
  }

  /** The first FIN or RST: an idle connection dropped without GOAWAY is known now, not at its end. */
  private firstClose(how: 'fin' | 'rst', time: number): ObserverOutput[] {
    this.closed = true;
    if (this.clientFrames + this.serverFrames === 0) return NO_OUTPUT;
    return this.raise(
      detectIdleDrop({
        id: this.conn.id,
        opts: this.opts,
        reason: how,
        lastActivity: this.lastActivity,
        pingsRecord: this.pings.record(time, this.opts.pingAckTimeoutMs),
        record: { end: time },
        goaways: (this.goawayTracker?.count ?? 0) > 0 ? [null] : [],
        concurrency: { totalActive: this.concurrency?.totalActive ?? 0 },
      }),
    );
  }

  /** Diagnostics raised while the connection is open, remembered so end() does not repeat them. */
  private raise(found: Diagnostic[]): ObserverOutput[] {
    if (found.length === 0) return NO_OUTPUT;
    const raised = (this.raised ??= new Set());
    for (const d of found) raised.add(raisedKey(d));
    return found.map((diagnostic) => ({ kind: 'diagnostic' as const, diagnostic }));
  }

  /** A call ended: kept for the detectors, or the oldest kept one judged now (CallLedger). */
  private call(call: CallRecord): ObserverOutput[] {
    const ledger = (this.ledger ??= new CallLedger(this.opts.maxPendingCalls, this.opts.maxTrackedStreams));
    const judged = ledger.add(callFacts(call));
    if (judged === null) return NO_OUTPUT;
    const one = {
      id: this.conn.id,
      opts: this.opts,
      streams: this.streams,
      calls: [judged],
      okDurations: (m: string | null) => ledger.okDurations(m),
    };
    const found = [...detectDeadlineExceeded(one), ...detectDeadlineOverrun(one), ...detectClientCancel(one)];
    return found.map((diagnostic) => ({ kind: 'diagnostic' as const, diagnostic }));
  }

  end(record: ConnectionRecord, reason: TcpEndReason) {
    const frames = this.clientFrames + this.serverFrames;
    if (frames === 0 && record.h2Detection === null) return { outputs: [] };
    const facts = this.facts(record, reason);
    const raised = this.raised;
    const found = CONNECTION_DETECTORS.flatMap((detect) => detect(facts));
    const diagnostics = raised === null ? found : found.filter((d) => !raised.has(raisedKey(d)));
    const streams = this.streams.records();
    const omitted = this.streams.omitted;
    const extend: Partial<ConnectionRecord> = {
      flowControl: facts.flowControl,
      settings: this.settings.record(),
      pings: facts.pingsRecord,
      goaway: facts.goaways,
      streams,
      ...(omitted > 0 ? { streamsOmitted: omitted } : {}),
      concurrency: this.concurrencyRecord(),
      hpack: this.hpackRecord(),
    };
    return {
      outputs: diagnostics.map((diagnostic) => ({ kind: 'diagnostic' as const, diagnostic })),
      extend: extend as Record<string, unknown>,
    };
  }

  /**
   * The analysis fields of the open connection as they stand (Engine.snapshot()): what end() would add,
   * without its side effects (streams refused by a GOAWAY are marked only at the end, violations only
   * judged there) and with copies of the lists that go on changing, so the snapshot stays as it was taken.
   */
  snapshot(record: ConnectionRecord): Record<string, unknown> | undefined {
    const frames = this.clientFrames + this.serverFrames;
    if (frames === 0 && record.h2Detection === null) return undefined;
    const inexact = record.h2Detection === 'mid-connection' ? INEXACT['session.mid-connection']! : null;
    const why = this.inexact ?? inexact;
    // Per-stream lists hold the streams still open: a snapshot is taken again and again, and a busy
    // connection's closed streams (up to maxStreams of them, with their histories) made every snapshot
    // hundreds of KB; they are in the final record.
    const open = (id: number): boolean => {
      const e = this.streams.get(id);
      return e !== undefined && stateOf(e) !== 'closed';
    };
    const flow = (r: Role) => {
      const rec = (this.flowIfAny(r) ?? this.newFlow(r)).record();
      return { ...rec, streams: rec.streams.filter((x) => open(x.stream)), stalls: rec.stalls.slice() };
    };
    const settings = this.settings.record();
    for (const side of [settings.client, settings.server]) side.frames = side.frames.map((f) => ({ ...f }));
    const omitted = this.streams.omitted;
    const extend: Partial<ConnectionRecord> = {
      flowControl: {
        exact: why === null,
        ...(why !== null ? { note: why } : {}),
        client: flow('client'),
        server: flow('server'),
      },
      settings,
      pings: this.pings.record(record.end, this.opts.pingAckTimeoutMs),
      goaway: this.goaway.current(this.streams),
      streams: this.streams
        .records()
        .filter((st) => st.state !== 'closed')
        .map((st) => ({ ...st, states: st.states.slice() })),
      ...(omitted > 0 ? { streamsOmitted: omitted } : {}),
      concurrency: this.concurrencyRecord(),
      hpack: this.hpackRecord(),
    };
    return extend as Record<string, unknown>;
  }

  private facts(record: ConnectionRecord, reason: TcpEndReason): ConnectionFacts {
    if (record.h2Detection === 'mid-connection') this.inexact ??= INEXACT['session.mid-connection']!;
    const goaways = this.goaway.finish(this.streams); // marks refused streams: before any record
    for (const v of this.streams.unopened()) this.violation(v);
    const exact = this.inexact === null;
    const pings = this.pings;
    return {
      id: this.conn.id,
      record,
      reason,
      opts: this.opts,
      exact,
      flowControl: {
        exact,
        ...(this.inexact !== null ? { note: this.inexact } : {}),
        client: this.flowOf('client').record(),
        server: this.flowOf('server').record(),
      },
      flow: { client: this.flowOf('client'), server: this.flowOf('server') },
      settings: this.settings,
      pings,
      pingsRecord: pings.record(record.end, this.opts.pingAckTimeoutMs),
      streams: this.streams,
      concurrency: this.concurrencyTracker(),
      goaways,
      violations: this.violations,
      violationCount: this.violationCount,
      calls: this.ledger?.pending ?? [],
      grpcResets: this.ledger?.resetStreams ?? NO_STREAMS,
      okDurations: (m) => this.ledger?.okDurations(m) ?? [],
      seen: this.seen,
      abuse: this.abuse,
      framesFrom: { client: this.clientFrames, server: this.serverFrames },
      lastActivity: this.lastActivity,
      starvationJudged: (sender, stream) => this.raised?.has(starvationKey(sender, stream)) === true,
    };
  }

  private frame(ev: Extract<H2Event, { kind: 'frame' }>): ObserverOutput[] {
    const f = ev.frame;
    if (f.from === 'client') this.clientFrames++;
    else this.serverFrames++;
    // Abuse patterns are raised at the frame that completes their evidence, whatever else it does.
    const abuse = this.abuse.onFrame(f, f.stream > 0 ? this.streams.get(f.stream) : undefined);
    const out = this.frameAnalysis(ev, f);
    if (abuse.length === 0) return out;
    return [...this.raise(abuse), ...out];
  }

  private frameAnalysis(ev: Extract<H2Event, { kind: 'frame' }>, f: FrameRecord): ObserverOutput[] {
    if (f.type !== 'PING') this.lastActivity = f.time;
    if (ev.hpack !== undefined)
      (this.hpack ??= new HpackOccupancy(this.opts.maxSeriesPoints)).onBlock(f.from, f.time, ev.hpack);
    switch (f.type) {
      case 'SETTINGS': {
        const applied = this.settings.onFrame(f);
        if (applied !== null) this.apply(applied);
        break;
      }
      case 'PING': {
        const active = this.concurrency?.totalActive ?? 0;
        (this.pingTracker ??= this.newPings()).onPing(f, active, this.streams.openedCount);
        // Keepalive cadence is judged at each idle PING a side sends, until it is found too frequent.
        const judged = this.raised?.has(`analysis.keepalive.too-frequent|${f.from}|`) === true;
        if (f.ack !== true && active === 0 && !judged) {
          const found = detectFrequentPings({ id: this.conn.id, opts: this.opts, pings: this.pings }, [
            f.from,
          ]);
          return this.raise(found);
        }
        break;
      }
      case 'GOAWAY': {
        const tracker = (this.goawayTracker ??= new GoawayTracker());
        const first = tracker.count === 0;
        tracker.onGoaway(f, this.streams);
        // The one GOAWAY whose diagnostic needs nothing from later frames: raised now, while the connection
        // may still carry its calls in flight (the end judges the others, whose causes it completes).
        const g = {
          from: f.from,
          time: f.time,
          lastStreamId: f.lastStreamId ?? 0,
          debugData: f.debugData ?? '',
        };
        if (first && isTooManyPings({ errorCode: f.errorCode ?? '', debugData: g.debugData }))
          return this.raise([tooManyPings(this.conn.id, this.pings, g)]);
        break;
      }
      case 'WINDOW_UPDATE':
        // The receiver grants window to the other side's DATA.
        if (f.increment !== undefined)
          this.flowOf(peerOf(f.from)).windowUpdate(f.stream, f.increment, f.time);
        break;
      default:
        if (f.stream > 0) return this.streamFrame(f, ev);
    }
    return NO_OUTPUT;
  }

  private streamFrame(f: FrameRecord, ev: Extract<H2Event, { kind: 'frame' }>): ObserverOutput[] {
    if (f.type === 'DATA') {
      // Stream windows are created at their first use with the initial window then in force: the same
      // value as created at the stream's opening and moved by every SETTINGS change since (§6.9.2).
      const opened = this.streams.get(f.stream)?.opened ?? f.time;
      const pending = this.settings.pending(peerOf(f.from), 'INITIAL_WINDOW_SIZE');
      const flow = this.flowOf(f.from);
      const stalls = flow.totalStalls;
      flow.data(f.stream, f.length, f.time, f.index, pending, opened);
      const starved = flow.totalStalls > stalls ? this.starvedSoFar(f.stream, flow, f.time) : NO_OUTPUT;
      if (starved.length > 0) return [...starved, ...this.streamChange(f, ev)];
    }
    return this.streamChange(f, ev);
  }

  /**
   * A DATA frame ended a wait for window on a stream open for a whole live window (`imbalanceWindowMs`): a
   * stream that never closes (a server stream fed for hours to a slow reader) is judged with its figures so
   * far, once, instead of at the connection's end. Shorter streams are judged at their close, as before.
   */
  private starvedSoFar(stream: number, flow: FlowDirection, time: number): ObserverOutput[] {
    if (this.inexact !== null || this.raised?.has(starvationKey(flow.sender, stream))) return NO_OUTPUT;
    const s = flow.streamFigures(stream);
    if (s === null || s.first === null || (time - s.first) * 1000 < this.opts.imbalanceWindowMs)
      return NO_OUTPUT;
    const d = this.judgeStarvation(flow, s);
    return d === null ? NO_OUTPUT : this.raise([d]);
  }

  /**
   * starvation() for one stream, or null. Past the per-code cap (DiagnosticBudget) a starved stream is
   * counted and remembered as raised, but not built: on a loaded connection thousands of unary calls wait
   * for the connection window, and building each message and evidence cost a tenth of --summary.
   */
  private judgeStarvation(flow: FlowDirection, s: StreamFlowFigures): Diagnostic | null {
    const dir = { stalls: flow.stallsOf(s.stream), initialWindow: flow.initial };
    const budget = this.budget;
    if (budget === undefined || budget.passes(STARVATION)) {
      return starvation({ id: this.conn.id, opts: this.opts }, flow.sender, dir, s);
    }
    if (isStarved(this.opts, dir, s)) {
      budget.count(STARVATION);
      (this.raised ??= new Set()).add(starvationKey(flow.sender, s.stream));
    }
    return null;
  }

  private streamChange(f: FrameRecord, ev: Extract<H2Event, { kind: 'frame' }>): ObserverOutput[] {
    const change = this.writableStreams().onFrame(f, ev.fields);
    if (change === null) return NO_OUTPUT;
    if (change.violation !== null) this.violation(change.violation);
    this.concurrencyTracker().onChange(change, f.time);
    if (change.after !== 'closed') return NO_OUTPUT;
    const id = change.entry.id;
    const out = this.inexact === null ? this.starvedAtClose(id) : NO_OUTPUT;
    this.clientFlow?.close(id);
    this.serverFlow?.close(id);
    return out;
  }

  /** A stream closed: its flow figures are final, so whether it starved for window is known now. */
  private starvedAtClose(stream: number): ObserverOutput[] {
    let found: Diagnostic[] | null = null;
    for (const flow of [this.clientFlow, this.serverFlow]) {
      // Most streams never wait: ask the count before building the stream's record (its window series).
      if (flow === null || flow.stallsCount(stream) === 0) continue;
      // Judged already while it was open (starvedSoFar): not said twice.
      if (this.raised?.has(starvationKey(flow.sender, stream)) === true) continue;
      const s = flow.streamFigures(stream);
      if (s === null) continue;
      const d = this.judgeStarvation(flow, s);
      if (d !== null) (found ??= []).push(d);
    }
    return found === null ? NO_OUTPUT : this.raise(found);
  }

  /** The stream table, or the shared empty one (never written: only writableStreams() changes tables). */
  private get streams(): StreamTable {
    return this.streamTable ?? NO_STREAM_TABLE;
  }

  private writableStreams(): StreamTable {
    return (this.streamTable ??= new StreamTable(this.opts.maxStreams, this.opts.maxTrackedStreams));
  }

  /** The PING tracker, or a new one standing for it (not kept) when no PING was seen. */
  private get pings(): PingTracker {
    return this.pingTracker ?? this.newPings();
  }

  private newPings(): PingTracker {
    return new PingTracker(this.opts.maxListed);
  }

  private get goaway(): GoawayTracker {
    return this.goawayTracker ?? new GoawayTracker();
  }

  private flowIfAny(sender: Role): FlowDirection | null {
    return sender === 'client' ? this.clientFlow : this.serverFlow;
  }

  private newFlow(sender: Role): FlowDirection {
    return new FlowDirection(sender, this.conn.start, this.opts);
  }

  private flowOf(sender: Role): FlowDirection {
    if (sender === 'client') return (this.clientFlow ??= this.newFlow('client'));
    return (this.serverFlow ??= this.newFlow('server'));
  }

  private concurrencyTracker(): ConcurrencyTracker {
    return (this.concurrency ??= new ConcurrencyTracker(this.opts.maxSeriesPoints, (r) =>
      this.streamLimit(r, true),
    ));
  }

  private concurrencyRecord(): ConcurrencyRecord {
    const tracker = this.concurrency ?? new ConcurrencyTracker(this.opts.maxSeriesPoints, () => null);
    return tracker.record((r) => this.streamLimit(r, false));
  }

  private hpackRecord(): HpackRecord {
    const occupancy = this.hpack ?? new HpackOccupancy(this.opts.maxSeriesPoints);
    return occupancy.record((r) => this.settings.value(peerOf(r), 'HEADER_TABLE_SIZE') ?? null);
  }

  private violation(v: StateViolation): void {
    this.violationCount++;
    if (this.violations.length >= this.opts.maxListed) return;
    if (this.violations === NO_VIOLATIONS) this.violations = [];
    this.violations.push(v);
  }

  /** SETTINGS acknowledged: what changes for the acknowledging side's sending (RFC 9113 §6.5.3, §6.9.2). */
  private apply(applied: AppliedSettings): void {
    const initial = applied.values['INITIAL_WINDOW_SIZE'];
    if (initial !== undefined)
      this.flowOf(peerOf(applied.announcer)).applyInitialWindow(initial, applied.time);
  }

  /**
   * The SETTINGS_MAX_CONCURRENT_STREAMS `initiator`'s streams are bound by (announced by its peer); null is
   * unlimited. `permissive`: a value announced but not yet acknowledged counts when it is larger.
   */
  private streamLimit(initiator: Role, permissive: boolean): number | null {
    const announcer = peerOf(initiator);
    const acked = this.settings.value(announcer, 'MAX_CONCURRENT_STREAMS') ?? null;
    if (!permissive) return acked;
    const pending = this.settings.pending(announcer, 'MAX_CONCURRENT_STREAMS');
    if (acked === null || pending === null) return acked;
    return Math.max(acked, pending);
  }

  private noteDiagnostic(d: Diagnostic): ObserverOutput[] {
    const found = this.abuse.onDiagnostic(d);
    this.note(d);
    return found.length === 0 ? NO_OUTPUT : this.raise(found);
  }

  private note(d: Diagnostic): void {
    const why = INEXACT[d.code];
    if (why !== undefined) this.inexact ??= why;
    if (d.code === 'session.h2c-upgrade') {
      const time = d.time ?? this.conn.start;
      // The upgrade request is stream 1's request (RFC 7540 §3.2): "GET /hello" from "GET /hello HTTP/1.1".
      const line = d.evidence?.['requestLine'];
      const request = typeof line === 'string' ? line.replace(/\s+HTTP\/\S+$/, '') : null;
      this.concurrencyTracker().onChange(this.writableStreams().upgraded(time, request || null), time);
    }
    if (this.seen.length >= MAX_SEEN) return;
    const from = d.evidence?.['from'];
    if (this.seen === NO_SEEN) this.seen = [];
    this.seen.push({
      code: d.code,
      title: DIAGNOSTICS[d.code]?.title ?? d.code,
      message: d.message,
      from: from === 'client' || from === 'server' ? from : null,
      time: d.time ?? null,
    });
  }
}

/**
 * What identifies a diagnostic the connection analysis may raise early: code, side and stream (one
 * too-frequent per side, one idle drop, one starvation per sender and stream).
 */
function raisedKey(d: Diagnostic): string {
  const e = d.evidence ?? {};
  const side = e['from'] ?? e['sender'] ?? '';
  return `${d.code}|${String(side)}|${d.code === STARVATION ? String(d.stream) : ''}`;
}

const STARVATION = 'analysis.flow.starvation';

/** raisedKey of a stream's starvation. */
function starvationKey(sender: Role, stream: number): string {
  return `${STARVATION}|${sender}|${stream}`;
}

/** The factory the pipeline registers (after the gRPC observer, whose calls it reads). */
export function analysisObserverFactory(options: Partial<AnalysisOptions> = {}): ConnectionObserverFactory {
  const opts = analysisOptions(options);
  return (conn, budget) => new ConnectionAnalyzer(conn, opts, budget);
}
