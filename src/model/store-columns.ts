/**
 * Append-only columns for the TUI store, and a string pool that turns repeated strings (header names,
 * `content-type: application/grpc`, frame type names) into small ids. One JS object per frame costs ~500
 * bytes; a row across these columns costs ~60 (docs/performance.md, "TUI memory").
 *
 * A column is a list of fixed-size typed-array chunks rather than one array that doubles: a doubling array
 * holds up to twice what it needs and copies everything on each growth (at a million rows that is a third
 * of the store's memory, and a pause); chunks hold at most one chunk of slack and never copy.
 */

import { StringArena, type EncodedStrings } from './string-arena.js';

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
type TypedCtor<T extends TypedArray> = new (length: number) => T;

/** Elements per chunk once a column is past its first chunk (64 Ki: 256 KiB for u32). */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

class GrowableColumn<T extends TypedArray> {
  /** Chunk 0 starts small and doubles up to CHUNK (most columns of a small capture stay tiny). */
  private readonly chunks: T[];
  private size = 0;
  /** Values before this index were handed to a replica (ship). */
  private shipped = 0;

  constructor(
    private readonly ctor: TypedCtor<T>,
    initial = 1024,
  ) {
    this.chunks = [new ctor(Math.min(Math.max(initial, 1), CHUNK))];
  }

  get length(): number {
    return this.size;
  }

  push(value: number): number {
    const i = this.size;
    const c = i >>> CHUNK_BITS;
    let chunk = this.chunks[c];
    if (chunk === undefined) this.chunks.push((chunk = new this.ctor(CHUNK)));
    else if ((i & CHUNK_MASK) >= chunk.length) chunk = this.growFirst(i + 1);
    chunk[i & CHUNK_MASK] = value;
    return this.size++;
  }

  /** Appends many values at once; returns the index of the first. */
  pushAll(values: ArrayLike<number>): number {
    const start = this.size;
    for (let k = 0; k < values.length; k++) this.push(values[k]!);
    return start;
  }

  /** The value at `i`; 0 outside the column (callers check `length`). */
  get(i: number): number {
    return i < this.size ? this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK]! : 0;
  }

  set(i: number, value: number): void {
    if (i < this.size) this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = value;
  }

  /** A copy of the values from `start` to `end`. */
  slice(start = 0, end = this.size): T {
    const stop = Math.min(end, this.size);
    const out = new this.ctor(Math.max(0, stop - start));
    for (let i = start; i < stop;) {
      const chunk = this.chunks[i >>> CHUNK_BITS]!;
      const from = i & CHUNK_MASK;
      const n = Math.min(stop - i, chunk.length - from);
      out.set(chunk.subarray(from, from + n) as unknown as ArrayLike<number>, i - start);
      i += n;
    }
    return out;
  }

  /**
   * The values appended since the previous ship, for a replica of this column in another thread (the TUI
   * decodes in a worker, src/tui/load-worker.ts). With `release`, chunks that can no longer be written
   * are dropped: the builder of a replicated store only ever reads the row it just appended.
   */
  ship(release = false): T {
    const out = this.slice(this.shipped, this.size);
    this.shipped = this.size;
    if (release && this.size > 0) {
      const last = (this.size - 1) >>> CHUNK_BITS;
      for (let c = 0; c < last; c++) if (this.chunks[c]!.length > 0) this.chunks[c] = new this.ctor(0);
    }
    return out;
  }

  /** Appends what the builder's `ship` returned. */
  receive(values: ArrayLike<number>): void {
    this.pushAll(values);
  }

  /** Memory held by the column's arrays. */
  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }

  private growFirst(min: number): T {
    const old = this.chunks[0]!;
    let cap = old.length * 2;
    while (cap < min) cap *= 2;
    const next = new this.ctor(Math.min(cap, CHUNK));
    next.set(old as unknown as ArrayLike<number>);
    this.chunks[0] = next;
    return next;
  }
}

export class U8Column extends GrowableColumn<Uint8Array> {
  constructor(initial?: number) {
    super(Uint8Array, initial);
  }
}
export class U16Column extends GrowableColumn<Uint16Array> {
  constructor(initial?: number) {
    super(Uint16Array, initial);
  }
}
export class U32Column extends GrowableColumn<Uint32Array> {
  constructor(initial?: number) {
    super(Uint32Array, initial);
  }
}
export class F64Column extends GrowableColumn<Float64Array> {
  constructor(initial?: number) {
    super(Float64Array, initial);
  }
}

/**
 * Rows per base in a delta column: distances from a base 256 rows back stay under 2^15 for climbing values
 * that grow by less than 128 a row (spool offsets of small frames, microseconds between frames of a busy
 * connection, a connection's frame numbers among a few dozen connections), so such a column is u16 where
 * a base per 64 Ki-row chunk made it u32. A base costs 8 bytes: 0.03 bytes a row.
 */
const BLOCK_BITS = 8;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;

type NarrowArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/**
 * Numbers in the narrowest array each chunk allows: a chunk starts as bytes and widens (u16, u32, then
 * raw doubles) only when a value needs it, so a connection ordinal costs 1 byte a frame while a capture has
 * fewer than 256 connections, and a frame length 2 while frames stay under 64 KiB. With `delta`, a chunk
 * stores each value's distance from its block's first value (zigzag: small either way), for values that
 * climb (packet numbers, spool offsets, per-connection frame indexes, timestamps in microseconds). Values
 * are exact: integers are encoded, anything else (a fraction, beyond 2^32 from the base) makes its chunk
 * raw doubles.
 */
export class NarrowColumn {
  private readonly chunks: NarrowArray[] = [];
  /** Delta mode: each block's first value (an integer; 0 when it was not one). */
  private readonly bases: number[] = [];
  private size = 0;
  private shipped = 0;

  constructor(
    private readonly delta = false,
    /** Rows of the first chunk before it doubles (a column per connection starts small). */
    private readonly initial = 1024,
  ) {}

  get length(): number {
    return this.size;
  }

  push(value: number): number {
    const i = this.size;
    const c = i >>> CHUNK_BITS;
    const k = i & CHUNK_MASK;
    let chunk = this.chunks[c];
    if (chunk === undefined) this.chunks.push((chunk = new Uint8Array(c === 0 ? this.initial : CHUNK)));
    else if (k >= chunk.length) chunk = this.growFirst(i + 1);
    if (this.delta && (i & BLOCK_MASK) === 0) this.bases.push(Number.isInteger(value) ? value : 0);
    if (chunk instanceof Float64Array) chunk[k] = value;
    else {
      const code = this.encode(value, this.delta ? this.bases[i >>> BLOCK_BITS]! : 0);
      if (code < 0 || code > maxOf(chunk)) chunk = this.widen(c, code);
      chunk[k] = chunk instanceof Float64Array ? value : code;
    }
    return this.size++;
  }

  /** The value at `i`; 0 outside the column (callers check `length`). */
  get(i: number): number {
    if (i >= this.size) return 0;
    const c = i >>> CHUNK_BITS;
    const chunk = this.chunks[c]!;
    const v = chunk[i & CHUNK_MASK]!;
    if (chunk.BYTES_PER_ELEMENT === 8) return v;
    return this.delta ? this.bases[i >>> BLOCK_BITS]! + (v % 2 === 0 ? v / 2 : -(v + 1) / 2) : v;
  }

  /** Values appended since the previous ship, for a replica (as GrowableColumn.ship). */
  ship(release = false): Float64Array {
    const out = new Float64Array(this.size - this.shipped);
    for (let i = this.shipped; i < this.size; i++) out[i - this.shipped] = this.get(i);
    this.shipped = this.size;
    if (release && this.size > 0) {
      const last = (this.size - 1) >>> CHUNK_BITS;
      for (let c = 0; c < last; c++) if (this.chunks[c]!.length > 0) this.chunks[c] = new Uint8Array(0);
    }
    return out;
  }

  receive(values: ArrayLike<number>): void {
    for (let k = 0; k < values.length; k++) this.push(values[k]!);
  }

  /** Memory held by the column's arrays. */
  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }

  /** The stored code of `value`, or -1 when only a raw double holds it. */
  private encode(value: number, base: number): number {
    if (!Number.isInteger(value)) return -1;
    if (!this.delta) return value >= 0 && value <= 0xffffffff ? value : -1;
    const d = value - base;
    const z = d >= 0 ? d * 2 : -d * 2 - 1;
    return z <= 0xffffffff ? z : -1;
  }

  /** Chunk `c` in the next width that holds `code` (-1: raw doubles), its values kept. */
  private widen(c: number, code: number): NarrowArray {
    const old = this.chunks[c]!;
    const filled = Math.min(old.length, this.size - c * CHUNK);
    let next: NarrowArray;
    if (code < 0) {
      next = new Float64Array(old.length);
      for (let k = 0; k < filled; k++) next[k] = this.get(c * CHUNK + k);
    } else {
      next = code <= 0xffff ? new Uint16Array(old.length) : new Uint32Array(old.length);
      next.set(old.subarray(0, filled));
    }
    this.chunks[c] = next;
    return next;
  }

  private growFirst(min: number): NarrowArray {
    const old = this.chunks[0]!;
    let cap = old.length * 2;
    while (cap < min) cap *= 2;
    const Ctor = old.constructor as new (n: number) => NarrowArray;
    const next = new Ctor(Math.min(cap, CHUNK));
    next.set(old as unknown as ArrayLike<number>);
    this.chunks[0] = next;
    return next;
  }
}

function maxOf(chunk: NarrowArray): number {
  return chunk.BYTES_PER_ELEMENT === 1 ? 0xff : chunk.BYTES_PER_ELEMENT === 2 ? 0xffff : 0xffffffff;
}

/**
 * Capture timestamps (epoch seconds as doubles, from whole seconds and a fraction of microseconds or
 * nanoseconds, src/capture/) as integer microseconds in a delta NarrowColumn: 2-4 bytes a frame instead of
 * 8. A time that microseconds do not give back exactly (a nanosecond capture) is kept as its double, which
 * is never an integer: that is how `get` tells the two apart.
 */
export class TimeColumn {
  private readonly units = new NarrowColumn(true);
  /** Whole seconds too far out for microseconds (past year 2255, hostile input): NaN in `units`. */
  private readonly far = new ShippedMap<number>();

  get length(): number {
    return this.units.length;
  }

  push(time: number): number {
    const second = Math.floor(time);
    const units = second * 1e6 + Math.round((time - second) * 1e6);
    if (Number.isSafeInteger(units) && fromMicros(units) === time) return this.units.push(units);
    if (!Number.isInteger(time)) return this.units.push(time);
    this.far.set(this.units.length, time);
    return this.units.push(Number.NaN);
  }

  get(i: number): number {
    const v = this.units.get(i);
    if (Number.isInteger(v)) return fromMicros(v);
    return Number.isNaN(v) ? (this.far.get(i) ?? v) : v;
  }

  ship(release = false): [Float64Array, Array<[number, number]>] {
    return [this.units.ship(release), this.far.ship()];
  }

  receive(delta: [ArrayLike<number>, ReadonlyArray<[number, number]>]): void {
    this.far.receive(delta[1]);
    this.units.receive(delta[0]);
  }

  get byteLength(): number {
    return this.units.byteLength;
  }
}

/** Seconds as src/capture computes them: whole seconds plus the fraction (one correctly rounded division). */
function fromMicros(units: number): number {
  const second = Math.floor(units / 1e6);
  return second + (units - second * 1e6) / 1e6;
}

/**
 * Interned strings: each distinct string is kept once, as bytes (src/model/string-arena.ts), and referred to
 * by its id. The lookup table is typed arrays over the bytes, not a Map of JS strings: in the TUI's decoding
 * worker a capture of small calls interns one new header value per call (a request id, a sequence number),
 * and as JS strings with their Map entries those were ~80 bytes each, kept for the whole load and doubled
 * by the old generation's growth at the load's peak; here each costs its bytes and 24 bytes of index and
 * table (docs/performance.md, "TUI load, session 9").
 */
export class StringPool {
  private readonly arena = new StringArena();
  /** Open addressing, linear probing, at most half full: id + 1 per slot (0: empty), and the id's hash. */
  private slots = new Int32Array(64);
  private hashes = new Uint32Array(64);
  private shipped = 0;
  /** A replica's pool, received as bytes (receiveEncoded): read only, no table. */
  private replica = false;

  constructor(private readonly limit = Number.MAX_SAFE_INTEGER) {}

  /** Strings added since the previous ship (for a replica, as GrowableColumn.ship). */
  ship(): string[] {
    const out: string[] = [];
    for (let i = this.shipped; i < this.arena.length; i++) out.push(this.arena.at(i));
    this.shipped = this.arena.length;
    return out;
  }

  receive(strings: readonly string[]): void {
    for (const s of strings) this.id(s);
  }

  /**
   * As `ship`, the strings as bytes in transferable arrays: a replica that receives them with
   * `receiveEncoded` keeps bytes, not strings (the store's header names and values, src/model/string-arena.ts).
   */
  shipEncoded(): EncodedStrings {
    const out = this.arena.encodeFrom(this.shipped);
    this.shipped = this.arena.length;
    return out;
  }

  /** Appends shipped bytes; such a pool is read only (`id` and `find` are the builder's). */
  receiveEncoded(encoded: EncodedStrings): void {
    this.replica = true;
    this.arena.append(encoded);
  }

  get size(): number {
    return this.arena.length;
  }

  id(s: string): number {
    if (this.replica) throw new Error('StringPool: a replica received as bytes does not intern');
    const hash = hashString(s);
    const at = this.slotOf(s, hash);
    const known = this.slots[at]!;
    if (known !== 0) return known - 1;
    if (this.arena.length >= this.limit) throw new Error(`StringPool limit ${this.limit} reached`);
    const id = this.arena.push(s);
    this.slots[at] = id + 1;
    this.hashes[at] = hash;
    if (this.arena.length * 2 > this.slots.length) this.grow();
    return id;
  }

  /** The id of a string already in the pool, or undefined (never found in a pool received as bytes). */
  find(s: string): number | undefined {
    if (this.replica) return undefined;
    const known = this.slots[this.slotOf(s, hashString(s))]!;
    return known === 0 ? undefined : known - 1;
  }

  at(id: number): string {
    return this.arena.at(id);
  }

  /** Memory held outside V8's heap: the bytes, their index and the table. */
  get byteLength(): number {
    return this.arena.byteLength + (this.replica ? 0 : this.slots.byteLength + this.hashes.byteLength);
  }

  /** The slot holding `s`, or the empty slot where it would go. */
  private slotOf(s: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const v = this.slots[at]!;
      if (v === 0 || (this.hashes[at] === hash && this.arena.equals(v - 1, s))) return at;
    }
  }

  private grow(): void {
    const { slots, hashes } = this;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Uint32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === 0) continue;
      let at = hashes[i]! & mask;
      while (this.slots[at] !== 0) at = (at + 1) & mask;
      this.slots[at] = slots[i]!;
      this.hashes[at] = hashes[i]!;
    }
  }
}

/** FNV-1a over a string's UTF-16 code units, with a final mix so the low bits (the table's slot) spread. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return hash32(h >>> 0);
}

/**
 * Interned tuples of small integers: columns that nearly always repeat together (a call's method, service,
 * authority and content type; its status, status name and source) cost one id per row instead of one
 * column each.
 */
export class TuplePool {
  private readonly ids = new Map<string, number>();
  private readonly tuples: number[][] = [];
  private shipped = 0;

  /** Tuples added since the previous ship (for a replica, as GrowableColumn.ship). */
  ship(): number[][] {
    const out = this.tuples.slice(this.shipped);
    this.shipped = this.tuples.length;
    return out;
  }

  receive(tuples: readonly number[][]): void {
    for (const t of tuples) this.id(t);
  }

  id(values: number[]): number {
    const key = values.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.tuples.length;
      this.tuples.push(values);
      this.ids.set(key, id);
    }
    return id;
  }

  at(id: number): readonly number[] {
    return this.tuples[id] ?? [];
  }
}

/** Part of a store that a builder in another thread ships to its replica (src/tui/load-worker.ts). */
export interface Shippable {
  ship(release?: boolean): unknown;
  receive(delta: never): void;
}

/** Ships a fixed list of parts, in order. */
export function shipAll(parts: readonly Shippable[], release = false): unknown[] {
  return parts.map((p) => p.ship(release));
}

export function receiveAll(parts: readonly Shippable[], deltas: readonly unknown[]): void {
  parts.forEach((p, k) => (p.receive as (d: unknown) => void)(deltas[k]));
}

/**
 * A Map whose additions since the previous ship can be handed to a replica (sparse per-row facts: a
 * frame's extra fields, a block's size updates). Entries are only ever added, never changed.
 */
export class ShippedMap<V> extends Map<number, V> {
  private log: Array<[number, V]> = [];

  override set(key: number, value: V): this {
    this.log.push([key, value]);
    return super.set(key, value);
  }

  /** Entries added since the previous ship; with `release` the builder forgets them (it never reads). */
  ship(release = false): Array<[number, V]> {
    const out = this.log;
    this.log = [];
    if (release) super.clear();
    return out;
  }

  receive(entries: ReadonlyArray<[number, V]>): void {
    for (const [k, v] of entries) super.set(k, v);
  }
}

/**
 * A map from unsigned 32-bit keys to non-negative 32-bit values in two typed arrays (open addressing,
 * linear probing, at most half full): about 16 bytes an entry where a Map takes 40 or more. The store keeps
 * one per connection, stream id to call index, for every call of the capture.
 */
export class U32Map {
  private keys = new Uint32Array(16);
  /** -1: an empty slot. */
  private values = new Int32Array(16).fill(-1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: number): number | undefined {
    const mask = this.keys.length - 1;
    for (let at = hash32(key) & mask; ; at = (at + 1) & mask) {
      const v = this.values[at]!;
      if (v < 0) return undefined;
      if (this.keys[at] === key) return v;
    }
  }

  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    if (this.put(key, value)) this.count++;
  }

  /** True when the key was new. */
  private put(key: number, value: number): boolean {
    const mask = this.keys.length - 1;
    for (let at = hash32(key) & mask; ; at = (at + 1) & mask) {
      if (this.values[at]! < 0 || this.keys[at] === key) {
        const fresh = this.values[at]! < 0;
        this.keys[at] = key;
        this.values[at] = value;
        return fresh;
      }
    }
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2).fill(-1);
    for (let i = 0; i < keys.length; i++) if (values[i]! >= 0) this.put(keys[i]!, values[i]!);
  }
}

/**
 * A map from pairs of unsigned 32-bit keys to non-negative 32-bit values, as U32Map: the store's header
 * (name id, value id) pairs, one per distinct header of the capture, where a Map keyed by a `${n} ${v}`
 * string took ~100 bytes a pair (src/model/store-headers.ts).
 */
export class U32PairMap {
  /** Two keys per slot. */
  private keys = new Uint32Array(32);
  /** -1: an empty slot. */
  private values = new Int32Array(16).fill(-1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(a: number, b: number): number | undefined {
    const v = this.values[this.slotOf(a, b)]!;
    return v < 0 ? undefined : v;
  }

  set(a: number, b: number, value: number): void {
    const at = this.slotOf(a, b);
    if (this.values[at]! < 0) this.count++;
    this.keys[2 * at] = a;
    this.keys[2 * at + 1] = b;
    this.values[at] = value;
    if (this.count * 2 > this.values.length) this.grow();
  }

  /** The slot holding (a, b), or the empty slot where it would go. */
  private slotOf(a: number, b: number): number {
    const mask = this.values.length - 1;
    for (let at = hash32(a ^ Math.imul(b, 0x9e3779b1)) & mask; ; at = (at + 1) & mask)
      if (this.values[at]! < 0 || (this.keys[2 * at] === a && this.keys[2 * at + 1] === b)) return at;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.values = new Int32Array(values.length * 2).fill(-1);
    this.count = 0;
    for (let i = 0; i < values.length; i++)
      if (values[i]! >= 0) this.set(keys[2 * i]!, keys[2 * i + 1]!, values[i]!);
  }
}

/** Spreads stream ids (odd, consecutive) over the table. */
function hash32(key: number): number {
  return Math.imul(key ^ (key >>> 16), 0x45d9f3b) >>> 0;
}
