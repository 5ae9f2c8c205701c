/**
 * The input may arrive in any split (a pipe from `tcpdump -U -w -` delivers whatever the kernel had): every
 * record the pipeline writes must be the same whether the capture comes in one piece or in tiny ones that
 * cut record headers, gzip blocks and packets anywhere.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CaptureSource } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { ndjsonLines, ndjsonSink } from '../../src/output/ndjson.js';
import { sweepSamples } from './samples.js';

/** The ndjson lines of `stored` delivered in pieces of `size` bytes. */
async function lines(stored: Buffer, size: number, keylog: string | undefined): Promise<string[]> {
  const out: string[] = [];
  const engine = createEngine({ file: 'chunks', keylog }, ndjsonSink(ndjsonLines((l) => out.push(l))));
  const pieces: Buffer[] = [];
  for (let at = 0; at < stored.length; at += size) pieces.push(stored.subarray(at, at + size));
  const source = new CaptureSource(Readable.from(pieces, { objectMode: false }));
  for await (const events of source.events()) engine.push(events);
  engine.setCompressed(source.progress.compressed);
  engine.finish();
  return out;
}

describe('chunking', () => {
  // The small samples: tiny pieces cost one reader step each.
  const samples = sweepSamples().filter((s) => s.stored.length <= 40_000);

  it('has samples of every kind to split', () => {
    expect(samples.some((s) => s.compressed)).toBe(true);
    expect(samples.some((s) => s.layout?.format === 'pcapng')).toBe(true);
    expect(samples.length).toBeGreaterThan(20);
  });

  for (const sample of samples) {
    it(`${sample.file}: the same records in one piece and in pieces of 7 and 1000 bytes`, async () => {
      const whole = await lines(sample.stored, 1 << 20, sample.keylog);
      expect(whole.length).toBeGreaterThan(0);
      for (const size of [7, 1000]) expect(await lines(sample.stored, size, sample.keylog)).toEqual(whole);
    });
  }
});
