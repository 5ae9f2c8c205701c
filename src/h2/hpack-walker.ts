import hpack from 'hpack.js';
import { fieldFromBytes, headerText } from './header-field.js';
import { createBitDecoder } from './hpack-huffman.js';
import type { ListKeeper } from './hpack-list-keeper.js';
import type { PartialTable } from './hpack-partial-table.js';
import type { HeaderField } from './types.js';

/**
 * Best-effort header block decoding while the dynamic table is (partly) unknown. Follows RFC 7541 §6
 * representation by representation, with hpack.js's bit reader for integers and (Huffman) strings, and
 * keeps every field that does not depend on an unknown table entry. It also records the entries the
 * block adds, so the table can become fully known again (see PartialTable).
 */
export interface WalkResult {
  fields: HeaderField[];
  /** The list as shown: `fields`, plus a placeholder where a field needed an unknown entry. */
  headers: Array<[string, string]>;
  /** HPACK indexes (62+) the block referred to that we could not resolve, in order. */
  unknownIndexes: number[];
  /**
   * Whole fields (§6.1 indexed representations) taken from entries present before the loss, by
   * PartialTable.unknownEntryId (stable from block to block, unlike indexes): the fields whose name and
   * value are both unknown. A field that only borrowed its name from such an entry shows its value and
   * is counted in `unknownNames`.
   */
  unknownEntries: number[];
  /** Literal fields that borrowed their names from entries from before the loss: the entry, the value. */
  unknownNames: Array<{ entry: number; value: string }>;
  /** Why the block stopped early, or null. */
  error: string | null;
  /** A size update after the first field (RFC 7541 §4.2 forbids it). */
  sizeUpdateAfterField: boolean;
}

/** RFC 7541 Appendix A as octets; index 1 is position 0. */
const STATIC = hpack['static-table'].table.map((e) => ({
  name: Buffer.from(e.name, 'latin1'),
  value: Buffer.from(e.value, 'latin1'),
}));
const STATIC_COUNT = STATIC.length;

/**
 * Stands for a field whose table entry we never saw, as Wireshark shows it. No real field can have this
 * name: `<` and `>` are not token characters (RFC 9110 §5.1).
 */
export const UNKNOWN_NAME = '<unknown>';

type Resolved =
  | { name: Buffer; value: Buffer }
  /** value null: the whole entry is unknown (it is `nameFrom` itself). */
  | { name: null; value: Buffer | null; nameFrom?: number };

/** `keeper` decides which fields are kept (the others are only counted, see ListKeeper). */
export function walkBlock(block: Buffer, table: PartialTable, keeper?: ListKeeper): WalkResult {
  const result: WalkResult = {
    fields: [],
    headers: [],
    unknownIndexes: [],
    unknownEntries: [],
    unknownNames: [],
    error: null,
    sizeUpdateAfterField: false,
  };
  const reader = createBitDecoder();
  reader.push(block);
  let seenField = false;
  try {
    while (!reader.isEmpty()) {
      const step = walkOne(reader, table, result, keeper);
      if (step === 'size-update') result.sizeUpdateAfterField ||= seenField;
      else seenField = true;
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  return result;
}

/** One representation (RFC 7541 §6.1-§6.3). */
function walkOne(
  reader: hpack.BitDecoder,
  table: PartialTable,
  out: WalkResult,
  keeper: ListKeeper | undefined,
): 'field' | 'size-update' {
  if (reader.decodeBit() === 1) {
    // §6.1 Indexed Header Field.
    const field = resolve(reader.decodeInt(), table, out);
    if (field.name === null && field.nameFrom !== undefined) {
      if (field.value === null) out.unknownEntries.push(field.nameFrom);
      else out.unknownNames.push({ entry: field.nameFrom, value: headerText(field.value) });
    }
    emit(out, field, keeper);
    return 'field';
  }
  const incremental = reader.decodeBit() === 1;
  if (!incremental && reader.decodeBit() === 1) {
    // §6.3 Dynamic Table Size Update.
    table.setMaxSize(reader.decodeInt());
    return 'size-update';
  }
  if (!incremental) reader.decodeBit(); // §6.2.2/§6.2.3: the never-indexed bit does not change decoding
  const index = reader.decodeInt();
  const named = index === 0 ? null : resolve(index, table, out);
  const name = named === null ? octets(reader.decodeStr()) : named.name;
  const value = octets(reader.decodeStr());
  const nameFrom = named?.name === null ? named.nameFrom : undefined;
  if (nameFrom !== undefined) out.unknownNames.push({ entry: nameFrom, value: headerText(value) });
  emit(out, { name, value }, keeper);
  // §6.2.1: incremental indexing adds the field, known name or not. Copies: the block is a capture buffer.
  if (incremental) table.add(name && Buffer.from(name), Buffer.from(value), nameFrom);
  return 'field';
}

/** The entry at `index`; for an unknown name, which entry from before the loss it is or came from. */
function resolve(index: number, table: PartialTable, out: WalkResult): Resolved {
  if (index === 0) throw new Error('index 0 is not a valid table index (RFC 7541 §6.1)');
  const fromStatic = STATIC[index - 1];
  if (fromStatic !== undefined) return fromStatic;
  const found = table.lookup(index - STATIC_COUNT - 1);
  if (found.known) return found;
  if (found.invalid) throw new Error(`index ${index} is beyond the dynamic table (RFC 7541 §2.3.3)`);
  out.unknownIndexes.push(index);
  if (found.value === undefined)
    return { name: null, value: null, nameFrom: table.unknownEntryId(index - STATIC_COUNT - 1) };
  return { name: null, value: found.value, nameFrom: found.nameFrom };
}

function emit(out: WalkResult, field: Resolved, keeper: ListKeeper | undefined): void {
  const size = (field.name?.length ?? 0) + (field.value?.length ?? 0);
  if (keeper !== undefined && !keeper.keep(size)) return;
  if (field.name === null) {
    out.headers.push([UNKNOWN_NAME, field.value === null ? '' : headerText(field.value)]);
    return;
  }
  const decoded = fieldFromBytes(field.name, field.value);
  out.fields.push(decoded);
  out.headers.push([decoded.name, decoded.value]);
}

function octets(s: Buffer | number[] | string): Buffer {
  if (typeof s === 'string') return Buffer.from(s, 'latin1'); // not made: this reader hands out Buffers
  return Buffer.isBuffer(s) ? s : Buffer.from(s);
}
