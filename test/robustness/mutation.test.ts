/**
 * Robustness sweep 2: every sample with seeded random damage (bit flips and overwritten bytes) aimed at
 * record headers, IP/TCP headers, HTTP/2 frame headers (lengths, types, flags, stream ids) and anywhere in
 * the TCP payload (HPACK blocks, DATA, gRPC prefixes), through the whole pipeline. Every mutant must decode
 * without an internal error or an incomplete diagnostic. A failure prints the seed that reproduces it.
 */
import { describe, expect, it } from 'vitest';
import type { RecordSpan } from './capture-layout.js';
import { decodeBytes, invariantProblems, prng } from './decode-bytes.js';
import {
  BYTES_PER_SAMPLE,
  frameHeaderOffsets,
  SWEEP_SCALE,
  sweepSamples,
  type SweepSample,
} from './samples.js';

/** Mutants of a small sample; a large one gets as many as BYTES_PER_SAMPLE allows (see mutantsOf). */
const MUTANTS_PER_SAMPLE = Math.round(40 * SWEEP_SCALE);
const MAX_EDITS = 4;
const SEED_BASE = Number(process.env.SWEEP_SEED ?? 0);
/** Share of mutants that also lose, repeat or reorder whole records. */
const RESHUFFLE_SHARE = 0.3;

type Target = 'record-header' | 'ip-tcp-header' | 'frame-header' | 'payload';
const TARGETS: Target[] = [
  'record-header',
  'ip-tcp-header',
  'frame-header',
  'frame-header',
  'payload',
  'payload',
];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: () => number, from: number, to: number): number =>
  from + Math.floor(random() * Math.max(1, to - from));

/** A byte offset inside `record` for the target, or null when the record has no such part. */
function positionIn(bytes: Buffer, record: RecordSpan, target: Target, random: () => number): number | null {
  switch (target) {
    case 'record-header':
      return between(random, record.start, record.dataStart);
    case 'ip-tcp-header':
      return record.tcpStart === null
        ? null
        : between(random, record.dataStart, record.payloadStart ?? record.end);
    case 'frame-header': {
      if (record.payloadStart === null) return null;
      const headers = frameHeaderOffsets(bytes, record.payloadStart, record.end);
      return headers.length === 0 ? null : pick(random, headers) + Math.floor(random() * 9);
    }
    case 'payload':
      return record.payloadStart === null ? null : between(random, record.payloadStart, record.end);
  }
}

/** One edit: flip a bit, or write a random, all-zero or all-one byte (huge or empty lengths). */
function edit(bytes: Buffer, at: number, random: () => number): string {
  const kind = Math.floor(random() * 4);
  const before = bytes[at]!;
  if (kind === 0) bytes[at] = before ^ (1 << Math.floor(random() * 8));
  else if (kind === 1) bytes[at] = Math.floor(random() * 256);
  else bytes[at] = kind === 2 ? 0x00 : 0xff;
  return `${at}:${before.toString(16)}->${bytes[at]!.toString(16)}`;
}

/**
 * Whole records dropped, duplicated or swapped (lost, retransmitted and reordered packets), by rebuilding
 * the file from the original record spans: what TCP reassembly and gap handling must survive.
 */
function reshuffle(
  bytes: Buffer,
  records: RecordSpan[],
  random: () => number,
): { bytes: Buffer; edit: string } {
  const order = records.map((_, i) => i);
  const i = Math.floor(random() * order.length);
  const j = Math.min(order.length - 1, i + 1 + Math.floor(random() * 4));
  const op = Math.floor(random() * 3);
  if (op === 0) order.splice(i, 1);
  else if (op === 1) order.splice(j, 0, i);
  else [order[i], order[j]] = [order[j]!, order[i]!];
  const head = bytes.subarray(0, records[0]!.start);
  const body = order.map((k) => bytes.subarray(records[k]!.start, records[k]!.end));
  const tail = bytes.subarray(records.at(-1)!.end);
  return { bytes: Buffer.concat([head, ...body, tail]), edit: `${['drop', 'dup', 'swap'][op]}:${i},${j}` };
}

function mutant(sample: SweepSample, random: () => number): { bytes: Buffer; edits: string[] } {
  let bytes: Buffer = Buffer.from(sample.bytes);
  const records = sample.layout?.records ?? [];
  const edits: string[] = [];
  const count = 1 + Math.floor(random() * MAX_EDITS);
  for (let tries = 0; edits.length < count && tries < 50; tries++) {
    const at =
      records.length === 0
        ? Math.floor(random() * bytes.length)
        : positionIn(bytes, pick(random, records), pick(random, TARGETS), random);
    if (at !== null && at < bytes.length) edits.push(edit(bytes, at, random));
  }
  if (records.length > 2 && random() < RESHUFFLE_SHARE) {
    const shuffled = reshuffle(bytes, records, random);
    bytes = shuffled.bytes;
    edits.push(shuffled.edit);
  }
  return { bytes, edits };
}

/** Each mutant decodes the whole sample: the budget of decoded bytes bounds their number, 8 at least. */
function mutantsOf(sample: SweepSample): number {
  const budget = BYTES_PER_SAMPLE * SWEEP_SCALE;
  return Math.min(MUTANTS_PER_SAMPLE, Math.max(8, Math.floor(budget / sample.bytes.length)));
}

describe('mutation sweep', () => {
  const samples = sweepSamples().filter((s) => !s.compressed);

  for (const sample of samples) {
    it(`${sample.file}: damaged copies decode cleanly`, async () => {
      const failures: string[] = [];
      for (let i = 0; i < mutantsOf(sample); i++) {
        const seed = (sample.bytes.length * 7919 + i + SEED_BASE) >>> 0;
        const { bytes, edits } = mutant(sample, prng(seed));
        const r = await decodeBytes(bytes, 64 * 1024, { keylog: sample.keylog });
        for (const p of invariantProblems(r)) failures.push(`seed ${seed} (edits ${edits.join(' ')}): ${p}`);
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });
  }

  it('a damaged gzip stream is a diagnostic, never a crash', async () => {
    const failures: string[] = [];
    for (const sample of sweepSamples().filter((s) => s.compressed)) {
      for (let i = 0; i < 40; i++) {
        const random = prng(0x92a + i);
        const bytes = Buffer.from(sample.stored);
        const edits = [edit(bytes, between(random, 10, bytes.length), random)];
        const r = await decodeBytes(bytes);
        for (const p of invariantProblems(r)) failures.push(`${sample.file} edits ${edits.join(' ')}: ${p}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
