import { MAX_WINDOW_SIZE } from '../h2/constants.js';
import type { FlowDirectionRecord, Role, StallRecord, StreamFlowRecord } from '../records/records.js';
import { DEFAULT_INITIAL_WINDOW_SIZE, FlowWindow } from './flow-window.js';
import { msBetween, roundMs } from './format.js';
import type { AnalysisOptions } from './options.js';

/** DATA larger than the window it had (RFC 9113 §6.9.1: a FLOW_CONTROL_ERROR). */
export interface Overrun {
  stream: number;
  time: number;
  frame: number;
  window: 'stream' | 'connection';
  available: number;
  length: number;
}

/** A WINDOW_UPDATE that takes a window past 2^31-1 (RFC 9113 §6.9.1). */
export interface Overflow {
  stream: number;
  time: number;
  increment: number;
  value: number;
}

/** A stream's window and what went through it: one object per stream and direction, not two. */
class StreamFlow extends FlowWindow {
  /** When the stream opened: a wait for the connection window cannot start before the stream existed. */
  opened = 0;
  bytes = 0;
  frames = 0;
  first: number | null = null;
  last: number | null = null;
  stalls = 0;
  stalledMs = 0;
  open = true;
}

function streamFlowRecord(stream: number, s: StreamFlow): StreamFlowRecord {
  return { stream, window: s.record(), ...streamCounts(s) };
}

/** A stream's figures without its window series (the record's fields after `window`, in its order). */
function streamCounts(s: StreamFlow): Omit<StreamFlowRecord, 'stream' | 'window'> {
  return {
    bytes: s.bytes,
    frames: s.frames,
    first: s.first,
    last: s.last,
    stalls: s.stalls,
    stalledMs: roundMs(s.stalledMs),
  };
}

/**
 * Flow control of the DATA one side (the sender) sends: the connection window and one window per stream,
 * as granted by the other side (RFC 9113 §5.2, §6.9). DATA consumes its whole payload, WINDOW_UPDATE from
 * the receiver restores, and the receiver's SETTINGS_INITIAL_WINDOW_SIZE shifts every open stream window
 * once the sender has acknowledged it (§6.9.2). Also finds the waits (stalls) and the overruns.
 */
export class FlowDirection {
  private readonly connection: FlowWindow;
  private readonly streams = new Map<number, StreamFlow>();
  private initialWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  private readonly stalls: StallRecord[] = [];
  /** Index in `stalls` of each listed stream's first wait (as many entries as `stalls` at most). */
  private firstListed: Map<number, number> | null = null;
  private stallCount = 0;
  private stalledMs = 0;
  private bytes = 0;
  private frames = 0;
  private windowUpdates = 0;
  private first: number | null = null;
  private last: number | null = null;
  readonly overruns: Overrun[] = [];
  overrunCount = 0;
  readonly overflows: Overflow[] = [];

  constructor(
    readonly sender: Role,
    start: number,
    private readonly opts: AnalysisOptions,
  ) {
    // RFC 9113 §6.9.2: the connection window is 65,535 and only WINDOW_UPDATE changes it.
    this.connection = new FlowWindow(DEFAULT_INITIAL_WINDOW_SIZE, start, opts.maxSeriesPoints);
  }

  /** The stream is closed: settings changes no longer touch it; past the listing cap it is only counted. */
  close(stream: number): void {
    const s = this.streams.get(stream);
    if (s === undefined) return;
    s.open = false;
    if (this.streams.size > this.opts.maxStreams) {
      this.streams.delete(stream);
    }
  }

  /**
   * `pendingInitial`: a SETTINGS_INITIAL_WINDOW_SIZE the receiver sent that is not acknowledged yet;
   * `opened`: when the stream opened (a first DATA may have waited since then).
   */
  data(
    stream: number,
    length: number,
    time: number,
    frame: number,
    pendingInitial: number | null,
    opened = time,
  ): void {
    const s = this.stream(stream, opened);
    if (s.frames === 0) s.opened = opened;
    this.bytes += length;
    this.frames++;
    this.first ??= time;
    this.last = time;
    s.bytes += length;
    s.frames++;
    s.first ??= time;
    s.last = time;
    if (length > 0) {
      this.checkStall(stream, s, length, time);
      this.checkOverrun(stream, s, length, time, frame, pendingInitial);
    }
    s.consume(length, time);
    this.connection.consume(length, time);
  }

  windowUpdate(stream: number, increment: number, time: number): void {
    this.windowUpdates++;
    const w = stream === 0 ? this.connection : this.stream(stream, time);
    w.adjust(increment, time);
    if (w.value > MAX_WINDOW_SIZE && this.overflows.length < this.opts.maxListed) {
      this.overflows.push({ stream, time, increment, value: w.value });
    }
  }

  /** The sender acknowledged the receiver's new SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 §6.9.2). */
  applyInitialWindow(value: number, time: number): void {
    const delta = value - this.initialWindow;
    this.initialWindow = value;
    if (delta === 0) return;
    for (const s of this.streams.values()) if (s.open) s.adjust(delta, time);
  }

  get totalStalls(): number {
    return this.stallCount;
  }

  get initial(): number {
    return this.initialWindow;
  }

  /** One stream's figures as in the record (null when it carried no DATA or is no longer kept). */
  streamRecord(stream: number): StreamFlowRecord | null {
    const s = this.streams.get(stream);
    return s === undefined || s.frames === 0 ? null : streamFlowRecord(stream, s);
  }

  /**
   * One stream's figures without its window series (null as streamRecord): what a starvation judgement
   * reads at every stream close, where building the series cost more than the judgement.
   */
  streamFigures(stream: number): Omit<StreamFlowRecord, 'window'> | null {
    const s = this.streams.get(stream);
    if (s === undefined || s.frames === 0) return null;
    return { stream, ...streamCounts(s) };
  }

  /** How many times one stream waited for window (0 when it carried no DATA or is no longer kept). */
  stallsCount(stream: number): number {
    return this.streams.get(stream)?.stalls ?? 0;
  }

  /** The listed stalls of one stream (the list holds the first `maxListed` of the direction). */
  stallsOf(stream: number): StallRecord[] {
    // Asked at every close of a stream that waited: scanning the whole list (up to maxListed) each time
    // cost more than the rest of the judgement. Past the cap no stream has a listed wait.
    const out: StallRecord[] = [];
    const from = this.firstListed?.get(stream);
    if (from === undefined) return out;
    for (let i = from; i < this.stalls.length; i++) {
      const x = this.stalls[i]!;
      if (x.stream === stream) out.push(x);
    }
    return out;
  }

  record(): FlowDirectionRecord {
    const streams: StreamFlowRecord[] = [];
    for (const [stream, s] of this.streams) {
      if (s.frames === 0) continue;
      streams.push(streamFlowRecord(stream, s));
    }
    const span = this.first !== null && this.last !== null ? this.last - this.first : 0;
    return {
      initialWindow: this.initialWindow,
      connection: this.connection.record(),
      streams: streams.sort((a, b) => a.stream - b.stream),
      stalls: this.stalls,
      stalledMs: roundMs(this.stalledMs),
      bytes: this.bytes,
      frames: this.frames,
      windowUpdates: this.windowUpdates,
      throughput: this.frames >= 2 && span > 0 ? Math.round(this.bytes / span) : null,
      overruns: this.overrunCount,
    };
  }

  private stream(id: number, time: number): StreamFlow {
    let s = this.streams.get(id);
    if (s === undefined) {
      s = new StreamFlow(this.initialWindow, time, this.opts.maxStreamSeriesPoints);
      this.streams.set(id, s);
    }
    return s;
  }

  /** The DATA could only go out after a raise of the stream window, the connection window, or both. */
  private checkStall(stream: number, s: StreamFlow, length: number, time: number): void {
    const sw = s.waitedFor(length);
    const cw = this.connection.waitedFor(length);
    if (sw === null && cw === null) return;
    // The connection window may have run dry before this stream opened: the stream waited from its opening
    // (a unary call that finds the window empty), not from when other streams used the window up.
    const since = Math.max(Math.min(sw?.since ?? Infinity, cw?.since ?? Infinity), s.opened);
    const waitedMs = msBetween(since, time);
    s.stalls++;
    s.stalledMs += waitedMs;
    this.stallCount++;
    this.stalledMs += waitedMs;
    if (this.stalls.length >= this.opts.maxListed) return;
    const firsts = (this.firstListed ??= new Map());
    if (!firsts.has(stream)) firsts.set(stream, this.stalls.length);
    this.stalls.push({
      stream,
      window: sw !== null && cw !== null ? 'both' : sw !== null ? 'stream' : 'connection',
      start: since,
      windowLeft: Math.min(sw?.left ?? Infinity, cw?.left ?? Infinity),
      needed: length,
      windowUpdate: Math.max(sw?.raisedAt ?? -Infinity, cw?.raisedAt ?? -Infinity),
      resume: time,
      waitedMs,
    });
  }

  private checkOverrun(
    stream: number,
    s: StreamFlow,
    length: number,
    time: number,
    frame: number,
    pendingInitial: number | null,
  ): void {
    // The sender may already apply SETTINGS it has received but not yet acknowledged: allow the larger.
    const slack = pendingInitial === null ? 0 : Math.max(0, pendingInitial - this.initialWindow);
    const streamAvail = s.value + slack;
    const over =
      length > streamAvail
        ? { window: 'stream' as const, available: streamAvail }
        : length > this.connection.value
          ? { window: 'connection' as const, available: this.connection.value }
          : null;
    if (over === null) return;
    this.overrunCount++;
    if (this.overruns.length < this.opts.maxListed)
      this.overruns.push({ stream, time, frame, length, ...over });
  }
}
