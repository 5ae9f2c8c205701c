import type { FrameRecord, Role, SettingsFrameRecord, SettingsRecord } from '../records/records.js';
import { msBetween } from './format.js';

/** Values that took effect: `announcer`'s SETTINGS, acknowledged by the other side (RFC 9113 §6.5.3). */
export interface AppliedSettings {
  announcer: Role;
  values: Record<string, number>;
  time: number;
}

interface Side {
  frames: SettingsFrameRecord[];
  acknowledged: Record<string, number>;
  /** Sent, not yet acknowledged, oldest first. */
  unacked: SettingsFrameRecord[];
  listed: number;
}

/**
 * Every SETTINGS frame each side sent, when, and when the peer acknowledged it. An ACK acknowledges the
 * oldest unacknowledged SETTINGS of the other side (RFC 9113 §6.5.3: processed in order), so values take
 * effect at the ACK in the acknowledging side's byte order: exact for everything it sends after.
 */
export class SettingsTimeline {
  private readonly sides: Record<Role, Side> = { client: newSide(), server: newSide() };

  constructor(private readonly maxListed: number) {}

  /** A SETTINGS frame; returns what took effect when it is an ACK. */
  onFrame(f: FrameRecord): AppliedSettings | null {
    if (f.ack === true || f.flags.includes('ACK')) return this.ack(f);
    const side = this.sides[f.from];
    const rec: SettingsFrameRecord = {
      time: f.time,
      frame: f.index,
      values: { ...(f.settings ?? {}) },
      ackTime: null,
      ackMs: null,
    };
    // Arrays made at the size they need (one SETTINGS each way is the usual life of a connection): one
    // grown by push keeps room for 17, and an open connection holds it as long as it lives.
    if (side.unacked.length === 0) side.unacked = [rec];
    else side.unacked.push(rec);
    if (side.listed < this.maxListed) {
      if (side.frames.length === 0) side.frames = [rec];
      else side.frames.push(rec);
      side.listed++;
    }
    return null;
  }

  /** The newest value of `name` that `announcer` sent and is still unacknowledged. */
  pending(announcer: Role, name: string): number | null {
    const list = this.sides[announcer].unacked;
    for (let i = list.length - 1; i >= 0; i--) {
      const v = list[i]!.values[name];
      if (v !== undefined) return v;
    }
    return null;
  }

  /** The acknowledged value of `name` that `announcer` set, or undefined (the RFC default applies). */
  value(announcer: Role, name: string): number | undefined {
    return this.sides[announcer].acknowledged[name];
  }

  unacknowledged(announcer: Role): readonly SettingsFrameRecord[] {
    return this.sides[announcer].unacked;
  }

  record(): SettingsRecord {
    const out = (s: Side) => ({ frames: s.frames, acknowledged: { ...s.acknowledged } });
    return { client: out(this.sides.client), server: out(this.sides.server) };
  }

  private ack(f: FrameRecord): AppliedSettings | null {
    const announcer: Role = f.from === 'client' ? 'server' : 'client';
    const side = this.sides[announcer];
    const rec = side.unacked.shift();
    if (rec === undefined) return null; // its SETTINGS came before the capture started
    if (side.unacked.length === 0) side.unacked = [];
    rec.ackTime = f.time;
    rec.ackMs = msBetween(rec.time, f.time);
    Object.assign(side.acknowledged, rec.values);
    return { announcer, values: rec.values, time: f.time };
  }
}

function newSide(): Side {
  return { frames: [], acknowledged: {}, unacked: [], listed: 0 };
}
