/**
 * The shared read of `--threads` (src/cli/shared-read.ts): the file read once, READ_AHEAD chunks at a
 * time, each chunk handed to every thread's stream in file order, whichever thread asked, including a
 * thread that asks only after the others have read everything (a worker still starting).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FILE_CHUNK_SIZE } from '../../src/capture/source.js';
import { SharedFileFeed, SharedFileStream } from '../../src/cli/shared-read.js';

async function drain(stream: SharedFileStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream.stream) chunks.push(chunk as Buffer);
  return chunks;
}

describe('shared read', () => {
  // The largest sample: more than one chunk, the last one short (the reads started past it are dropped).
  const path = 'samples/h2-bytes-in-flight.pcap';
  const bytes = readFileSync(path);

  it('gives every stream the whole file, chunk by chunk, however far behind it asks', async () => {
    expect(bytes.length).toBeGreaterThan(FILE_CHUNK_SIZE);
    const wants: number[][] = [[], []];
    const streams = [0, 1].map((i) => new SharedFileStream((n) => (wants[i]!.push(n), feed?.want(n))));
    const feed = await SharedFileFeed.open(path, (m) => streams.forEach((s) => s.receive(m)));
    expect(feed).not.toBeNull();
    // The first reads everything before the second asks for anything.
    const first = await drain(streams[0]!);
    const second = await drain(streams[1]!);
    await feed!.close();
    for (const chunks of [first, second]) {
      expect(chunks.map((c) => c.length)).toEqual([FILE_CHUNK_SIZE, bytes.length - FILE_CHUNK_SIZE]);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    }
    // A stream wants the chunk after those it received (they come unasked): in order, at most one past
    // the last.
    expect(wants[0]![0]).toBe(1);
    for (const w of wants) {
      expect(w).toEqual([...w].sort((a, b) => a - b));
      expect(Math.max(...w)).toBeLessThanOrEqual(3);
    }
  });

  it('is no feed for what is not a regular file: every thread reads the input itself', async () => {
    expect(await SharedFileFeed.open('/nonexistent/capture.pcap', () => undefined)).toBeNull();
    expect(await SharedFileFeed.open('/dev/null', () => undefined)).toBeNull();
  });
});
