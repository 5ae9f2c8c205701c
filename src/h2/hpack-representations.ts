/**
 * What a header block says about itself, beyond the fields: how each field was represented (RFC 7541 §6),
 * the dynamic table size updates it carries (§6.3) and the entries it added to the dynamic table (§4.4).
 * The scan reads only the prefix integers and string lengths (§5.1, §5.2); names and values come from the
 * decoder, so Huffman strings are never decoded twice.
 */
import { readPrefixInt } from './hpack-integer.js';
import type { TableHistoryItem } from './hpack-table-replay.js';
import { UNKNOWN_NAME } from './hpack-walker.js';

export type HpackRepresentationKind =
  'indexed' | 'literal-incremental' | 'literal-without-indexing' | 'literal-never-indexed';

export interface HpackRepresentation {
  kind: HpackRepresentationKind;
  /** The HPACK index of the field (indexed) or of its name (literals): 1-61 static, 62+ dynamic; 0: new name. */
  index: number;
  /** Literals with a new name: whether the name was Huffman-coded (§5.2); null when the name was indexed. */
  nameHuffman: boolean | null;
  /** Literals: whether the value was Huffman-coded; null for indexed fields. */
  valueHuffman: boolean | null;
}

/** RFC 7541 §6.3; `before`: how many field representations precede it in the block. */
export interface HpackSizeUpdate {
  size: number;
  before: number;
}

/** An entry a literal with incremental indexing added (§6.2.1); size per §4.1, a lower bound if name unknown. */
export interface HpackInsertion {
  /** Position of the field in the block (0-based), to order insertions among size updates. */
  field: number;
  name: string;
  value: string;
  size: number;
}

export interface HpackBlockScan {
  representations: HpackRepresentation[];
  sizeUpdates: HpackSizeUpdate[];
  /** Why the scan stopped before the end of the block, or null. */
  error: string | null;
}

export interface HpackBlockInfo extends HpackBlockScan {
  /** The entries the block added, oldest first (each becomes index 62 when added, §2.3.3). */
  inserted: HpackInsertion[];
}

/** What the H2 decoder attaches to the frame that completes a block. */
export interface HpackBlockReport extends HpackBlockInfo {
  /** The table was lost (gap, mid-connection start, earlier error) since this side's previous block. */
  lostBefore: boolean;
  /** After this block the decoder knows the whole table again. */
  resynced: boolean;
  /** The block could not be decoded: the table is unknown after it (insertions listed up to the error). */
  lostAfter: boolean;
}

/** RFC 7541 §4.1: the 32-octet overhead of each entry. */
const ENTRY_OVERHEAD = 32;

/** §6.1-§6.3: first-octet patterns and their integer prefix lengths. */
const FORMS: ReadonlyArray<{
  mask: number;
  pattern: number;
  prefix: number;
  kind: HpackRepresentationKind | null;
}> = [
  { mask: 0x80, pattern: 0x80, prefix: 7, kind: 'indexed' },
  { mask: 0xc0, pattern: 0x40, prefix: 6, kind: 'literal-incremental' },
  { mask: 0xe0, pattern: 0x20, prefix: 5, kind: null }, // size update
  { mask: 0xf0, pattern: 0x10, prefix: 4, kind: 'literal-never-indexed' },
  { mask: 0xf0, pattern: 0x00, prefix: 4, kind: 'literal-without-indexing' },
];

/** Walks the representations of one block without decoding any string. */
export function scanBlock(block: Buffer): HpackBlockScan {
  const scan: HpackBlockScan = { representations: [], sizeUpdates: [], error: null };
  let at = 0;
  while (at < block.length) {
    const first = block[at]!;
    const form = FORMS.find((f) => (first & f.mask) === f.pattern)!;
    const int = readPrefixInt(block, at, form.prefix);
    if (int === null) return stop(scan, `truncated integer at octet ${at}`);
    at = int.next;
    if (form.kind === null) {
      scan.sizeUpdates.push({ size: int.value, before: scan.representations.length });
      continue;
    }
    if (form.kind === 'indexed') {
      scan.representations.push({ kind: 'indexed', index: int.value, nameHuffman: null, valueHuffman: null });
      continue;
    }
    let nameHuffman: boolean | null = null;
    if (int.value === 0) {
      const name = skipString(block, at);
      if (name === null) return stop(scan, `truncated name string at octet ${at}`);
      ({ huffman: nameHuffman, next: at } = name);
    }
    const value = skipString(block, at);
    if (value === null) return stop(scan, `truncated value string at octet ${at}`);
    at = value.next;
    scan.representations.push({
      kind: form.kind,
      index: int.value,
      nameHuffman,
      valueHuffman: value.huffman,
    });
  }
  return scan;
}

/**
 * The scan plus the inserted entries, taking names and values from the decoder's list (`headers`, one
 * per field, with UNKNOWN_NAME where a name came from an entry never seen). `octets` gives a field's exact
 * name and value lengths when the decoder has them. A list shorter than the scan (a decoding error) limits
 * the insertions to the fields decoded.
 */
export function blockInfo(
  block: Buffer,
  headers: ReadonlyArray<readonly [string, string]>,
  valueOctets: (i: number) => number | undefined,
): HpackBlockInfo {
  const scan = scanBlock(block);
  const inserted: HpackInsertion[] = [];
  scan.representations.forEach((r, i) => {
    const field = headers[i];
    if (r.kind !== 'literal-incremental' || field === undefined) return;
    const [name, value] = field;
    // An unknown name is at least one octet: the size is then a lower bound (as PartialTable counts it).
    const nameSize = name === UNKNOWN_NAME ? 1 : Buffer.byteLength(name, 'utf8');
    const valueSize = valueOctets(i) ?? Buffer.byteLength(value, 'utf8');
    inserted.push({ field: i, name, value, size: nameSize + valueSize + ENTRY_OVERHEAD });
  });
  return { ...scan, inserted };
}

/** The block's steps for dynamicTableAt, in wire order. */
export function historyItems(report: HpackBlockReport): TableHistoryItem[] {
  const items: TableHistoryItem[] = report.lostBefore ? [{ kind: 'lost' }] : [];
  let u = 0;
  const updatesBefore = (field: number): void => {
    for (; u < report.sizeUpdates.length && report.sizeUpdates[u]!.before <= field; u++)
      items.push({ kind: 'size-update', size: report.sizeUpdates[u]!.size });
  };
  for (const { field, name, value, size } of report.inserted) {
    updatesBefore(field);
    items.push({ kind: 'insert', name, value, size });
  }
  updatesBefore(Number.POSITIVE_INFINITY);
  if (report.resynced) items.push({ kind: 'resynced' });
  if (report.lostAfter) items.push({ kind: 'lost' });
  return items;
}

/** §5.2: H bit and a 7-bit prefix length, then that many octets. */
function skipString(block: Buffer, at: number): { huffman: boolean; next: number } | null {
  const first = block[at];
  if (first === undefined) return null;
  const len = readPrefixInt(block, at, 7);
  if (len === null || len.next + len.value > block.length) return null;
  return { huffman: (first & 0x80) !== 0, next: len.next + len.value };
}

function stop(scan: HpackBlockScan, why: string): HpackBlockScan {
  scan.error = why;
  return scan;
}
