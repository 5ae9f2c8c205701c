/** The per-packet shortcuts of the net layer give what the Buffer methods and object literals gave. */
import { describe, expect, it } from 'vitest';
import { i32, u16, u32 } from '../../src/net/bytes.js';
import { EndpointCache } from '../../src/net/endpoint-cache.js';

describe('big-endian reads', () => {
  it('match readUInt16BE, readUInt32BE and readInt32BE, sign and top bit included', () => {
    const buf = Buffer.from('00ff80000001ffffffff7fffffff12345678', 'hex');
    for (let at = 0; at + 4 <= buf.length; at++) {
      expect(u16(buf, at)).toBe(buf.readUInt16BE(at));
      expect(u32(buf, at)).toBe(buf.readUInt32BE(at));
      expect(i32(buf, at)).toBe(buf.readInt32BE(at));
    }
  });
});

describe('EndpointCache', () => {
  it('hands out one object per endpoint while it stays in its slot', () => {
    const cache = new EndpointCache();
    const a = cache.get('10.0.0.1', 50051);
    expect(a).toEqual({ ip: '10.0.0.1', port: 50051 });
    expect(cache.get('10.0.0.1', 50051)).toBe(a);
    expect(cache.get('10.0.0.2', 50051)).toEqual({ ip: '10.0.0.2', port: 50051 });
  });

  it('is always right when slots collide: 70,000 endpoints through 4096 slots, twice', () => {
    const cache = new EndpointCache();
    for (let round = 0; round < 2; round++) {
      for (let host = 0; host < 70; host++) {
        const ip = host % 2 === 0 ? `10.1.${host}.7` : `2001:db8::${host.toString(16)}`;
        for (let port = 40000; port < 41000; port++) {
          const e = cache.get(ip, port);
          if (e.ip !== ip || e.port !== port) expect(e).toEqual({ ip, port });
        }
      }
    }
    expect(cache.get('::', 0)).toEqual({ ip: '::', port: 0 });
  });
});
