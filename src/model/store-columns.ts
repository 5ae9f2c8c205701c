/**
 * Append-only columns for the TUI store: typed arrays that double when full, and a string pool that turns
 * repeated strings (header names, `content-type: application/grpc`, frame type names) into small ids.
 * One JS object per frame costs ~500 bytes; a row across these columns costs ~45 (docs/dependencies.md:
 * 859 MB for 1.6 M packets as objects).
 */

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
type TypedCtor<T extends TypedArray> = new (length: number) => T;

class GrowableColumn<T extends TypedArray> {
  protected data: T;
  private size = 0;

  constructor(
    private readonly ctor: TypedCtor<T>,
    initial = 1024,
  ) {
    this.data = new ctor(initial);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): number {
    if (this.size === this.data.length) this.grow(this.size + 1);
    this.data[this.size] = value;
    return this.size++;
  }

  /** Appends many values at once; returns the index of the first. */
  pushAll(values: ArrayLike<number>): number {
    const start = this.size;
    if (start + values.length > this.data.length) this.grow(start + values.length);
    if (ArrayBuffer.isView(values)) this.data.set(values as unknown as ArrayLike<number>, start);
    else for (let i = 0; i < values.length; i++) this.data[start + i] = values[i]!;
    this.size += values.length;
    return start;
  }

  /** The value at `i`; 0 outside the column (callers check `length`). */
  get(i: number): number {
    return i < this.size ? this.data[i]! : 0;
  }

  set(i: number, value: number): void {
    if (i < this.size) this.data[i] = value;
  }

  /** A view of the filled part (no copy): valid until the next push. */
  view(start = 0, end = this.size): T {
    return this.data.subarray(start, Math.min(end, this.size)) as T;
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new this.ctor(cap);
    next.set(this.data);
    this.data = next;
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

/** Interned strings: each distinct string is kept once and referred to by its id. */
export class StringPool {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [];

  constructor(private readonly limit = Number.MAX_SAFE_INTEGER) {}

  get size(): number {
    return this.strings.length;
  }

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      if (this.strings.length >= this.limit) throw new Error(`StringPool limit ${this.limit} reached`);
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** The id of a string already in the pool, or undefined. */
  find(s: string): number | undefined {
    return this.ids.get(s);
  }

  at(id: number): string {
    return this.strings[id] ?? '';
  }
}
