import type { FrameRecord, PingRecord, PingSideRecord, PingsRecord, Role } from '../records/records.js';
import { median, msBetween, roundMs } from './format.js';

/**
 * A PING as sent, while it waits for its ACK or is the side's latest (for keepalive cadence): listed
 * PINGs are rows of the side's columns (`Columns`), so at most a few of these live per side.
 */
interface SentPing {
  time: number;
  frame: number;
  opaque: string;
  /** Streams open (or half-closed) when the PING was sent. */
  activeStreams: number;
  /** Streams opened on the connection so far: two idle PINGs with the same count had no call between. */
  openedSoFar: number;
  /** Its row in the side's list, -1 when past maxListed. */
  row: number;
}

/*
 * A side is made at its first PING, and what it holds grows with what happened: an idle channel's keepalive
 * sends one PING at a time, so the PING waiting for its ACK sits in a slot (a Map only when several wait at
 * once), and each list is made at its first value with room for that one value (an empty array's first
 * push reserves 17). docs/performance.md, "Keepalive PINGs of idle connections, session 8".
 */
interface Side {
  /** The listed PINGs (up to maxListed), as columns: records are made only by record(). */
  list: Columns | null;
  /** The oldest PING waiting for its ACK while no other waits; older than every one in `outstanding`. */
  waiting: SentPing | null;
  /** Further PINGs waiting for their ACK, by opaque data, in the order sent. */
  outstanding: Map<string, SentPing> | null;
  sent: number;
  acked: number;
  /** The first MAX_SAMPLES round-trip times (the median's); min and max stay exact past them. */
  rtts: number[] | null;
  rttMin: number;
  rttMax: number;
  active: number[] | null;
  idle: number[] | null;
  previous: SentPing | null;
  /** Every PING sent while no stream was active (time only): the keepalive detector reads them. */
  idleTimes: number[] | null;
}

/** Numbers per listed PING in Columns.cells. */
const STRIDE = 7;
const Cell = {
  Time: 0,
  Frame: 1,
  /** NaN: not (yet) ACKed. */
  AckTime: 2,
  /** NaN: not (yet) ACKed. */
  RttMs: 3,
  Active: 4,
  /** The opaque data's high and low 32 bits (64 bits do not fit one double). */
  OpaqueHigh: 5,
  OpaqueLow: 6,
} as const;

/**
 * A side's listed PINGs as columns: seven numbers a row in one array of unboxed doubles, instead of a record
 * with boxed times and a string each (docs/performance.md, "Idle connection, session 9"). The opaque data
 * (16 hex digits) is two numbers of the row; one that is not 16 lowercase hex digits (frames.ts always
 * makes them) is kept as text in `odd`.
 */
class Columns {
  readonly cells: number[];
  private odd: Map<number, string> | null = null;

  constructor(p: SentPing) {
    // A literal of doubles: the array starts (and stays) unboxed, sized for the first row.
    this.cells = [p.time, p.frame, NaN, NaN, p.activeStreams, 0, 0];
    this.setOpaque(0, p.opaque);
  }

  get length(): number {
    return this.cells.length / STRIDE;
  }

  /** Appends `p` as a row; returns its index. */
  add(p: SentPing): number {
    const row = this.length;
    this.cells.push(p.time, p.frame, NaN, NaN, p.activeStreams, 0, 0);
    this.setOpaque(row, p.opaque);
    return row;
  }

  acked(row: number, time: number, rttMs: number): void {
    this.cells[row * STRIDE + Cell.AckTime] = time;
    this.cells[row * STRIDE + Cell.RttMs] = rttMs;
  }

  record(row: number): PingRecord {
    const c = this.cells;
    const at = row * STRIDE;
    const ackTime = c[at + Cell.AckTime]!;
    const rttMs = c[at + Cell.RttMs]!;
    return {
      time: c[at + Cell.Time]!,
      frame: c[at + Cell.Frame]!,
      opaque: this.odd?.get(row) ?? hex8(c[at + Cell.OpaqueHigh]!) + hex8(c[at + Cell.OpaqueLow]!),
      ackTime: Number.isNaN(ackTime) ? null : ackTime,
      rttMs: Number.isNaN(rttMs) ? null : rttMs,
      activeStreams: c[at + Cell.Active]!,
    };
  }

  private setOpaque(row: number, opaque: string): void {
    if (OPAQUE.test(opaque)) {
      this.cells[row * STRIDE + Cell.OpaqueHigh] = parseInt(opaque.slice(0, 8), 16);
      this.cells[row * STRIDE + Cell.OpaqueLow] = parseInt(opaque.slice(8), 16);
    } else (this.odd ??= new Map()).set(row, opaque);
  }
}

const OPAQUE = /^[0-9a-f]{16}$/;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

const MAX_SAMPLES = 10_000;

/**
 * PINGs of both sides, matched to their ACKs by the opaque data (RFC 9113 §6.7: the ACK echoes it):
 * round-trip times, the cadence of each side's PINGs with and without active streams, PINGs never answered.
 */
export class PingTracker {
  /** Made at a side's first PING: most connections have none. */
  private readonly sides: Record<Role, Side | null> = { client: null, server: null };

  constructor(private readonly maxListed: number) {}

  /** `activeStreams` and `openedSoFar` describe the connection when the frame was sent. */
  onPing(f: FrameRecord, activeStreams: number, openedSoFar: number): void {
    const opaque = f.opaque ?? '';
    if (f.ack === true) {
      this.ack(f.from === 'client' ? 'server' : 'client', opaque, f.time);
      return;
    }
    const side = (this.sides[f.from] ??= newSide());
    const ping: SentPing = { time: f.time, frame: f.index, opaque, activeStreams, openedSoFar, row: -1 };
    side.sent++;
    this.interval(side, ping);
    side.previous = ping;
    wait(side, opaque, ping);
    if (this.maxListed > 0) {
      if (side.list === null) {
        side.list = new Columns(ping);
        ping.row = 0;
      } else if (side.list.length < this.maxListed) ping.row = side.list.add(ping);
    }
  }

  /** Times of the PINGs `from` sent with no stream active. */
  idlePings(from: Role): readonly number[] {
    return this.side(from).idleTimes ?? NO_NUMBERS;
  }

  /** Median interval between `from`'s PINGs while idle, ms; null with fewer than two. */
  idleInterval(from: Role): number | null {
    const m = median(this.side(from).idle ?? NO_NUMBERS);
    return m === null ? null : roundMs(m);
  }

  sent(from: Role): number {
    return this.side(from).sent;
  }

  /** PINGs `from` sent that got no ACK although the connection went on `timeoutMs` after them. */
  unanswered(from: Role, end: number, timeoutMs: number): PingRecord[] {
    const s = this.side(from);
    return [...(s.waiting === null ? [] : [s.waiting]), ...(s.outstanding?.values() ?? [])]
      .filter((p) => msBetween(p.time, end) >= timeoutMs)
      .map(strip);
  }

  record(end: number, timeoutMs: number): PingsRecord {
    const side = (r: Role): PingSideRecord => {
      const s = this.side(r);
      const rtt = [...(s.rtts ?? NO_NUMBERS)].sort((a, b) => a - b);
      const med = (v: readonly number[] | null) => {
        const m = v === null ? null : median(v);
        return m === null ? null : roundMs(m);
      };
      return {
        sent: s.sent,
        acked: s.acked,
        unanswered: this.unanswered(r, end, timeoutMs).length,
        rttMs: rtt.length === 0 ? null : { min: s.rttMin, median: med(rtt)!, max: s.rttMax },
        intervalMs: { active: med(s.active), idle: med(s.idle) },
        list: listed(s.list),
      };
    };
    return { client: side('client'), server: side('server') };
  }

  private ack(sender: Role, opaque: string, time: number): void {
    const side = this.sides[sender];
    const ping = side === null ? undefined : answered(side, opaque);
    if (side === null || ping === undefined) return; // sent before the capture started, or a stray ACK
    side.acked++;
    const rttMs = msBetween(ping.time, time);
    if (ping.row >= 0) side.list!.acked(ping.row, time, rttMs);
    side.rtts = add(side.rtts, rttMs, MAX_SAMPLES);
    side.rttMin = Math.min(side.rttMin, rttMs);
    side.rttMax = Math.max(side.rttMax, rttMs);
  }

  /** For reading: a side that sent no PING reads as the shared empty side (never written to). */
  private side(r: Role): Side {
    return this.sides[r] ?? EMPTY_SIDE;
  }

  /**
   * Idle: no stream active at either PING and none opened between them; active: streams active at both.
   * An interval across the start or end of activity is neither.
   */
  private interval(side: Side, ping: SentPing): void {
    const idleNow = ping.activeStreams === 0;
    if (idleNow) side.idleTimes = add(side.idleTimes, ping.time, MAX_SAMPLES);
    const prev = side.previous;
    if (prev === null) return;
    const gap = msBetween(prev.time, ping.time);
    const idle = idleNow && prev.activeStreams === 0 && prev.openedSoFar === ping.openedSoFar;
    const active = !idleNow && prev.activeStreams > 0;
    if (idle) side.idle = add(side.idle, gap, MAX_SAMPLES);
    else if (active) side.active = add(side.active, gap, MAX_SAMPLES);
  }
}

function newSide(): Side {
  return {
    list: null,
    waiting: null,
    outstanding: null,
    sent: 0,
    acked: 0,
    rtts: null,
    rttMin: Infinity,
    rttMax: -Infinity,
    active: null,
    idle: null,
    previous: null,
    idleTimes: null,
  };
}

const NO_NUMBERS: readonly number[] = [];

/** `list` with `value` appended while it holds fewer than `max`; made at the first value, sized for it. */
function add<T>(list: T[] | null, value: T, max: number): T[] {
  if (list === null) return [value];
  if (list.length < max) list.push(value);
  return list;
}

/**
 * `ping` waits for its ACK. A PING with the opaque data of one still waiting replaces it in its place (what
 * Map.set does), so `unanswered` keeps the order sent.
 */
function wait(side: Side, opaque: string, ping: SentPing): void {
  if (side.waiting !== null && side.waiting.opaque === opaque) side.waiting = ping;
  else if (side.waiting === null && (side.outstanding === null || side.outstanding.size === 0))
    side.waiting = ping;
  else (side.outstanding ??= new Map()).set(opaque, ping);
}

/** The PING waiting for the ACK of `opaque`, no longer waiting; undefined when none waits. */
function answered(side: Side, opaque: string): SentPing | undefined {
  if (side.waiting !== null && side.waiting.opaque === opaque) {
    const ping = side.waiting;
    side.waiting = null;
    return ping;
  }
  const ping = side.outstanding?.get(opaque);
  if (ping !== undefined) side.outstanding!.delete(opaque);
  return ping;
}

const EMPTY_SIDE: Side = newSide();

/** A PING still waiting, as a record: never ACKed (an ACKed one waits no longer). */
function strip(p: SentPing): PingRecord {
  return {
    time: p.time,
    frame: p.frame,
    opaque: p.opaque,
    ackTime: null,
    rttMs: null,
    activeStreams: p.activeStreams,
  };
}

function listed(list: Columns | null): PingRecord[] {
  const out: PingRecord[] = [];
  if (list !== null) for (let row = 0; row < list.length; row++) out.push(list.record(row));
  return out;
}
