import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPcap } from '../../scripts/bench/pcap-file.js';
import { sampleConnections } from '../../scripts/bench/sample-connections.js';
import { MIX, synthesize } from '../../scripts/bench/synthesize.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLES = join(import.meta.dirname, '../../samples');
const dir = mkdtempSync(join(tmpdir(), 'h2scope-synth-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sampleConnections', () => {
  it('splits a sample into its TCP connections with their ISNs and relative times', () => {
    const conns = sampleConnections(join(SAMPLES, 'grpc-js-streaming.pcap'));
    // tshark -q -z conv,tcp: 47228 <-> 50102 (41 packets), 47244 <-> 50102 (33 packets).
    expect(conns.map((c) => [c.name, c.packets.length])).toEqual([
      ['grpc-js-streaming#1', 41],
      ['grpc-js-streaming#2', 33],
    ]);
    const first = conns[0]!;
    expect(first.packets[0]!.offsetMicros).toBe(0);
    expect(first.packets[0]!.fromClient).toBe(true);
    expect(first.packets[1]!.fromClient).toBe(false);
    expect(first.clientIsn).toBe(first.packets[0]!.frame.readUInt32BE(first.packets[0]!.tcpOffset + 4));
    expect(first.serverIsn).toBe(first.packets[1]!.frame.readUInt32BE(first.packets[1]!.tcpOffset + 4));
  });
});

describe('synthesize', () => {
  const path = join(dir, 'small.pcap');
  const stats = synthesize({ path, targetBytes: 400_000, samplesDir: SAMPLES, concurrency: 8 });

  it('writes what its stats say, deterministically', () => {
    const pcap = readPcap(path);
    expect(pcap.linkType).toBe(1);
    expect(pcap.records.length).toBe(stats.packets);
    expect(readFileSync(path).length).toBe(stats.bytes);
    const times = pcap.records.map((r) => r.micros);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const again = join(dir, 'again.pcap');
    synthesize({ path: again, targetBytes: 400_000, samplesDir: SAMPLES, concurrency: 8 });
    expect(readFileSync(again).equals(readFileSync(path))).toBe(true);
  });

  it('keeps every copy decodable: the frames of each copy are those of its sample', async () => {
    const framesOf = new Map<string, Record<string, number>>();
    for (const [file] of MIX) {
      const decoded = await decodeFile(join(SAMPLES, file));
      decoded.connections.forEach((c, i) => {
        const counts: Record<string, number> = {};
        for (const f of c.frames) counts[f.type] = (counts[f.type] ?? 0) + 1;
        framesOf.set(`${file.replace('.pcap', '')}#${i + 1}`, counts);
      });
    }
    const expected: Record<string, number> = {};
    for (const [name, copies] of Object.entries(stats.mix))
      for (const [type, n] of Object.entries(framesOf.get(name) ?? {}))
        expected[type] = (expected[type] ?? 0) + n * copies;

    const decoded = await decodeFile(path);
    const actual: Record<string, number> = {};
    for (const f of decoded.allFrames) actual[f.type] = (actual[f.type] ?? 0) + 1;
    expect(actual).toEqual(expected);
    expect(decoded.connections.length).toBe(stats.connections);
    expect(new Set(decoded.connections.map((c) => c.protocol))).toEqual(new Set(['h2c']));
    expect(new Set(decoded.connections.map((c) => c.endReason))).toEqual(new Set(['fin']));
    // No reassembly, framing or HPACK trouble: only what the samples' own calls report.
    const lower = decoded.diagnostics.filter((d) => /^(capture|net|tcp|session|h2)\./.test(d.code));
    expect(lower).toEqual([]);
  });
});
