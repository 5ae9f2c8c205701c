import { describe, expect, it } from 'vitest';
import { AddressCache } from '../../src/net/address-cache.js';
import { formatIpv4, formatIpv6 } from '../../src/net/ip-address.js';

/** 16 bytes from eight groups given as hex, e.g. '2001 db8 0 0 0 0 2 1'. */
function v6(groups: string): Buffer {
  const b = Buffer.alloc(16);
  groups.split(' ').forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

// Expected texts: RFC 5952 §4 and §5 examples, cross-checked with Python's ipaddress `.compressed`
// (which applies the same rules) for every row without an embedded IPv4 address.
const TABLE: [groups: string, text: string][] = [
  ['2001 db8 0 0 0 0 2 1', '2001:db8::2:1'], // §4.2.1 shortest
  ['2001 db8 0 1 1 1 1 1', '2001:db8:0:1:1:1:1:1'], // §4.2.2 one zero group is not compressed
  ['2001 0 0 1 0 0 0 1', '2001:0:0:1::1'], // §4.2.3 the longest run
  ['2001 db8 0 0 1 0 0 1', '2001:db8::1:0:0:1'], // §4.2.3 a tie: the first run
  ['2001 DB8 0 0 0 0 0 1', '2001:db8::1'], // §4.3 lowercase
  ['2001 0db8 0 0 0 0 0 0001', '2001:db8::1'], // §4.1 no leading zeros
  ['0 0 0 0 0 0 0 0', '::'],
  ['0 0 0 0 0 0 0 1', '::1'],
  ['1 0 0 0 0 0 0 0', '1::'],
  ['0 0 1 0 0 0 0 0', '0:0:1::'],
  ['1 0 0 2 0 0 0 0', '1:0:0:2::'],
  ['0 1 0 1 0 1 0 1', '0:1:0:1:0:1:0:1'],
  ['fe80 0 0 0 0 0 0 1', 'fe80::1'],
  ['2001 db8 aaaa bbbb cccc dddd eeee 1', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
  ['0 0 0 0 0 ffff c000 201', '::ffff:192.0.2.1'], // §5 IPv4-mapped
  ['0 0 0 0 0 ffff 0 0', '::ffff:0.0.0.0'],
  ['0 0 0 0 0 0 c000 201', '::c000:201'], // deprecated IPv4-compatible: no well-known prefix, plain hex
  ['0 0 0 0 ffff ffff c000 201', '::ffff:ffff:c000:201'], // not ::ffff:0:0/96
];

describe('formatIpv6 (RFC 5952)', () => {
  it.each(TABLE)('%s -> %s', (groups, text) => {
    expect(formatIpv6(v6(groups), 0)).toBe(text);
  });

  it('reads at an offset', () => {
    const b = Buffer.concat([Buffer.from([9, 9, 9]), v6('2001 db8 0 0 0 0 2 1')]);
    expect(formatIpv6(b, 3)).toBe('2001:db8::2:1');
  });
});

describe('formatIpv4', () => {
  it('writes dotted decimal', () => {
    expect(formatIpv4(Buffer.from([0, 192, 0, 2, 255]), 1)).toBe('192.0.2.255');
    expect(formatIpv4(Buffer.from([0, 0, 0, 0]), 0)).toBe('0.0.0.0');
  });
});

describe('AddressCache', () => {
  it('returns the same text as the formatters, hit or miss, over many colliding addresses', () => {
    const cache = new AddressCache();
    const b4 = Buffer.alloc(4);
    const b6 = Buffer.alloc(16);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5000; i++) {
        b4.writeUInt32BE((i * 2654435761) >>> 0);
        expect(cache.ipv4(b4, 0)).toBe(formatIpv4(b4, 0));
        b6.writeUInt32BE(0x20010db8, 0);
        b6.writeUInt32BE(i % 7, 8);
        b6.writeUInt32BE((i * 40503) >>> 0, 12);
        expect(cache.ipv6(b6, 0)).toBe(formatIpv6(b6, 0));
      }
    }
  });

  it('hands back the same string instance on a hit', () => {
    const cache = new AddressCache();
    const a = cache.ipv4(Buffer.from([10, 0, 0, 1]), 0);
    expect(cache.ipv4(Buffer.from([10, 0, 0, 1]), 0)).toBe(a);
    expect(cache.ipv4(Buffer.from([0, 0, 0, 0]), 0)).toBe('0.0.0.0'); // key 0 equals the empty slot's key
    expect(cache.ipv6(Buffer.alloc(16), 0)).toBe('::');
  });
});
