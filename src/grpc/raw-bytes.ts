/**
 * A schema-less `bytes` field ({kind: 'bytes', hex, packedVarints?}) that keeps its bytes and makes the
 * hex string only when something reads `hex`. Payload hex was most of the ndjson output and its cost
 * (building a string twice the size of the bytes, copying it through JSON.stringify, encoding it again:
 * issue 13); the ndjson and json writers instead write the hex from the bytes into their output buffer
 * (src/output/json-value.ts). Everything else (the TUI, the text report, JSON.stringify, tests) sees an
 * ordinary record: `hex` is an own enumerable property, so the value is the same wherever it is read.
 *
 * The objects of a decode that hold one (field lists, fields, nested messages) carry a hidden mark, so a
 * writer walks only the parts of a record that lead to lazy bytes and hands the rest to JSON.stringify.
 */

/** Fields shorter than this get their hex at once: a string that small costs less than the object. */
export const LAZY_HEX_MIN_BYTES = 256;

const HOLDS = Symbol('holds lazy hex');

export class LazyHexBytes {
  readonly kind = 'bytes' as const;
  declare readonly hex: string;
  declare packedVarints?: Array<number | string>;
  readonly #bytes: Uint8Array;
  #hex: string | null = null;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    // An own, enumerable accessor: JSON.stringify, object spread and deep equality read it like data.
    Object.defineProperty(this, 'hex', { enumerable: true, get: () => this.hexString() });
  }

  get bytes(): Uint8Array {
    return this.#bytes;
  }

  private hexString(): string {
    this.#hex ??= Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength).toString(
      'hex',
    );
    return this.#hex;
  }
}

/** Marks `o` (an array or object of a decode) as leading to lazy hex; returns it. */
export function markHoldsLazyHex<T extends object>(o: T): T {
  if (!(HOLDS in o)) Object.defineProperty(o, HOLDS, { value: true });
  return o;
}

/** True for a LazyHexBytes or an object marked by markHoldsLazyHex. */
export function holdsLazyHex(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v instanceof LazyHexBytes || HOLDS in v);
}
