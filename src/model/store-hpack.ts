/**
 * HPACK inspector data, compactly: each header block's field representations packed one u32 per field,
 * and per connection and direction the table history (insertions with interned name/value, size updates,
 * losses) so the dynamic table of either side at any block is rebuilt on demand by dynamicTableAt.
 */
import type { HpackBlockReport, HpackRepresentation, HpackSizeUpdate } from '../h2/hpack-representations.js';
import { historyItems } from '../h2/hpack-representations.js';
import { dynamicTableAt, type ReplayedTable, type TableHistoryItem } from '../h2/hpack-table-replay.js';
import type { Role } from '../records/records.js';
import { StringPool, U32Column } from './store-columns.js';

const KINDS: ReadonlyArray<HpackRepresentation['kind']> = [
  'indexed',
  'literal-incremental',
  'literal-without-indexing',
  'literal-never-indexed',
];
/** History ops, 4 u32 per item: op, name id, value id, size. */
const OP_INSERT = 0;
const OP_SIZE_UPDATE = 1;
const OP_LOST = 2;
const OP_RESYNCED = 3;

interface BlockRef {
  repAt: number;
  repCount: number;
  /** History lengths (items) of the sender's and the receiver's side after this block. */
  ownEnd: number;
  peerEnd: number;
  ownKey: string;
  peerKey: string;
}

export interface HpackBlockView {
  representations: HpackRepresentation[];
  sizeUpdates: HpackSizeUpdate[];
  /** The sender's and the other side's tables at this block (after it, for the sender). */
  sender: ReplayedTable;
  receiver: ReplayedTable;
}

export class HpackBlocks {
  private readonly reps = new U32Column();
  private readonly sizeUpdates = new Map<number, HpackSizeUpdate[]>();
  private readonly blocks = new Map<number, BlockRef>();
  private readonly histories = new Map<string, U32Column>();

  constructor(private readonly strings: StringPool) {}

  /** Records the block that frame `n` of connection `conn` (ordinal) ended, sent by `from`. */
  add(n: number, conn: number, from: Role, report: HpackBlockReport): void {
    const ownKey = `${conn}:${from}`;
    const peerKey = `${conn}:${from === 'client' ? 'server' : 'client'}`;
    const own = this.history(ownKey);
    for (const item of historyItems(report)) this.push(own, item);
    const repAt = this.reps.length;
    for (const r of report.representations) this.reps.push(pack(r));
    if (report.sizeUpdates.length > 0) this.sizeUpdates.set(n, report.sizeUpdates);
    const peerEnd = (this.histories.get(peerKey)?.length ?? 0) / 4;
    const ref = { repAt, repCount: report.representations.length, ownEnd: own.length / 4, peerEnd };
    this.blocks.set(n, { ...ref, ownKey, peerKey });
  }

  has(n: number): boolean {
    return this.blocks.has(n);
  }

  /** What frame `n`'s header block showed, with both tables replayed; null if it ended no block. */
  view(n: number): HpackBlockView | null {
    const ref = this.blocks.get(n);
    if (!ref) return null;
    const representations: HpackRepresentation[] = [];
    for (let i = 0; i < ref.repCount; i++) representations.push(unpack(this.reps.get(ref.repAt + i)));
    return {
      representations,
      sizeUpdates: this.sizeUpdates.get(n) ?? [],
      sender: dynamicTableAt(this.items(ref.ownKey, ref.ownEnd)),
      receiver: dynamicTableAt(this.items(ref.peerKey, ref.peerEnd)),
    };
  }

  private history(key: string): U32Column {
    let h = this.histories.get(key);
    if (!h) this.histories.set(key, (h = new U32Column(64)));
    return h;
  }

  private push(h: U32Column, item: TableHistoryItem): void {
    if (item.kind === 'insert') {
      h.pushAll([OP_INSERT, this.strings.id(item.name), this.strings.id(item.value), item.size]);
    } else if (item.kind === 'size-update') h.pushAll([OP_SIZE_UPDATE, 0, 0, item.size]);
    else h.pushAll([item.kind === 'lost' ? OP_LOST : OP_RESYNCED, 0, 0, 0]);
  }

  private items(key: string, end: number): TableHistoryItem[] {
    const h = this.histories.get(key);
    const out: TableHistoryItem[] = [];
    for (let i = 0; h && i < end; i++) {
      const [op, name, value, size] = [h.get(4 * i), h.get(4 * i + 1), h.get(4 * i + 2), h.get(4 * i + 3)];
      if (op === OP_INSERT)
        out.push({ kind: 'insert', name: this.strings.at(name), value: this.strings.at(value), size });
      else if (op === OP_SIZE_UPDATE) out.push({ kind: 'size-update', size });
      else out.push({ kind: op === OP_LOST ? 'lost' : 'resynced' });
    }
    return out;
  }
}

/** Larger indexes are invalid anyway (§2.3.3); clamped so the packed value stays a u32. */
const MAX_INDEX = 2 ** 26 - 1;

/** kind (2 bits) | name Huffman (2 bits: none, no, yes) | value Huffman (2 bits) | index (the rest). */
function pack(r: HpackRepresentation): number {
  const huff = (b: boolean | null) => (b === null ? 0 : b ? 2 : 1);
  return (
    (KINDS.indexOf(r.kind) | (huff(r.nameHuffman) << 2) | (huff(r.valueHuffman) << 4)) +
    Math.min(r.index, MAX_INDEX) * 64
  );
}

function unpack(v: number): HpackRepresentation {
  const huff = (bits: number) => (bits === 0 ? null : bits === 2);
  return {
    kind: KINDS[v & 3]!,
    nameHuffman: huff((v >> 2) & 3),
    valueHuffman: huff((v >> 4) & 3),
    index: Math.floor(v / 64),
  };
}
