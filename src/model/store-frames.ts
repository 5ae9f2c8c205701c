/**
 * Every HTTP/2 frame of a capture as columns: a frame is a row number ("frame number", in the order the
 * engine delivered frames, which is capture order), and its fields live in typed arrays. Header lists are
 * interned ([name id, value id] pairs in one pool); the rare fields (SETTINGS, GOAWAY, PING, priority,
 * padding, raw hex) are kept per frame in a sparse map. `record(n)` rebuilds the exact FrameRecord.
 * For the hex pane, every frame's whole payload goes to the store's spool file (store-spool.ts) and only
 * its offset stays in memory; without a working spool (no temporary directory, disk full) the first
 * `bytesLimit` bytes are copied into an in-memory byte pool instead, as before the spool existed. The
 * 9-byte frame header is rebuilt from the columns (frame-header.ts), so it costs nothing to keep.
 */
import { FRAME_HEADER_LENGTH, wireType, writeFrameHeader } from './frame-header.js';
import type { FrameRecord } from '../records/records.js';
import {
  NarrowColumn,
  receiveAll,
  ShippedMap,
  shipAll,
  StringPool,
  TimeColumn,
  U8Column,
  type Shippable,
} from './store-columns.js';
import type { HeaderLists } from './store-headers.js';
import type { ByteSpool } from './store-spool.js';

/**
 * Payload bytes kept in memory per frame when there is no spool file (the rest is not kept: memory). 512
 * holds most gRPC HEADERS and small messages whole; a million full-size DATA frames cost 512 MB at most.
 */
export const DEFAULT_FRAME_BYTES = 512;

/** Payload bytes one view shows of a frame (a 16 MiB frame would be a million hex lines). */
export const SHOWN_FRAME_BYTES = 64 * 1024;

/** RFC 9113 §6.1: DATA's PADDED flag (a Pad Length byte leads the payload). */
const FLAG_PADDED = 0x8;

/** A frame's bytes as kept: header and the first payload bytes; `total` is header + the whole payload. */
export interface FrameBytes {
  bytes: Uint8Array;
  total: number;
  /** Why fewer than `total` bytes are given, when they are. */
  missing?: string;
}

const BIT_SERVER = 1;
const BIT_AUX = 2;
const BIT_HAS_ACK = 4;
const BIT_ACK = 8;
const BIT_HPACK = 16;
const BIT_HPACK_KNOWN = 32;

/** The sender's HPACK dynamic table after a header block (RFC 7541 §4.1 sizes). */
export interface TableState {
  size: number;
  maxSize: number | null;
  known: boolean;
}

/** FrameRecord fields stored in columns; everything else goes to `extras`. */
const COLUMN_FIELDS = new Set<string>([
  'connection',
  'index',
  'time',
  'packet',
  'from',
  'type',
  'stream',
  'length',
  'flags',
  'flagBits',
  'headers',
  'ack',
]);

/** The numeric field each type keeps in the `aux` column. */
const AUX_FIELD: Readonly<Record<string, 'dataLength' | 'increment' | 'headerBlockLength'>> = {
  DATA: 'dataLength',
  WINDOW_UPDATE: 'increment',
  HEADERS: 'headerBlockLength',
  PUSH_PROMISE: 'headerBlockLength',
  CONTINUATION: 'headerBlockLength',
};

type Extras = Partial<FrameRecord>;

export class FrameTable {
  // Narrow columns (store-columns.ts): 1-4 bytes a value as the values allow, 26 bytes a frame in all
  // on the captures of issue #11 where plain u32/f64 columns took 58.
  readonly conn = new NarrowColumn();
  readonly index = new NarrowColumn(true);
  readonly time = new TimeColumn();
  readonly packet = new NarrowColumn(true);
  readonly stream = new NarrowColumn();
  readonly length = new NarrowColumn();
  readonly type = new U8Column();
  readonly flagBits = new U8Column();
  private readonly bits = new U8Column();
  /** Flag names id by type id << 8 | flag bits: the names are a function of the two (RFC 9113 §6). */
  private readonly flagNameIds = new ShippedMap<number>();
  private readonly aux = new NarrowColumn();
  private readonly headerAt = new NarrowColumn();
  /**
   * Each frame's kept payload bytes: offset in the spool (>= 0) or -(1 + offset in `bytePool`). How many
   * is the frame's length, except for the frames in `keptLength` (cut in memory, or given partly).
   */
  private readonly bytesAt = new NarrowColumn(true);
  /** The last `bytesAt`: a frame without payload repeats it, so the column only climbs (small deltas). */
  private lastAt = 0;
  private readonly keptLength = new ShippedMap<number>();
  private readonly hpackSize = new NarrowColumn();
  /** The table's maximum size + 1; 0 when not known. */
  private readonly hpackMax = new NarrowColumn();
  private readonly bytePool = new U8Column(4096);
  /** Wire type byte per type name id (`typeNames`), for rebuilding frame headers. */
  private readonly typeBytes = new U8Column(256);
  private readonly extras = new ShippedMap<Extras>();
  /** Frame type names ("DATA", "UNKNOWN_0xfa"): at most 256, one per type byte. */
  readonly typeNames = new StringPool(256);
  private readonly flagPool = new StringPool(65536);

  constructor(
    /** Header names and values. */
    readonly strings: StringPool,
    /** Header lists, shared with the call table. */
    private readonly headerLists: HeaderLists,
    /** Connection ids by ordinal (the store's numbering). */
    private readonly connectionId: (ordinal: number) => string,
    /** Payload bytes kept in memory per frame without a spool (frame-bytes option). */
    private readonly bytesLimit = DEFAULT_FRAME_BYTES,
    /** Where whole payloads go; null keeps `bytesLimit` bytes per frame in memory. */
    private readonly spool: ByteSpool | null = null,
  ) {
    if (!Number.isInteger(bytesLimit) || bytesLimit < 0)
      throw new Error(`bad frame bytes limit ${bytesLimit}`);
  }

  get count(): number {
    return this.conn.length;
  }

  /**
   * What a replica needs, in order (src/tui/load-worker.ts). The builder keeps flag names (it looks them
   * up to add each once) and may release the rest.
   */
  ship(release = false): unknown[] {
    return [...shipAll(this.columns(), release), this.flagNameIds.ship()];
  }

  receive(delta: unknown[]): void {
    const cols = this.columns();
    receiveAll(cols, delta);
    this.flagNameIds.receive(delta[cols.length] as Array<[number, number]>);
  }

  private columns(): Shippable[] {
    return [
      this.conn,
      this.index,
      this.time,
      this.packet,
      this.stream,
      this.length,
      this.type,
      this.flagBits,
      this.bits,
      this.aux,
      this.headerAt,
      this.bytesAt,
      this.keptLength,
      this.hpackSize,
      this.hpackMax,
      this.bytePool,
      this.typeBytes,
      this.extras,
      this.typeNames,
      this.flagPool,
    ];
  }

  /**
   * Appends a frame; returns its frame number. `payload`: the frame's whole payload (padding included),
   * of which the first `bytesLimit` bytes are copied. `hpack`: the sender's table after the block it ends.
   */
  add(rec: FrameRecord, connOrdinal: number, payload?: Uint8Array, hpack?: TableState): number {
    const n = this.conn.push(connOrdinal);
    this.index.push(rec.index);
    this.time.push(rec.time);
    this.packet.push(rec.packet);
    this.stream.push(rec.stream);
    this.length.push(rec.length);
    this.type.push(this.typeId(rec.type));
    this.flagBits.push(rec.flagBits);
    const flagKey = (this.type.get(n) << 8) | rec.flagBits;
    if (!this.flagNameIds.has(flagKey)) this.flagNameIds.set(flagKey, this.flagPool.id(rec.flags.join(',')));
    const auxField = AUX_FIELD[rec.type];
    const auxValue = auxField ? rec[auxField] : undefined;
    this.aux.push(auxValue ?? 0);
    let bits = rec.from === 'server' ? BIT_SERVER : 0;
    if (auxValue !== undefined) bits |= BIT_AUX;
    if (rec.ack !== undefined) bits |= BIT_HAS_ACK | (rec.ack ? BIT_ACK : 0);
    if (hpack) bits |= BIT_HPACK | (hpack.known ? BIT_HPACK_KNOWN : 0);
    this.bits.push(bits);
    this.hpackSize.push(hpack?.size ?? 0);
    this.hpackMax.push(hpack?.maxSize != null ? hpack.maxSize + 1 : 0);
    this.headerAt.push(rec.headers ? this.headerLists.add(rec.headers) : 0);
    this.addBytes(n, payload);
    const extras = this.extrasOf(rec, auxField);
    if (extras) this.extras.set(n, extras);
    return n;
  }

  fromServer(n: number): boolean {
    return (this.bits.get(n) & BIT_SERVER) !== 0;
  }

  typeName(n: number): string {
    return this.typeNames.at(this.type.get(n));
  }

  flags(n: number): string[] {
    const s = this.flagPool.at(this.flagNameIds.get((this.type.get(n) << 8) | this.flagBits.get(n)) ?? 0);
    return s === '' ? [] : s.split(',');
  }

  /** The header list of a frame that ends a header block, or null. */
  headers(n: number): Array<[string, string]> | null {
    return this.headerLists.get(this.headerAt.get(n));
  }

  /** The sender's HPACK table after the header block this frame ends, or null. */
  table(n: number): TableState | null {
    const bits = this.bits.get(n);
    if (!(bits & BIT_HPACK)) return null;
    const max = this.hpackMax.get(n);
    return {
      size: this.hpackSize.get(n),
      maxSize: max === 0 ? null : max - 1,
      known: (bits & BIT_HPACK_KNOWN) !== 0,
    };
  }

  /** The payload bytes kept for a frame, at most `limit` of them (none when the engine gave none). */
  payload(n: number, limit = SHOWN_FRAME_BYTES): Uint8Array {
    const at = this.bytesAt.get(n);
    const length = Math.min(this.bytesLength(n), limit);
    if (at >= 0) return this.spool?.read(at, length) ?? new Uint8Array(0);
    const start = -at - 1;
    return this.bytePool.slice(start, start + length);
  }

  /** The frame as on the wire, as far as kept: the 9-byte header (rebuilt, exact) and the kept payload. */
  frameBytes(n: number, limit = SHOWN_FRAME_BYTES): FrameBytes {
    const payload = this.payload(n, limit);
    const length = this.length.get(n);
    const bytes = new Uint8Array(FRAME_HEADER_LENGTH + payload.length);
    const type = this.typeBytes.get(this.type.get(n));
    writeFrameHeader(bytes, 0, { length, type, flags: this.flagBits.get(n), stream: this.stream.get(n) });
    bytes.set(payload, FRAME_HEADER_LENGTH);
    const out: FrameBytes = { bytes, total: FRAME_HEADER_LENGTH + length };
    if (payload.length < length) out.missing = this.missingWhy(n, payload.length, limit);
    return out;
  }

  private missingWhy(n: number, shown: number, limit: number): string {
    const kept = this.bytesLength(n);
    if (kept === 0) return 'payload not given to the store';
    if (this.bytesAt.get(n) >= 0 && shown < Math.min(kept, limit))
      return `spool unreadable: ${this.spool?.problem}`;
    if (shown >= limit) return `a view shows the first ${limit}`;
    const why = this.spool?.problem;
    return `h2scope keeps ${this.bytesLimit} per frame${why ? ` without a temporary file: ${why}` : ''}`;
  }

  /** The first bytes of a DATA frame's data (RFC 9113 §6.1: Pad Length and padding excluded), as kept. */
  preview(n: number): Uint8Array {
    if (this.typeName(n) !== 'DATA') return new Uint8Array(0);
    const start = this.flagBits.get(n) & FLAG_PADDED ? 1 : 0;
    const payload = this.payload(n, start + this.previewLimit);
    const dataLength = Math.min(this.bits.get(n) & BIT_AUX ? this.aux.get(n) : 0, this.previewLimit);
    return payload.subarray(Math.min(start, payload.length), Math.min(start + dataLength, payload.length));
  }

  /** Payload bytes of a DATA frame shown in previews (the call document's raw bytes). */
  get previewLimit(): number {
    return this.spool ? DEFAULT_FRAME_BYTES : Math.min(DEFAULT_FRAME_BYTES, this.bytesLimit);
  }

  /** The frame exactly as the engine delivered it. */
  record(n: number): FrameRecord {
    const type = this.typeName(n);
    const rec: FrameRecord = {
      connection: this.connectionId(this.conn.get(n)),
      index: this.index.get(n),
      time: this.time.get(n),
      packet: this.packet.get(n),
      from: this.fromServer(n) ? 'server' : 'client',
      type,
      stream: this.stream.get(n),
      length: this.length.get(n),
      flags: this.flags(n),
      flagBits: this.flagBits.get(n),
    };
    const bits = this.bits.get(n);
    const auxField = AUX_FIELD[type];
    if (auxField && bits & BIT_AUX) rec[auxField] = this.aux.get(n);
    if (bits & BIT_HAS_ACK) rec.ack = (bits & BIT_ACK) !== 0;
    const headers = this.headers(n);
    if (headers) rec.headers = headers;
    const extras = this.extras.get(n);
    return extras ? { ...rec, ...extras } : rec;
  }

  private typeId(name: string): number {
    const known = this.typeNames.find(name);
    if (known !== undefined) return known;
    const id = this.typeNames.id(name);
    this.typeBytes.push(wireType(name)); // ids are dense: this is entry `id`
    return id;
  }

  private addBytes(n: number, payload: Uint8Array | undefined): void {
    const kept = (len: number): void => {
      if (len !== this.length.get(n)) this.keptLength.set(n, len);
    };
    if (!payload || payload.length === 0) {
      this.bytesAt.push(this.lastAt);
      kept(0);
      return;
    }
    const at = this.spool ? this.spool.append(payload) : -1;
    if (at >= 0) {
      this.bytesAt.push((this.lastAt = at));
      kept(payload.length);
      return;
    }
    const len = Math.min(payload.length, this.bytesLimit);
    if (len > 0) this.lastAt = -1 - this.bytePool.pushAll(payload.subarray(0, len));
    this.bytesAt.push(this.lastAt);
    kept(len);
  }

  /** Payload bytes kept for frame `n`. */
  private bytesLength(n: number): number {
    return this.keptLength.get(n) ?? this.length.get(n);
  }

  private extrasOf(rec: FrameRecord, auxField: string | undefined): Extras | null {
    let extras: Record<string, unknown> | null = null;
    // for-in rather than Object.entries: no array per frame (this runs for every frame of the capture).
    for (const key in rec) {
      if (COLUMN_FIELDS.has(key) || key === auxField) continue;
      (extras ??= {})[key] = rec[key as keyof FrameRecord];
    }
    return extras as Extras | null;
  }
}
