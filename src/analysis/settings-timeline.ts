import type { FrameRecord, Role, SettingsFrameRecord, SettingsRecord } from '../records/records.js';
import { msBetween } from './format.js';

/** Values that took effect: `announcer`'s SETTINGS, acknowledged by the other side (RFC 9113 §6.5.3). */
export interface AppliedSettings {
  announcer: Role;
  values: Record<string, number>;
  time: number;
}

interface Side {
  /**
   * The frames listed in the record: the first, then the others (a list made at the second). The record's
   * list is made when asked for: most connections list one SETTINGS per side, and keep it while open.
   */
  firstFrame: SettingsFrameRecord | null;
  moreFrames: SettingsFrameRecord[];
  acknowledged: Record<string, number>;
  /**
   * Sent, not yet acknowledged: the oldest, then the others oldest first. The oldest in a field of its
   * own: one SETTINGS waits for its ACK on most connections, for as long as the peer takes, without a
   * list (the list of the others is made when a second one waits).
   */
  firstUnacked: SettingsFrameRecord | null;
  moreUnacked: SettingsFrameRecord[];
  listed: number;
}

/**
 * Every SETTINGS frame each side sent, when, and when the peer acknowledged it. An ACK acknowledges the
 * oldest unacknowledged SETTINGS of the other side (RFC 9113 §6.5.3: processed in order), so values take
 * effect at the ACK in the acknowledging side's byte order: exact for everything it sends after.
 */
export class SettingsTimeline {
  /** The two sides as fields, not a record of them: one object less per open connection. */
  private readonly client: Side = newSide();
  private readonly server: Side = newSide();

  constructor(private readonly maxListed: number) {}

  /** A SETTINGS frame; returns what took effect when it is an ACK. */
  onFrame(f: FrameRecord): AppliedSettings | null {
    if (f.ack === true || f.flags.includes('ACK')) return this.ack(f);
    const side = this.side(f.from);
    const rec: SettingsFrameRecord = {
      time: f.time,
      frame: f.index,
      values: { ...(f.settings ?? {}) },
      ackTime: null,
      ackMs: null,
    };
    // Arrays made at the size they need (one SETTINGS each way is the usual life of a connection): one
    // grown by push keeps room for 17, and an open connection holds it as long as it lives.
    if (side.firstUnacked === null) side.firstUnacked = rec;
    else if (side.moreUnacked === NO_FRAMES) side.moreUnacked = [rec];
    else side.moreUnacked.push(rec);
    if (side.listed < this.maxListed) {
      if (side.firstFrame === null) side.firstFrame = rec;
      else if (side.moreFrames === NO_FRAMES) side.moreFrames = [rec];
      else side.moreFrames.push(rec);
      side.listed++;
    }
    return null;
  }

  /** The newest value of `name` that `announcer` sent and is still unacknowledged. */
  pending(announcer: Role, name: string): number | null {
    const side = this.side(announcer);
    const list = side.moreUnacked;
    for (let i = list.length - 1; i >= 0; i--) {
      const v = list[i]!.values[name];
      if (v !== undefined) return v;
    }
    return side.firstUnacked?.values[name] ?? null;
  }

  /** The acknowledged value of `name` that `announcer` set, or undefined (the RFC default applies). */
  value(announcer: Role, name: string): number | undefined {
    return this.side(announcer).acknowledged[name];
  }

  unacknowledged(announcer: Role): readonly SettingsFrameRecord[] {
    const { firstUnacked, moreUnacked } = this.side(announcer);
    return firstUnacked === null ? [] : [firstUnacked, ...moreUnacked];
  }

  record(): SettingsRecord {
    const out = (s: Side) => ({
      frames: s.firstFrame === null ? [] : [s.firstFrame, ...s.moreFrames],
      acknowledged: { ...s.acknowledged },
    });
    return { client: out(this.client), server: out(this.server) };
  }

  private side(role: Role): Side {
    return role === 'client' ? this.client : this.server;
  }

  private ack(f: FrameRecord): AppliedSettings | null {
    const announcer: Role = f.from === 'client' ? 'server' : 'client';
    const side = this.side(announcer);
    const rec = side.firstUnacked;
    if (rec === null) return null; // its SETTINGS came before the capture started
    // The next oldest moves up (the shared empty list is frozen: never shifted).
    side.firstUnacked = side.moreUnacked.length > 0 ? side.moreUnacked.shift()! : null;
    if (side.moreUnacked.length === 0) side.moreUnacked = NO_FRAMES;
    rec.ackTime = f.time;
    rec.ackMs = msBetween(rec.time, f.time);
    if (side.acknowledged === NO_VALUES) side.acknowledged = { ...rec.values };
    else Object.assign(side.acknowledged, rec.values);
    return { announcer, values: rec.values, time: f.time };
  }
}

/*
 * Shared, frozen stand-ins for what a side has not seen yet (no SETTINGS sent, none acknowledged): only
 * replaced, never written to, so a connection that exchanged one SETTINGS each way and then went idle
 * holds no empty list or object of its own.
 */
const NO_FRAMES = Object.freeze([]) as unknown as SettingsFrameRecord[];
const NO_VALUES = Object.freeze({}) as Record<string, number>;

function newSide(): Side {
  return {
    firstFrame: null,
    moreFrames: NO_FRAMES,
    acknowledged: NO_VALUES,
    firstUnacked: null,
    moreUnacked: NO_FRAMES,
    listed: 0,
  };
}
