/**
 * A schema-less decoded message ({kind: 'raw', fields}) that keeps the message's bytes and builds its field
 * list only when something reads `fields`. The ndjson writer instead writes the list's JSON straight from
 * the bytes into its output buffer (src/output/raw-json.ts): on text payloads read as protobuf (the unary
 * shape of issue 13) the object graph of short strings, its JSON.stringify and its garbage were most of the
 * report's cost. Everything else (json, text, the TUI, tests) sees an ordinary record: `fields` is an own
 * enumerable accessor, as LazyHexBytes' `hex` is (raw-bytes.ts).
 */
import { decodeRaw, ownBytes } from './protobuf-raw.js';
import type { RawField } from '../records/call.js';

export class LazyRawMessage {
  readonly kind = 'raw' as const;
  declare readonly fields: RawField[];
  /** The message; null once `fields` was built (then only the fields are kept). */
  #bytes: Uint8Array | null;
  #fields: RawField[] | null = null;
  /** --payload head: bytes fields longer than this keep only their first bytesHead bytes; else Infinity. */
  readonly #bytesHead: number;

  /** `bytes` must parse as protobuf (parsesAsProtobuf): decodeRaw(bytes).ok. */
  constructor(bytes: Buffer, bytesHead = Number.POSITIVE_INFINITY) {
    this.#bytes = ownBytes(bytes);
    this.#bytesHead = bytesHead;
    Object.defineProperty(this, 'fields', LazyRawMessage.#fieldsAccessor);
  }

  /** `fields`' accessor: one for every message (no closure and descriptor per message: fewer objects). */
  static readonly #fieldsAccessor: PropertyDescriptor = {
    enumerable: true,
    get(this: LazyRawMessage): RawField[] {
      return this.build();
    },
  };

  /** A getter, not an own field: records are serialised by their own enumerable keys (kind, fields). */
  get bytesHead(): number {
    return this.#bytesHead;
  }

  /** The message's bytes while its fields are not built (the writer then needs no field list), else null. */
  get bytes(): Uint8Array | null {
    return this.#bytes;
  }

  private build(): RawField[] {
    if (this.#fields === null) {
      this.#fields = decodeRaw(this.#bytes!, { bytesHead: this.#bytesHead }).fields;
      this.#bytes = null;
    }
    return this.#fields;
  }
}
