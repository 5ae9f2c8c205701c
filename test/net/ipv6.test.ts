import { describe, expect, it } from 'vitest';
import * as fx from './fixtures.js';
import { bytesOf, decodeOne, diagnostics, onlySegment, skips } from './helpers.js';

/** Offsets in the Ethernet fixtures: IPv6 header at 14, its payload at 54. */
const IP = 14;
const PAYLOAD = IP + 40;

describe('IPv6', () => {
  it('skips Hop-by-Hop, Destination Options, Routing and Destination Options headers', () => {
    const events = decodeOne(bytesOf(fx.ipv6ExtensionHeaders), 1);
    expect(diagnostics(events)).toEqual([]);
    const s = onlySegment(events);
    expect(s.src).toEqual({ ip: '2001:db8::1', port: 51234 });
    expect(s.dst).toEqual({ ip: '2001:db8:0:1::7', port: 50051 });
    expect(s.payload.toString()).toBe('hello');
  });

  it('skips an Authentication Header (length in 4-byte units + 2)', () => {
    const s = onlySegment(decodeOne(bytesOf(fx.ipv6AuthHeader), 1));
    expect([s.seq, s.ack]).toEqual([1000, 2000]);
    expect(s.payload.toString()).toBe('hello');
  });

  it('stops at ESP with a diagnostic', () => {
    const events = decodeOne(bytesOf(fx.ipv6Esp), 1);
    expect(skips(events)).toEqual(['esp']);
    const [d] = diagnostics(events);
    expect(d?.code).toBe('net.esp');
    expect(d?.severity).toBe('info');
    expect(d?.message).toBe(
      'Record 1: IPsec ESP payload 2001:db8::1 -> 2001:db8:0:1::7 is encrypted and cannot be decoded; packet skipped',
    );
  });

  it('counts No Next Header and UDP after extension headers as not TCP', () => {
    const none = bytesOf(fx.ipv6ExtensionHeaders);
    none[PAYLOAD + 8 + 8 + 24] = 59; // last Destination Options header: Next Header = No Next Header
    const udp = bytesOf(fx.ipv6ExtensionHeaders);
    udp[PAYLOAD + 8 + 8 + 24] = 17;
    expect(skips([...decodeOne(none, 1), ...decodeOne(udp, 1)])).toEqual(['other-protocol', 'udp']);
  });

  it('trims to the payload length (trailing bytes are not payload)', () => {
    const data = Buffer.concat([bytesOf(fx.qinqIpv6), Buffer.from('trailer')]);
    expect(onlySegment(decodeOne(data, 1)).payload.toString()).toBe('hello');
  });

  it('trusts the captured length when payload length is 0 (TSO/GSO)', () => {
    const data = bytesOf(fx.rawIpv6);
    data.writeUInt16BE(0, 4);
    expect(onlySegment(decodeOne(data, 101)).payload.toString()).toBe('hello');
  });

  it('reports a cut extension header as truncated', () => {
    const data = bytesOf(fx.ipv6ExtensionHeaders).subarray(0, PAYLOAD + 8 + 8 + 10);
    const [d] = diagnostics(decodeOne(data, 1));
    expect(d?.message).toBe(
      'Record 1: IPv6 extension header cut short (10 of 24 bytes captured); packet skipped',
    );
    expect(d?.evidence).toMatchObject({ src: '2001:db8::1', dst: '2001:db8:0:1::7' });
  });

  it('reports an extension header running past the payload length as malformed', () => {
    const data = bytesOf(fx.ipv6ExtensionHeaders);
    data[PAYLOAD + 1] = 200; // Hop-by-Hop Hdr Ext Len: 1608 bytes
    const events = decodeOne(data, 1);
    expect(skips(events)).toEqual(['malformed']);
    expect(diagnostics(events)[0]?.message).toBe(
      'Record 1: malformed IPv6 extension header: 1608-byte header at byte 54 runs past the end of the packet; packet skipped',
    );
  });

  it('reports a cut fixed header as truncated and a wrong version as malformed', () => {
    const wrong = bytesOf(fx.qinqIpv6);
    wrong[22] = 0x40; // first byte after the two tags
    const events = [...decodeOne(bytesOf(fx.rawIpv6).subarray(0, 39), 101), ...decodeOne(wrong, 1)];
    expect(diagnostics(events).map((d) => d.message)).toEqual([
      'Record 1: IPv6 header cut short (39 of 40 bytes captured); packet skipped',
      'Record 1: malformed IPv6 header: version 4 in an IPv6 packet; packet skipped',
    ]);
  });

  it('processes an atomic fragment (offset 0, M = 0, RFC 6946) as a whole packet', () => {
    const frag = bytesOf(fx.ipv6Fragments, 1);
    frag.writeUInt16BE(0, PAYLOAD + 2); // offset 0, M clear
    frag.writeUInt16BE(8 + 32, IP + 4);
    const s = onlySegment(decodeOne(frag.subarray(0, PAYLOAD + 8 + 32), 1));
    expect(s.seq).toBe(300);
    expect(s.payload.length).toBe(12);
  });
});
