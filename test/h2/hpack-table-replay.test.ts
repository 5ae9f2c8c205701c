/**
 * dynamicTableAt: RFC 7541 §4.3 (size updates), §4.4 (eviction on insert, oversized entries), §2.3.3 indexes.
 */
import { describe, expect, it } from 'vitest';
import { dynamicTableAt, type TableHistoryItem } from '../../src/h2/hpack-table-replay.js';

/** An entry of `size` octets: name "n<i>" (2 octets) and a value padding the rest (§4.1: + 32). */
const insert = (i: number, size = 50): TableHistoryItem => ({
  kind: 'insert',
  name: `n${i}`,
  value: 'v'.repeat(size - 34),
  size,
});
const names = (h: TableHistoryItem[], upTo?: number) =>
  dynamicTableAt(h, upTo).entries.map((e) => `${e.index}:${e.name}`);

describe('dynamicTableAt', () => {
  it('starts empty at 4096 octets and numbers the newest entry 62', () => {
    expect(dynamicTableAt([])).toEqual({ entries: [], size: 0, maxSize: 4096, complete: true });
    const h = [insert(1), insert(2), insert(3)];
    expect(names(h)).toEqual(['62:n3', '63:n2', '64:n1']);
    expect(dynamicTableAt(h).size).toBe(150);
  });

  it('replays only the first upTo items', () => {
    const h = [insert(1), insert(2), insert(3)];
    expect(names(h, 2)).toEqual(['62:n2', '63:n1']);
    expect(names(h, 0)).toEqual([]);
    expect(names(h, -1)).toEqual([]);
  });

  it('evicts the oldest entries to make room for a new one (§4.4)', () => {
    const h = [{ kind: 'size-update', size: 120 } as const, insert(1), insert(2), insert(3)];
    expect(names(h)).toEqual(['62:n3', '63:n2']);
    expect(dynamicTableAt(h)).toMatchObject({ size: 100, maxSize: 120 });
  });

  it('evicts on a smaller maximum and empties the table on a size update to 0 (§4.3)', () => {
    const h: TableHistoryItem[] = [insert(1), insert(2), { kind: 'size-update', size: 60 }];
    expect(names(h)).toEqual(['62:n2']);
    h.push({ kind: 'size-update', size: 0 }, { kind: 'size-update', size: 4096 }, insert(3));
    expect(names(h, 4)).toEqual([]);
    expect(names(h)).toEqual(['62:n3']);
  });

  it('an entry larger than the maximum empties the table and is not added (§4.4)', () => {
    const h = [{ kind: 'size-update', size: 100 } as const, insert(1), insert(2, 101)];
    expect(dynamicTableAt(h)).toEqual({ entries: [], size: 0, maxSize: 100, complete: true });
    // Exactly the maximum fits, evicting everything else.
    expect(names([{ kind: 'size-update', size: 100 }, insert(1), insert(2, 100)])).toEqual(['62:n2']);
  });

  it('after a loss: older entries unknown, no eviction without a maximum, complete again on resync', () => {
    const h: TableHistoryItem[] = [insert(1), { kind: 'lost' }, insert(2), insert(3)];
    expect(dynamicTableAt(h)).toMatchObject({ size: 100, maxSize: null, complete: false });
    expect(names(h)).toEqual(['62:n3', '63:n2']);
    expect(dynamicTableAt([...h, { kind: 'resynced' }]).complete).toBe(true);
    // A size update gives the maximum back; to 0 it also proves no unseen entry remains.
    expect(dynamicTableAt([...h, { kind: 'size-update', size: 4096 }])).toMatchObject({
      maxSize: 4096,
      complete: false,
    });
    expect(dynamicTableAt([...h, { kind: 'size-update', size: 0 }]).complete).toBe(true);
    // Evicting a known entry proves the unseen older ones went first.
    expect(dynamicTableAt([...h, { kind: 'size-update', size: 60 }])).toMatchObject({
      complete: true,
      size: 50,
    });
  });
});
