/**
 * The command line's json document (JsonDocumentWriter: records serialised as they arrive, spooled, the
 * document assembled at the end) against the in-memory JsonCollector, which holds the same document as
 * objects. Spilling is forced with a tiny memory allowance so every path of the spool is taken.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { JsonCollector } from '../../src/output/json.js';
import { JsonDocumentWriter, type JsonDocumentOptions } from '../../src/output/json-stream.js';

const SAMPLES = [
  'samples/showcase.pcapng', // many connections, calls, diagnostics, connections ending out of id order
  'samples/grpc-js-large.pcap', // megabyte messages: pieces longer than a spool read
  'samples/damaged-truncated.pcap', // capture diagnostics
  'samples/damaged-notacapture.pcap', // no connection at all
];

async function collected(file: string): Promise<unknown> {
  const collector = new JsonCollector();
  const engine = createEngine({ file }, collector.sink);
  engine.push(await readCaptureFile(file));
  engine.finish();
  return JSON.parse(
    JSON.stringify({ ...collector.doc, connections: collector.sortedConnections() }),
  ) as unknown;
}

async function written(
  file: string,
  opts: JsonDocumentOptions,
): Promise<{ text: string; writer: JsonDocumentWriter }> {
  const writer = new JsonDocumentWriter(opts);
  const engine = createEngine({ file }, writer.sink);
  engine.push(await readCaptureFile(file));
  engine.finish();
  const pieces = [...writer.document()];
  return {
    text: Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString(),
    writer,
  };
}

describe('JsonDocumentWriter', () => {
  for (const file of SAMPLES) {
    it(`${file}: the same document as JsonCollector, spooled, spilled often, or in memory`, async () => {
      const expected = await collected(file);
      for (const opts of [{}, { pendingChars: 64 }, { pendingChars: 1 }, { spool: false }]) {
        const { text } = await written(file, opts);
        expect(text.endsWith('}\n')).toBe(true);
        expect(JSON.parse(text)).toEqual(expected);
      }
    });
  }

  it('orders connections by id although they end in another order', async () => {
    const { text } = await written('samples/showcase.pcapng', { pendingChars: 1000 });
    const ids = (JSON.parse(text) as { connections: Array<{ id: string }> }).connections.map((c) => c.id);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids).toEqual(ids.map((_, i) => `c${i + 1}`));
  });

  it('leaves no temporary file at any time: unlinked once opened, closed after the document', async () => {
    const writer = new JsonDocumentWriter();
    const dir = writer.spoolDir;
    expect(dir).not.toBeNull();
    // Unlinked at once (issue 14): nothing is left behind whatever ends the process (SIGTERM, SIGKILL).
    expect(existsSync(dir!)).toBe(false);
    const engine = createEngine({ file: 'x' }, writer.sink);
    engine.push(await readCaptureFile('samples/grpc-js-unary.pcap'));
    engine.finish();
    expect(JSON.parse([...writer.document()].map(String).join(''))).toHaveProperty('connections');
    expect(writer.spoolDir).toBeNull();
    expect(existsSync(dir!)).toBe(false);
    const unwritten = new JsonDocumentWriter();
    const other = unwritten.spoolDir!;
    unwritten.discard();
    expect(existsSync(other)).toBe(false);
  });

  it('removes its temporary directory when the reader stops half way', async () => {
    const writer = new JsonDocumentWriter({ pendingChars: 1 });
    const dir = writer.spoolDir!;
    const engine = createEngine({ file: 'x' }, writer.sink);
    engine.push(await readCaptureFile('samples/grpc-js-unary.pcap'));
    engine.finish();
    for (const piece of writer.document()) {
      expect(piece.length).toBeGreaterThan(0);
      break; // as when the output pipe closes
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps everything in memory when asked to (no temporary directory)', () => {
    expect(new JsonDocumentWriter({ spool: false }).spoolDir).toBeNull();
  });
});
