import { isUtf8 } from 'node:buffer';
import type { HeaderField } from './types.js';

/** Printable ASCII reads the same in latin1 and UTF-8; anything else takes the byte route. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Text for header bytes: UTF-8 when valid (RFC 9110 §5.5 allows obs-text), else latin1, one char per byte. */
export function headerText(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

/**
 * A field decoded by hpack.js, which hands out latin1 strings (one char per octet). Its `raw` bytes are
 * made on first use only: gRPC `-bin` metadata is all that reads them, and a Buffer view per field
 * (latin1 write, view object, its allocation) was about 5 % of this layer's CPU profile. For printable ASCII, the
 * common case, `latin1` is the `value` string itself, so keeping it costs nothing. It never changes once
 * made, so one object serves every header block that refers to the same HPACK table entry (see
 * HpackDecoder), and its record pair is made once with it.
 */
class Latin1Field implements HeaderField {
  private bytes: Buffer | undefined = undefined;
  /**
   * The `[name, value]` pair the frame record's `headers` and the call record's header lists show: made
   * once per field (and so once per table entry), not again for each list it goes into.
   */
  readonly pair: [string, string];

  constructor(
    readonly name: string,
    readonly value: string,
    private readonly latin1: string,
  ) {
    this.pair = [name, value];
  }

  get raw(): Buffer {
    return (this.bytes ??= Buffer.from(this.latin1, 'latin1'));
  }

  /** raw.length, without making raw. */
  get rawLength(): number {
    return this.latin1.length;
  }
}

/** Octets of a field's value (RFC 9113 §6.5.2 counts them), without making the bytes of a lazy field. */
export function rawLength(f: HeaderField): number {
  return f instanceof Latin1Field ? f.rawLength : f.raw.length;
}

/** The record's `[name, value]` pair of a field: the one it was made with when it has one. */
export function fieldPair(f: HeaderField): [string, string] {
  return f instanceof Latin1Field ? f.pair : [f.name, f.value];
}

/** From hpack.js's latin1 strings; printable ASCII is kept as is, anything else takes the byte route. */
export function fieldFromLatin1(name: string, value: string): HeaderField {
  return new Latin1Field(
    PRINTABLE_ASCII.test(name) ? name : headerText(Buffer.from(name, 'latin1')),
    PRINTABLE_ASCII.test(value) ? value : headerText(Buffer.from(value, 'latin1')),
    value,
  );
}

export function fieldFromBytes(name: Buffer, value: Buffer): HeaderField {
  return { name: headerText(name), value: headerText(value), raw: value };
}
