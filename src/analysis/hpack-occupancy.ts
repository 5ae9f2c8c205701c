import type { HpackTableState } from '../h2/types.js';
import type { HpackRecord, HpackSideRecord, Role } from '../records/records.js';
import { Series } from './series.js';

interface Side {
  blocks: number;
  size: number;
  peak: number;
  maxSize: number | null;
  known: boolean;
  series: Series;
}

/**
 * Each side's HPACK dynamic table as its header blocks leave it (RFC 7541 §4.1 sizes, reported by the h2
 * layer's decoder after every block): occupancy over time against the table's maximum size and the
 * SETTINGS_HEADER_TABLE_SIZE the other side allowed (§4.2).
 */
export class HpackOccupancy {
  private readonly sides: Record<Role, Side>;

  constructor(cap: number) {
    const side = (): Side => ({
      blocks: 0,
      size: 0,
      peak: 0,
      maxSize: null,
      known: true,
      series: new Series(cap, 'max'),
    });
    this.sides = { client: side(), server: side() };
  }

  /** `from` sent a header block; `state` is its table after the block. */
  onBlock(from: Role, time: number, state: HpackTableState): void {
    const s = this.sides[from];
    s.blocks++;
    s.size = state.size;
    s.peak = Math.max(s.peak, state.size);
    s.maxSize = state.maxSize;
    s.known = state.known;
    s.series.add(time, state.size);
  }

  /** `setting(side)`: SETTINGS_HEADER_TABLE_SIZE the peer of `side` announced (bounds side's encoder). */
  record(setting: (encoder: Role) => number | null): HpackRecord {
    const out = (r: Role): HpackSideRecord => {
      const s = this.sides[r];
      return {
        blocks: s.blocks,
        size: s.size,
        peak: s.peak,
        maxSize: s.maxSize,
        setting: setting(r),
        known: s.known,
        series: s.series.toJSON(),
        decimated: s.series.decimated,
      };
    };
    return { client: out('client'), server: out('server') };
  }
}
