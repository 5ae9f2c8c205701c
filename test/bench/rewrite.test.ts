import { describe, expect, it } from 'vitest';
import { rewritePacket, type CopyParams } from '../../scripts/bench/rewrite.js';
import type { SamplePacket } from '../../scripts/bench/sample-connections.js';

/**
 * A hand-built Ethernet + IPv4 + TCP frame (RFC 791 §3.1, RFC 9293 §3.1): 127.0.0.1:40000 ->
 * 127.0.0.1:50101, seq 0xfffffff0, ack 0x00000010, flags ACK|PSH, options NOP NOP SACK(one block
 * 0x00000100-0x00000200) (RFC 2018 §3), payload "hi". Checksums left zero: the rewriter recomputes them.
 */
function frame(): Buffer {
  const eth = Buffer.from('000000000000' + '000000000000' + '0800', 'hex');
  const ip = Buffer.from(
    '4500' + '0000' + '1234' + '4000' + '4006' + '0000' + '7f000001' + '7f000001',
    'hex',
  );
  const tcp = Buffer.from(
    '9c40' +
      'c3b5' +
      'fffffff0' +
      '00000010' +
      '80' +
      '18' +
      'ffff' +
      '0000' +
      '0000' +
      '0101' +
      '050a' +
      '00000100' +
      '00000200',
    'hex',
  );
  const payload = Buffer.from('hi');
  ip.writeUInt16BE(ip.length + tcp.length + payload.length, 2);
  return Buffer.concat([eth, ip, tcp, payload]);
}

/** RFC 1071: the one's complement sum over a region that includes its checksum is 0xffff. */
function onesSum(b: Buffer, from: number, to: number, initial = 0): number {
  let s = initial;
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

const PARAMS: CopyParams = {
  clientIp: 0x0a010007, // 10.1.0.7
  serverIp: 0x0a000001, // 10.0.0.1
  clientPort: 33000,
  serverPort: 50051,
  clientSeqDelta: 0x20, // client seq 0xfffffff0 wraps to 0x00000010
  serverSeqDelta: 0x1000,
};

describe('rewritePacket', () => {
  const packet = (fromClient: boolean): SamplePacket => ({
    offsetMicros: 0,
    frame: frame(),
    fromClient,
    ipOffset: 14,
    tcpOffset: 34,
  });

  it('gives a client packet the copy addresses, ports and sequence numbers, mod 2^32', () => {
    const f = rewritePacket(packet(true), PARAMS);
    expect(f.readUInt32BE(14 + 12)).toBe(0x0a010007);
    expect(f.readUInt32BE(14 + 16)).toBe(0x0a000001);
    expect(f.readUInt16BE(34)).toBe(33000);
    expect(f.readUInt16BE(36)).toBe(50051);
    expect(f.readUInt32BE(38)).toBe(0x00000010); // 0xfffffff0 + 0x20
    expect(f.readUInt32BE(42)).toBe(0x00001010); // the server's sequence space moved by 0x1000
    // SACK blocks acknowledge the peer's bytes: they move with the ack number.
    expect(f.readUInt32BE(34 + 24)).toBe(0x00001100);
    expect(f.readUInt32BE(34 + 28)).toBe(0x00001200);
    expect(f.subarray(-2).toString()).toBe('hi');
  });

  it('swaps roles for a server packet', () => {
    const f = rewritePacket(packet(false), PARAMS);
    expect(f.readUInt32BE(14 + 12)).toBe(0x0a000001);
    expect(f.readUInt32BE(14 + 16)).toBe(0x0a010007);
    expect(f.readUInt16BE(34)).toBe(50051);
    expect(f.readUInt16BE(36)).toBe(33000);
    expect(f.readUInt32BE(38)).toBe(0xfffffff0 + 0x1000 - 0x100000000);
    expect(f.readUInt32BE(42)).toBe(0x00000030);
  });

  it('writes valid IPv4 header and TCP checksums', () => {
    const f = rewritePacket(packet(true), PARAMS);
    expect(f.readUInt16BE(14 + 10)).not.toBe(0);
    expect(onesSum(f, 14, 34)).toBe(0xffff);
    const tcpLength = f.length - 34;
    const pseudo = onesSum(f, 14 + 12, 14 + 20) + 6 + tcpLength;
    expect(onesSum(f, 34, f.length, pseudo)).toBe(0xffff);
  });

  it('leaves the sample untouched', () => {
    const p = packet(true);
    const before = Buffer.from(p.frame);
    rewritePacket(p, PARAMS);
    expect(p.frame.equals(before)).toBe(true);
  });
});
