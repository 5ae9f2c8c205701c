import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawPacket } from '../../src/capture/types.js';
import { globalHeader, PcapWriter, recordHeader } from '../../src/output/pcap-writer.js';
import { decodeFile } from '../helpers/decode.js';
import { runCliCaptured } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'h2scope-pcap-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function raw(over: Partial<RawPacket>): RawPacket {
  return {
    index: 0,
    time: 1.5,
    timeNs: 1_500_000_123n,
    linkType: 1,
    interfaceId: 0,
    data: Buffer.from('0102', 'hex'),
    originalLength: 60,
    offset: 24,
    ...over,
  };
}

describe('PcapWriter', () => {
  it('writes the pcap-savefile(5) global header, little-endian', () => {
    expect(globalHeader(1, false).toString('hex')).toBe(
      'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000',
    );
    expect(globalHeader(276, true).toString('hex').slice(0, 8)).toBe('4d3cb2a1');
  });

  it('keeps microseconds, or nanoseconds with the nanosecond magic', () => {
    // 1.500000123 s: 1 s + 500000 us = 0x7a120 (micro) or 500000123 ns = 0x1dcd657b (nano); caplen 2, length 60.
    expect(recordHeader(raw({}), false).toString('hex')).toBe(
      '01000000' + '20a10700' + '02000000' + '3c000000',
    );
    expect(recordHeader(raw({}), true).toString('hex')).toBe(
      '01000000' + '7b65cd1d' + '02000000' + '3c000000',
    );
  });

  it('refuses packets of a second link type (a pcap file has one)', () => {
    const out: Buffer[] = [];
    const w = new PcapWriter((b) => out.push(b), { nanosecond: false });
    expect(w.packet(raw({ linkType: 113 }))).toBe(true);
    expect(w.packet(raw({ linkType: 1 }))).toBe(false);
    expect(w.packet(raw({ linkType: 113 }))).toBe(true);
    expect([w.written, w.skippedLinkType, w.fileLinkType]).toEqual([2, 1, 113]);
    expect(Buffer.concat(out).length).toBe(24 + 2 * (16 + 2));
  });
});

describe('--write-pcap', () => {
  // grpc-conn-per-call.meta.json: ten connections of one call each; c3 and c5 are the third and fifth.
  it('writes exactly the packets of the matching connections, which decode the same', async () => {
    const file = join(dir, 'two.pcap');
    const r = await runCliCaptured([
      'samples/grpc-conn-per-call.pcap',
      '-Y',
      'conn.id == c3 || conn.id == c5',
      '-w',
      file,
      '-f',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`h2scope: wrote 41 packets of 2 matching connections to ${file}\n`);
    const original = await decodeFile('samples/grpc-conn-per-call.pcap');
    const copy = await decodeFile(file);
    const strip = (c: (typeof original.connections)[number]) => ({
      client: c.client,
      server: c.server,
      packets: c.packets,
      bytes: c.bytes,
      frames: c.frames.map(({ connection: _c, packet: _p, ...f }) => f),
      calls: c.calls.map((call) => [
        call.stream,
        call.method,
        call.status,
        call.outcome,
        call.requests.length,
      ]),
    });
    const picked = original.connections.filter((c) => c.id === 'c3' || c.id === 'c5');
    expect(copy.connections.map(strip)).toEqual(picked.map(strip));
    // `tshark -Y 'tcp.port==43822 || tcp.port==43842'` shows 41 packets: the 39 the connection records
    // count, plus each connection's last ACK after both FINs (absorbed by the flow table's tombstone).
    expect(copy.capture!.packets).toBe(41);
    expect(picked.reduce((n, c) => n + c.packets.client + c.packets.server, 0)).toBe(39);
  });

  it('copies the record bytes unchanged', async () => {
    const file = join(dir, 'all.pcap');
    const r = await runCliCaptured(['samples/grpc-js-unary.pcap', '-w', file, '-f', 'json']);
    expect(r.code).toBe(0);
    // One TCP connection holds all 31 records, so the copy is the original byte for byte.
    expect(readFileSync(file).equals(readFileSync('samples/grpc-js-unary.pcap'))).toBe(true);
  });

  it('works from stdin (the pipe is spooled for the second pass)', async () => {
    const file = join(dir, 'stdin.pcap');
    const r = await runCliCaptured(
      ['-', '--filter', 'grpc.status == RESOURCE_EXHAUSTED', '-w', file, '-q', '-f', 'json'],
      {
        stdin: readFileSync('samples/grpc-js-unary.pcap'),
      },
    );
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(file).length).toBe(readFileSync('samples/grpc-js-unary.pcap').length);
  });

  it('writes a header-less empty file when nothing matches', async () => {
    const file = join(dir, 'none.pcap');
    const r = await runCliCaptured([
      'samples/grpc-js-unary.pcap',
      '-Y',
      'grpc.status == 14',
      '-w',
      file,
      '-f',
      'json',
    ]);
    expect(r.stderr).toBe(`h2scope: wrote 0 packets of 0 matching connections to ${file}\n`);
    expect(readFileSync(file).length).toBe(0);
  });
});
