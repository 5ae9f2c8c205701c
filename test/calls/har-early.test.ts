/**
 * A connection that does not end makes its finished streams into HAR entries as it goes (src/output/har.ts,
 * HELD_FINISHED) instead of holding every stream until it ends. Same log as holding them all: on every
 * sample, made as early as possible (each stream as soon as the next one finishes) against never early.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { HarWriter } from '../../src/output/har.js';

async function har(file: string, holdFinished: number): Promise<{ text: string; writer: HarWriter }> {
  const writer = new HarWriter({ version: '0.0.0-test', spool: false, holdFinished });
  const engine = createEngine({ file }, writer.sink);
  engine.push(await readCaptureFile(file));
  engine.finish();
  const pieces = [...writer.document()].map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
  return { text: Buffer.concat(pieces).toString(), writer };
}

const samples = readdirSync(new URL('../../samples/', import.meta.url)).filter((f) => /\.pcap(ng)?$/.test(f));

describe('HAR entries made while their connection is open', () => {
  it('give the same log as entries made at the connection end, on every sample', async () => {
    let early = 0;
    for (const f of samples) {
      const whole = await har(`samples/${f}`, Infinity);
      const soon = await har(`samples/${f}`, 1);
      expect(soon.text, f).toBe(whole.text);
      expect(soon.writer.lateFrames, f).toBe(0);
      early += soon.writer.madeEarly;
    }
    expect(samples.length).toBeGreaterThan(50);
    expect(early).toBeGreaterThan(1000);
  });
});
