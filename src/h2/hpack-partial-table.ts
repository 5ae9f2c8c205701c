/**
 * A dynamic table whose older part may be unknown (after a gap, or when the capture starts mid-connection).
 *
 * HPACK indexes count from the newest entry (RFC 7541 §2.3.3) and eviction removes the oldest (§4.4), so
 * the entries added since the state was lost stay at known indexes 62, 63, ... for as long as they exist,
 * whatever older entries the table still holds. The table is fully known again once no unknown entry can
 * remain: after a size update to 0, or when the known entries leave no room for another one (every entry
 * costs at least 32 octets, §4.1) under a maximum size we know or a bound the encoder must respect.
 */
export interface TableEntry {
  /** Null when the entry was added with a name taken from an unknown entry. */
  name: Buffer | null;
  value: Buffer;
  /** RFC 7541 §4.1: name octets + value octets + 32 (a lower bound when the name is unknown). */
  size: number;
}

export type Lookup =
  { known: true; name: Buffer; value: Buffer } | { known: false; invalid: boolean; value?: Buffer };

/** RFC 7541 §4.1: the 32-octet overhead every entry costs. */
const ENTRY_OVERHEAD = 32;

export class PartialTable {
  /** Newest first: entries[0] is index 62. */
  readonly entries: TableEntry[] = [];
  private knownSize = 0;
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

  /** True once every entry of the table is known, names included. */
  get complete(): boolean {
    return !this.unknownTail && this.entries.every((e) => e.name !== null);
  }

  /** The maximum to give a fresh decoder that takes over this table: exact if known, else the bound. */
  get effectiveMaxSize(): number | null {
    return this.maxSize ?? this.bound;
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
    if (entry.name === null) return { known: false, invalid: false, value: entry.value };
    return { known: true, name: entry.name, value: entry.value };
  }

  /** RFC 7541 §4.4: add at the front, evicting from the back. A null name is one we could not resolve. */
  add(name: Buffer | null, value: Buffer): void {
    // An unknown name is at least one octet: the size is then a lower bound, which only delays eviction.
    const size = (name?.length ?? 1) + value.length + ENTRY_OVERHEAD;
    const limit = this.effectiveMaxSize;
    if (limit !== null && size > limit) {
      // §4.4: an entry larger than the maximum empties the table and is not added.
      this.entries.length = 0;
      this.knownSize = 0;
      this.unknownTail = false;
      return;
    }
    this.entries.unshift({ name, value, size });
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
    const limit = this.effectiveMaxSize;
    if (limit !== null && this.knownSize + ENTRY_OVERHEAD > limit) this.unknownTail = false;
  }
}
