import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type GlobalHeader, type Packet } from 'pcap-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { buildPcap, bytes, epb, idb, shb, type ByteOrder } from './build-capture.js';
import { packetsOf } from './read-events.js';

// pcap-parser reads classic microsecond pcap only; for those files its record boundaries and timestamps
// must equal ours. See docs/dependencies.md for why it is not our reader.

const SAMPLES = join(import.meta.dirname, '../../samples');
const dir = mkdtempSync(join(tmpdir(), 'h2scope-crosscheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ParserResult {
  header: GlobalHeader | null;
  packets: Packet[];
  error: Error | null;
}

function runPcapParser(path: string): Promise<ParserResult> {
  return new Promise((resolve) => {
    const result: ParserResult = { header: null, packets: [], error: null };
    const parser = parse(path);
    parser.on('globalHeader', (h) => (result.header = h));
    parser.on('packet', (p) => result.packets.push(p));
    parser.on('error', (err) => (result.error = err)); // without a listener it kills the process
    parser.on('end', () => resolve(result));
  });
}

/** Classic microsecond pcap, either byte order: the only kind pcap-parser reads. */
function isMicrosecondPcap(path: string): boolean {
  const magic = readFileSync(path).subarray(0, 4).toString('hex');
  return magic === 'a1b2c3d4' || magic === 'd4c3b2a1';
}

function samplePcaps(): string[] {
  let names: string[];
  try {
    names = readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' });
  } catch {
    return []; // no samples/ yet
  }
  return names.filter((n) => n.endsWith('.pcap')).map((n) => join(SAMPLES, n));
}

function writeOwn(order: ByteOrder): string {
  const records = Array.from({ length: 500 }, (_, i) => ({
    sec: 1_700_000_000 + i,
    frac: (i * 7919) % 1_000_000,
    data: bytes(40 + ((i * 13) % 1400), i),
    originalLength: 40 + ((i * 13) % 1400) + (i % 3 === 0 ? 100 : 0),
  }));
  const path = join(dir, `own-${order}.pcap`);
  writeFileSync(path, buildPcap({ byteOrder: order, snaplen: 65535, records }));
  return path;
}

async function expectSameRecords(path: string): Promise<number> {
  const theirs = await runPcapParser(path);
  expect(theirs.error).toBeNull();
  const ours = packetsOf(await readCaptureFile(path));
  expect(ours.length, path).toBe(theirs.packets.length);
  ours.forEach((p, i) => {
    const t = theirs.packets[i]!;
    expect(p.data.length, `${path} #${i}`).toBe(t.header.capturedLength);
    expect(p.originalLength, `${path} #${i}`).toBe(t.header.originalLength);
    expect(p.data.equals(t.data), `${path} #${i} data`).toBe(true);
    expect(Number(p.timeNs / 1_000_000_000n), `${path} #${i} ts_sec`).toBe(t.header.timestampSeconds);
    expect(Number((p.timeNs % 1_000_000_000n) / 1000n), `${path} #${i} ts_usec`).toBe(
      t.header.timestampMicroseconds,
    );
  });
  return ours.length;
}

describe('cross-check with pcap-parser', () => {
  for (const order of ['le', 'be'] as const) {
    it(`agrees on a capture written here (${order})`, async () => {
      expect(await expectSameRecords(writeOwn(order))).toBe(500);
    });
  }

  it('agrees on every classic microsecond pcap in samples/', async () => {
    for (const path of samplePcaps().filter(isMicrosecondPcap)) await expectSameRecords(path);
  });
});

describe('pcap-parser facts that keep it off the hot path (docs/dependencies.md)', () => {
  it('rejects nanosecond pcap and pcapng as unknown magic', async () => {
    const ns = join(dir, 'ns.pcap');
    writeFileSync(
      ns,
      buildPcap({ byteOrder: 'le', nanosecond: true, records: [{ sec: 1, frac: 1, data: bytes(8, 1) }] }),
    );
    const ng = join(dir, 'ng.pcapng');
    writeFileSync(ng, Buffer.concat([shb('le'), idb('le', 1, 0), epb('le', 0, 1n, bytes(8, 1))]));
    expect((await runPcapParser(ns)).error?.message).toBe('unknown magic number: 4d3cb2a1');
    expect((await runPcapParser(ng)).error?.message).toBe('unknown magic number: 0a0d0d0a');
    expect(packetsOf(await readCaptureFile(ns))).toHaveLength(1);
    expect(packetsOf(await readCaptureFile(ng))).toHaveLength(1);
  });

  it('ends a truncated file silently, where we report it', async () => {
    const full = readFileSync(writeOwn('le'));
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, full.subarray(0, full.length - 10));
    const theirs = await runPcapParser(cut);
    expect(theirs.error).toBeNull();
    expect(theirs.packets).toHaveLength(499);
    const ours = await readCaptureFile(cut);
    expect(packetsOf(ours)).toHaveLength(499);
    expect(ours.at(-1)).toMatchObject({ kind: 'diagnostic', diagnostic: { code: 'capture.truncated' } });
  });
});
