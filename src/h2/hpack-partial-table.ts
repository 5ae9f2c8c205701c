/**
 * A dynamic table whose older part may be unknown (after a gap, or when the capture starts mid-connection).
 *
 * HPACK indexes count from the newest entry (RFC 7541 §2.3.3) and eviction removes the oldest (§4.4), so
 * the entries added since the state was lost stay at known indexes 62, 63, ... for as long as they exist,
 * whatever older entries the table still holds. The table is fully known again once no unknown entry can
 * remain: after a size update to 0, or when the known entries leave no room for another one (every entry
 * costs at least 32 octets, §4.1) under a maximum size we know or a bound the encoder must respect.
 *
 * A capture that joins a connection late has seen no SETTINGS: then the bound is taken to be RFC 7541's
 * default of 4,096 octets (`assumedMaxSize`), which every common stack keeps (grpc-js/nghttp2, C-core, Go).
 * The assumption cannot produce a wrong header: the entries held are the newest ones whatever the true
 * maximum, and an encoder with a larger table that still refers to an older entry makes that reference
 * out of range here, an error and a new loss, never a different field.
 */
export interface TableEntry {
  /** Null when the entry was added with a name taken from an unknown entry. */
  name: Buffer | null;
  /** With a null name: the entry from before the loss the name came from (unknownEntryId), if known. */
  nameFrom?: number;
  value: Buffer;
  /** RFC 7541 §4.1: name octets + value octets + 32 (a lower bound when the name is unknown). */
  size: number;
}

export type Lookup =
  | { known: true; name: Buffer; value: Buffer }
  | { known: false; invalid: boolean; value?: Buffer; nameFrom?: number };

/** RFC 7541 §4.1: the 32-octet overhead every entry costs. */
const ENTRY_OVERHEAD = 32;
/** RFC 9113 §6.5.2: SETTINGS_HEADER_TABLE_SIZE's initial value. */
const DEFAULT_MAX_SIZE = 4096;

export class PartialTable {
  /** Newest first: entries[0] is index 62. */
  readonly entries: TableEntry[] = [];
  private knownSize = 0;
  private inserted = 0;
  /** True while older entries that we never saw may sit below the known ones. */
  private unknownTail = true;

  /**
   * @param maxSize the table's current maximum if known (it only changes in-band, §4.2)
   * @param bound the SETTINGS_HEADER_TABLE_SIZE the encoder must stay under, if known
   */
  constructor(
    private maxSize: number | null,
    private readonly bound: number | null,
  ) {
    this.checkComplete();
  }

  /** True once no entry from before the loss can remain (evicted, or proven absent). */
  get olderGone(): boolean {
    return !this.unknownTail;
  }

  /**
   * Entries added since the loss whose names were copied from unknown entries, among those the maximum
   * size still holds (without an exact maximum older known entries are kept, but do not count here).
   */
  get namelessEntries(): number {
    let n = 0;
    let size = 0;
    for (const e of this.entries) {
      size += e.size;
      if (size > this.effectiveMaxSize) break;
      if (e.name === null) n++;
    }
    return n;
  }

  /** True once every entry of the table is known, names included. */
  get complete(): boolean {
    return !this.unknownTail && this.entries.every((e) => e.name !== null);
  }

  /**
   * The maximum to give a fresh decoder that takes over this table: exact if known, else the bound, else
   * the default (see `assumedMaxSize`).
   */
  get effectiveMaxSize(): number {
    return this.maxSize ?? this.bound ?? DEFAULT_MAX_SIZE;
  }

  /** True when neither a size update nor an acknowledged setting told the maximum: 4,096 is assumed. */
  get assumedMaxSize(): boolean {
    return this.maxSize === null && this.bound === null;
  }

  /** Octets inserted since the loss (RFC 7541 §4.1 sizes, evicted entries included). */
  get insertedSize(): number {
    return this.inserted;
  }

  /**
   * A stable name for the unknown entry at `dynamicIndex` (0 = newest): its position among the entries
   * that were already there when the state was lost (0 = the newest of them). HPACK indexes move by one
   * with every insertion; this does not, so the same entry can be recognised from block to block.
   */
  unknownEntryId(dynamicIndex: number): number {
    return dynamicIndex - this.entries.length;
  }

  /** The maximum size, when a size update since the loss told us. */
  get exactMaxSize(): number | null {
    return this.maxSize;
  }

  get size(): number {
    return this.knownSize;
  }

  /** `dynamicIndex` is the HPACK index minus 62 (RFC 7541 §2.3.3): 0 is the newest entry. */
  lookup(dynamicIndex: number): Lookup {
    const entry = this.entries[dynamicIndex];
    if (entry === undefined) return { known: false, invalid: !this.unknownTail };
    if (entry.name === null)
      return { known: false, invalid: false, value: entry.value, nameFrom: entry.nameFrom };
    return { known: true, name: entry.name, value: entry.value };
  }

  /**
   * RFC 7541 §4.4: add at the front, evicting from the back. A null name is one we could not resolve;
   * `nameFrom` says which entry from before the loss it was copied from, when known.
   */
  add(name: Buffer | null, value: Buffer, nameFrom?: number): void {
    // An unknown name is at least one octet: the size is then a lower bound, which only delays eviction.
    const size = (name?.length ?? 1) + value.length + ENTRY_OVERHEAD;
    this.inserted += size;
    const limit = this.effectiveMaxSize;
    if (size > limit) {
      // §4.4: an entry larger than the maximum empties the table and is not added.
      this.entries.length = 0;
      this.knownSize = 0;
      this.unknownTail = false;
      return;
    }
    this.entries.unshift(nameFrom === undefined ? { name, value, size } : { name, value, size, nameFrom });
    this.knownSize += size;
    this.evict();
    this.checkComplete();
  }

  /** RFC 7541 §6.3: a dynamic table size update gives the exact maximum. */
  setMaxSize(size: number): void {
    this.maxSize = size;
    if (size === 0) this.unknownTail = false;
    this.evict();
    this.checkComplete();
  }

  private evict(): void {
    // Without an exact maximum we cannot tell what was evicted; known entries stay addressable anyway.
    if (this.maxSize === null) return;
    while (this.knownSize > this.maxSize) {
      const dropped = this.entries.pop();
      if (dropped === undefined) break;
      this.knownSize -= dropped.size;
      // The oldest known entry went, so every unknown one older than it went before.
      this.unknownTail = false;
    }
  }

  private checkComplete(): void {
    if (this.knownSize + ENTRY_OVERHEAD > this.effectiveMaxSize) this.unknownTail = false;
  }
}
