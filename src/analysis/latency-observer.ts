/**
 * Adds `latency` (src/analysis/call-latency.ts) to every call the gRPC observer produces. It wraps that
 * observer rather than following it in the chain because a call goes to the sinks as soon as it is
 * produced: the breakdown must be on the record by then. It keeps, per connection, the times it needs
 * from the HTTP/2 events (request end, first response HEADERS, flow-control waits per open stream, the
 * client's first frame, streams open against MAX_CONCURRENT_STREAMS) and reads the TCP analysis of the
 * connection (handshake, retransmission delays) through TcpConnectionInfo.analysis. State is per open
 * stream and bounded (MAX_STALLS per stream); nothing is kept for closed streams.
 */
import type {
  ConnectionObserver,
  ConnectionObserverFactory,
  ObservedEvent,
  ObserverOutput,
} from '../engine/observer.js';
import type { CallRecord, CallSetup } from '../records/call.js';
import type { ConnectionRecord, FrameRecord, Role } from '../records/records.js';
import type { TcpConnectionInfo, TcpEndReason } from '../tcp/types.js';
import { callLatency, roundMs, type Span } from './call-latency.js';

const MAX_STALLS = 64;
/**
 * How soon after a slot frees a queued call's HEADERS follows: 50 ms, or 2 handshake RTTs if more (grpc-js on a
 * busy 2-core machine took 21 ms in samples/grpc-stream-limit.pcap).
 */
const FREED_SLOT_WINDOW = 0.05;
const MAX_FREED = 64;
const DEFAULT_WINDOW = 65_535;

/** A flow-control window as its sender sees it, with what was left after its last DATA. */
interface Window {
  value: number;
  lastData: number;
  left: number;
  raised: boolean;
  /** When the stream opened (the connection window's: the connection's start). */
  opened: number;
}

interface StreamTiming {
  opened: number;
  requestEnd: number | null;
  responseHeaders: number | null;
  /** END_STREAM from the client, from the server. */
  clientEnded: boolean;
  serverEnded: boolean;
  /** Each side's waits for window, made at the first (most calls never wait). */
  clientStalls: Span[] | null;
  serverStalls: Span[] | null;
  first: boolean;
  streamLimit: { limit: number; fullMs: number } | null;
}

/** Shared empty maps, replaced by a connection's own at its first entry. */
const NO_WINDOWS: Map<number, Window> = new Map();
const NO_TIMINGS: Map<number, StreamTiming> = new Map();
/** A stream's waits when it made none (never written to). */
const NO_SPANS: readonly Span[] = Object.freeze([]);

/**
 * The windows one side sends through. It is itself the connection's window (its first five fields): one
 * object per side of every open connection rather than two.
 */
class SenderWindows implements Window {
  value = DEFAULT_WINDOW;
  lastData: number;
  left = DEFAULT_WINDOW;
  raised = false;
  /** The connection window's opening: the connection's start. */
  opened: number;
  /** The shared empty map until the first stream (an idle connection holds none; never written to). */
  streams: Map<number, Window> = NO_WINDOWS;
  initial = DEFAULT_WINDOW;
  pendingInitial: number | null = null;

  constructor(start: number) {
    this.lastData = start;
    this.opened = start;
  }

  open(stream: number, time: number): void {
    if (this.streams.has(stream)) return;
    if (this.streams === NO_WINDOWS) this.streams = new Map();
    this.streams.set(stream, {
      value: this.initial,
      lastData: time,
      left: this.initial,
      raised: false,
      opened: time,
    });
  }

  /** DATA of `length`: the wait it had to make for window, if any (as FlowDirection.checkStall). */
  data(stream: number, length: number, time: number): Span | null {
    this.open(stream, time);
    const w = this.streams.get(stream)!;
    // The stream's window, then the connection's: written out rather than a loop over a fresh [w, this]
    // (two arrays per DATA frame).
    let since = Infinity;
    if (length > 0 && w.left < length && w.raised) since = w.lastData;
    if (length > 0 && this.left < length && this.raised) since = Math.min(since, this.lastData);
    // A connection window used up before this stream opened: the stream waited from its opening only.
    since = Math.max(since, w.opened);
    spend(w, length, time);
    spend(this, length, time);
    return since === Infinity || since >= time ? null : { start: since, end: time };
  }

  update(stream: number, increment: number): void {
    const w = stream === 0 ? this : this.streams.get(stream);
    if (w === undefined) return;
    w.value += increment;
    if (increment > 0) w.raised = true;
  }

  /** RFC 9113 §6.9.2: a new SETTINGS_INITIAL_WINDOW_SIZE moves every open stream window by the change. */
  applyInitial(): void {
    if (this.pendingInitial === null) return;
    const delta = this.pendingInitial - this.initial;
    this.initial = this.pendingInitial;
    this.pendingInitial = null;
    for (const w of this.streams.values()) {
      w.value += delta;
      if (delta > 0) w.raised = true;
    }
  }
}

/** A DATA of `length` at `time` through window `x`. */
function spend(x: Window, length: number, time: number): void {
  x.value -= length;
  x.lastData = time;
  x.left = x.value;
  x.raised = false;
}

export function withCallLatency(inner: ConnectionObserverFactory): ConnectionObserverFactory {
  return (conn, budget) => new LatencyObserver(conn, inner(conn, budget));
}

class LatencyObserver implements ConnectionObserver {
  /** Made at the first stream: an idle connection holds no map (docs/performance.md, live connections). */
  private streams: Map<number, StreamTiming> = NO_TIMINGS;
  /** Streams closed by the current event; made at the first. */
  private closed: number[] | null = null;
  private firstClientFrame: number | null = null;
  private firstResponse: number | null = null;
  /**
   * Each side's send windows, made at the first frame that moves them (a stream, a connection credit, an
   * initial window other than the default): an idle connection holds none.
   */
  private clientSend: SenderWindows | null = null;
  private serverSend: SenderWindows | null = null;
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS (the client's limit), from its latest SETTINGS. */
  private limit: number | null = null;
  private open = 0;
  private fullSince: number | null = null;
  /**
   * Slots freed while the connection was at its limit: [full since, freed at], each taken by the next
   * request HEADERS that follows within FREED_SLOT_WINDOW (a queued call goes out as soon as a slot frees).
   */
  private freed: Array<{ since: number; at: number }> | null = null;

  constructor(
    private readonly conn: TcpConnectionInfo,
    private readonly inner: ConnectionObserver,
  ) {}

  event(ev: ObservedEvent): ObserverOutput[] {
    if (ev.kind === 'frame') this.frame(ev.frame);
    const out = this.inner.event(ev);
    // In place: decorate() changes a call record and keeps every output where it is (no array per event).
    for (let i = 0; i < out.length; i++) this.decorate(out[i]!);
    if (this.closed !== null) {
      for (const id of this.closed) this.streams.delete(id);
      this.closed.length = 0;
    }
    return out;
  }

  end(
    record: ConnectionRecord,
    reason: TcpEndReason,
  ): { outputs: ObserverOutput[]; extend?: Record<string, unknown> } {
    const r = this.inner.end(record, reason);
    const outputs = r.outputs;
    for (let i = 0; i < outputs.length; i++) this.decorate(outputs[i]!);
    this.streams.clear();
    return r.extend === undefined ? { outputs } : { outputs, extend: r.extend };
  }

  snapshot(record: ConnectionRecord): Record<string, unknown> | undefined {
    return this.inner.snapshot?.(record);
  }

  private decorate(o: ObserverOutput): void {
    if (o.kind !== 'call') return;
    // The call is new and not yet given to any sink: adding the field is cheaper than copying the record.
    o.call.latency = this.latency(o.call);
  }

  private latency(call: CallRecord): NonNullable<CallRecord['latency']> {
    const t = this.streams.get(call.stream);
    const view = this.conn.analysis;
    const retransmissions = view === undefined ? NO_SPANS : view.episodesSince(call.start);
    return callLatency({
      start: call.start,
      end: call.end,
      requestEnd: t?.requestEnd ?? null,
      responseHeaders: t?.responseHeaders ?? null,
      retransmissions,
      clientStalls: t?.clientStalls ?? NO_SPANS,
      serverStalls: t?.serverStalls ?? NO_SPANS,
      setup: t?.first === true ? this.setup(call.start) : null,
      streamLimit: t?.streamLimit ?? null,
    });
  }

  /** What a first call waited for before its HEADERS: TCP handshake, TLS, the HTTP/2 preface exchange. */
  private setup(start: number): CallSetup | null {
    const first = this.firstClientFrame;
    if (first === null) return null;
    const view = this.conn.analysis;
    const hs = view?.handshake() ?? null;
    const payloads = [view?.firstPayloadTime(0) ?? null, view?.firstPayloadTime(1) ?? null].filter(
      (x): x is number => x !== null,
    );
    const firstByte = payloads.length > 0 ? Math.min(...payloads) : null;
    const connected = hs?.ack ?? firstByte;
    const tcpConnectMs = hs?.initialRttMs ?? null;
    // Handshake done to the first payload byte: the client taking its time (not the network).
    const idleMs =
      connected === null || firstByte === null ? null : roundMs(Math.max(0, firstByte - connected) * 1000);
    // First payload byte to the first HTTP/2 frame: TLS (or an h2c upgrade); 0 when the preface came first.
    const tlsMs = firstByte === null ? null : roundMs(Math.max(0, first - firstByte) * 1000);
    const settingsMs = roundMs(Math.max(0, start - first) * 1000);
    const totalMs = roundMs((tcpConnectMs ?? 0) + (idleMs ?? 0) + (tlsMs ?? 0) + settingsMs);
    return { tcpConnectMs, idleMs, tlsMs, settingsMs, totalMs };
  }

  private sender(role: Role): SenderWindows {
    if (role === 'client') return (this.clientSend ??= new SenderWindows(this.conn.start));
    return (this.serverSend ??= new SenderWindows(this.conn.start));
  }

  /** The side's windows if made (see clientSend). */
  private senderIfAny(role: Role): SenderWindows | null {
    return role === 'client' ? this.clientSend : this.serverSend;
  }

  private frame(f: FrameRecord): void {
    if (f.from === 'client') this.firstClientFrame ??= f.time;
    const peer: Role = f.from === 'client' ? 'server' : 'client';
    switch (f.type) {
      case 'SETTINGS':
        if (f.ack === true) {
          // The acknowledging side now sends under the window size its peer announced.
          this.senderIfAny(f.from)?.applyInitial();
        } else {
          const initial = f.settings?.['INITIAL_WINDOW_SIZE'];
          // The default initial window changes nothing in windows not made yet: they start with it.
          if (initial !== undefined && (initial !== DEFAULT_WINDOW || this.senderIfAny(peer) !== null))
            this.sender(peer).pendingInitial = initial;
          const max = f.settings?.['MAX_CONCURRENT_STREAMS'];
          if (f.from === 'server' && max !== undefined) this.limit = max;
        }
        return;
      case 'WINDOW_UPDATE':
        // A stream's credit before any stream window exists moves nothing (SenderWindows.update).
        if (f.increment !== undefined)
          (f.stream === 0 ? this.sender(peer) : this.senderIfAny(peer))?.update(f.stream, f.increment);
        return;
      case 'HEADERS':
        this.headers(f);
        break;
      case 'DATA': {
        const t = this.streams.get(f.stream);
        const stall = this.sender(f.from).data(f.stream, f.length, f.time);
        if (t !== undefined && stall !== null) {
          const list = f.from === 'client' ? (t.clientStalls ??= []) : (t.serverStalls ??= []);
          if (list.length < MAX_STALLS) list.push(stall);
        }
        break;
      }
      case 'RST_STREAM':
        this.close(f.stream, f.time);
        return;
      default:
        return;
    }
    if (f.flags.includes('END_STREAM')) this.endStream(f);
  }

  private headers(f: FrameRecord): void {
    if (f.from === 'server') {
      this.firstResponse ??= f.time;
      const t = this.streams.get(f.stream);
      if (t !== undefined) t.responseHeaders ??= f.time;
      return;
    }
    if (this.streams.has(f.stream) || f.stream % 2 === 0) return;
    const first = this.firstResponse === null;
    let streamLimit: StreamTiming['streamLimit'] = null;
    const freed = this.freed;
    let slot: { since: number; at: number } | undefined;
    if (freed !== null && freed.length > 0) {
      // Only when a slot was freed: the handshake's figures are a new object at each ask.
      const window = Math.max(
        FREED_SLOT_WINDOW,
        2 * ((this.conn.analysis?.handshake()?.initialRttMs ?? 0) / 1000),
      );
      while (freed.length > 0 && f.time - freed[0]!.at > window) freed.shift();
      slot = freed.shift();
    }
    if (slot !== undefined && this.limit !== null)
      streamLimit = { limit: this.limit, fullMs: roundMs((slot.at - slot.since) * 1000) };
    if (this.streams === NO_TIMINGS) this.streams = new Map();
    this.streams.set(f.stream, {
      opened: f.time,
      requestEnd: null,
      responseHeaders: null,
      clientEnded: false,
      serverEnded: false,
      clientStalls: null,
      serverStalls: null,
      first,
      streamLimit,
    });
    this.sender('client').open(f.stream, f.time);
    this.sender('server').open(f.stream, f.time);
    this.open++;
    if (this.limit !== null && this.open >= this.limit)
      this.fullSince = slot === undefined ? (this.fullSince ?? f.time) : f.time;
    else this.fullSince = null;
  }

  private endStream(f: FrameRecord): void {
    const t = this.streams.get(f.stream);
    if (t === undefined) return;
    if (f.from === 'client') {
      t.requestEnd ??= f.time;
      t.clientEnded = true;
    } else {
      t.serverEnded = true;
    }
    if (t.clientEnded && t.serverEnded) this.close(f.stream, f.time);
  }

  private close(stream: number, time: number): void {
    if (!this.streams.has(stream) || this.closed?.includes(stream) === true) return;
    (this.closed ??= []).push(stream);
    this.clientSend?.streams.delete(stream);
    this.serverSend?.streams.delete(stream);
    // Every stream closing after the limit was reached frees a slot for a queued call (several may close
    // in one packet); `fullSince` stays until the next request HEADERS says whether it is full again.
    if (this.fullSince !== null && (this.freed?.length ?? 0) < MAX_FREED)
      (this.freed ??= []).push({ since: this.fullSince, at: time });
    this.open--;
  }
}
