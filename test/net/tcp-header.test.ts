import { describe, expect, it } from 'vitest';
import { tcpFlags } from '../../src/net/tcp-flags.js';
import * as fx from './fixtures.js';
import { bytesOf, decodeOne, diagnostics, onlySegment, skips } from './helpers.js';

/** In fx.ethernetIpv4Syn: TCP header at 34 (Ethernet 14 + IPv4 20), 40 bytes long, options at 54. */
const TCP = 34;
const FLAGS = TCP + 13;
const OPTIONS = TCP + 20;

function syn(): Buffer {
  return bytesOf(fx.ethernetIpv4Syn);
}

describe('TCP flags', () => {
  it('maps each bit of byte 13 (RFC 9293 §3.1, RFC 3168)', () => {
    expect(tcpFlags(0xff)).toEqual({
      fin: true,
      syn: true,
      rst: true,
      psh: true,
      ack: true,
      urg: true,
      ece: true,
      cwr: true,
    });
    expect(tcpFlags(0x29)).toEqual({
      fin: true,
      syn: false,
      rst: false,
      psh: true,
      ack: false,
      urg: true,
      ece: false,
      cwr: false,
    });
    expect(tcpFlags(0xc4)).toMatchObject({ rst: true, ece: true, cwr: true, ack: false });
  });

  it('shares one frozen object per flags byte', () => {
    expect(tcpFlags(0x12)).toBe(tcpFlags(0x12));
    expect(Object.isFrozen(tcpFlags(0x12))).toBe(true);
  });

  it('reaches the segment', () => {
    const data = syn();
    data[FLAGS] = 0x11; // FIN + ACK
    expect(onlySegment(decodeOne(data, 1)).flags).toBe(tcpFlags(0x11));
  });
});

describe('TCP options', () => {
  it('reads MSS and window scale on a SYN, skipping SACK-permitted, timestamps and NOP', () => {
    const s = onlySegment(decodeOne(syn(), 1));
    expect([s.mss, s.windowScale]).toEqual([1460, 7]);
  });

  it('ignores options on segments without SYN', () => {
    const data = syn();
    data[FLAGS] = 0x10;
    const s = onlySegment(decodeOne(data, 1));
    expect([s.mss, s.windowScale]).toEqual([undefined, undefined]);
  });

  it('stops at End of Option List', () => {
    const data = syn();
    data[OPTIONS] = 0;
    const events = decodeOne(data, 1);
    expect(diagnostics(events)).toEqual([]);
    expect(onlySegment(events).mss).toBeUndefined();
  });

  it('uses 14 for a window scale above 14 (RFC 7323 §2.3) and says so', () => {
    const data = syn();
    data[OPTIONS + 19] = 15;
    const events = decodeOne(data, 1);
    expect(onlySegment(events).windowScale).toBe(14);
    const [d] = diagnostics(events);
    expect(d?.code).toBe('net.tcp-option');
    expect(d?.message).toBe(
      'Record 1: TCP option problem in SYN 192.0.2.1 -> 198.51.100.7: window scale 15 above 14, using 14',
    );
  });

  it.each([
    ['a wrong MSS length', OPTIONS + 1, 5, 'MSS option length 5 (expected 4)'],
    ['a length below 2', OPTIONS + 1, 1, 'option 2 has length 1, 20 bytes left'],
    ['a length past the header', OPTIONS + 7, 15, 'option 8 has length 15, 14 bytes left'],
    ['a wrong window scale length', OPTIONS + 18, 4, 'option 3 has length 4, 3 bytes left'],
  ])('keeps the segment but reports %s, and reads no option after it', (_what, at, value, detail) => {
    const data = syn();
    data[at] = value;
    const events = decodeOne(data, 1);
    const s = onlySegment(events);
    expect(s.windowScale).toBeUndefined();
    expect(diagnostics(events)[0]?.evidence).toMatchObject({ detail });
  });

  it('keeps the options read before a broken one', () => {
    const data = syn();
    data.set([1, 1, 1, 8], OPTIONS + 16); // the last byte starts a timestamps option with no length
    const events = decodeOne(data, 1);
    expect(onlySegment(events).mss).toBe(1460);
    expect(diagnostics(events)[0]?.evidence).toMatchObject({ detail: 'option 8 has no length byte' });
  });
});

describe('TCP data offset', () => {
  it('rejects a data offset below 5', () => {
    const data = syn();
    data[TCP + 12] = 0x40;
    const events = decodeOne(data, 1);
    expect(skips(events)).toEqual(['malformed']);
    expect(diagnostics(events)[0]?.message).toBe(
      'Record 1: malformed TCP header (192.0.2.1 -> 198.51.100.7): data offset 4 (minimum 5); packet skipped',
    );
  });

  it('rejects a data offset beyond the IP payload as malformed', () => {
    const data = syn();
    data[TCP + 12] = 0xf0; // 60 bytes, the IP payload is 40
    expect(diagnostics(decodeOne(data, 1))[0]?.evidence).toEqual({
      record: 1,
      layer: 'TCP',
      src: '192.0.2.1',
      dst: '198.51.100.7',
      detail: 'the IP payload of 40 bytes cannot hold a 60-byte TCP header',
    });
  });

  it('reports options cut by the capture as truncated', () => {
    const events = decodeOne(syn().subarray(0, TCP + 30), 1);
    expect(skips(events)).toEqual(['truncated']);
    expect(diagnostics(events)[0]?.message).toBe(
      'Record 1: TCP header cut short (30 of 40 bytes captured); packet skipped',
    );
  });
});
