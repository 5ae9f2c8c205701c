/**
 * The HAR log (src/output/har.ts) is written from spooled entries: the text must be exactly what
 * JSON.stringify(log, null, 2) prints, entries in start order, and the spool must go away however the
 * document ends.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { HarWriter } from '../../src/output/har.js';

async function harWriter(file: string, spool: boolean): Promise<HarWriter> {
  const writer = new HarWriter({ version: '0.0.0-test', spool });
  const engine = createEngine({ file }, writer.sink);
  engine.push(await readCaptureFile(file));
  engine.finish();
  return writer;
}

const text = (pieces: Iterable<string | Buffer>): string =>
  Buffer.concat([...pieces].map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();

describe('HAR log from spooled entries', () => {
  for (const file of [
    'samples/showcase.pcapng',
    'samples/h2-curl-upgrade.pcap',
    'samples/damaged-notacapture.pcap',
  ]) {
    it(`${file}: JSON.stringify(log, null, 2) byte for byte, spooled or in memory`, async () => {
      const spooled = text((await harWriter(file, true)).document());
      const log = JSON.parse(spooled) as {
        log: { entries: Array<{ startedDateTime: string; _stream: number }> };
      };
      expect(spooled).toBe(JSON.stringify(log, null, 2) + '\n');
      expect(text((await harWriter(file, false)).document())).toBe(spooled);
      const starts = log.log.entries.map((e) => e.startedDateTime);
      expect(starts).toEqual([...starts].sort());
    });
  }

  it('has entries from many connections in the showcase', async () => {
    const log = JSON.parse(text((await harWriter('samples/showcase.pcapng', true)).document())) as {
      log: { entries: Array<{ connection: string }> };
    };
    expect(new Set(log.log.entries.map((e) => e.connection)).size).toBeGreaterThan(5);
  });

  it('leaves no temporary file at any time: unlinked once opened, closed after the log or when discarded', async () => {
    const whole = await harWriter('samples/grpc-js-unary.pcap', true);
    const dir1 = whole.spoolDir!;
    // Unlinked at once (issue 14): nothing is left behind whatever ends the process (SIGTERM, SIGKILL).
    expect(existsSync(dir1)).toBe(false);
    text(whole.document());
    expect(whole.spoolDir).toBeNull();
    expect(existsSync(dir1)).toBe(false);
    const half = await harWriter('samples/grpc-js-unary.pcap', true);
    const dir2 = half.spoolDir!;
    for (const piece of half.document()) {
      expect(piece.length).toBeGreaterThan(0);
      break;
    }
    expect(existsSync(dir2)).toBe(false);
    const unwritten = await harWriter('samples/grpc-js-unary.pcap', true);
    const dir3 = unwritten.spoolDir!;
    unwritten.discard();
    expect(existsSync(dir3)).toBe(false);
  });
});
