/**
 * Header lists, compactly and once: a (name, value) pair is interned as one id, a list is a count and its
 * pair ids in one u32 pool, and a list equal to one added recently is not stored again. A gRPC call's
 * request headers, response headers and trailers are the header lists of frames the store received a
 * few frames earlier, so the call table and the frame table share them (docs/performance.md, "TUI
 * memory"). Offset 0 is reserved: it means "no list".
 */
import { receiveAll, shipAll, StringPool, U32Column, U32PairMap } from './store-columns.js';

/** Lists remembered for sharing; cleared when full (a few concurrent calls' worth is all it takes). */
const RECENT_LISTS = 4096;

export class HeaderLists {
  private readonly pool = new U32Column(4096);
  private readonly pairName = new U32Column();
  private readonly pairValue = new U32Column();
  private readonly pairIds = new U32PairMap();
  private readonly recent = new Map<string, number>();

  constructor(private readonly strings: StringPool) {
    this.pool.push(0); // offset 0: no list
    this.pool.ship(); // a replica makes its own offset 0
  }

  /** Stores `headers` (or finds the same list stored recently); returns its offset, never 0. */
  add(headers: ReadonlyArray<readonly [string, string]>): number {
    const ids: number[] = [];
    for (const [name, value] of headers) ids.push(this.pair(name, value));
    const key = ids.join(',');
    const known = this.recent.get(key);
    if (known !== undefined) return known;
    const at = this.pool.push(ids.length);
    for (const id of ids) this.pool.push(id);
    if (this.recent.size >= RECENT_LISTS) this.recent.clear();
    this.recent.set(key, at);
    return at;
  }

  /** The parts a replica needs (the strings are the store's, shipped by it). */
  ship(release = false): unknown[] {
    return shipAll([this.pool, this.pairName, this.pairValue], release);
  }

  receive(delta: unknown[]): void {
    receiveAll([this.pool, this.pairName, this.pairValue], delta);
  }

  /** The list at `at` (a new array each time); null for offset 0. */
  get(at: number): Array<[string, string]> | null {
    if (at === 0) return null;
    const count = this.pool.get(at);
    const out: Array<[string, string]> = [];
    for (let i = 0; i < count; i++) {
      const pair = this.pool.get(at + 1 + i);
      out.push([this.strings.at(this.pairName.get(pair)), this.strings.at(this.pairValue.get(pair))]);
    }
    return out;
  }

  get byteLength(): number {
    return this.pool.byteLength + this.pairName.byteLength + this.pairValue.byteLength;
  }

  private pair(name: string, value: string): number {
    const n = this.strings.id(name);
    const v = this.strings.id(value);
    let id = this.pairIds.get(n, v);
    if (id === undefined) {
      id = this.pairName.push(n);
      this.pairValue.push(v);
      this.pairIds.set(n, v, id);
    }
    return id;
  }
}
