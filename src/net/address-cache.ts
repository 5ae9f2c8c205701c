import { i32 } from './bytes.js';
import { formatIpv4, formatIpv6 } from './ip-address.js';

/**
 * Direct-mapped caches of formatted addresses. A capture holds few distinct addresses, and every packet
 * needs two strings: a hit costs a hash and one to four integer compares, and hands the same string
 * instance to the flow table each time. A miss overwrites the slot. No allocation on a hit.
 */
const IPV4_SLOTS = 1024; // a power of two
const IPV6_SLOTS = 256;
/** Fibonacci hashing multiplier (2^32 / golden ratio). */
const GOLDEN = 0x9e3779b1;

export class AddressCache {
  private readonly v4Keys = new Int32Array(IPV4_SLOTS);
  private readonly v4Text: (string | undefined)[] = new Array<string | undefined>(IPV4_SLOTS).fill(undefined);
  private readonly v6Keys = new Int32Array(IPV6_SLOTS * 4);
  private readonly v6Text: (string | undefined)[] = new Array<string | undefined>(IPV6_SLOTS).fill(undefined);

  ipv4(data: Buffer, offset: number): string {
    const key = i32(data, offset);
    const slot = Math.imul(key, GOLDEN) >>> 22; // top 10 bits: 1024 slots
    const cached = this.v4Text[slot];
    if (cached !== undefined && this.v4Keys[slot] === key) return cached;
    const text = formatIpv4(data, offset);
    this.v4Keys[slot] = key;
    this.v4Text[slot] = text;
    return text;
  }

  ipv6(data: Buffer, offset: number): string {
    const w0 = i32(data, offset);
    const w1 = i32(data, offset + 4);
    const w2 = i32(data, offset + 8);
    const w3 = i32(data, offset + 12);
    const slot = Math.imul(w0 ^ w1 ^ w2 ^ w3 ^ (w3 >>> 16), GOLDEN) >>> 24; // top 8 bits: 256 slots
    const k = slot * 4;
    const keys = this.v6Keys;
    const cached = this.v6Text[slot];
    if (
      cached !== undefined &&
      keys[k] === w0 &&
      keys[k + 1] === w1 &&
      keys[k + 2] === w2 &&
      keys[k + 3] === w3
    ) {
      return cached;
    }
    const text = formatIpv6(data, offset);
    keys[k] = w0;
    keys[k + 1] = w1;
    keys[k + 2] = w2;
    keys[k + 3] = w3;
    this.v6Text[slot] = text;
    return text;
  }
}
