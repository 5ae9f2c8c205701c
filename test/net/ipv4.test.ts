import { describe, expect, it } from 'vitest';
import * as fx from './fixtures.js';
import { bytesOf, decodeOne, diagnostics, onlySegment, skips } from './helpers.js';

/** Byte 14 of an Ethernet frame is the first byte of the IPv4 header. */
const IP = 14;

describe('IPv4', () => {
  it('skips header options (IHL 8: Record Route, EOL, Router Alert)', () => {
    const s = onlySegment(decodeOne(bytesOf(fx.ipv4Options), 1));
    expect(s.src).toEqual({ ip: '192.0.2.1', port: 51234 });
    expect([s.seq, s.ack, s.window]).toEqual([7, 9, 100]);
    expect(s.payload.toString()).toBe('xyz');
  });

  it('does not verify the header checksum (offload leaves it wrong on the sending host)', () => {
    const data = bytesOf(fx.vlanIpv4Preface);
    data.writeUInt16BE(0, 18 + 10);
    expect(onlySegment(decodeOne(data, 1)).payload.length).toBe(24);
  });

  it('keeps what was captured when the capture cut the payload, without a diagnostic', () => {
    const data = bytesOf(fx.vlanIpv4Preface);
    const events = decodeOne(data.subarray(0, data.length - 10), 1);
    expect(diagnostics(events)).toEqual([]);
    expect(onlySegment(events).payload.toString()).toBe('PRI * HTTP/2.0');
  });

  it('trusts the captured length when total length is 0 (TSO / BIG TCP on the capturing host)', () => {
    const data = bytesOf(fx.rawIpv4);
    data.writeUInt16BE(0, 2);
    expect(onlySegment(decodeOne(data, 101)).payload.length).toBe(24);
  });

  it('reports a cut TCP header as truncated', () => {
    const data = bytesOf(fx.rawIpv4).subarray(0, 20 + 19);
    const events = decodeOne(data, 101);
    expect(skips(events)).toEqual(['truncated']);
    const [d] = diagnostics(events);
    expect(d?.code).toBe('net.truncated');
    expect(d?.message).toBe('Record 1: TCP header cut short (19 of 20 bytes captured); packet skipped');
    expect(d?.evidence).toEqual({
      record: 1,
      layer: 'TCP',
      src: '192.0.2.1',
      dst: '198.51.100.7',
      need: 20,
      have: 19,
    });
    expect(d?.time).toBe(1_700_000_000);
  });

  it('reports cut options as truncated, with the header length needed', () => {
    const data = bytesOf(fx.ipv4Options).subarray(0, IP + 30);
    expect(diagnostics(decodeOne(data, 1))[0]?.message).toBe(
      'Record 1: IPv4 header cut short (30 of 32 bytes captured); packet skipped',
    );
  });

  it('skips a cut header silently when its protocol field says it is not TCP', () => {
    const data = bytesOf(fx.ethernetUdp).subarray(0, IP + 12);
    const events = decodeOne(data, 1);
    expect(skips(events)).toEqual(['udp']);
    expect(diagnostics(events)).toEqual([]);
  });

  it.each([
    ['header length 16 bytes (IHL 4, minimum 5)', 0x44],
    ['header length 0 bytes (IHL 0, minimum 5)', 0x40],
    ['version 6 in an IPv4 packet', 0x65],
  ])('rejects a header with %s', (detail, first) => {
    const data = bytesOf(fx.rawIpv4);
    data[0] = first;
    const events = decodeOne(data, 228);
    expect(skips(events)).toEqual(['malformed']);
    const [d] = diagnostics(events);
    expect(d?.code).toBe('net.malformed-ip');
    expect(d?.message).toBe(`Record 1: malformed IPv4 header: ${detail}; packet skipped`);
  });

  it('rejects a total length shorter than the header', () => {
    const data = bytesOf(fx.ipv4Options);
    data.writeUInt16BE(24, IP + 2);
    expect(diagnostics(decodeOne(data, 1))[0]?.evidence).toEqual({
      record: 1,
      layer: 'IPv4',
      detail: 'total length 24 is shorter than the 32-byte header',
    });
  });

  it('reports a TCP header that does not fit the IP total length as malformed, not truncated', () => {
    const data = bytesOf(fx.rawIpv4);
    data.writeUInt16BE(20 + 16, 2);
    const [d] = diagnostics(decodeOne(data, 101));
    expect(d?.code).toBe('net.malformed-tcp');
    expect(d?.message).toBe(
      'Record 1: malformed TCP header (192.0.2.1 -> 198.51.100.7): the IP payload of 16 bytes cannot hold a 20-byte TCP header; packet skipped',
    );
  });

  it('counts other protocols and reports ESP', () => {
    const gre = bytesOf(fx.rawIpv4);
    gre[9] = 47;
    const esp = bytesOf(fx.rawIpv4);
    esp[9] = 50;
    const events = [...decodeOne(gre, 101), ...decodeOne(esp, 101)];
    expect(skips(events)).toEqual(['other-protocol', 'esp']);
    expect(diagnostics(events).map((d) => d.message)).toEqual([
      'Record 1: IPsec ESP payload 192.0.2.1 -> 198.51.100.7 is encrypted and cannot be decoded; packet skipped',
    ]);
  });
});
