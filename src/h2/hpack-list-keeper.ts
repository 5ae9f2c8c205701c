/** Fields of one header list that were decoded but not kept: how many, and their RFC 9113 §6.5.2 size. */
export interface OmittedFields {
  fields: number;
  size: number;
}

/** RFC 9113 §6.5.2: each field counts 32 octets besides its name and value. */
export const FIELD_OVERHEAD = 32;

/** No field omitted: shared, never written to. */
const NOTHING_OMITTED: OmittedFields = Object.freeze({ fields: 0, size: 0 });

/**
 * Which fields of one decoded header list are kept. Fields are kept in order while the list's size
 * (name + value + 32 per field, RFC 9113 §6.5.2) stays within `limit`; from the first field that would
 * cross it on, every field is only counted, so the kept list is always a prefix of the real one.
 */
export class ListKeeper {
  private keptSize = 0;
  readonly omitted: OmittedFields = { fields: 0, size: 0 };

  constructor(private limit: number) {}

  /** Starts a new list under `limit`: one keeper per decoder rather than two objects per header block. */
  reset(limit: number): void {
    this.limit = limit;
    this.keptSize = 0;
    this.omitted.fields = 0;
    this.omitted.size = 0;
  }

  /** What was omitted so far, as a value the next reset() does not change (the shared zero when none). */
  get omittedSoFar(): OmittedFields {
    const { fields, size } = this.omitted;
    return fields === 0 ? NOTHING_OMITTED : { fields, size };
  }

  /** `octets`: name + value octets of the next field; true when it is kept. */
  keep(octets: number): boolean {
    const size = octets + FIELD_OVERHEAD;
    if (this.omitted.fields === 0 && this.keptSize + size <= this.limit) {
      this.keptSize += size;
      return true;
    }
    this.omitted.fields++;
    this.omitted.size += size;
    return false;
  }

  /** Size of the kept fields. */
  get kept(): number {
    return this.keptSize;
  }
}
