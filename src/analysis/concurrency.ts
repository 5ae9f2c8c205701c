import type { ConcurrencyRecord, ConcurrencySideRecord, Role } from '../records/records.js';
import { Series } from './series.js';
import { isActive, type StreamChange } from './stream-states.js';

/** A stream opened while the opener already had the peer's limit of streams open (RFC 9113 §5.1.2). */
export interface LimitExceeded {
  initiator: Role;
  stream: number;
  time: number;
  active: number;
  limit: number;
}

interface Side {
  active: number;
  opened: number;
  peak: number;
  peakTime: number | null;
  /** The limit when the peak was reached. */
  peakLimit: number | null;
  series: Series;
}

/**
 * Streams open at once per opening side, against the peer's SETTINGS_MAX_CONCURRENT_STREAMS. The limit a
 * side must respect is the peer's acknowledged value; while a new value is in flight the larger one is
 * used, so an opener that has not yet seen a lowered limit is not blamed.
 */
export class ConcurrencyTracker {
  private readonly sides: Record<Role, Side>;
  readonly exceeded: LimitExceeded[] = [];

  constructor(
    cap: number,
    private readonly limitFor: (initiator: Role) => number | null,
  ) {
    const side = (): Side => ({
      active: 0,
      opened: 0,
      peak: 0,
      peakTime: null,
      peakLimit: null,
      series: new Series(cap, 'max'),
    });
    this.sides = { client: side(), server: side() };
  }

  get totalActive(): number {
    return this.sides.client.active + this.sides.server.active;
  }

  onChange(c: StreamChange, time: number): void {
    const wasActive = isActive(c.before);
    const nowActive = isActive(c.after);
    if (wasActive === nowActive) return;
    const side = this.sides[c.entry.initiator];
    if (nowActive) {
      const limit = this.limitFor(c.entry.initiator);
      if (limit !== null && side.active >= limit && this.exceeded.length < 100) {
        this.exceeded.push({
          initiator: c.entry.initiator,
          stream: c.entry.id,
          time,
          active: side.active,
          limit,
        });
      }
      side.opened++;
      side.active++;
      if (side.active > side.peak) {
        side.peak = side.active;
        side.peakTime = time;
        side.peakLimit = limit;
      }
    } else {
      side.active--;
    }
    side.series.add(time, side.active);
  }

  /** Peak and the limit in force then, for the "limit reached" diagnostic. */
  peak(initiator: Role): { peak: number; time: number | null; limit: number | null } {
    const s = this.sides[initiator];
    return { peak: s.peak, time: s.peakTime, limit: s.peakLimit };
  }

  /** `limit(r)`: the acknowledged SETTINGS_MAX_CONCURRENT_STREAMS that r's streams were bound by. */
  record(limit: (initiator: Role) => number | null): ConcurrencyRecord {
    const out = (r: Role): ConcurrencySideRecord => {
      const s = this.sides[r];
      return {
        opened: s.opened,
        limit: limit(r),
        peak: s.peak,
        peakTime: s.peakTime,
        series: s.series.toJSON(),
        decimated: s.series.decimated,
      };
    };
    return { client: out('client'), server: out('server') };
  }
}
