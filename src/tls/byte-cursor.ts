/**
 * A bounds-checked reader over TLS presentation-language structures (RFC 8446 §3): fixed-width integers
 * and length-prefixed vectors. It never throws: reading past the end returns zeros / empty buffers and
 * sets a sticky `short` flag (the BoringSSL CBS / Go cryptobyte shape), so a parser reads a whole
 * structure and checks `ok` once at the points where a decision depends on the values. A failed cursor
 * is at its end.
 */
export class ByteCursor {
  private pos: number;
  private readonly end: number;
  private failed = false;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** False once any read ran past the end. */
  get ok(): boolean {
    return !this.failed;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private take(n: number): number | undefined {
    if (this.failed || n > this.end - this.pos) {
      // A failed cursor is at its end, so `while (!cur.atEnd)` loops always terminate.
      this.failed = true;
      this.pos = this.end;
      return undefined;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at === undefined ? 0 : this.buf.readUInt8(at);
  }

  u16(): number {
    const at = this.take(2);
    return at === undefined ? 0 : this.buf.readUInt16BE(at);
  }

  u24(): number {
    const at = this.take(3);
    return at === undefined ? 0 : this.buf.readUIntBE(at, 3);
  }

  bytes(n: number): Buffer {
    const at = this.take(n);
    return at === undefined ? Buffer.alloc(0) : this.buf.subarray(at, at + n);
  }

  /** The rest of the input. */
  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** `opaque x<..2^(8*lengthBytes)-1>`: the vector's contents as a sub-cursor (empty when short). */
  vector(lengthBytes: 1 | 2 | 3): ByteCursor {
    const length = lengthBytes === 1 ? this.u8() : lengthBytes === 2 ? this.u16() : this.u24();
    return new ByteCursor(this.bytes(length));
  }

  /** Marks the cursor failed, for a parser that found a value out of range. */
  fail(): void {
    this.failed = true;
    this.pos = this.end;
  }
}
