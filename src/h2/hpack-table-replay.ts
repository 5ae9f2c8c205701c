/**
 * Rebuilds one direction's HPACK dynamic table at any point from what its header blocks reported: the
 * entries they inserted and their size updates, replayed with RFC 7541 §4.3/§4.4 eviction. Pure.
 */

/** One step of a direction's table history, in wire order. */
export type TableHistoryItem =
  | { kind: 'insert'; name: string; value: string; size: number }
  | { kind: 'size-update'; size: number }
  /** The decoder lost the table (gap, mid-connection start): older entries and the maximum are unknown. */
  | { kind: 'lost' }
  /** The decoder knows the whole table again (hpack-decoder's resync): no unknown entry remains. */
  | { kind: 'resynced' };

export interface ReplayedEntry {
  /** HPACK index (RFC 7541 §2.3.3): 62 is the newest entry. */
  index: number;
  name: string;
  value: string;
  size: number;
}

export interface ReplayedTable {
  /** Newest first. */
  entries: ReplayedEntry[];
  /** RFC 7541 §4.1 size of the entries listed. */
  size: number;
  /** Null while unknown (after a loss, until a size update). */
  maxSize: number | null;
  /** False when entries older than those listed may exist that were never seen. */
  complete: boolean;
}

/** RFC 9113 §6.5.2: SETTINGS_HEADER_TABLE_SIZE starts at 4096, and so does the table's maximum (§4.2). */
export const INITIAL_MAX_SIZE = 4096;
const STATIC_COUNT = 61;

/** The table after replaying `history[0 .. upTo)` (all of it when `upTo` is omitted). */
export function dynamicTableAt(
  history: ReadonlyArray<TableHistoryItem>,
  upTo = history.length,
): ReplayedTable {
  // Oldest first while replaying: eviction takes from the front (§4.4).
  let entries: Array<Omit<ReplayedEntry, 'index'>> = [];
  let size = 0;
  let maxSize: number | null = INITIAL_MAX_SIZE;
  let complete = true;
  const evict = (limit: number): void => {
    let drop = 0;
    while (size > limit && drop < entries.length) size -= entries[drop++]!.size;
    if (drop > 0) {
      entries = entries.slice(drop);
      // The oldest known entry left, so any unseen older one left before it.
      complete = true;
    }
  };
  for (const item of history.slice(0, Math.max(0, upTo))) {
    switch (item.kind) {
      case 'insert':
        if (maxSize !== null && item.size > maxSize) {
          // §4.4: an entry larger than the maximum empties the table and is not added.
          entries = [];
          size = 0;
          complete = true;
          break;
        }
        // §4.4: evict until the new entry fits, then add it.
        if (maxSize !== null) evict(maxSize - item.size);
        entries.push({ name: item.name, value: item.value, size: item.size });
        size += item.size;
        break;
      case 'size-update':
        // §4.3: a smaller maximum evicts; a maximum of 0 empties the table.
        maxSize = item.size;
        evict(item.size);
        if (item.size === 0) complete = true;
        break;
      case 'lost':
        entries = [];
        size = 0;
        maxSize = null;
        complete = false;
        break;
      case 'resynced':
        complete = true;
        break;
    }
  }
  const newestFirst = entries.reverse().map((e, i) => ({ index: STATIC_COUNT + 1 + i, ...e }));
  return { entries: newestFirst, size, maxSize, complete };
}
