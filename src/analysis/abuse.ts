import { ABUSE_DIAGNOSTICS } from '../diagnostics/abuse.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic, DiagnosticParams } from '../diagnostics/types.js';
import type { FrameRecord, Role } from '../records/records.js';
import type { AbuseLimits } from './abuse-limits.js';
import { classifyTrigger, type CalmTrigger } from './abuse-trigger.js';
import { peerOf, type StreamEntry } from './stream-states.js';
import { TokenBucket } from './token-bucket.js';
import { grouped } from '../records/number-text.js';

/** The header block a side is sending, from its HEADERS/PUSH_PROMISE until END_HEADERS. */
interface OpenBlock {
  stream: number;
  type: string;
  start: number;
  continuations: number;
  empty: number;
  bytes: number;
}

/** What one side sent that the abuse detectors count. Buckets are made at their first event. */
export interface SideCounts {
  opened: number;
  prematureResets: number;
  resets: TokenBucket | null;
  opens: TokenBucket | null;
  pings: TokenBucket | null;
  /** Made at the side's second SETTINGS or when read (AbuseTracker.firstSettings). */
  settings: TokenBucket | null;
  empty: TokenBucket | null;
  /** The types of empty frames seen (up to 3, in order), made at the first. */
  emptyTypes: string[] | null;
  windowUpdates: number;
  firstWindowUpdate: number;
  /** DATA frames this side received (its WINDOW_UPDATEs are judged against them). */
  dataFramesReceived: number;
  block: OpenBlock | null;
  /** Most CONTINUATION frames of one header block so far. */
  maxContinuations: number;
  bombs: number;
  largestBomb: { stream: number; blockBytes: number; size: number } | null;
}

function newSide(): SideCounts {
  return {
    opened: 0,
    prematureResets: 0,
    resets: null,
    opens: null,
    pings: null,
    settings: null,
    empty: null,
    emptyTypes: null,
    windowUpdates: 0,
    firstWindowUpdate: 0,
    dataFramesReceived: 0,
    block: null,
    maxContinuations: 0,
    bombs: 0,
    largestBomb: null,
  };
}

/** The buckets made at a side's second event of their kind, the first one's time kept until then. */
type Lazy = 'settings' | 'pings';

/**
 * Settings a side announced, for the messages: what the receiver of an abuse pattern enforces. An object
 * (the connection's SettingsTimeline), not a closure over it: a closure and its context were 96 bytes of
 * every open connection (docs/performance.md, "Idle connection, session 9").
 */
export interface SettingOf {
  value(announcer: Role, name: string): number | undefined;
}

/** GOAWAY triggers kept per connection (a connection sends one or two). */
const MAX_TRIGGERS = 16;

/**
 * Abuse and overload patterns of one connection (docs/analysis.md, "Abuse and overload"), fed every frame
 * in capture order before the stream table sees it. Each side's rates are token buckets (O(1) memory, made
 * at the first event of their kind), so a connection that never ends stays bounded; a pattern is raised
 * once per side, at the frame that exceeds its limit. At each GOAWAY from a side it also classifies what of
 * the other side's recent traffic most likely triggered it (abuse-trigger.ts).
 */
export class AbuseTracker {
  /*
   * Each side's counts are made at its first frame other than SETTINGS, and its SETTINGS bucket at its
   * second SETTINGS (a full bucket takes the first without a word: its time is kept until then). An open
   * connection that only exchanged SETTINGS holds two times, not two records of 17 fields and two buckets
   * (docs/performance.md, "Live and long-lived connections").
   */
  private client: SideCounts | null = null;
  private server: SideCounts | null = null;
  private clientFirstSettings: number | null = null;
  private serverFirstSettings: number | null = null;
  // Likewise a side's first PING (an idle channel's keepalive): its time, until a second one or a reader
  // needs the bucket (docs/performance.md, "Keepalive PINGs of idle connections, session 8").
  private clientFirstPing: number | null = null;
  private serverFirstPing: number | null = null;
  // Made at the first pattern raised / GOAWAY classified: most connections have none, and an idle one
  // should cost what it holds (docs/performance.md, "Live and long-lived connections").
  private raised: Set<string> | null = null;
  private triggers: Map<number, CalmTrigger> | null = null;

  private wasRaised(key: string): boolean {
    return this.raised?.has(key) ?? false;
  }

  constructor(
    private readonly connection: string,
    private readonly limits: AbuseLimits,
    private readonly setting: SettingOf,
  ) {}

  /** `entry`: the stream table's record of the frame's stream before this frame (undefined when new). */
  onFrame(f: FrameRecord, entry: StreamEntry | undefined): Diagnostic[] {
    if (f.type === 'SETTINGS') return isAck(f) ? NONE : this.settingsFrame(f);
    // An ACK counts for nothing: it must not make the answering side's counts (an idle channel's keepalive
    // would cost a record per connection; docs/performance.md, "Keepalive PINGs of idle connections").
    if (f.type === 'PING' && isAck(f)) return NONE;
    if (f.type === 'PING') return this.ping(f);
    const side = this.side(f.from);
    switch (f.type) {
      case 'HEADERS':
      case 'PUSH_PROMISE':
        if (f.type === 'HEADERS' && entry?.initiatorOpened !== true && isOwn(f.from, f.stream))
          this.opened(f, side);
        side.block = !f.flags.includes('END_HEADERS')
          ? { stream: f.stream, type: f.type, start: f.time, continuations: 0, empty: 0, bytes: f.length }
          : null;
        if (f.type === 'HEADERS' && isEmptyBlock(f) && !f.flags.includes('END_STREAM'))
          return this.empty(f, side);
        return NONE;
      case 'CONTINUATION':
        return [...this.continuation(f, side), ...(f.length === 0 ? this.empty(f, side) : NONE)];
      case 'DATA':
        this.side(peerOf(f.from)).dataFramesReceived++;
        if ((f.dataLength ?? f.length) === 0 && !f.flags.includes('END_STREAM')) return this.empty(f, side);
        return NONE;
      case 'RST_STREAM':
        return this.reset(f, side, entry);
      case 'WINDOW_UPDATE':
        return this.windowUpdate(f, side);
      case 'GOAWAY':
        if ((this.triggers?.size ?? 0) < MAX_TRIGGERS)
          (this.triggers ??= new Map()).set(
            f.index,
            classifyTrigger(f, this.withBuckets(peerOf(f.from)), this.limits),
          );
        return NONE;
      default:
        return NONE;
    }
  }

  /** A lower layer's diagnostic: an HPACK bomb is the sender's pattern (src/h2/header-blocks.ts). */
  onDiagnostic(d: Diagnostic): Diagnostic[] {
    if (d.code !== 'h2.hpack.bomb') return NONE;
    const e = d.evidence ?? {};
    const from = e['from'];
    if (from !== 'client' && from !== 'server') return NONE;
    const side = this.side(from);
    side.bombs++;
    const size = Number(e['size'] ?? 0);
    const blockBytes = Number(e['blockBytes'] ?? 0);
    if (side.largestBomb === null || size > side.largestBomb.size)
      side.largestBomb = { stream: d.stream ?? 0, blockBytes, size };
    const key = `analysis.abuse.hpack-bomb|${from}`;
    if (this.wasRaised(key)) return NONE;
    (this.raised ??= new Set()).add(key);
    const peer = peerOf(from);
    const largest = side.largestBomb;
    const params = {
      from,
      peer,
      bombs: side.bombs,
      stream: largest.stream,
      blockBytes: largest.blockBytes,
      size: largest.size,
      ratio: largest.blockBytes > 0 ? Math.round(largest.size / largest.blockBytes) : 'unbounded',
      maxHeaderListSize: this.settingText(peer, 'MAX_HEADER_LIST_SIZE', 'not announced (unlimited)'),
      headerTableSize: this.settingText(peer, 'HEADER_TABLE_SIZE', '4,096 (the default)'),
    };
    return [diag(ABUSE_DIAGNOSTICS, 'analysis.abuse.hpack-bomb', params, this.where(d.stream, d.time))];
  }

  /** What most likely triggered the GOAWAY at frame `index` (classified when it was sent). */
  trigger(index: number): CalmTrigger | undefined {
    return this.triggers?.get(index);
  }

  counts(side: Role): Readonly<SideCounts> {
    return this.withBuckets(side);
  }

  private side(role: Role): SideCounts {
    return role === 'client' ? (this.client ??= newSide()) : (this.server ??= newSide());
  }

  private settingsFrame(f: FrameRecord): Diagnostic[] {
    return this.firstKept(f, 'settings')
      ? NONE
      : this.rate(
          'analysis.abuse.settings-flood',
          f,
          this.lazyBucket(f.from, 'settings'),
          this.limits.settingsRate,
        );
  }

  /** A non-ACK PING: the first of a side (with a full bucket) only keeps its time, as its first SETTINGS. */
  private ping(f: FrameRecord): Diagnostic[] {
    return this.firstKept(f, 'pings')
      ? NONE
      : this.rate('analysis.abuse.ping-flood', f, this.lazyBucket(f.from, 'pings'), this.limits.pingRate);
  }

  /** True when `f` is its side's first of `kind` and only its time was kept (the bucket would be full). */
  private firstKept(f: FrameRecord, kind: Lazy): boolean {
    const made = (f.from === 'client' ? this.client : this.server)?.[kind] ?? null;
    const burst = kind === 'settings' ? this.limits.settingsBurst : this.limits.pingBurst;
    if (made !== null || this.firstTime(f.from, kind) !== null || burst < 1) return false;
    this.setFirstTime(f.from, kind, f.time);
    return true;
  }

  /** The side's SETTINGS or PING bucket, made at first need with the side's first one taken. */
  private lazyBucket(role: Role, kind: Lazy): TokenBucket {
    const side = this.side(role);
    const made = side[kind];
    if (made !== null) return made;
    const l = this.limits;
    const bucket =
      kind === 'settings'
        ? new TokenBucket(l.settingsBurst, l.settingsRate)
        : new TokenBucket(l.pingBurst, l.pingRate);
    const first = this.firstTime(role, kind);
    if (first !== null) bucket.take(first);
    this.setFirstTime(role, kind, null);
    return (side[kind] = bucket);
  }

  private firstTime(role: Role, kind: Lazy): number | null {
    if (kind === 'settings') return role === 'client' ? this.clientFirstSettings : this.serverFirstSettings;
    return role === 'client' ? this.clientFirstPing : this.serverFirstPing;
  }

  private setFirstTime(role: Role, kind: Lazy, time: number | null): void {
    if (kind === 'settings' && role === 'client') this.clientFirstSettings = time;
    else if (kind === 'settings') this.serverFirstSettings = time;
    else if (role === 'client') this.clientFirstPing = time;
    else this.serverFirstPing = time;
  }

  /** The side's counts with every bucket its events so far call for (for readers of the buckets). */
  private withBuckets(role: Role): SideCounts {
    if (this.firstTime(role, 'settings') !== null) this.lazyBucket(role, 'settings');
    if (this.firstTime(role, 'pings') !== null) this.lazyBucket(role, 'pings');
    return this.side(role);
  }

  private opened(f: FrameRecord, side: SideCounts): void {
    side.opened++;
    side.opens ??= new TokenBucket(this.limits.openBurst, this.limits.openRate);
    side.opens.take(f.time);
  }

  /**
   * RST_STREAM on a stream the sender itself opened, before the other side sent anything on it and within
   * prematureResetMs: the request was abandoned before it could be answered (Envoy's "premature reset").
   */
  private reset(f: FrameRecord, side: SideCounts, entry: StreamEntry | undefined): Diagnostic[] {
    if (entry === undefined || entry.initiator !== f.from || entry.opened === null) return NONE;
    if (entry.lastSent[peerOf(f.from)] !== null) return NONE;
    if ((f.time - entry.opened) * 1000 > this.limits.prematureResetMs) return NONE;
    side.prematureResets++;
    const bucket = (side.resets ??= new TokenBucket(this.limits.rapidResetBurst, this.limits.rapidResetRate));
    const over = bucket.take(f.time);
    const key = `analysis.abuse.rapid-reset|${f.from}`;
    if (!over || this.wasRaised(key) || side.prematureResets < this.limits.rapidResetMinShare * side.opened)
      return NONE;
    (this.raised ??= new Set()).add(key);
    const params = {
      from: f.from,
      peer: peerOf(f.from),
      prematureResets: side.prematureResets,
      opened: side.opened,
      share: Math.round((100 * side.prematureResets) / Math.max(1, side.opened)),
      ...episode(bucket, f.time),
      limitRate: this.limits.rapidResetRate,
      limitBurst: this.limits.rapidResetBurst,
    };
    return [diag(ABUSE_DIAGNOSTICS, 'analysis.abuse.rapid-reset', params, this.where(f.stream, f.time))];
  }

  private continuation(f: FrameRecord, side: SideCounts): Diagnostic[] {
    const block = side.block;
    if (block === null || block.stream !== f.stream) return NONE; // h2.continuation-unexpected says why
    block.continuations++;
    block.bytes += f.length;
    if (f.length === 0) block.empty++;
    side.maxContinuations = Math.max(side.maxContinuations, block.continuations);
    if (f.flags.includes('END_HEADERS')) side.block = null;
    const key = `analysis.abuse.continuation-flood|${f.from}`;
    if (block.continuations <= this.limits.maxContinuations || this.wasRaised(key)) return NONE;
    (this.raised ??= new Set()).add(key);
    const peer = peerOf(f.from);
    const params = {
      from: f.from,
      peer,
      continuations: block.continuations,
      bytes: block.bytes,
      empty: block.empty,
      type: block.type,
      stream: block.stream,
      spanMs: ms(f.time - block.start),
      limit: this.limits.maxContinuations,
      maxHeaderListSize: this.settingText(peer, 'MAX_HEADER_LIST_SIZE', 'not announced'),
    };
    return [
      diag(ABUSE_DIAGNOSTICS, 'analysis.abuse.continuation-flood', params, this.where(f.stream, f.time)),
    ];
  }

  private empty(f: FrameRecord, side: SideCounts): Diagnostic[] {
    side.empty ??= new TokenBucket(this.limits.emptyBurst, this.limits.emptyRate);
    const types = (side.emptyTypes ??= []);
    if (types.length < 3 && !types.includes(f.type)) types.push(f.type);
    const found = this.rate('analysis.abuse.empty-frames', f, side.empty, this.limits.emptyRate);
    return found.length === 0 ? NONE : found;
  }

  private windowUpdate(f: FrameRecord, side: SideCounts): Diagnostic[] {
    if (side.windowUpdates === 0) side.firstWindowUpdate = f.time;
    side.windowUpdates++;
    const data = side.dataFramesReceived;
    const key = `analysis.abuse.window-update-flood|${f.from}`;
    const { windowUpdatesPerData: perData, windowUpdateMinCount } = this.limits;
    if (side.windowUpdates < windowUpdateMinCount || side.windowUpdates <= perData * (1 + data)) return NONE;
    if (this.wasRaised(key)) return NONE;
    (this.raised ??= new Set()).add(key);
    const span = f.time - side.firstWindowUpdate;
    const params = {
      from: f.from,
      peer: peerOf(f.from),
      count: side.windowUpdates,
      spanMs: ms(span),
      rate: perSecond(side.windowUpdates, span),
      rateText: rateText(side.windowUpdates, span),
      dataFrames: data,
      limit: perData,
    };
    return [
      diag(ABUSE_DIAGNOSTICS, 'analysis.abuse.window-update-flood', params, this.where(f.stream, f.time)),
    ];
  }

  /** A rate pattern: raised once per side, at the event that finds its bucket empty. */
  private rate(
    code: 'analysis.abuse.ping-flood' | 'analysis.abuse.settings-flood' | 'analysis.abuse.empty-frames',
    f: FrameRecord,
    bucket: TokenBucket,
    limitRate: number,
  ): Diagnostic[] {
    if (!bucket.take(f.time)) return NONE;
    const key = `${code}|${f.from}`;
    if (this.wasRaised(key)) return NONE;
    (this.raised ??= new Set()).add(key);
    const params: DiagnosticParams = {
      from: f.from,
      peer: peerOf(f.from),
      ...episode(bucket, f.time),
      total: bucket.total,
      limitRate,
      limitBurst: bucket.burst,
    };
    if (code === 'analysis.abuse.empty-frames')
      params['types'] = (this.side(f.from).emptyTypes ?? []).join('/');
    return [diag(ABUSE_DIAGNOSTICS, code, params, this.where(f.stream > 0 ? f.stream : undefined, f.time))];
  }

  private settingText(announcer: Role, name: string, otherwise: string): string {
    const v = this.setting.value(announcer, name);
    return v === undefined ? otherwise : grouped(v);
  }

  private where(stream: number | undefined, time: number | undefined) {
    return {
      connection: this.connection,
      ...(stream !== undefined && stream > 0 ? { stream } : {}),
      ...(time !== undefined ? { time } : {}),
    };
  }
}

const NONE: Diagnostic[] = [];

/** A header block fragment of no bytes that decoded to no field (a real HEADERS always carries some). */
function isEmptyBlock(f: FrameRecord): boolean {
  return f.length === 0 && (f.headers === undefined || f.headers.length === 0);
}

function isAck(f: FrameRecord): boolean {
  return f.ack === true || f.flags.includes('ACK');
}

/** Odd streams are the client's, even ones the server's (RFC 9113 §5.1.1). */
function isOwn(from: Role, stream: number): boolean {
  return stream > 0 && (stream % 2 === 1) === (from === 'client');
}

/** The episode a diagnostic quotes: events since the bucket was last full, over how long, at what rate. */
function episode(bucket: TokenBucket, time: number) {
  const span = time - bucket.episodeStart;
  const count = bucket.episodeEvents;
  return { count, spanMs: ms(span), rate: perSecond(count, span), rateText: rateText(count, span) };
}

/** "1,570 per second", or for a burst inside one capture tick "at least 101,000 per second: all within 1 ms". */
export function rateText(count: number, seconds: number): string {
  const rate = grouped(perSecond(count, seconds));
  return seconds >= 0.001 ? `${rate} per second` : `at least ${rate} per second: all within 1 ms`;
}

export function ms(seconds: number): number {
  return Math.round(Math.max(0, seconds) * 1_000_000) / 1000;
}

/** Events per second, rounded; a burst within one capture tick counts as its events per millisecond. */
export function perSecond(count: number, seconds: number): number {
  return Math.round(count / Math.max(seconds, 0.001));
}
