import type { Endpoint } from './types.js';

const SLOTS = 4096; // a power of two
/** Fibonacci hashing multiplier (2^32 / golden ratio), as in address-cache.ts. */
const GOLDEN = 0x9e3779b1;

/**
 * A direct-mapped cache of Endpoint objects, so the segments of a connection share its two endpoints
 * instead of allocating two per packet. Endpoints are never mutated, so sharing them is safe. A miss
 * overwrites the slot: memory is fixed whatever the number of connections.
 */
export class EndpointCache {
  private readonly slots: (Endpoint | undefined)[] = new Array<Endpoint | undefined>(SLOTS).fill(undefined);

  /** `ip` comes from AddressCache: usually the same string instance for a host, compared in O(1). */
  get(ip: string, port: number): Endpoint {
    // The last characters of an address tell hosts of one subnet apart; the port does the rest.
    const n = ip.length;
    const tail = (ip.charCodeAt(n - 1) << 8) ^ (ip.charCodeAt(n - 2) << 4) ^ ip.charCodeAt(n - 3);
    const slot = Math.imul(port ^ (tail << 16), GOLDEN) >>> 20; // top 12 bits: 4096 slots
    const cached = this.slots[slot];
    if (cached !== undefined && cached.port === port && cached.ip === ip) return cached;
    const endpoint = { ip, port };
    this.slots[slot] = endpoint;
    return endpoint;
  }
}
