/**
 * Robustness sweep 1: every sample cut short at every record boundary (and a few bytes either side) and at
 * seeded random offsets, through the whole pipeline. Each cut must decode without an internal error or an
 * incomplete diagnostic, and a cut inside a record must be reported as `capture.truncated`.
 */
import { describe, expect, it } from 'vitest';
import { decodeBytes, invariantProblems, prng } from './decode-bytes.js';
import { cleanCuts, sweepSamples, type SweepSample } from './samples.js';

/** Offsets around each record boundary: the last bytes of a record, the boundary, a cut record header. */
const AROUND_BOUNDARY = [-2, -1, 0, 1, 9];
/** SWEEP_SCALE=50 npx vitest run test/robustness: a deeper sweep for local bug hunting. */
const RANDOM_CUTS = Math.round(40 * Number(process.env.SWEEP_SCALE ?? 1));
const CHUNK_SIZES = [1500, 16 * 1024, 64 * 1024];

function cutsOf(sample: SweepSample, random: () => number): number[] {
  const length = sample.bytes.length;
  const cuts = new Set<number>([0, 1, 3, 5, 23, 25]);
  for (const boundary of sample.layout ? cleanCuts(sample.layout) : [])
    for (const d of AROUND_BOUNDARY) cuts.add(boundary + d);
  for (let i = 0; i < RANDOM_CUTS; i++) cuts.add(Math.floor(random() * length));
  return [...cuts].filter((c) => c >= 0 && c < length).sort((a, b) => a - b);
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
