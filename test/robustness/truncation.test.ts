/**
 * Robustness sweep 1: every sample cut short at every record boundary (and a few bytes either side) and at
 * seeded random offsets, through the whole pipeline. Each cut must decode without an internal error or an
 * incomplete diagnostic, and a cut inside a record must be reported as `capture.truncated`.
 */
import { describe, expect, it } from 'vitest';
import { decodeBytes, invariantProblems, prng } from './decode-bytes.js';
import { BYTES_PER_SAMPLE, cleanCuts, SWEEP_SCALE, sweepSamples, type SweepSample } from './samples.js';

/** Offsets around each record boundary: the last bytes of a record, the boundary, a cut record header. */
const AROUND_BOUNDARY = [-2, -1, 0, 1, 9];
/** Random cuts per sample (fewer in large samples, see randomCuts). */
const RANDOM_CUTS = Math.round(40 * SWEEP_SCALE);
/** Bytes a sample's cuts may decode in all (a cut at offset n decodes n bytes). */
const BUDGET = BYTES_PER_SAMPLE * SWEEP_SCALE;
/**
 * Cuts per sample: each decode also has a cost per connection and call whatever its bytes (grpc-burst's
 * 25 KB take 40 ms to decode, showcase's 312 KB 50-90 ms), so small samples with many boundaries are
 * bounded by their number of cuts.
 */
const MAX_CUTS = 200 * SWEEP_SCALE;
const CHUNK_SIZES = [1500, 16 * 1024, 64 * 1024];

/**
 * Where to cut: the first bytes, the record boundaries and random offsets. Every boundary is cut when all
 * of them fit in the budgets (bytes and cuts); otherwise the boundaries from the start (cheap, and where the handshake and
 * first header blocks are) while half the budget lasts, and a seeded choice of the later ones for the
 * other half, so each sample's work is bounded and the same on every run.
 */
function cutsOf(sample: SweepSample, random: () => number): number[] {
  const length = sample.bytes.length;
  const cuts = new Set<number>([0, 1, 3, 5, 23, 25]);
  const boundaries = sample.layout ? [...cleanCuts(sample.layout)].sort((a, b) => a - b) : [];
  const cost = (boundary: number): number => boundary * AROUND_BOUNDARY.length;
  const around = (boundary: number): void => {
    for (const d of AROUND_BOUNDARY) cuts.add(boundary + d);
  };
  const all = boundaries.reduce((sum, b) => sum + cost(b), 0);
  const fitsAll = all <= BUDGET && boundaries.length * AROUND_BOUNDARY.length <= MAX_CUTS;
  const boundaryCuts = MAX_CUTS - randomCuts(length);
  let spent = 0;
  let next = 0;
  for (; next < boundaries.length; next++) {
    const b = boundaries[next]!;
    const full = spent + cost(b) > BUDGET / 2 || cuts.size + AROUND_BOUNDARY.length > boundaryCuts / 2;
    if (!fitsAll && full) break;
    around(b);
    spent += cost(b);
  }
  const later = boundaries.slice(next);
  while (later.length > 0 && spent < BUDGET && cuts.size + AROUND_BOUNDARY.length <= boundaryCuts) {
    const [b] = later.splice(Math.floor(random() * later.length), 1);
    around(b!);
    spent += cost(b!);
  }
  for (let i = 0; i < randomCuts(length); i++) cuts.add(Math.floor(random() * length));
  return [...cuts].filter((c) => c >= 0 && c < length).sort((a, b) => a - b);
}

/** RANDOM_CUTS, or as many as the budget allows in a large sample (a random cut decodes half of it). */
function randomCuts(length: number): number {
  return Math.min(RANDOM_CUTS, Math.max(8, Math.floor(BUDGET / Math.max(1, length / 2))));
}

/** What the diagnostics must say about a cut at `cut`, or null when only the invariants apply. */
function expectedCode(sample: SweepSample, cut: number): string | null {
  if (cut === 0) return 'capture.not-a-capture';
  const layout = sample.layout;
  if (!layout) return null;
  const lastWhole = layout.records.at(-1)?.end ?? layout.headerEnd;
  // Beyond the last whole record the original's own damage (a corrupt length) decides what is reported.
  if (cut > lastWhole) return null;
  return cleanCuts(layout).has(cut) ? null : 'capture.truncated';
}

describe('truncation sweep', () => {
  const samples = sweepSamples();

  it('has the samples to sweep', () => {
    expect(samples.length).toBeGreaterThan(30);
  });

  for (const sample of samples) {
    it(`${sample.file}: every cut decodes cleanly and a cut record is reported`, async () => {
      const random = prng(0x7a11 + sample.bytes.length);
      const failures: string[] = [];
      for (const cut of cutsOf(sample, random)) {
        const chunk = CHUNK_SIZES[Math.floor(random() * CHUNK_SIZES.length)]!;
        const r = await decodeBytes(sample.bytes.subarray(0, cut), chunk, { keylog: sample.keylog });
        const problems = invariantProblems(r);
        const want = expectedCode(sample, cut);
        const codes = new Set(r.diagnostics.map((d) => d.code));
        if (want && !codes.has(want)) problems.push(`no ${want} (got ${[...codes].join(', ')})`);
        if (!want && sample.layout && cleanCuts(sample.layout).has(cut) && codes.has('capture.truncated'))
          problems.push('capture.truncated at a record boundary');
        for (const p of problems) failures.push(`cut at ${cut} (chunks of ${chunk}): ${p}`);
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });
  }

  it('a gzip-compressed capture cut short is reported as cut short, wherever the cut', async () => {
    const gz = samples.filter((s) => s.compressed);
    expect(gz.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const sample of gz) {
      const random = prng(0x62a9);
      const length = sample.stored.length;
      const cuts = [2, 10, 11, length - 8, length - 1];
      for (let i = 0; i < 30; i++) cuts.push(2 + Math.floor(random() * (length - 3)));
      for (const cut of cuts) {
        const r = await decodeBytes(sample.stored.subarray(0, cut));
        const problems = invariantProblems(r);
        // The inflater's "unexpected end of file" is the report (src/capture/source.ts); a record cut in
        // the inflated bytes adds capture.truncated. A cut gzip header is not "an empty capture".
        const codes = r.diagnostics.map((d) => d.code);
        const cutReported = r.diagnostics.some(
          (d) => d.code === 'capture.gzip-error' && d.evidence?.errorCode === 'Z_BUF_ERROR',
        );
        if (!cutReported || codes.includes('capture.not-a-capture'))
          problems.push(`not reported as cut short: ${codes.join(', ')}`);
        for (const p of problems) failures.push(`${sample.file} cut at ${cut}: ${p}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
