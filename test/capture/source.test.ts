import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureSource, readCapture, readCaptureFile } from '../../src/capture/source.js';
import type { CaptureEvent } from '../../src/capture/types.js';
import { buildPcap, bytes, pcapHeader, pcapRecord, type PcapRecord } from './build-capture.js';
import { diagnosticsOf, kindsOf, packetsOf, readBytes } from './read-events.js';

const dir = mkdtempSync(join(tmpdir(), 'h2scope-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

const records: PcapRecord[] = Array.from({ length: 3000 }, (_, i) => ({
  sec: 1_700_000_000 + Math.floor(i / 100),
  frac: (i * 997) % 1_000_000,
  data: bytes(54 + (i % 200), i),
}));
const pcap = buildPcap({ byteOrder: 'le', records });

async function collect(source: AsyncGenerator<CaptureEvent[]>): Promise<CaptureEvent[]> {
  const all: CaptureEvent[] = [];
  for await (const events of source) all.push(...events);
  return all;
}

describe('source: files', () => {
  it('reads a file in chunks to the same events as one push', async () => {
    const path = write('plain.pcap', pcap);
    const source = new CaptureSource(path, { chunkSize: 4096 }); // many chunk boundaries inside records
    const events = await collect(source.events());
    expect(events).toEqual(readBytes(pcap));
    expect(source.progress).toEqual({
      bytesRead: pcap.length,
      totalBytes: pcap.length,
      packets: 3000,
      compressed: false,
      done: true,
    });
    expect(await readCaptureFile(path)).toEqual(events);
  });

  it('decompresses gzip detected by content, counting compressed bytes', async () => {
    const gz = gzipSync(pcap);
    const path = write('capture.bin', gz); // no .gz suffix: content decides
    const source = new CaptureSource(path);
    const events = await collect(source.events());
    expect(events).toEqual(readBytes(pcap));
    expect(source.progress).toMatchObject({
      bytesRead: gz.length,
      totalBytes: gz.length,
      packets: 3000,
      compressed: true,
    });
  });

  it('keeps the packets decoded before a gzip error, then says what went wrong', async () => {
    const gz = gzipSync(pcap);
    const path = write('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const events = await collect(readCapture(path));
    const packets = packetsOf(events);
    expect(packets.length).toBeGreaterThan(100);
    expect(packets.length).toBeLessThan(3000);
    expect(packets).toEqual(packetsOf(readBytes(pcap)).slice(0, packets.length));
    const diags = diagnosticsOf(events);
    expect(diags.map((d) => d.code)).toEqual(['capture.gzip-error', 'capture.truncated']);
    expect(diags[0]?.evidence).toMatchObject({
      input: path,
      bytesRead: Math.floor(gz.length / 2),
      reason: 'unexpected end of file (Z_BUF_ERROR)',
    });
  });

  it('stops reading the file at a corrupt record instead of reading on to the end', async () => {
    const bad = pcapRecord('le', { sec: 1, frac: 0, data: Buffer.alloc(0), inclLength: 0x7fffffff });
    const file = Buffer.concat([pcap.subarray(0, 24 + 70), bad, Buffer.alloc(1 << 20)]);
    const source = new CaptureSource(write('corrupt.pcap', file), { chunkSize: 4096 });
    const events = await collect(source.events());
    expect(kindsOf(events)).toEqual(['format', 'interface', 'packet', 'capture.corrupt-record']);
    expect(source.progress).toMatchObject({
      bytesRead: 4096,
      totalBytes: file.length,
      packets: 1,
      done: true,
    });
  });

  it('reports a missing file as open-failed, without throwing', async () => {
    const path = join(dir, 'nope.pcap');
    const source = new CaptureSource(path);
    expect(await collect(source.events())).toEqual([
      {
        kind: 'diagnostic',
        diagnostic: {
          severity: 'error',
          code: 'capture.open-failed',
          message: `Cannot open ${path}: no such file or directory (ENOENT).`,
          evidence: { path, reason: 'no such file or directory (ENOENT)', errorCode: 'ENOENT' },
        },
      },
    ]);
    expect(source.progress).toMatchObject({ bytesRead: 0, packets: 0, done: true });
  });

  it('reports a directory as open-failed (EISDIR)', async () => {
    const events = await collect(readCapture(dir));
    expect(diagnosticsOf(events).map((d) => d.evidence?.errorCode)).toEqual(['EISDIR']);
  });

  it('reports a non-capture file once', async () => {
    const events = await collect(readCapture(write('page.html', Buffer.from('<!doctype html><html>'))));
    expect(kindsOf(events)).toEqual(['capture.not-a-capture']);
  });
});

describe('source: pipes and streams', () => {
  it("reads '-' from the given stdin and yields packets before the end of the stream", async () => {
    const stdin = new PassThrough();
    const source = new CaptureSource('-', { stdin });
    const it = source.events();
    stdin.write(Buffer.concat([pcapHeader({ byteOrder: 'be' }), pcapRecord('be', records[0]!)]));
    const first = await it.next(); // resolves while the pipe is still open
    expect(first.done).toBe(false);
    expect(kindsOf(first.value ?? [])).toEqual(['format', 'interface', 'packet']);
    expect(source.progress).toMatchObject({ totalBytes: null, packets: 1, done: false });
    stdin.end(pcapRecord('be', records[1]!));
    const second = await it.next();
    expect(packetsOf(second.value ?? []).map((p) => p.index)).toEqual([1]);
    expect((await it.next()).done).toBe(true);
    expect(source.progress).toMatchObject({ packets: 2, done: true });
  });

  it('decompresses a gzip stream arriving one byte at a time', async () => {
    const gz = gzipSync(pcap.subarray(0, 5000));
    const events = await collect(readCapture(Readable.from([...gz].map((b) => Buffer.from([b])))));
    expect(events).toEqual(readBytes(pcap.subarray(0, 5000)));
  });

  it('turns a read error into capture.read-failed after the events read so far', async () => {
    let reads = 0;
    const failing = new Readable({
      read() {
        if (reads++ === 0) this.push(pcap.subarray(0, 200));
        else this.destroy(Object.assign(new Error('input/output error'), { code: 'EIO' }));
      },
    });
    const events = await collect(readCapture(failing));
    // 200 bytes: the file header, records 0 (16+54) and 1 (16+55), and 35 bytes of record 2.
    expect(kindsOf(events)).toEqual([
      'format',
      'interface',
      'packet',
      'packet',
      'capture.read-failed',
      'capture.truncated',
    ]);
    expect(diagnosticsOf(events)[0]?.message).toBe(
      'Reading the input stream failed after 200 bytes: input/output error (EIO). Packets read before that point are kept.',
    );
  });

  it('tells a read error from a gzip error inside a compressed stream', async () => {
    const gz = gzipSync(pcap);
    let reads = 0;
    const failing = new Readable({
      read() {
        if (reads++ === 0) this.push(gz.subarray(0, 1000));
        else this.destroy(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
      },
    });
    const events = await collect(readCapture(failing));
    expect(diagnosticsOf(events).map((d) => d.code)).toContain('capture.read-failed');
    expect(diagnosticsOf(events).map((d) => d.code)).not.toContain('capture.gzip-error');
  });

  it('closes a file when the consumer stops early', async () => {
    const source = new CaptureSource(write('early.pcap', pcap), { chunkSize: 1024 });
    for await (const events of source.events()) {
      expect(events.length).toBeGreaterThan(0);
      break;
    }
    expect(source.progress.done).toBe(false);
    expect(source.progress.bytesRead).toBeLessThan(pcap.length);
  });
});
