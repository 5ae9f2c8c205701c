/**
 * Connection records with their bulky analysis in the spool. A long connection's record is mostly its
 * flow-control series and stall lists, its stream list (up to maxStreams streams with their histories),
 * HPACK and concurrency series: about 1 MB of JSON and 3 MB of heap for a connection of 25,000 calls, 26
 * bytes a frame of the whole store on the 1M-frame capture of docs/performance.md, and more with more
 * connections. Lists and the Overview read the record's scalars; only the connection detail reads the bulky
 * parts, so they are written to the spool as JSON when the record arrives and read back (and kept for the
 * few records last opened) when a screen asks for them. The record keeps its shape: the bulky fields are
 * getters, so every reader works unchanged.
 */
import type { ConnectionRecord } from '../records/records.js';
import type { ByteSpool } from './store-spool.js';

/** The fields kept in the spool: what only the connection detail reads. */
const BULKY = ['flowControl', 'streams', 'hpack', 'concurrency'] as const;
type Bulky = Pick<ConnectionRecord, (typeof BULKY)[number]>;

/** Where a record's bulky fields lie in the spool. */
export interface SpooledParts {
  at: number;
  length: number;
  /** The bulky fields the record had (the others stay absent). */
  keys: string[];
}

/** Records whose bulky fields were read back last (a detail screen reads them at every render). */
const KEPT = 4;

/**
 * The record without its bulky fields, and where they were spooled; null parts when there is nothing to
 * spool or the spool does not work (the record is then kept whole, as before the spool existed).
 */
export function spoolConnection(
  rec: ConnectionRecord,
  spool: ByteSpool | null,
): { light: ConnectionRecord; parts: SpooledParts | null } {
  const keys = BULKY.filter((k) => rec[k] !== undefined);
  if (spool === null || keys.length === 0) return { light: rec, parts: null };
  const bulky: Record<string, unknown> = {};
  const light: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if ((BULKY as readonly string[]).includes(k)) bulky[k] = v;
    else light[k] = v;
  }
  const json = Buffer.from(JSON.stringify(bulky), 'utf8');
  const at = spool.append(json);
  if (at < 0) return { light: rec, parts: null };
  return { light: light as unknown as ConnectionRecord, parts: { at, length: json.length, keys } };
}

/** Bulky parts read back, most recently used last. */
export class BulkyCache {
  private readonly kept = new Map<string, Partial<Bulky>>();

  constructor(private readonly spool: ByteSpool | null) {}

  /**
   * `light` with its bulky fields as getters reading them back from the spool; a field that cannot be read
   * (the spool failed later) is undefined, as for a record that never had it.
   */
  attach(light: ConnectionRecord, parts: SpooledParts | null): ConnectionRecord {
    if (parts === null) return light;
    const rec = { ...light };
    for (const k of parts.keys)
      Object.defineProperty(rec, k, {
        enumerable: true,
        configurable: true,
        get: () => this.read(light.id, parts)[k as keyof Bulky],
      });
    return rec;
  }

  private read(id: string, parts: SpooledParts): Partial<Bulky> {
    const hit = this.kept.get(id);
    if (hit !== undefined) {
      this.kept.delete(id);
      this.kept.set(id, hit);
      return hit;
    }
    const bytes = this.spool?.read(parts.at, parts.length) ?? null;
    let bulky: Partial<Bulky> = {};
    if (bytes !== null) {
      try {
        bulky = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
      } catch {
        bulky = {};
      }
    }
    this.kept.set(id, bulky);
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    return bulky;
  }
}
