/**
 * Every HTTP/2 frame of a capture as columns: a frame is a row number ("frame number", in the order the
 * engine delivered frames, which is capture order), and its fields live in typed arrays. Header lists are
 * interned ([name id, value id] pairs in one pool); the rare fields (SETTINGS, GOAWAY, PING, priority,
 * padding, raw hex) are kept per frame in a sparse map. `record(n)` rebuilds the exact FrameRecord.
 */
import type { FrameRecord } from './records.js';
import { F64Column, StringPool, U16Column, U32Column, U8Column } from './store-columns.js';

/** Bytes of DATA payload kept per frame for the hex pane (the rest is not kept: memory). */
export const DEFAULT_PAYLOAD_PREVIEW_BYTES = 64;

const BIT_SERVER = 1;
const BIT_AUX = 2;
const BIT_HAS_ACK = 4;
const BIT_ACK = 8;
const BIT_HPACK = 16;
const BIT_HPACK_KNOWN = 32;
/** `hpackMax` when the table's maximum size is not known. */
const UNKNOWN_MAX = 0xffffffff;

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
  readonly conn = new U32Column();
  readonly index = new U32Column();
  readonly time = new F64Column();
  readonly packet = new U32Column();
  readonly stream = new U32Column();
  readonly length = new U32Column();
  readonly type = new U8Column();
  readonly flagBits = new U8Column();
  private readonly bits = new U8Column();
  private readonly flagNames = new U16Column();
  private readonly aux = new U32Column();
  private readonly headerAt = new U32Column();
  private readonly previewAt = new U32Column();
  private readonly previewLength = new U8Column();
  private readonly hpackSize = new U32Column();
  private readonly hpackMax = new U32Column();
  private readonly headerPool = new U32Column(4096);
  private readonly previewPool = new U8Column(4096);
  private readonly extras = new Map<number, Extras>();
  /** Frame type names ("DATA", "UNKNOWN_0xfa"): at most 256, one per type byte. */
  readonly typeNames = new StringPool(256);
  private readonly flagPool = new StringPool(65536);

  constructor(
    /** Header names and values. */
    readonly strings: StringPool,
    /** Connection ids by ordinal (the store's numbering). */
    private readonly connectionId: (ordinal: number) => string,
    private readonly previewBytes = DEFAULT_PAYLOAD_PREVIEW_BYTES,
  ) {
    this.headerPool.push(0); // offset 0 means "no header list"
    if (previewBytes > 255) throw new Error('payload preview is at most 255 bytes per frame');
  }

  get count(): number {
    return this.conn.length;
  }

  /** Appends a frame; returns its frame number. `hpack`: the sender's table after the block it ends. */
  add(rec: FrameRecord, connOrdinal: number, data?: Buffer, hpack?: TableState): number {
    const n = this.conn.push(connOrdinal);
    this.index.push(rec.index);
    this.time.push(rec.time);
    this.packet.push(rec.packet);
    this.stream.push(rec.stream);
    this.length.push(rec.length);
    this.type.push(this.typeNames.id(rec.type));
    this.flagBits.push(rec.flagBits);
    this.flagNames.push(this.flagPool.id(rec.flags.join(',')));
    const auxField = AUX_FIELD[rec.type];
    const auxValue = auxField ? rec[auxField] : undefined;
    this.aux.push(auxValue ?? 0);
    let bits = rec.from === 'server' ? BIT_SERVER : 0;
    if (auxValue !== undefined) bits |= BIT_AUX;
    if (rec.ack !== undefined) bits |= BIT_HAS_ACK | (rec.ack ? BIT_ACK : 0);
    if (hpack) bits |= BIT_HPACK | (hpack.known ? BIT_HPACK_KNOWN : 0);
    this.bits.push(bits);
    this.hpackSize.push(hpack?.size ?? 0);
    this.hpackMax.push(hpack?.maxSize ?? UNKNOWN_MAX);
    this.headerAt.push(rec.headers ? this.addHeaders(rec.headers) : 0);
    this.addPreview(data);
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
    const s = this.flagPool.at(this.flagNames.get(n));
    return s === '' ? [] : s.split(',');
  }

  /** The header list of a frame that ends a header block, or null. */
  headers(n: number): Array<[string, string]> | null {
    const at = this.headerAt.get(n);
    if (at === 0) return null;
    const count = this.headerPool.get(at);
    const out: Array<[string, string]> = [];
    for (let i = 0; i < count; i++) {
      const name = this.headerPool.get(at + 1 + 2 * i);
      const value = this.headerPool.get(at + 2 + 2 * i);
      out.push([this.strings.at(name), this.strings.at(value)]);
    }
    return out;
  }

  /** The sender's HPACK table after the header block this frame ends, or null. */
  table(n: number): TableState | null {
    const bits = this.bits.get(n);
    if (!(bits & BIT_HPACK)) return null;
    const max = this.hpackMax.get(n);
    return {
      size: this.hpackSize.get(n),
      maxSize: max === UNKNOWN_MAX ? null : max,
      known: (bits & BIT_HPACK_KNOWN) !== 0,
    };
  }

  /** The first bytes of a DATA frame's payload (padding excluded), as kept. */
  preview(n: number): Uint8Array {
    const len = this.previewLength.get(n);
    const at = this.previewAt.get(n);
    return this.previewPool.view(at, at + len).slice();
  }

  get previewLimit(): number {
    return this.previewBytes;
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

  private addHeaders(headers: Array<[string, string]>): number {
    const at = this.headerPool.push(headers.length);
    for (const [name, value] of headers) {
      this.headerPool.push(this.strings.id(name));
      this.headerPool.push(this.strings.id(value));
    }
    return at;
  }

  private addPreview(data: Buffer | undefined): void {
    const len = data ? Math.min(data.length, this.previewBytes) : 0;
    this.previewAt.push(len > 0 ? this.previewPool.pushAll(data!.subarray(0, len)) : 0);
    this.previewLength.push(len);
  }

  private extrasOf(rec: FrameRecord, auxField: string | undefined): Extras | null {
    let extras: Record<string, unknown> | null = null;
    for (const [key, value] of Object.entries(rec)) {
      if (COLUMN_FIELDS.has(key) || key === auxField) continue;
      (extras ??= {})[key] = value;
    }
    return extras as Extras | null;
  }
}
