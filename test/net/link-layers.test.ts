import { describe, expect, it } from 'vitest';
import { NetDecoder } from '../../src/net/net-decoder.js';
import * as fx from './fixtures.js';
import { bytesOf, decodeAll, decodeOne, diagnostics, onlySegment, raw, skips } from './helpers.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** The IPv4 segment shared by the VLAN, NULL, LOOP, raw and SLL fixtures (see the tcpdump lines). */
function expectPrefaceSegment(data: Buffer | string, linkType: number): void {
  const events = decodeOne(data, linkType);
  expect(diagnostics(events)).toEqual([]);
  const s = onlySegment(events);
  expect(s.ipVersion).toBe(4);
  expect(s.src).toEqual({ ip: '192.0.2.1', port: 51234 });
  expect(s.dst).toEqual({ ip: '198.51.100.7', port: 50051 });
  expect(s.seq).toBe(4275878553);
  expect(s.ack).toBe(2147483649);
  expect(s.window).toBe(502);
  expect(s.flags).toEqual({
    fin: false,
    syn: false,
    rst: false,
    psh: true,
    ack: true,
    urg: false,
    ece: false,
    cwr: false,
  });
  expect(s.payload.equals(PREFACE)).toBe(true);
}

/** The IPv6 "hello" segment shared by the QinQ, NULL, raw and SLL2 fixtures. */
function expectHelloSegment(data: Buffer | string, linkType: number): void {
  const events = decodeOne(data, linkType);
  expect(diagnostics(events)).toEqual([]);
  const s = onlySegment(events);
  expect(s.ipVersion).toBe(6);
  expect(s.src).toEqual({ ip: '2001:db8::1', port: 51234 });
  expect(s.dst).toEqual({ ip: '2001:db8:0:1::7', port: 50051 });
  expect([s.seq, s.ack, s.window]).toEqual([1000, 2000, 512]);
  expect(s.payload.toString()).toBe('hello');
}

describe('Ethernet II', () => {
  it('decodes an IPv4 SYN with its record number, time and options', () => {
    const decoder = new NetDecoder();
    const events = decoder.push(raw(bytesOf(fx.ethernetIpv4Syn), 1, 41, 1_700_000_123.5));
    const s = onlySegment(events);
    expect(s.packetIndex).toBe(41);
    expect(s.time).toBe(1_700_000_123.5);
    expect(s.seq).toBe(4275878552); // 0xfedcba98: above 2^31, must stay unsigned
    expect(s.flags.syn).toBe(true);
    expect(s.flags.ack).toBe(false);
    expect(s.mss).toBe(1460);
    expect(s.windowScale).toBe(7);
    expect(s.window).toBe(64240);
    expect(s.payload.length).toBe(0);
  });

  it('trims Ethernet padding to the IPv4 total length', () => {
    const s = onlySegment(decodeOne(bytesOf(fx.ethernetPaddedAck), 1));
    expect(s.payload.length).toBe(0);
    expect(s.ack).toBe(4294967295);
    expect(s.seq).toBe(2147483649);
    expect(s.src).toEqual({ ip: '198.51.100.7', port: 50051 });
  });

  it('returns the payload as a view on the packet bytes, not a copy', () => {
    const data = bytesOf(fx.vlanIpv4Preface);
    const s = onlySegment(decodeOne(data, 1));
    expect(s.payload.buffer).toBe(data.buffer);
    expect(s.payload.byteOffset).toBe(data.byteOffset + data.length - 24);
  });

  it('walks an 802.1Q tag', () => expectPrefaceSegment(bytesOf(fx.vlanIpv4Preface), 1));
  it('walks 802.1ad QinQ (0x88a8 then 0x8100) to IPv6', () => expectHelloSegment(bytesOf(fx.qinqIpv6), 1));
  it('walks the pre-standard 0x9100 outer tag', () => expectPrefaceSegment(bytesOf(fx.oldQinqIpv4), 1));

  it('rejects more than 8 stacked tags as malformed', () => {
    const tag = '81000001';
    const frame = fx.vlanIpv4Preface.packets[0]!.slice(0, 24) + tag.repeat(9) + '0800';
    const events = decodeOne(frame, 1);
    expect(skips(events)).toEqual(['malformed']);
    expect(diagnostics(events).map((d) => d.code)).toEqual(['net.malformed-link']);
  });

  it('skips ARP, non-IP EtherTypes and 802.3 length frames silently, with their reasons', () => {
    const ipx = bytesOf(fx.ethernetArp);
    ipx.writeUInt16BE(0x8137, 12); // IPX
    const llc = bytesOf(fx.ethernetArp);
    llc.writeUInt16BE(28, 12); // 802.3 length field
    const events = [
      ...decodeOne(bytesOf(fx.ethernetArp), 1),
      ...decodeOne(ipx, 1),
      ...decodeOne(llc, 1),
      ...decodeOne(bytesOf(fx.ethernetUdp), 1),
      ...decodeOne(bytesOf(fx.ethernetIcmp), 1),
    ];
    expect(skips(events)).toEqual(['arp', 'non-ip', 'non-ip', 'udp', 'icmp']);
    expect(diagnostics(events)).toEqual([]);
  });

  it('reports a frame shorter than the Ethernet header as truncated', () => {
    const events = decodeOne(bytesOf(fx.ethernetArp).subarray(0, 13), 1);
    expect(skips(events)).toEqual(['truncated']);
    const [d] = diagnostics(events);
    expect(d?.code).toBe('net.truncated');
    expect(d?.message).toBe('Record 1: Ethernet header cut short (13 of 14 bytes captured); packet skipped');
  });
});

describe('BSD loopback (NULL, LOOP)', () => {
  it('reads AF_INET written little-endian', () => expectPrefaceSegment(bytesOf(fx.nullLittleEndianIpv4), 0));
  it('reads AF_INET6 30 written big-endian', () => expectHelloSegment(bytesOf(fx.nullBigEndianIpv6), 0));
  it('reads AF_INET6 24 (NetBSD/OpenBSD)', () => expectHelloSegment(bytesOf(fx.nullIpv6Bsd), 0));
  it('reads AF_INET6 28 (FreeBSD)', () => expectHelloSegment(bytesOf(fx.nullIpv6FreeBsd), 0));

  it('reads AF_INET written big-endian on LINKTYPE_NULL too', () => {
    const data = bytesOf(fx.nullLittleEndianIpv4);
    data.writeUInt32BE(2, 0);
    expectPrefaceSegment(data, 0);
  });

  it('reads LINKTYPE_LOOP in network order', () => expectPrefaceSegment(bytesOf(fx.loopIpv4), 108));

  it('does not byte-swap LINKTYPE_LOOP: 02 00 00 00 there is not AF_INET', () => {
    expect(skips(decodeOne(bytesOf(fx.nullLittleEndianIpv4), 108))).toEqual(['non-ip']);
  });

  it('skips other families as non-IP', () => {
    const data = bytesOf(fx.nullLittleEndianIpv4);
    data.writeUInt32LE(7, 0); // AF_OSI-ish: not IP
    expect(skips(decodeOne(data, 0))).toEqual(['non-ip']);
  });
});

describe('raw IP', () => {
  for (const linkType of [101, 12, 14, 228]) {
    it(`decodes IPv4 on link type ${linkType}`, () => expectPrefaceSegment(bytesOf(fx.rawIpv4), linkType));
  }
  for (const linkType of [101, 12, 14, 229]) {
    it(`decodes IPv6 on link type ${linkType}`, () => expectHelloSegment(bytesOf(fx.rawIpv6), linkType));
  }

  it('rejects a version nibble other than 4 or 6', () => {
    const data = bytesOf(fx.rawIpv4);
    data[0] = 0x55;
    const events = decodeOne(data, 101);
    expect(skips(events)).toEqual(['malformed']);
    expect(diagnostics(events)[0]?.message).toBe(
      'Record 1: malformed raw IP header: IP version 5 (expected 4 or 6); packet skipped',
    );
  });

  it('rejects IPv6 bytes on LINKTYPE_IPV4', () => {
    const events = decodeOne(bytesOf(fx.rawIpv6), 228);
    expect(diagnostics(events).map((d) => d.code)).toEqual(['net.malformed-ip']);
  });
});

describe('Linux cooked captures', () => {
  it('decodes SLL (protocol at offset 14)', () => expectPrefaceSegment(bytesOf(fx.sllIpv4), 113));
  it('decodes SLL2 (protocol at offset 0)', () => expectHelloSegment(bytesOf(fx.sll2Ipv6), 276));
  it('walks a VLAN tag left in an SLL packet', () => expectPrefaceSegment(bytesOf(fx.sllVlanIpv4), 113));

  it('reports cut SLL and SLL2 headers', () => {
    const events = [
      ...decodeOne(bytesOf(fx.sllIpv4).subarray(0, 15), 113),
      ...decodeOne(Buffer.alloc(19), 276),
    ];
    expect(diagnostics(events).map((d) => d.message)).toEqual([
      'Record 1: Linux SLL header cut short (15 of 16 bytes captured); packet skipped',
      'Record 1: Linux SLL2 header cut short (19 of 20 bytes captured); packet skipped',
    ]);
  });
});

describe('unknown link types', () => {
  it('are reported once per link type for the whole run, and every packet is counted', () => {
    const decoder = new NetDecoder();
    const events = [
      ...decoder.push({ ...raw('00', 147, 0), interfaceId: 2 }),
      ...decoder.push(raw('00', 147, 1)),
      ...decoder.push(raw(bytesOf(fx.rawIpv4), 101, 2)),
      ...decoder.push(raw('00', 105, 3)),
      ...decoder.push(raw('00', 147, 4)),
      ...decoder.finish(),
    ];
    expect(skips(events)).toEqual([
      'unknown-linktype',
      'unknown-linktype',
      'unknown-linktype',
      'unknown-linktype',
    ]);
    const ds = diagnostics(events);
    expect(ds.map((d) => d.message)).toEqual([
      'Link type 147 on interface 2 is not supported: its packets are counted and skipped (first at record 1)',
      'Link type 105 on interface 0 is not supported: its packets are counted and skipped (first at record 4)',
    ]);
    expect(ds[0]?.severity).toBe('warning');
    expect(ds[0]?.evidence).toEqual({ linkType: 147, interface: 2, record: 1 });
  });

  it('each push yields exactly one tcp or skipped event', () => {
    const events = decodeAll([fx.ethernetArp, fx.rawIpv4, fx.ethernetUdp, fx.qinqIpv6]);
    expect(events.map((e) => e.kind)).toEqual(['skipped', 'tcp', 'skipped', 'tcp']);
  });
});
