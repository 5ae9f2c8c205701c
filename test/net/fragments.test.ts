import { describe, expect, it } from 'vitest';
import { NetDecoder } from '../../src/net/net-decoder.js';
import type { Fixture } from './fixtures.js';
import * as fx from './fixtures.js';
import { EPOCH, bytesOf, decodeAll, diagnostics, onlySegment, raw, segments, skips } from './helpers.js';

/** The TCP payload the fragment fixtures carry: IPv4 'A'..'h' (40 bytes), IPv6 'a'..'~' (30 bytes). */
const V4_PAYLOAD = Buffer.from(Array.from({ length: 40 }, (_, i) => 0x41 + i));
const V6_PAYLOAD = Buffer.from(Array.from({ length: 30 }, (_, i) => 0x61 + i));
/** Offsets in an Ethernet IPv4 fragment: IPv4 header at 14, fragment data at 34. */
const IP = 14;

function reorder(f: Fixture, order: number[]): Fixture {
  return { linkType: f.linkType, packets: order.map((i) => f.packets[i]!) };
}

describe('IPv4 reassembly', () => {
  it('reassembles fragments received last-first into one segment, on the completing packet', () => {
    const events = decodeAll([fx.ipv4Fragments]);
    expect(events.map((e) => (e.kind === 'skipped' ? e.reason : e.kind))).toEqual([
      'fragment',
      'fragment',
      'diagnostic',
      'tcp',
    ]);
    const s = onlySegment(events);
    expect(s.packetIndex).toBe(2);
    expect(s.time).toBe(EPOCH + 2);
    expect([s.seq, s.ack, s.window]).toEqual([100, 200, 1000]);
    expect(s.src).toEqual({ ip: '192.0.2.1', port: 51234 });
    expect(s.payload.equals(V4_PAYLOAD)).toBe(true);
    const [d] = diagnostics(events);
    expect(d?.code).toBe('net.ipv4-fragmented');
    expect(d?.severity).toBe('info');
    expect(d?.message).toBe(
      'Record 3: IPv4 datagram 192.0.2.1 -> 198.51.100.7 id 2989 reassembled from 3 fragments (60 bytes)',
    );
  });

  it('keeps the bytes received first where overlapping fragments disagree, and warns', () => {
    const events = decodeAll([fx.ipv4OverlapFragments]);
    const s = onlySegment(events);
    const expected = Buffer.from(V4_PAYLOAD);
    expected.write('XXXXXXXX', 20); // datagram bytes 40-47 came first from the second fragment
    expect(s.payload.equals(expected)).toBe(true);
    const warning = diagnostics(events).find((d) => d.code === 'net.fragment-overlap');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toBe(
      'Record 3: fragments of IPv4 datagram 192.0.2.1 -> 198.51.100.7 id 2989 overlap with different bytes (16 bytes overlap); the bytes received first were kept',
    );
  });

  it('keeps the original bytes when the disagreeing fragment comes last', () => {
    const s = onlySegment(decodeAll([reorder(fx.ipv4OverlapFragments, [2, 0, 1])]));
    expect(s.payload.equals(V4_PAYLOAD)).toBe(true);
  });

  it('accepts a duplicated fragment without an overlap warning', () => {
    const events = decodeAll([reorder(fx.ipv4Fragments, [1, 1, 0, 2])]);
    expect(onlySegment(events).payload.equals(V4_PAYLOAD)).toBe(true);
    expect(diagnostics(events).map((d) => d.code)).toEqual(['net.ipv4-fragmented']);
  });

  it('reports a datagram still incomplete at the end of the capture', () => {
    const events = decodeAll([reorder(fx.ipv4Fragments, [1, 0])]);
    expect(segments(events)).toEqual([]);
    const [d] = diagnostics(events);
    expect(d?.code).toBe('net.fragment-incomplete');
    expect(d?.severity).toBe('warning');
    expect(d?.time).toBe(EPOCH);
    expect(d?.message).toBe(
      'IPv4 datagram 192.0.2.1 -> 198.51.100.7 id 2989 never completed (capture-end): 2 fragments, 36 bytes received, first at record 1',
    );
  });

  it('expires a datagram 30 s of capture time after its first fragment', () => {
    const decoder = new NetDecoder();
    expect(skips(decoder.push(raw(bytesOf(fx.ipv4Fragments, 0), 1, 0, EPOCH)))).toEqual(['fragment']);
    expect(decoder.push(raw(bytesOf(fx.rawIpv4), 101, 1, EPOCH + 30))).toHaveLength(1);
    const events = decoder.push(raw(bytesOf(fx.rawIpv4), 101, 2, EPOCH + 30.5));
    expect(diagnostics(events)[0]?.evidence).toMatchObject({ reason: 'timeout', record: 1, fragments: 1 });
    // The late fragments now start a new datagram, which never completes either.
    decoder.push(raw(bytesOf(fx.ipv4Fragments, 1), 1, 3, EPOCH + 31));
    expect(diagnostics(decoder.finish())[0]?.evidence).toMatchObject({ reason: 'capture-end', record: 4 });
  });

  it('evicts the oldest datagram beyond the pending-datagram limit', () => {
    const other = bytesOf(fx.ipv4Fragments, 1);
    other.writeUInt16BE(0x0bae, IP + 4); // another id
    const decoder = new NetDecoder({ fragments: { maxDatagrams: 1 } });
    decoder.push(raw(bytesOf(fx.ipv4Fragments, 0), 1, 0));
    const events = decoder.push(raw(other, 1, 1));
    expect(diagnostics(events)[0]?.evidence).toMatchObject({ reason: 'evicted', id: 2989 });
    expect(skips(events)).toEqual(['fragment']);
  });

  it('evicts beyond the byte limit', () => {
    const decoder = new NetDecoder({ fragments: { maxBytes: 30 } });
    decoder.push(raw(bytesOf(fx.ipv4Fragments, 0), 1, 0)); // 12 bytes
    const events = decoder.push(raw(bytesOf(fx.ipv4Fragments, 1), 1, 1)); // 24 more: over 30
    expect(diagnostics(events)[0]?.evidence).toMatchObject({ reason: 'evicted', fragments: 2, bytes: 36 });
  });

  it('does not hold fragments of other protocols', () => {
    const udp = bytesOf(fx.ipv4Fragments, 1);
    udp[IP + 9] = 17;
    const events = decodeAll([{ linkType: 1, packets: [udp.toString('hex')] }]);
    expect(skips(events)).toEqual(['udp']);
    expect(diagnostics(events)).toEqual([]);
  });

  it('rejects a non-final fragment whose length is not a multiple of 8 (RFC 791 §3.2)', () => {
    const data = bytesOf(fx.ipv4Fragments, 1).subarray(0, IP + 20 + 20);
    data.writeUInt16BE(40, IP + 2);
    const events = decodeAll([{ linkType: 1, packets: [data.toString('hex')] }]);
    expect(skips(events)).toEqual(['malformed']);
    expect(diagnostics(events)[0]?.message).toBe(
      'Record 1: malformed IPv4 fragment header: non-final fragment at offset 0 carries 20 bytes, not a positive multiple of 8; packet skipped',
    );
  });

  it('rejects a fragment ending past 65535 bytes', () => {
    const data = bytesOf(fx.ipv4Fragments, 2);
    data.writeUInt16BE(0x2000 | 8189, IP + 6); // offset 65512 + 24 bytes
    const [d] = diagnostics(decodeAll([{ linkType: 1, packets: [data.toString('hex')] }]));
    expect(d?.evidence).toMatchObject({
      detail: 'fragment at offset 65512 with 24 bytes ends past 65535 bytes',
    });
  });

  it('rejects a second last fragment with another end', () => {
    const short = bytesOf(fx.ipv4Fragments, 2);
    short.writeUInt16BE(3, IP + 6); // [24,48) claims to be the last fragment (offset 3 units, MF clear)
    const events = decodeAll([
      { linkType: 1, packets: [fx.ipv4Fragments.packets[0]!, short.toString('hex')] },
    ]);
    expect(diagnostics(events)[0]?.evidence).toMatchObject({
      detail: 'a second last fragment ends at 48, the first ended at 60',
    });
  });

  it('reports a fragment cut by the capture as truncated (the datagram cannot be rebuilt)', () => {
    const data = bytesOf(fx.ipv4Fragments, 1).subarray(0, IP + 20 + 10);
    const [d] = diagnostics(decodeAll([{ linkType: 1, packets: [data.toString('hex')] }]));
    expect(d?.message).toBe(
      'Record 1: IPv4 fragment header cut short (10 of 24 bytes captured); packet skipped',
    );
  });
});

describe('IPv6 reassembly', () => {
  it('reassembles Fragment-header fragments and walks the reassembled payload', () => {
    const events = decodeAll([fx.ipv6Fragments]);
    const s = onlySegment(events);
    expect(s.ipVersion).toBe(6);
    expect(s.packetIndex).toBe(1);
    expect([s.seq, s.ack]).toEqual([300, 400]);
    expect(s.dst).toEqual({ ip: '2001:db8:0:1::7', port: 50051 });
    expect(s.payload.equals(V6_PAYLOAD)).toBe(true);
    expect(diagnostics(events).map((d) => d.message)).toEqual([
      'Record 2: IPv6 packet 2001:db8::1 -> 2001:db8:0:1::7 id 51966 reassembled from 2 fragments (50 bytes)',
    ]);
  });

  it('reports an IPv6 datagram never completed', () => {
    const [d] = diagnostics(decodeAll([reorder(fx.ipv6Fragments, [0])]));
    expect(d?.message).toBe(
      'IPv6 datagram 2001:db8::1 -> 2001:db8:0:1::7 id 51966 never completed (capture-end): 1 fragments, 18 bytes received, first at record 1',
    );
  });

  it('skips UDP fragments without holding them', () => {
    const udp = bytesOf(fx.ipv6Fragments, 0);
    udp[14 + 40] = 17; // Fragment header Next Header
    expect(skips(decodeAll([{ linkType: 1, packets: [udp.toString('hex')] }]))).toEqual(['udp']);
  });
});
