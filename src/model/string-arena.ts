/**
 * Strings as bytes: the replica's copy of the store's string pool (src/tui/load-worker.ts ships it). A
 * capture of small calls has one unique header value per call (a request id, a sequence number); as JS
 * strings with the pool's Map entry and array slot they cost 60-80 bytes each on the UI thread, ~15 bytes
 * a frame at 1M frames (docs/performance.md, "TUI memory, session 7"). Here each costs its bytes plus
 * 8 bytes of index, and a JS string exists only while a row that shows it is drawn.
 *
 * Exact for every JS string: one whose code units are all below 256 is stored one byte a unit (latin1),
 * any other as UTF-16 code units (two bytes each, lone surrogates kept).
 */
/** Bytes per arena chunk; a longer string gets a chunk of its own. */
const CHUNK_BYTES = 1 << 18;
/** Strings per index chunk. */
const INDEX_BITS = 16;
const INDEX = 1 << INDEX_BITS;
/** Strings read back recently, by id modulo this (a redraw reads the same few dozen again and again). */
const CACHE_SLOTS = 1024;

/** New strings encoded for shipping: their bytes, and per string units * 2 + (1 when two bytes a unit). */
export type EncodedStrings = [Uint8Array, Float64Array];

/** Encodes `strings` as the arena stores them (the builder's side of a ship). */
export function encodeStrings(strings: readonly string[]): EncodedStrings {
  const codes = new Float64Array(strings.length);
  let bytes = 0;
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i]!;
    const wide = isWide(s);
    codes[i] = s.length * 2 + (wide ? 1 : 0);
    bytes += wide ? s.length * 2 : s.length;
  }
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const s of strings) at = writeString(out, at, s, isWide(s));
  return [out, codes];
}

/** Bytes of a string by its code. */
function sizeOf(code: number): number {
  return code % 2 === 1 ? code - 1 : code / 2;
}

function isWide(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 0xff) return true;
  return false;
}

function writeString(out: Uint8Array, at: number, s: string, wide: boolean): number {
  if (wide) {
    for (let k = 0; k < s.length; k++) {
      const u = s.charCodeAt(k);
      out[at++] = u & 0xff;
      out[at++] = u >>> 8;
    }
  } else for (let k = 0; k < s.length; k++) out[at++] = s.charCodeAt(k);
  return at;
}

export class StringArena {
  private readonly chunks: Uint8Array[] = [];
  /** Where chunk `chunks.length - 1` is filled to. */
  private fill = CHUNK_BYTES;
  private count = 0;
  /** Per string, in chunks of INDEX: chunk * CHUNK_BYTES + offset (a 4 GiB arena at most). */
  private readonly starts: Uint32Array[] = [];
  /** Per string: its code (units * 2 + wide), as EncodedStrings. */
  private readonly codes: Uint32Array[] = [];
  private readonly cacheIds = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly cache: string[] = new Array<string>(CACHE_SLOTS).fill('');

  get length(): number {
    return this.count;
  }

  /** Appends shipped strings (EncodedStrings) in order. */
  append([bytes, codes]: EncodedStrings): void {
    let from = 0;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i]!;
      const size = sizeOf(code);
      const { chunk, at } = this.place(code);
      chunk.set(bytes.subarray(from, from + size), at);
      from += size;
    }
  }

  /** Appends one string (a builder's interning: src/model/store-columns.ts, StringPool); returns its id. */
  push(s: string): number {
    const wide = isWide(s);
    const { chunk, at } = this.place(s.length * 2 + (wide ? 1 : 0));
    writeString(chunk, at, s, wide);
    return this.count - 1;
  }

  /** Whether string `id` is `s`, compared as bytes (no JS string made). */
  equals(id: number, s: string): boolean {
    // Numbers, not slot()'s object: this runs for every header name and value a builder interns.
    const code = this.codes[id >>> INDEX_BITS]![id & (INDEX - 1)]!;
    if (code >>> 1 !== s.length) return false;
    const start = this.starts[id >>> INDEX_BITS]![id & (INDEX - 1)]!;
    const chunk = this.chunks[Math.floor(start / CHUNK_BYTES)]!;
    const off = start % CHUNK_BYTES;
    if (code % 2 === 1) {
      for (let k = 0; k < s.length; k++)
        if ((chunk[off + 2 * k]! | (chunk[off + 2 * k + 1]! << 8)) !== s.charCodeAt(k)) return false;
    } else for (let k = 0; k < s.length; k++) if (chunk[off + k] !== s.charCodeAt(k)) return false;
    return true;
  }

  /** Strings `from` to the end as shipped (EncodedStrings), copied from the arena. */
  encodeFrom(from: number): EncodedStrings {
    const codes = new Float64Array(Math.max(0, this.count - from));
    let bytes = 0;
    for (let i = 0; i < codes.length; i++) bytes += sizeOf((codes[i] = this.slot(from + i).code));
    const out = new Uint8Array(bytes);
    let at = 0;
    for (let i = 0; i < codes.length; i++) {
      const { code, chunk, off } = this.slot(from + i);
      out.set(chunk.subarray(off, off + sizeOf(code)), at);
      at += sizeOf(code);
    }
    return [out, codes];
  }

  /** Room for the next string's bytes (a new chunk when the last is full), its index entry written. */
  private place(code: number): { chunk: Uint8Array; at: number } {
    const size = sizeOf(code);
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || this.fill + size > chunk.length) {
      chunk = new Uint8Array(Math.max(CHUNK_BYTES, size));
      this.chunks.push(chunk);
      this.fill = 0;
    }
    const c = this.count >>> INDEX_BITS;
    if (c === this.starts.length) {
      // The first index chunk starts small: most captures have a few hundred strings.
      this.starts.push(new Uint32Array(c === 0 ? 1024 : INDEX));
      this.codes.push(new Uint32Array(c === 0 ? 1024 : INDEX));
    } else if ((this.count & (INDEX - 1)) >= this.starts[c]!.length) this.growFirst();
    const at = this.fill;
    this.starts[c]![this.count & (INDEX - 1)] = (this.chunks.length - 1) * CHUNK_BYTES + at;
    this.codes[c]![this.count & (INDEX - 1)] = code;
    this.count++;
    this.fill += size;
    return { chunk, at };
  }

  /** Where string `id`'s bytes lie, and its code. */
  private slot(id: number): { code: number; chunk: Uint8Array; off: number } {
    const start = this.starts[id >>> INDEX_BITS]![id & (INDEX - 1)]!;
    const code = this.codes[id >>> INDEX_BITS]![id & (INDEX - 1)]!;
    return { code, chunk: this.chunks[Math.floor(start / CHUNK_BYTES)]!, off: start % CHUNK_BYTES };
  }

  /** String `id`; '' outside the arena. */
  at(id: number): string {
    if (id < 0 || id >= this.count) return '';
    const slot = id % CACHE_SLOTS;
    if (this.cacheIds[slot] === id) return this.cache[slot]!;
    const s = this.decode(id);
    this.cacheIds[slot] = id;
    this.cache[slot] = s;
    return s;
  }

  /** Memory held by the bytes and the index. */
  get byteLength(): number {
    let n = 0;
    for (const c of [...this.chunks, ...this.starts, ...this.codes]) n += c.byteLength;
    return n;
  }

  private growFirst(): void {
    const size = Math.min(this.starts[0]!.length * 2, INDEX);
    for (const index of [this.starts, this.codes]) {
      const next = new Uint32Array(size);
      next.set(index[0]!);
      index[0] = next;
    }
  }

  private decode(id: number): string {
    const { code, chunk, off } = this.slot(id);
    const units = Math.floor(code / 2);
    const wide = code % 2 === 1;
    // String.fromCharCode over a few thousand units at a time: fast for short strings, no stack limit.
    let out = '';
    for (let k = 0; k < units; k += 4096) {
      const n = Math.min(4096, units - k);
      const part = new Array<number>(n);
      for (let j = 0; j < n; j++) {
        const u = k + j;
        part[j] = wide ? chunk[off + 2 * u]! | (chunk[off + 2 * u + 1]! << 8) : chunk[off + u]!;
      }
      out += String.fromCharCode(...part);
    }
    return out;
  }
}
