/**
 * HPACK kept across a gap that lost only whole frames (issue #12 item 1): a real grpc-js capture with two
 * DATA-only segments dropped (samples/damaged-data-gap, scripts/samples/grpc/damaged-data-gap.mjs), and
 * hand-built connections for the evidence that proves or refutes the assumption.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { H2ConnectionDecoder } from '../../src/h2/connection-decoder.js';
import type { H2Event } from '../../src/h2/types.js';
import type { FrameRecord } from '../../src/records/records.js';
import { decodeFile } from '../helpers/decode.js';
import { encoder, frame, u32 } from './frame-bytes.js';

const SAMPLES = join(import.meta.dirname, '../../samples');
interface Meta {
  expect: {
    calls: Array<{ method: string; status: number; message: string }>;
    lost: { frames: Array<{ stream: number }> };
  };
}
interface Golden {
  frames: Array<{ type: number; stream: number; headers: Array<[string, string]> | null }>;
}
const read = <T>(name: string): T => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));

describe('damaged-data-gap: two segments of whole DATA frames lost', () => {
  it('keeps the server table: every later block decodes, every call keeps its status', async () => {
    const meta = read<Meta>('damaged-data-gap.meta.json');
    const doc = await decodeFile(join(SAMPLES, 'damaged-data-gap.pcap'));
    const codes = doc.diagnostics.map((d) => d.code);
    expect(codes).not.toContain('h2.hpack-lost');
    expect(codes).not.toContain('grpc.headers-undecoded');
    expect(codes).not.toContain('h2.hpack.unknown-entries');
    expect(codes).toContain('h2.hpack-kept');
    const calls = doc.connections[0]!.calls;
    expect(calls.map((c) => [c.method, c.status, c.message])).toEqual(
      meta.expect.calls.map((c) => [c.method, c.status, c.message]),
    );
    expect(calls.every((c) => c.outcome !== 'status-unknown')).toBe(true);
    // No field anywhere is <unknown>.
    const fields = doc.allFrames.flatMap((f) => f.headers ?? []);
    expect(fields.some(([n]) => n === '<unknown>')).toBe(false);
  });

  it('decodes the header blocks after the gap as tshark did on the undamaged original', async () => {
    const golden = read<Golden>('grpc-js-bulk-series.golden.json');
    const meta = read<Meta>('damaged-data-gap.meta.json');
    const doc = await decodeFile(join(SAMPLES, 'damaged-data-gap.pcap'));
    const lostStream = meta.expect.lost.frames[0]!.stream;
    const key = (stream: number, headers: Array<[string, string]>) => `${stream} ${JSON.stringify(headers)}`;
    // Blocks of the streams that started after the lost stream, where tshark decoded them.
    const want = golden.frames
      .filter((g) => g.type === 1 && g.stream > lostStream && g.headers)
      .map((g) => key(g.stream, g.headers!));
    const got = doc.allFrames
      .filter((f) => f.type === 'HEADERS' && f.stream > lostStream)
      .map((f) => key(f.stream, f.headers!));
    expect(want.length).toBeGreaterThan(8);
    expect(got).toEqual(want);
  });

  it('marks the blocks decoded before the evidence was weighed, and settles with its confidence', async () => {
    const doc = await decodeFile(join(SAMPLES, 'damaged-data-gap.pcap'));
    const server = doc.allFrames.filter((f) => f.from === 'server' && f.headers !== undefined);
    const assumed = server.filter((f) => f.headersAssumed !== undefined);
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed[0]!.headersAssumed!.basis).toMatch(/lost bytes end on a frame boundary/);
    // Client blocks: its stream was never damaged.
    expect(doc.allFrames.some((f) => f.from === 'client' && f.headersAssumed)).toBe(false);
    const settled = doc.diagnostics.find((d) => d.code === 'h2.hpack-kept-settled')!;
    expect(settled.message).toMatch(/held no header block \(assumed, high confidence\)/);
    expect(settled.message).toMatch(/at least \d+ octets of DATA were lost/);
    expect(settled.message).toMatch(/every stream open at the gap ended after it/);
  });
});

const frames = (events: H2Event[]): FrameRecord[] =>
  events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
const codes = (events: H2Event[]) =>
  events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));

/** A server sending a response on stream 1 whose DATA frames a gap hits, then trailers from the table. */
function serverStream() {
  const hpack = encoder();
  const response = frame(
    0x1,
    0x4,
    1,
    hpack([
      [':status', '200'],
      ['content-type', 'application/grpc'],
    ]),
  );
  const data = Array.from({ length: 4 }, () => frame(0x0, 0x0, 1, Buffer.alloc(1000, 7)));
  // The same fields again: fully indexed from the dynamic table.
  const again = frame(
    0x1,
    0x4,
    3,
    hpack([
      [':status', '200'],
      ['content-type', 'application/grpc'],
    ]),
  );
  return { response, data, again };
}

describe('H2ConnectionDecoder: a gap of whole frames', () => {
  it('is proven DATA when the receiver credits all of it, and the later blocks are not marked', () => {
    const { response, data } = serverStream();
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    dec.push(
      'client',
      frame(
        0x1,
        0x5,
        1,
        encoder()([
          [':method', 'GET'],
          [':path', '/'],
        ]),
      ),
      1,
      1,
    );
    dec.push('server', Buffer.concat([response, data[0]!]), 2, 2);
    // data[1] and data[2] lost: 2 x 1009 bytes of whole frames.
    const g = dec.gap('server', 2 * data[1]!.length, 3);
    expect(codes(g)).toEqual(['h2.gap']);
    const after = dec.push('server', Buffer.concat([data[3]!, frame(0x0, 0x1, 1, Buffer.alloc(0))]), 4, 4);
    expect(codes(after)).toEqual(['h2.hpack-kept', 'h2.gap-resync']);
    // The receiver credits all 4000 octets it consumed.
    dec.push('client', frame(0x8, 0x0, 0, u32(4000)), 5, 5);
    const end = dec.finish();
    expect(codes(end)).toEqual(['h2.hpack-kept-settled']);
    const settled = end.find((e) => e.kind === 'diagnostic')!;
    expect(settled.kind === 'diagnostic' && settled.diagnostic.message).toMatch(
      /proven by WINDOW_UPDATE credit/,
    );
  });

  it('drops the table when a later frame needs a stream the capture never showed', () => {
    const hpack = encoder();
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const req = encoder();
    dec.push(
      'client',
      frame(
        0x1,
        0x5,
        1,
        req([
          [':method', 'GET'],
          [':path', '/a'],
        ]),
      ),
      1,
      1,
    );
    dec.push(
      'client',
      frame(
        0x1,
        0x5,
        3,
        req([
          [':method', 'GET'],
          [':path', '/b'],
        ]),
      ),
      1,
      1,
    );
    dec.push(
      'server',
      frame(
        0x1,
        0x4,
        1,
        hpack([
          [':status', '200'],
          ['x-a', '1'],
        ]),
      ),
      2,
      2,
    );
    // Lost: the HEADERS of stream 3 (it inserts x-b), whole.
    const lostHeaders = frame(
      0x1,
      0x4,
      3,
      hpack([
        [':status', '200'],
        ['x-b', '2'],
      ]),
    );
    dec.gap('server', lostHeaders.length, 3);
    const next = Buffer.concat([
      frame(0x0, 0x1, 3, Buffer.from('hi')),
      frame(
        0x1,
        0x5,
        1,
        hpack([
          ['x-b', '2'],
          ['x-a', '1'],
        ]),
      ),
    ]);
    const after = dec.push('server', next, 4, 4);
    expect(codes(after)).toEqual(['h2.hpack-kept', 'h2.gap-resync', 'h2.hpack-lost']);
    const trailers = frames(after).find((f) => f.type === 'HEADERS')!;
    // Decoded without the table, not with the wrong one.
    expect(trailers.headersAssumed).toBeUndefined();
    expect(trailers.headers).toContainEqual(['<unknown>', '']);
  });

  it('keeps the table, marked medium, while nothing settled it yet', () => {
    const { response, data, again } = serverStream();
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const req = encoder();
    dec.push(
      'client',
      frame(
        0x1,
        0x5,
        1,
        req([
          [':method', 'GET'],
          [':path', '/a'],
        ]),
      ),
      1,
      1,
    );
    dec.push('server', Buffer.concat([response, data[0]!]), 2, 2);
    dec.gap('server', data[1]!.length, 3);
    dec.push(
      'client',
      frame(
        0x1,
        0x5,
        3,
        req([
          [':method', 'GET'],
          [':path', '/b'],
        ]),
      ),
      4,
      4,
    );
    const after = dec.push(
      'server',
      Buffer.concat([data[2]!, data[3]!, frame(0x0, 0x1, 1, Buffer.alloc(0))]),
      5,
      5,
    );
    expect(codes(after)).toEqual(['h2.hpack-kept', 'h2.gap-resync']);
    const tail = dec.push('server', again, 6, 6);
    const block = frames(tail)[0]!;
    expect(block.headers).toEqual([
      [':status', '200'],
      ['content-type', 'application/grpc'],
    ]);
    expect(block.headersAssumed?.confidence).toBe('medium');
  });
});
