// scripts/damage-pcap.mjs on hand-built classic pcap files, and the committed damaged-* samples against the
// `damage` their meta.json records. Record layout: 16-byte header ts_sec, ts_frac, incl_len, orig_len
// (draft-ietf-opsawg-pcap §5), after a 24-byte file header (§4).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const SCRIPT = join(REPO, 'scripts/damage-pcap.mjs');
const SAMPLES = join(REPO, 'samples');
const dir = mkdtempSync(join(tmpdir(), 'damage-pcap-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Rec {
  sec: number;
  frac: number;
  data: Buffer;
}

/** A pcap file: magic a1b2c3d4 (usec) or a1b23c4d (nsec), v2.4, snaplen 65535, LINKTYPE_ETHERNET (1). */
function pcap(records: Rec[], { little = true, nsec = false } = {}): Buffer {
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    if (little) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  };
  const u16 = (v: number): Buffer => {
    const b = Buffer.alloc(2);
    if (little) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const header = [u32(nsec ? 0xa1b23c4d : 0xa1b2c3d4), u16(2), u16(4), u32(0), u32(0), u32(65535), u32(1)];
  const body = records.flatMap((r) => [u32(r.sec), u32(r.frac), u32(r.data.length), u32(r.data.length), r.data]);
  return Buffer.concat([...header, ...body]);
}

const RECORDS: Rec[] = [
  { sec: 100, frac: 1, data: Buffer.from('aaaa') },
  { sec: 100, frac: 2, data: Buffer.from('bbbbbbbb') },
  { sec: 101, frac: 3, data: Buffer.from('cc') },
];
// Offsets: records start at 24, 24+16+4 = 44, 44+16+8 = 68; the file is 68+16+2 = 86 bytes.
const OFFSETS = [24, 44, 68];

let counter = 0;
function damage(input: Buffer, op: string, ...args: number[]): { out: Buffer; report: Record<string, unknown> } {
  const inFile = join(dir, `in-${counter}.pcap`);
  const outFile = join(dir, `out-${counter++}.pcap`);
  writeFileSync(inFile, input);
  const printed = execFileSync('node', [SCRIPT, op, inFile, outFile, ...args.map(String)], { encoding: 'utf8' });
  return { out: readFileSync(outFile), report: JSON.parse(printed) as Record<string, unknown> };
}

describe('damage-pcap.mjs', () => {
  it('lists records with their file offsets', () => {
    const file = join(dir, 'list.pcap');
    writeFileSync(file, pcap(RECORDS));
    const lines = execFileSync('node', [SCRIPT, 'list', file], { encoding: 'utf8' }).trim().split('\n');
    const listed = lines.map((l) => JSON.parse(l) as { index: number; offset: number; inclLen: number });
    expect(listed.map((r) => [r.index, r.offset, r.inclLen])).toEqual([
      [1, 24, 4],
      [2, 44, 8],
      [3, 68, 2],
    ]);
  });

  it('swaps packet data but leaves timestamps in place', () => {
    const { out, report } = damage(pcap(RECORDS), 'swap', 1, 3);
    const r = RECORDS as [Rec, Rec, Rec];
    const expected = [
      { ...r[0], data: r[2].data },
      r[1],
      { ...r[2], data: r[0].data },
    ];
    expect(out).toEqual(pcap(expected));
    expect(report).toEqual({
      op: 'swap',
      records: [
        { record: 1, offset: OFFSETS[0], inclLen: 4 },
        { record: 3, offset: OFFSETS[2], inclLen: 2 },
      ],
    });
  });

  it('inserts a duplicate after a later record, stamped with that record time', () => {
    const { out, report } = damage(pcap(RECORDS), 'duplicate', 1, 2);
    const r = RECORDS as [Rec, Rec, Rec];
    expect(out).toEqual(pcap([r[0], r[1], { ...r[0], sec: r[1].sec, frac: r[1].frac }, r[2]]));
    expect(report).toMatchObject({ op: 'duplicate', insertedAfter: 2, newRecord: 3 });
  });

  it('drops a record, keeping big-endian nanosecond files in their byte order', () => {
    const options = { little: false, nsec: true };
    const { out } = damage(pcap(RECORDS, options), 'drop', 2);
    const r = RECORDS as [Rec, Rec, Rec];
    expect(out).toEqual(pcap([r[0], r[2]], options));
    expect(out.subarray(0, 4).toString('hex')).toBe('a1b23c4d');
  });

  it('truncates in the middle of a record packet data', () => {
    const { out, report } = damage(pcap(RECORDS), 'truncate', 2);
    // Record 2's data starts at 44 + 16 = 60; half of its 8 bytes is 4.
    expect(out.length).toBe(64);
    expect(out).toEqual(pcap(RECORDS).subarray(0, 64));
    expect(report).toMatchObject({ fileLength: 64, completeRecords: 1 });
  });

  it('sets incl_len to 0x7fffffff in the file byte order', () => {
    const little = damage(pcap(RECORDS), 'corrupt-length', 2).out;
    expect(little.subarray(52, 56).toString('hex')).toBe('ffffff7f');
    const big = damage(pcap(RECORDS, { little: false }), 'corrupt-length', 2).out;
    expect(big.subarray(52, 56).toString('hex')).toBe('7fffffff');
    expect(big.length).toBe(86);
  });

  it('fails with a message on a file that is not a classic pcap, or a record that does not exist', () => {
    const text = join(dir, 'text.pcap');
    writeFileSync(text, 'hello, this is text and not a capture file');
    const r1 = spawnSync('node', [SCRIPT, 'drop', text, join(dir, 'x.pcap'), '1'], { encoding: 'utf8' });
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain('not a classic pcap file');
    const good = join(dir, 'good.pcap');
    writeFileSync(good, pcap(RECORDS));
    const r2 = spawnSync('node', [SCRIPT, 'drop', good, join(dir, 'y.pcap'), '4'], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain('no record 4 (file has 3)');
  });
});

interface DamageMeta {
  damage: { operations: Array<Record<string, unknown>> };
}

describe('committed damaged samples match their meta.json', () => {
  const meta = (name: string): DamageMeta =>
    JSON.parse(readFileSync(join(SAMPLES, `${name}.meta.json`), 'utf8')) as DamageMeta;
  const original = readFileSync(join(SAMPLES, 'h2-nghttp-h2c.pcap'));

  it('damaged-corrupt-length has 0x7fffffff at the recorded field offset, nothing else changed', () => {
    const op = meta('damaged-corrupt-length').damage.operations[0] as { fieldOffset: number };
    const file = readFileSync(join(SAMPLES, 'damaged-corrupt-length.pcap'));
    expect(file.readUInt32LE(op.fieldOffset)).toBe(0x7fffffff);
    const restored = Buffer.from(file);
    original.copy(restored, op.fieldOffset, op.fieldOffset, op.fieldOffset + 4);
    expect(restored.equals(original)).toBe(true);
  });

  it('damaged-truncated is a prefix of the original, cut inside the recorded record', () => {
    const op = meta('damaged-truncated').damage.operations[0] as {
      fileLength: number;
      record: { offset: number; inclLen: number };
    };
    const file = readFileSync(join(SAMPLES, 'damaged-truncated.pcap'));
    expect(file.length).toBe(op.fileLength);
    expect(file.equals(original.subarray(0, op.fileLength))).toBe(true);
    expect(op.fileLength).toBeGreaterThan(op.record.offset + 16);
    expect(op.fileLength).toBeLessThan(op.record.offset + 16 + op.record.inclLen);
  });

  it('damaged-notacapture starts with neither a pcap nor a pcapng magic', () => {
    const head = readFileSync(join(SAMPLES, 'damaged-notacapture.pcap')).subarray(0, 4).toString('hex');
    expect(['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a']).not.toContain(head);
  });

  it('damaged-dropped is the original minus exactly the recorded record', () => {
    const op = meta('damaged-dropped').damage.operations[0] as { dropped: { offset: number; inclLen: number } };
    const file = readFileSync(join(SAMPLES, 'damaged-dropped.pcap'));
    const { offset, inclLen } = op.dropped;
    const expected = Buffer.concat([original.subarray(0, offset), original.subarray(offset + 16 + inclLen)]);
    expect(file.equals(expected)).toBe(true);
  });
});
