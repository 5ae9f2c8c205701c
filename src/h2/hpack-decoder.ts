import hpack from 'hpack.js';
import { DEFAULT_HEADER_TABLE_SIZE } from './constants.js';
import { fieldFromLatin1, fieldPair } from './header-field.js';
import { createBitDecoder } from './hpack-huffman.js';
import { ListKeeper, type OmittedFields } from './hpack-list-keeper.js';
import { leadingSizeUpdates, seedBlock } from './hpack-integer.js';
import { PartialTable } from './hpack-partial-table.js';
import { walkBlock } from './hpack-walker.js';
import type { HeaderField } from './types.js';

/** Things worth a diagnostic that do not stop decoding (RFC 7541 §4.2, §6.3). */
export type HpackNote =
  | { kind: 'size-update-above-setting'; size: number; setting: number }
  | { kind: 'size-update-missing'; setting: number; size: number }
  | { kind: 'size-update-not-at-start' }
  | { kind: 'resynced'; entries: number }
  /** Every entry from before the loss is gone (evicted): what was unknown until then. */
  | { kind: 'older-evicted'; unknown: UnknownEntries; namelessEntries: number };

/** What a direction could not decode while its dynamic table was (partly) unknown, since the last loss. */
export interface UnknownEntries {
  /** Why the table was lost (the markLost reason). */
  reason: string;
  /** Fields that needed an entry never seen, and the header blocks that had at least one. */
  references: number;
  blocks: number;
  /** Distinct entries from before the loss that were referred to. */
  entries: number;
  /** Octets of new entries inserted since the loss (RFC 7541 §4.1), and the maximum that evicts them all. */
  inserted: number;
  maxSize: number;
  /** True when that maximum is RFC 7541's default, no SETTINGS or size update having told it. */
  maxSizeAssumed: boolean;
}

export type HpackResult =
  | {
      ok: true;
      fields: HeaderField[];
      headers: Array<[string, string]>;
      notes: HpackNote[];
      omitted: OmittedFields;
    }
  | {
      ok: false;
      omitted: OmittedFields;
      reason: string;
      /** What could be decoded anyway: fields before an error, or those that need no unknown entry. */
      fields: HeaderField[];
      /**
       * The list for display: the fields, with `["<unknown>", value or ""]` where a field used a table entry
       * we never saw (as Wireshark shows it), so positions and count stay visible.
       */
      headers: Array<[string, string]>;
      notes: HpackNote[];
      /** 'error': this block is corrupt; 'lost': it used dynamic table entries we never saw. */
      cause: 'error' | 'lost';
      /** cause 'lost': the entries from before the loss it referred to (stable ids, see walkBlock). */
      unknownEntries?: number[];
      /** cause 'lost': literal fields whose names came from such entries, with their values. */
      unknownNames?: Array<{ entry: number; value: string }>;
      /** cause 'lost': those entries were made before the capture began. */
      beforeCapture?: boolean;
    };

/**
 * hpack.js bounds in-band size updates by a private field and throws above it. An observer must decode
 * what the encoder meant, so the bound is lifted and updates above the advertised setting are only flagged.
 */
const GENEROUS_BOUND = Number.POSITIVE_INFINITY;

const NO_SIZE_UPDATES: readonly number[] = Object.freeze([]);
/** A block without notes (most): shared and never written to; a block with some gets its own list. */
const NO_NOTES = Object.freeze([]) as unknown as HpackNote[];

/** Above this many octets, String.fromCharCode.apply could pass the engine's argument limit. */
const APPLY_LIMIT = 8192;
const charCodeLoop = hpack.utils.stringify;

/**
 * Speed: hpack.js turns each literal string (a Buffer, or the octets of its Huffman decoder) into a
 * latin1 string by `res += String.fromCharCode(octet)`, one intermediate string per octet. The same
 * string built in one call is about 3 times faster (0.55 against 0.18 µs for a 30-character value) and
 * is byte for byte the same string. Patched once, module-wide: hpack.js is used only through this adapter.
 */
hpack.utils.stringify = function latin1String(octets: Buffer | number[] | string): string {
  // Our bit reader (createBitDecoder(true)) hands out the latin1 string already.
  if (typeof octets === 'string') return octets;
  if (Buffer.isBuffer(octets)) return octets.toString('latin1');
  return octets.length <= APPLY_LIMIT ? String.fromCharCode.apply(null, octets) : charCodeLoop(octets);
};

/** hpack.js's table entry (static or dynamic), with the field made for it at its first use by index. */
type CachedEntry = hpack.TableEntry & { h2scopeField?: HeaderField };

/** An inflater of ours: hpack.js's Decompressor, its indexed fields handed to `indexed` (see below). */
interface Inflater extends hpack.Decompressor {
  indexed(entry: CachedEntry): void;
}

/**
 * Speed and memory: hpack.js builds a `{ name, value, neverIndex }` object for every decoded field, and
 * we then made our field and the record's `[name, value]` pair from it, three objects per field and the
 * printable-ASCII tests of its strings again. A field decoded by index (RFC 7541 §6.1: most fields of a
 * busy connection, every block repeating :method, :path, content-type, te...) is the table entry's name
 * and value, which never change: its field is made once per entry, kept on the entry, and handed to
 * every block that refers to it. Our inflaters inherit hpack.js's decompressor with its indexed-field
 * handler replaced by one that passes the entry itself (the same lookup, so the same errors); literals
 * still come through `push`.
 */
const INFLATER_PROTOTYPE: Inflater = Object.create(hpack.decompressor.prototype) as Inflater;
INFLATER_PROTOTYPE._processIndexed = function processIndexed(this: Inflater): void {
  this.indexed(this._table.lookup(this._decoder.decodeInt()));
};

/**
 * The kept fields of the block being decoded, in order: one list for every decoder (decode() runs to
 * completion without calling out), so no direction holds a list of its own. Its first `blockCount` are
 * the current block's. It is not emptied (setting `length` to 0 gives back its storage, to be grown again
 * at the next block): what it still refers to after a block is at most one header list's kept fields.
 */
const blockFields: HeaderField[] = [];
let blockCount = 0;

/**
 * The one adapter over hpack.js: one instance per direction, fed complete header blocks in wire order.
 * Never throws. After an error or `markLost` it decodes without the lost entries (see PartialTable,
 * walkBlock) and goes back to hpack.js once the whole table is known again. docs/hpack.md has the details.
 */
export class HpackDecoder {
  private inflater: hpack.Decompressor | null;
  private failure: unknown = null;
  private partial: PartialTable | null = null;
  private lostReason = '';
  private lostBeforeCapture = false;
  /** SETTINGS_HEADER_TABLE_SIZE in force for this direction's encoder; null when never seen. */
  private setting: number | null = DEFAULT_HEADER_TABLE_SIZE;
  private sizeUpdateDue = false;
  private lossCount = 0;
  /** Since the last loss: fields and blocks that needed unknown entries, and which old entries they were. */
  private unknownRefs = 0;
  private unknownBlocks = 0;
  private readonly unknownIds = new Set<number>();
  /** The 'older-evicted' note of this loss was given. */
  private summarized = false;
  /** Decides which decoded fields of the block being decoded are kept (see ListKeeper). */
  private readonly keeper = new ListKeeper(Number.POSITIVE_INFINITY);

  constructor() {
    this.inflater = this.createInflater(DEFAULT_HEADER_TABLE_SIZE);
  }

  /**
   * The receiver's acknowledged SETTINGS_HEADER_TABLE_SIZE (null: unknown, e.g. mid-connection). It bounds
   * size updates; RFC 7541 §4.2: a value below the size in use must be met by an update opening the next block.
   */
  setProtocolMaxTableSize(n: number | null): void {
    const current = this.maxTableSize;
    if (n !== null && current !== null && n < current) this.sizeUpdateDue = true;
    this.setting = n;
  }

  /** Octets in the dynamic table (RFC 7541 §4.1); while the state is lost, those of the known entries. */
  get tableSize(): number {
    return this.inflater?._table.size ?? this.partial?.size ?? 0;
  }

  /** The table's current maximum size, or null while it is unknown. */
  get maxTableSize(): number | null {
    return this.inflater?._table.maxSize ?? this.partial?.exactMaxSize ?? null;
  }

  get stateKnown(): boolean {
    return this.inflater !== null;
  }

  /** How many times the table was lost so far (markLost calls), so a reader can tell a block followed one. */
  get losses(): number {
    return this.lossCount;
  }

  /**
   * The dynamic table can no longer be trusted (bytes lost, capture joined mid-connection). `beforeCapture`:
   * the unknown entries were made before the capture began (not lost in it).
   */
  markLost(reason: string, beforeCapture = false): void {
    this.lossCount++;
    this.lostBeforeCapture = beforeCapture;
    this.inflater = null;
    this.partial = new PartialTable(null, this.setting);
    this.lostReason = reason;
    this.unknownRefs = 0;
    this.unknownBlocks = 0;
    this.unknownIds.clear();
    this.summarized = false;
  }

  /**
   * While entries from before the loss may remain: what could not be decoded since the loss; null when
   * the table is known, or those entries are gone (the 'older-evicted' note said so).
   */
  get unknownEntries(): UnknownEntries | null {
    const table = this.partial;
    if (this.inflater !== null || table === null || this.summarized) return null;
    return {
      reason: this.lostReason,
      references: this.unknownRefs,
      blocks: this.unknownBlocks,
      entries: this.unknownIds.size,
      inserted: table.insertedSize,
      maxSize: table.effectiveMaxSize,
      maxSizeAssumed: table.assumedMaxSize,
    };
  }

  /**
   * Decodes one complete header block (fragments joined, padding and priority removed). Fields are kept
   * while the list's RFC 9113 §6.5.2 size stays within `keepSize`; those beyond are decoded (the dynamic
   * table must follow the encoder) but only counted in `omitted`, never materialised: an HPACK bomb
   * (many references to one large entry) then costs memory and output in proportion to `keepSize`.
   */
  decode(block: Buffer, keepSize = Number.POSITIVE_INFINITY): HpackResult {
    // Read once per block; most blocks open with a field, not a size update: no array then.
    const sizes = (block[0]! & 0xe0) === 0x20 ? leadingSizeUpdates(block) : NO_SIZE_UPDATES;
    const notes = this.checkSizeUpdates(sizes);
    this.keeper.reset(keepSize);
    return this.inflater !== null
      ? this.decodeKnown(this.inflater, block, sizes, notes)
      : this.decodeLost(block, notes);
  }

  private createInflater(maxSize: number): hpack.Decompressor {
    // Speed and memory: a Decompressor without the readable-stream Duplex its constructor builds (about
    // 1.5 KB per direction of every connection, kept as long as the connection, so promoted by the GC).
    // Nothing here uses the stream: its bit decoder is fed directly, decoded headers are taken from its
    // push() (skipping the write/read plumbing and a nextTick per block: about 5 % of a whole run), and
    // execute() reports an error synchronously through emit('error') (which would throw unhandled).
    const inflater = Object.create(INFLATER_PROTOTYPE) as Inflater;
    inflater._decoder = createBitDecoder(true);
    // Trap: the option is `maxSize`; `{ size }` from the README is ignored and the table never evicts.
    inflater._table = hpack.table.create({ maxSize });
    inflater._table.protocolMaxSize = GENEROUS_BOUND;
    // Sizes in octets (the latin1 strings' lengths), as RFC 9113 §6.5.2 counts them.
    inflater.indexed = (entry) => {
      if (this.keeper.keep(entry.name.length + entry.value.length))
        blockFields[blockCount++] = entry.h2scopeField ??= fieldFromLatin1(entry.name, entry.value);
    };
    inflater.push = (header) => {
      if (this.keeper.keep(header.name.length + header.value.length))
        blockFields[blockCount++] = fieldFromLatin1(header.name, header.value);
      return true;
    };
    inflater.emit = (_event, err) => {
      this.failure = err;
      return true;
    };
    return inflater;
  }

  private checkSizeUpdates(sizes: readonly number[]): HpackNote[] {
    if (!this.sizeUpdateDue && sizes.length === 0) return NO_NOTES;
    const notes: HpackNote[] = [];
    if (this.sizeUpdateDue && sizes.length === 0 && this.setting !== null) {
      notes.push({ kind: 'size-update-missing', setting: this.setting, size: this.maxTableSize ?? -1 });
    }
    this.sizeUpdateDue = false;
    // An index loop: for-of over the shared frozen empty list allocates an iterator result per block.
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[i]!;
      if (this.setting !== null && size > this.setting) {
        notes.push({ kind: 'size-update-above-setting', size, setting: this.setting });
      }
    }
    return notes;
  }

  private decodeKnown(
    inflater: hpack.Decompressor,
    block: Buffer,
    sizes: readonly number[],
    notes: HpackNote[],
  ): HpackResult {
    const maxBefore = inflater._table.maxSize;
    this.failure = null;
    blockCount = 0;
    inflater._decoder.push(block);
    inflater.execute();
    const fields = blockFields.slice(0, blockCount);
    const headers = fields.map(fieldPair);
    const omitted = this.keeper.omittedSoFar;
    if (this.failure !== null) {
      // Trap: after an error (some are TypeErrors from its buffer code) the instance decodes nothing more.
      const why = describeError(this.failure);
      this.markLost(`an earlier header block could not be decoded (${why}); dynamic table entries unknown`);
      const reason = `HPACK decoding error: ${why}`;
      return { ok: false, reason, fields, headers, notes, cause: 'error', omitted };
    }
    // A size update anywhere but the start is legal for hpack.js; RFC 7541 §4.2 says it must open the block.
    const expected = sizes.at(-1) ?? maxBefore;
    if (inflater._table.maxSize === expected) return { ok: true, fields, headers, notes, omitted };
    const more: HpackNote[] = [...notes, { kind: 'size-update-not-at-start' }];
    return { ok: true, fields, headers, notes: more, omitted };
  }

  private decodeLost(block: Buffer, notesBefore: HpackNote[]): HpackResult {
    const notes = [...notesBefore]; // rare (after a loss): a list of its own to add to
    const table = this.partial ?? new PartialTable(null, this.setting);
    const { fields, headers, ...walk } = walkBlock(block, table, this.keeper);
    const omitted = this.keeper.omittedSoFar;
    if (walk.sizeUpdateAfterField) notes.push({ kind: 'size-update-not-at-start' });
    if (walk.error !== null) {
      // Entries after the error point were never recorded: start over with an unknown table.
      this.markLost(
        `an earlier header block could not be decoded (${walk.error}); dynamic table entries unknown`,
      );
      return {
        ok: false,
        reason: `HPACK decoding error: ${walk.error}`,
        fields,
        headers,
        notes,
        cause: 'error',
        omitted,
      };
    }
    const n = walk.unknownIndexes.length;
    if (n > 0) {
      this.unknownRefs += n;
      this.unknownBlocks++;
      for (const id of walk.unknownEntries) this.unknownIds.add(id);
      for (const n of walk.unknownNames) this.unknownIds.add(n.entry);
    }
    // Said only when something was missed: a loss that hid nothing needs no summary.
    if (table.olderGone && !this.summarized && this.unknownRefs > 0) {
      notes.push({
        kind: 'older-evicted',
        unknown: this.unknownEntries!,
        namelessEntries: table.namelessEntries,
      });
      this.summarized = true;
    }
    this.tryResync(table, notes);
    if (n === 0) return { ok: true, fields, headers, notes, omitted };
    const which = `dynamic table index ${walk.unknownIndexes.join(', ')}`;
    const reason = `${this.lostReason}: ${n} field${n === 1 ? '' : 's'} not decoded (${which})`;
    const { unknownEntries, unknownNames } = walk;
    const beforeCapture = this.lostBeforeCapture;
    return {
      ok: false,
      reason,
      fields,
      headers,
      notes,
      cause: 'lost',
      unknownEntries,
      unknownNames,
      beforeCapture,
      omitted,
    };
  }

  /** Hands the table back to hpack.js once every entry is known, by replaying the entries as literals. */
  private tryResync(table: PartialTable, notes: HpackNote[]): void {
    const maxSize = table.effectiveMaxSize;
    if (!table.complete) return;
    const inflater = this.createInflater(maxSize);
    const entries = table.entries.flatMap((e) => (e.name === null ? [] : [{ name: e.name, value: e.value }]));
    this.failure = null;
    blockCount = 0;
    this.keeper.reset(Number.POSITIVE_INFINITY); // the seed is no header list: nothing to bound
    inflater._decoder.push(seedBlock(entries.reverse()));
    inflater.execute();
    blockCount = 0; // the seeded entries: not a block's headers
    if (this.failure !== null) return;
    this.inflater = inflater;
    this.partial = null;
    // Seeding under the bound may evict some of them, as the encoder's own table did.
    notes.push({ kind: 'resynced', entries: inflater._table.dynamic.length });
  }
}

function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // hpack.js reads past the end of a truncated block through its buffer library, which throws TypeErrors.
  return err instanceof TypeError ? `truncated or corrupt block (${message})` : message;
}
