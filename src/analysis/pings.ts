import type { FrameRecord, PingRecord, PingSideRecord, PingsRecord, Role } from '../records/records.js';
import { median, msBetween, roundMs } from './format.js';

/** A PING as sent, with what was going on then (for keepalive cadence). */
interface SentPing extends PingRecord {
  /** Streams opened on the connection so far: two idle PINGs with the same count had no call between. */
  openedSoFar: number;
}

interface Side {
  list: PingRecord[];
  /** Waiting for their ACK, by opaque data. */
  outstanding: Map<string, SentPing>;
  sent: number;
  acked: number;
  rtts: number[];
  active: number[];
  idle: number[];
  previous: SentPing | null;
  /** Every PING sent while no stream was active (time only): the keepalive detector reads them. */
  idleTimes: number[];
}

const MAX_SAMPLES = 10_000;

/**
 * PINGs of both sides, matched to their ACKs by the opaque data (RFC 9113 §6.7: the ACK echoes it):
 * round-trip times, the cadence of each side's PINGs with and without active streams, PINGs never answered.
 */
export class PingTracker {
  /** Made at a side's first PING: most connections have none, and a side is a Map and five arrays. */
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
    const ping: SentPing = {
      time: f.time,
      frame: f.index,
      opaque,
      ackTime: null,
      rttMs: null,
      activeStreams,
      openedSoFar,
    };
    side.sent++;
    this.interval(side, ping);
    side.previous = ping;
    side.outstanding.set(opaque, ping);
    if (side.list.length < this.maxListed) side.list.push(ping);
  }

  /** Times of the PINGs `from` sent with no stream active. */
  idlePings(from: Role): readonly number[] {
    return this.side(from).idleTimes;
  }

  /** Median interval between `from`'s PINGs while idle, ms; null with fewer than two. */
  idleInterval(from: Role): number | null {
    const m = median(this.side(from).idle);
    return m === null ? null : roundMs(m);
  }

  sent(from: Role): number {
    return this.side(from).sent;
  }

  /** PINGs `from` sent that got no ACK although the connection went on `timeoutMs` after them. */
  unanswered(from: Role, end: number, timeoutMs: number): PingRecord[] {
    return [...this.side(from).outstanding.values()]
      .filter((p) => msBetween(p.time, end) >= timeoutMs)
      .map(strip);
  }

  record(end: number, timeoutMs: number): PingsRecord {
    const side = (r: Role): PingSideRecord => {
      const s = this.side(r);
      const rtt = [...s.rtts].sort((a, b) => a - b);
      const med = (v: number[]) => {
        const m = median(v);
        return m === null ? null : roundMs(m);
      };
      return {
        sent: s.sent,
        acked: s.acked,
        unanswered: this.unanswered(r, end, timeoutMs).length,
        rttMs: rtt.length === 0 ? null : { min: rtt[0]!, median: med(rtt)!, max: rtt[rtt.length - 1]! },
        intervalMs: { active: med(s.active), idle: med(s.idle) },
        list: s.list.map(strip),
      };
    };
    return { client: side('client'), server: side('server') };
  }

  private ack(sender: Role, opaque: string, time: number): void {
    const side = this.sides[sender];
    const ping = side === null ? undefined : side.outstanding.get(opaque);
    if (side === null || ping === undefined) return; // sent before the capture started, or a stray ACK
    side.outstanding.delete(opaque);
    side.acked++;
    ping.ackTime = time;
    ping.rttMs = msBetween(ping.time, time);
    if (side.rtts.length < MAX_SAMPLES) side.rtts.push(ping.rttMs);
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
    if (idleNow && side.idleTimes.length < MAX_SAMPLES) side.idleTimes.push(ping.time);
    const prev = side.previous;
    if (prev === null) return;
    const gap = msBetween(prev.time, ping.time);
    const idle = idleNow && prev.activeStreams === 0 && prev.openedSoFar === ping.openedSoFar;
    const active = !idleNow && prev.activeStreams > 0;
    const list = idle ? side.idle : active ? side.active : null;
    if (list !== null && list.length < MAX_SAMPLES) list.push(gap);
  }
}

function newSide(): Side {
  return {
    list: [],
    outstanding: new Map(),
    sent: 0,
    acked: 0,
    rtts: [],
    active: [],
    idle: [],
    previous: null,
    idleTimes: [],
  };
}

const EMPTY_SIDE: Side = newSide();

function strip(p: PingRecord): PingRecord {
  return {
    time: p.time,
    frame: p.frame,
    opaque: p.opaque,
    ackTime: p.ackTime,
    rttMs: p.rttMs,
    activeStreams: p.activeStreams,
  };
}
