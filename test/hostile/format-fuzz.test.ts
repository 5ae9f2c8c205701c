/**
 * A bounded, seeded fuzz of every output format (json, ndjson, text, HAR, markdown, summary): mutants of
 * real samples and of the hostile captures of these tests (HPACK bomb, escapes, floods) go through the
 * report pipeline the CLI runs (createReport + createEngine), and every report must be written without a
 * throw, stay within the documented output bound, parse when it is JSON, and hold no raw control or bidi
 * character where a terminal could read it. A failure names the seed that reproduces it.
 * FUZZ_SCALE=20 runs a deeper sweep.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CaptureSource } from '../../src/capture/source.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { createReport } from '../../src/cli/report-sink.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { prng } from '../robustness/decode-bytes.js';
import { hpackBombCapture } from './bomb-captures.js';
import { unaryCalls } from './h2-calls.js';
import { tcpCapture } from './tcp-capture.js';
import { frame, u32 } from '../h2/frame-bytes.js';

/* eslint-disable no-control-regex -- matching control characters is the point */
const RAW_TEXT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const RAW_JSON = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const MUTANTS = Math.round(6 * SCALE);
const FORMATS: string[][] = [
  ['--format', 'json'],
  ['--format', 'ndjson'],
  ['--format', 'text'],
  ['--format', 'har'],
  ['--format', 'markdown'],
  ['--summary'],
];
/** docs/limits.md: every report within 100 times its capture, plus 1 MiB. */
const bound = (input: number): number => 100 * input + 2 ** 20;

const EVIL = Buffer.from('\x1b]0;t\x07\u009b2J\u202e\u200f\ufeff', 'utf8').toString('latin1');
const BASES: Array<[string, Buffer]> = [
  ['grpc-js-unary.pcap', readFileSync('samples/grpc-js-unary.pcap')],
  ['h2-nghttp-h2c.pcap', readFileSync('samples/h2-nghttp-h2c.pcap')],
  ['hpack-bomb', hpackBombCapture({ references: 40_000, value: Buffer.alloc(4000, 0x9b) })],
  [
    'escapes-and-floods',
    tcpCapture([
      ...unaryCalls(3, [['x-evil', EVIL]], { path: `/e.S/${EVIL}`, status: ['2', EVIL] }),
      { from: 'client', data: Buffer.concat(Array.from({ length: 50 }, () => frame(0x8, 0, 0, u32(0)))) },
    ]),
  ],
];

/** 1-6 bytes overwritten past the file header, sometimes a cut: what a damaged or crafted file holds. */
function mutate(base: Buffer, seed: number): Buffer {
  const random = prng(seed);
  const bytes = Buffer.from(base);
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) {
    const at = 24 + Math.floor(random() * (bytes.length - 24));
    bytes[at] = random() < 0.5 ? Math.floor(random() * 256) : bytes[at]! ^ (1 << Math.floor(random() * 8));
  }
  return random() < 0.2 ? bytes.subarray(0, 24 + Math.floor(random() * (bytes.length - 24))) : bytes;
}

/** The report the CLI would write for `args` on `bytes`, in memory. */
async function report(bytes: Buffer, args: string[]): Promise<string> {
  const parsed = parseCliArgs(['fuzz.pcap', ...args]);
  if (parsed.kind !== 'run') throw new Error(`bad arguments ${args.join(' ')}`);
  let text = '';
  const rep = createReport(parsed.options, null, (s) => (text += s));
  try {
    const engine = createEngine({ file: 'fuzz.pcap' }, rep.sink);
    for await (const events of new CaptureSource(Readable.from([bytes])).events()) engine.push(events);
    engine.finish();
    for (const piece of rep.end()) text += piece.toString();
  } finally {
    rep.discard();
  }
  return text;
}

function problems(format: string, out: string, input: number): string[] {
  const found: string[] = [];
  if (out.length > bound(input)) found.push(`${out.length} chars from ${input} bytes`);
  if (format === 'json' || format === 'har' || format === 'ndjson') {
    if (RAW_JSON.test(out)) found.push('raw control character in JSON');
    const docs = format === 'ndjson' ? out.split('\n').filter((l) => l !== '') : [out];
    for (const d of docs) {
      try {
        JSON.parse(d);
      } catch (err) {
        found.push(`not JSON: ${(err as Error).message}`);
        break;
      }
    }
  } else if (RAW_TEXT.test(out)) found.push('raw control or bidi character');
  if (out.includes('internal error')) found.push('internal error');
  return found;
}

describe('seeded fuzz through every output format', () => {
  it.each(BASES)('%s', async (name, base) => {
    const failures: string[] = [];
    for (let m = 0; m < MUTANTS; m++) {
      const seed = (name.length * 7919 + m) >>> 0;
      const bytes = m === 0 ? base : mutate(base, seed);
      for (const args of FORMATS) {
        const format = args[0] === '--summary' ? 'summary' : args[1]!;
        let out: string;
        try {
          out = await report(bytes, args);
        } catch (err) {
          failures.push(`seed ${seed} ${format}: threw ${(err as Error).message}`);
          continue;
        }
        for (const p of problems(format, out, bytes.length)) failures.push(`seed ${seed} ${format}: ${p}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
