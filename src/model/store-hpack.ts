/**
 * HPACK inspector data, compactly: each header block's field representations packed one u32 per field,
 * and per connection and direction the table history (insertions with interned name/value, size updates,
 * losses) so the dynamic table of either side at any block is rebuilt on demand by dynamicTableAt.
 */
import type { HpackBlockReport, HpackRepresentation, HpackSizeUpdate } from '../h2/hpack-representations.js';
import { historyItems } from '../h2/hpack-representations.js';
import { dynamicTableAt, type ReplayedTable, type TableHistoryItem } from '../h2/hpack-table-replay.js';
import type { Role } from '../records/records.js';
import {
  NarrowColumn,
  receiveAll,
  ShippedMap,
  shipAll,
  StringPool,
  U32Column,
  type Shippable,
} from './store-columns.js';

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

/** Representation runs remembered for sharing (cleared when full). */
const RECENT_BLOCKS = 4096;

/** A connection's two histories: ordinal * 2 for the client's table, + 1 for the server's. */
const historyId = (conn: number, side: Role): number => conn * 2 + (side === 'server' ? 1 : 0);

export interface HpackBlockView {
  representations: HpackRepresentation[];
  sizeUpdates: HpackSizeUpdate[];
  /** The sender's and the other side's tables at this block (after it, for the sender). */
  sender: ReplayedTable;
  receiver: ReplayedTable;
}

/**
 * Blocks are rows of columns, added in frame order, so the block of a frame is found by binary search
 * over `frame` (no per-block object or map entry: ~24 bytes a block).
 */
export class HpackBlocks {
  private readonly reps = new U32Column();
  private readonly sizeUpdates = new ShippedMap<HpackSizeUpdate[]>();
  // Narrow columns (store-columns.ts): frame numbers and offsets climb (deltas), counts and ids are small.
  private readonly frame = new NarrowColumn(true);
  private readonly repAt = new NarrowColumn(true);
  private readonly repCount = new NarrowColumn();
  /** History lengths (items) of the sender's and the receiver's side after the block. */
  private readonly ownEnd = new NarrowColumn(true);
  private readonly peerEnd = new NarrowColumn(true);
  /** The sender's history id (historyId); the receiver's is this id ^ 1. */
  private readonly ownHistory = new NarrowColumn();
  private readonly histories = new Map<number, U32Column>();
  private readonly recentReps = new Map<string, number>();
  /** Histories appended to since the previous ship. */
  private readonly dirty = new Set<number>();

  constructor(private readonly strings: StringPool) {}

  /** Records the block that frame `n` of connection `conn` (ordinal) ended, sent by `from`. */
  add(n: number, conn: number, from: Role, report: HpackBlockReport): void {
    const ownId = historyId(conn, from);
    const own = this.history(ownId);
    this.dirty.add(ownId);
    for (const item of historyItems(report)) this.push(own, item);
    this.frame.push(n);
    // A client's blocks repeat the same representations call after call (indexed fields of a warm
    // table): a run of representations equal to a recent one is stored once.
    const packed = report.representations.map(pack);
    const key = packed.join(',');
    let at = this.recentReps.get(key);
    if (at === undefined) {
      at = this.reps.length;
      for (const p of packed) this.reps.push(p);
      if (this.recentReps.size >= RECENT_BLOCKS) this.recentReps.clear();
      this.recentReps.set(key, at);
    }
    this.repAt.push(at);
    this.repCount.push(packed.length);
    if (report.sizeUpdates.length > 0) this.sizeUpdates.set(n, report.sizeUpdates);
    this.ownEnd.push(own.length / 4);
    this.peerEnd.push((this.histories.get(ownId ^ 1)?.length ?? 0) / 4);
    this.ownHistory.push(ownId);
  }

  /** What a replica needs, in order (src/tui/load-worker.ts); the builder only reads history lengths. */
  ship(release = false): unknown[] {
    const histories: Array<[number, Uint32Array]> = [];
    for (const id of this.dirty) histories.push([id, this.histories.get(id)!.ship(release)]);
    this.dirty.clear();
    return [...shipAll(this.parts(), release), histories];
  }

  receive(delta: unknown[]): void {
    const parts = this.parts();
    receiveAll(parts, delta);
    for (const [id, values] of delta[parts.length] as Array<[number, Uint32Array]>)
      this.history(id).receive(values);
  }

  private parts(): Shippable[] {
    return [
      this.reps,
      this.sizeUpdates,
      this.frame,
      this.repAt,
      this.repCount,
      this.ownEnd,
      this.peerEnd,
      this.ownHistory,
    ];
  }

  has(n: number): boolean {
    return this.blockOf(n) >= 0;
  }

  /** What frame `n`'s header block showed, with both tables replayed; null if it ended no block. */
  view(n: number): HpackBlockView | null {
    const b = this.blockOf(n);
    if (b < 0) return null;
    const representations: HpackRepresentation[] = [];
    const at = this.repAt.get(b);
    for (let i = 0; i < this.repCount.get(b); i++) representations.push(unpack(this.reps.get(at + i)));
    const own = this.ownHistory.get(b);
    return {
      representations,
      sizeUpdates: this.sizeUpdates.get(n) ?? [],
      sender: dynamicTableAt(this.items(own, this.ownEnd.get(b))),
      receiver: dynamicTableAt(this.items(own ^ 1, this.peerEnd.get(b))),
    };
  }

  /** The block row of frame `n`, or -1 (binary search: blocks are added in frame order). */
  private blockOf(n: number): number {
    let lo = 0;
    let hi = this.frame.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const f = this.frame.get(mid);
      if (f === n) return mid;
      if (f < n) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private history(id: number): U32Column {
    let h = this.histories.get(id);
    if (!h) this.histories.set(id, (h = new U32Column(64)));
    return h;
  }

  private push(h: U32Column, item: TableHistoryItem): void {
    if (item.kind === 'insert') {
      h.pushAll([OP_INSERT, this.strings.id(item.name), this.strings.id(item.value), item.size]);
    } else if (item.kind === 'size-update') h.pushAll([OP_SIZE_UPDATE, 0, 0, item.size]);
    else h.pushAll([item.kind === 'lost' ? OP_LOST : OP_RESYNCED, 0, 0, 0]);
  }

  private items(id: number, end: number): TableHistoryItem[] {
    const h = this.histories.get(id);
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
