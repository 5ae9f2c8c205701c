/**
 * OutputStream.jsonLine writes an ndjson line from the record and its head's bytes, the record's JSON
 * written straight into bytes (src/output/json-bytes.ts, raw-line.ts). Its bytes must be the
 * string path's (write(head), write(jsonText(record)), write('}\n')): checked on hand-made records that
 * hit every branch, and on every record of every sample.
 */
import { readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { OutputStream } from '../../src/cli/output-stream.js';
import { teeSink } from '../../src/cli/sinks.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { ndjsonSink } from '../../src/output/ndjson.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';

const CAPTURES = readdirSync('samples').filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f));

/** An OutputStream over a stream whose bytes are kept; `done()` ends it and gives them. */
function collected(): { out: OutputStream; done: () => Promise<Buffer> } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const out = OutputStream.to(stream);
  return {
    out,
    done: async () => {
      await out.end();
      return Buffer.concat(chunks);
    },
  };
}

/** The same records through the string path and through jsonLine. */
async function both(feed: (sink: ReturnType<typeof ndjsonSink>) => void): Promise<[string, Buffer]> {
  let plain = '';
  feed(ndjsonSink((s) => (plain += s)));
  const { out, done } = collected();
  feed(ndjsonSink(out.write, out.writeHex, out.jsonLine));
  return [plain, await done()];
}

const diagnostic = (message: string): Diagnostic =>
  ({ code: 'test.x', severity: 'info', layer: 'grpc', message }) as unknown as Diagnostic;

describe('OutputStream.jsonLine', () => {
  it('writes the bytes of the string path, DEL and C1 controls escaped, other non-ASCII as UTF-8', async () => {
    const texts = [
      'plain',
      'quote " backslash \\ tab \t newline \n nul \u0000',
      'DEL \u007f',
      'C1 \u0080 \u0085 \u009b \u009f',
      // U+00A0-U+00BF start with the byte C2 too, and are not escaped.
      'Latin-1 \u00a0 \u00a9 \u00bf \u00c2 é',
      'C2 then C1: \u00a9\u009b',
      'three bytes € and four 😀, a lone surrogate \ud800',
      '',
    ];
    const [plain, bytes] = await both((sink) => texts.forEach((t) => sink.diagnostic(diagnostic(t))));
    expect(bytes.toString('utf8')).toBe(plain);
    expect(plain).toContain('DEL \\u007f');
    expect(plain).toContain('\\u009b');
    expect(plain).toContain('\u00a9');
  });

  it('lines longer than its buffer, with and without C1 controls, and many lines across buffers', async () => {
    const big = 'x'.repeat(1 << 20) + '\u00a9';
    const [plain, bytes] = await both((sink) => {
      for (let i = 0; i < 3000; i++) sink.diagnostic(diagnostic(`line ${i} ${'y'.repeat(i % 700)}`));
      sink.diagnostic(diagnostic(big));
      sink.diagnostic(diagnostic(big + '\u0085'));
      sink.diagnostic(diagnostic('after'));
    });
    expect(bytes.length).toBe(Buffer.byteLength(plain));
    expect(bytes.toString('utf8') === plain).toBe(true);
  });

  it.each(CAPTURES)('%s: every record as the string path writes it', async (name) => {
    let plain = '';
    const { out, done } = collected();
    const sink = teeSink(
      ndjsonSink((s) => (plain += s)),
      ndjsonSink(out.write, out.writeHex, out.jsonLine),
    );
    const engine = createEngine({ file: `samples/${name}` }, sink);
    engine.push(await readCaptureFile(`samples/${name}`));
    engine.finish();
    const bytes = await done();
    expect(bytes.toString('utf8') === plain).toBe(true);
    expect(bytes.length).toBe(Buffer.byteLength(plain));
  });
});
