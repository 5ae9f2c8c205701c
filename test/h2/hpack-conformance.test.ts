/**
 * Conformance: the hpack-test-case corpus shipped in the hpack@1.0.0 tarball
 * (node_modules/hpack/test/hpack-test-case/<encoder>/story_NN.json, from github.com/http2jp/hpack-test-case).
 * Each story shares one decoder across its cases, in order; `header_table_size`, when a case has it, is the
 * decoder's SETTINGS_HEADER_TABLE_SIZE acknowledged just before that case (the corpus README).
 *
 * Stories marked "draft" 9 or later use RFC 7541's static table and must decode exactly. Three encoders in
 * this tarball (node-http2-protocol draft 5, twitter-hpack draft 7, hyper-hpack draft 8) predate that static
 * table, so their bytes mean other headers under RFC 7541: they only have to decode without throwing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HpackDecoder } from '../../src/h2/hpack-decoder.js';

const CORPUS = join(import.meta.dirname, '../../node_modules/hpack/test/hpack-test-case');

interface StoryCase {
  seqno?: number;
  wire?: string;
  header_table_size?: number;
  headers: Array<Record<string, string>>;
}
interface Story {
  encoder: string;
  file: string;
  draft: number;
  cases: StoryCase[];
}

function loadStories(): Story[] {
  const out: Story[] = [];
  for (const encoder of readdirSync(CORPUS, { withFileTypes: true })) {
    if (!encoder.isDirectory()) continue;
    for (const file of readdirSync(join(CORPUS, encoder.name)).filter((f) => /^story_\d+\.json$/.test(f))) {
      const story = JSON.parse(readFileSync(join(CORPUS, encoder.name, file), 'utf8')) as Omit<
        Story,
        'encoder' | 'file'
      >;
      // raw-data stories hold the header lists only, no wire encoding.
      if (story.cases.every((c) => c.wire !== undefined)) out.push({ ...story, encoder: encoder.name, file });
    }
  }
  return out;
}

/** Decodes a whole story; returns the cases that did not give exactly the expected list (with no notes). */
function mismatches(story: Story): string[] {
  const decoder = new HpackDecoder();
  const bad: string[] = [];
  story.cases.forEach((c, i) => {
    if (c.header_table_size !== undefined) decoder.setProtocolMaxTableSize(c.header_table_size);
    const result = decoder.decode(Buffer.from(c.wire!, 'hex'));
    const got = JSON.stringify(result.fields.map((f) => [f.name, f.value]));
    const want = JSON.stringify(c.headers.map((h) => Object.entries(h)[0]));
    if (!result.ok || got !== want || result.notes.length > 0)
      bad.push(`${story.encoder}/${story.file}#${i}`);
  });
  return bad;
}

describe('hpack-test-case conformance', () => {
  const all = loadStories();
  const rfc = all.filter((s) => s.draft >= 9);
  const preRfc = all.filter((s) => s.draft < 9);

  it('finds the corpus: 444 stories from 14 encoders, 350 of them RFC-era (11 encoders)', () => {
    expect(new Set(all.map((s) => s.encoder)).size).toBe(14);
    expect(all.length).toBe(444);
    expect(new Set(rfc.map((s) => s.encoder)).size).toBe(11);
    expect(rfc.length).toBe(350);
    expect(rfc.reduce((n, s) => n + s.cases.length, 0)).toBe(36_990);
    expect(rfc.reduce((n, s) => n + s.cases.reduce((m, c) => m + c.headers.length, 0), 0)).toBe(430_305);
  });

  it('decodes every block of every RFC-era story to exactly the expected headers', () => {
    const failures = rfc.flatMap(mismatches);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(failures.length).toBe(0);
  });

  it('decodes the pre-RFC stories without throwing', () => {
    expect(preRfc.length).toBe(94);
    let blocks = 0;
    for (const story of preRfc) {
      expect(() => mismatches(story)).not.toThrow();
      blocks += story.cases.length;
    }
    expect(blocks).toBe(9_918);
  });
});
