/**
 * An endless header block (HEADERS, then CONTINUATION frames without END_HEADERS: the CONTINUATION flood of
 * CVE-2024-27316) is cut at a documented limit (docs/hpack.md; DEFAULT_HEADER_LIST_LIMITS), with one
 * h2.header-block-cut, its held fragments dropped, the rest of the block skipped and HPACK state lost.
 */
import { describe, expect, it } from 'vitest';
import { H2ConnectionDecoder } from '../../src/h2/connection-decoder.js';
import { DEFAULT_HEADER_LIST_LIMITS } from '../../src/h2/header-blocks.js';
import type { H2Event } from '../../src/h2/types.js';
import { encoder, frame } from './frame-bytes.js';

const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

function codes(events: H2Event[]): string[] {
  return events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));
}

describe('an endless header block', () => {
  const encode = encoder();
  const request = encode([
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', '/pkg.Svc/Get'],
    [':authority', 'x'],
    ['x-big', 'v'.repeat(200)],
  ]);

  it('is cut after the frame limit, once, and what follows decodes again', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c1' });
    const limit = DEFAULT_HEADER_LIST_LIMITS.maxBlockFrames;
    const flood = [frame(HEADERS, 0, 1, request.subarray(0, 4))];
    for (let i = 0; i < limit + 500; i++) flood.push(frame(CONTINUATION, 0, 1));
    flood.push(frame(CONTINUATION, END_HEADERS, 1, request.subarray(4)));
    const events = dec.push('client', Buffer.concat(flood), 1, 0);
    expect(codes(events)).toEqual(['h2.header-block-cut', 'h2.hpack-lost']);
    const cut = events.find((e) => e.kind === 'diagnostic')!;
    expect(cut.kind === 'diagnostic' && cut.diagnostic.evidence).toMatchObject({
      stream: 1,
      frames: limit + 1,
      limitFrames: limit,
    });
    const frames = events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
    expect(frames).toHaveLength(limit + 502);
    // The cutting frame and every later one of the block say why they carry no headers.
    expect(frames.slice(limit).every((f) => f.headersError?.includes('cut'))).toBe(true);
    expect(frames.some((f) => f.headers !== undefined)).toBe(false);
    // A new block on another stream, with only static-table and literal fields, decodes.
    const next = frame(HEADERS, END_HEADERS | END_STREAM, 3, Buffer.from([0x83, 0x86]));
    const after = dec.push('client', next, 2, 1);
    const f3 = after.find((e) => e.kind === 'frame');
    expect(f3?.kind === 'frame' && f3.frame.headers).toEqual([
      [':method', 'POST'],
      [':scheme', 'http'],
    ]);
    expect(codes(after)).not.toContain('h2.continuation-unexpected');
  });

  it('is cut after the byte limit, and a frame of another kind then ends it as for any open block', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c1', maxHeaderBlockBytes: 1000 });
    const chunk = Buffer.alloc(300, 0x40);
    const parts = [frame(HEADERS, 0, 1, chunk)];
    for (let i = 0; i < 6; i++) parts.push(frame(CONTINUATION, 0, 1, chunk));
    parts.push(frame(0x6, 0, 0, Buffer.alloc(8))); // PING in the middle of the block
    const events = dec.push('client', Buffer.concat(parts), 1, 0);
    expect(codes(events)).toEqual(['h2.header-block-cut', 'h2.hpack-lost', 'h2.continuation-expected']);
    const cut = events.find((e) => e.kind === 'diagnostic');
    expect(cut?.kind === 'diagnostic' && cut.diagnostic.evidence).toMatchObject({ bytes: 1200, frames: 4 });
  });
});
