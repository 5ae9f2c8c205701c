/**
 * findFrameSync / FrameSyncSearch on real frame sequences with garbage in front. The frames are a gRPC
 * server direction as grpc-js writes it (SETTINGS, SETTINGS ACK, WINDOW_UPDATE, then per call HEADERS,
 * DATA with a length-prefixed message, trailers HEADERS with END_STREAM), built with RFC 9113 §4.1 layout.
 */
import { describe, expect, it } from 'vitest';
import { findFrameSync } from '../../src/h2/frame-sync.js';
import { FrameSyncSearch } from '../../src/h2/frame-sync-search.js';
import { encoder, frame, prng, setting, u32 } from './frame-bytes.js';

const enc = encoder();
const grpcMessage = Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), Buffer.from('\n\x05hello')]);

function call(stream: number): Buffer {
  return Buffer.concat([
    frame(
      0x1,
      0x4,
      stream,
      enc([
        [':status', '200'],
        ['content-type', 'application/grpc'],
      ]),
    ),
    frame(0x0, 0x0, stream, grpcMessage),
    frame(
      0x1,
      0x5,
      stream,
      enc([
        ['grpc-status', '0'],
        ['grpc-message', 'OK'],
      ]),
    ),
  ]);
}

const FRAMES = Buffer.concat([
  frame(0x4, 0x0, 0, [...setting(0x5, 16384), ...setting(0x3, 100)]),
  frame(0x4, 0x1, 0),
  frame(0x8, 0x0, 0, u32(65_536)),
  call(1),
  call(3),
  frame(0x6, 0x1, 0, Buffer.alloc(8, 1)),
]);

function garbage(n: number, seed: number): Buffer {
  const rnd = prng(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

describe('findFrameSync', () => {
  it('finds offset 0 in a clean frame sequence', () => {
    expect(findFrameSync(FRAMES)).toEqual({ offset: 0, frames: 3 });
  });

  it('finds the first frame after random garbage of any length up to 300 bytes', () => {
    for (let n = 1; n <= 300; n += 7) {
      const found = findFrameSync(Buffer.concat([garbage(n, n), FRAMES]));
      // Garbage may end with bytes that happen to start a plausible chain into the frames; none here.
      expect(found, `garbage ${n}`).toEqual({ offset: n, frames: 3 });
    }
  });

  it('skips the tail of a DATA payload cut by a gap (a gRPC message of ASCII text)', () => {
    const tail = Buffer.from('lorem ipsum dolor sit amet, consectetur adipiscing elit'.repeat(3));
    expect(findFrameSync(Buffer.concat([tail, FRAMES]))?.offset).toBe(tail.length);
  });

  it('starts at a CONTINUATION only when it is the first frame (RFC 9113 §6.10)', () => {
    const cont = Buffer.concat([frame(0x9, 0x4, 1, [0x88]), FRAMES]);
    expect(findFrameSync(cont)).toEqual({ offset: 0, frames: 3 });
    // HEADERS without END_HEADERS followed by anything but its CONTINUATION is not a real sequence.
    const broken = Buffer.concat([
      frame(0x1, 0x0, 1, [0x88]),
      frame(0x8, 0, 0, u32(1)),
      frame(0x8, 0, 0, u32(1)),
    ]);
    expect(findFrameSync(broken, { acceptPartialAtEnd: false })?.offset).not.toBe(0);
  });

  it('rejects headers with undefined flags, a set reserved bit, or shapes RFC 9113 forbids', () => {
    const ping = frame(0x6, 0x0, 0, Buffer.alloc(8));
    const ok = Buffer.concat([ping, ping, ping]);
    expect(findFrameSync(ok)).toEqual({ offset: 0, frames: 3 });
    for (const bad of [
      frame(0x6, 0x2, 0, Buffer.alloc(8)), // undefined flag on PING
      frame(0x6, 0x0, 1, Buffer.alloc(8)), // PING on a stream
      frame(0x6, 0x0, 0, Buffer.alloc(7)), // PING not 8 bytes
      frame(0x4, 0x0, 0, Buffer.alloc(7)), // SETTINGS not a multiple of 6
      frame(0x3, 0x0, 0, Buffer.alloc(4)), // RST_STREAM on stream 0
      frame(0x8, 0x0, 1, u32(0)), // WINDOW_UPDATE of 0
      frame(0x0, 0x8, 1, [9, 0]), // padding longer than the payload
      frame(0x0, 0x0, 0x80000001, [1]), // reserved bit set
      frame(0xfa, 0x0, 0, []), // unknown type
    ]) {
      expect(findFrameSync(Buffer.concat([bad, ok]))?.offset, bad.subarray(0, 9).toString('hex')).toBe(
        bad.length,
      );
    }
  });

  it('honours maxFrameLength', () => {
    const big = frame(0x0, 0x0, 1, Buffer.alloc(20_000));
    const seq = Buffer.concat([big, FRAMES]);
    expect(findFrameSync(seq)?.offset).toBe(0);
    expect(findFrameSync(seq, { maxFrameLength: 16_384 })?.offset).toBe(big.length);
  });

  it('accepts a short chain running into the end of the buffer unless told not to', () => {
    // SETTINGS, SETTINGS ACK, then 5 bytes of the WINDOW_UPDATE header. A stray plausible header in the
    // garbage (offset 37 here: a DATA header whose length runs past the end) loses to the longer chain.
    const partial = Buffer.concat([garbage(40, 1), FRAMES.subarray(0, 35)]);
    expect(findFrameSync(partial)).toEqual({ offset: 40, frames: 2 });
    expect(findFrameSync(partial, { acceptPartialAtEnd: false })).toBeNull();
    expect(findFrameSync(Buffer.alloc(0))).toBeNull();
  });
});

describe('FrameSyncSearch', () => {
  it('finds the same boundary when the bytes arrive in 100-byte pieces, and returns the rest', () => {
    const bytes = Buffer.concat([garbage(250, 3), FRAMES]);
    const search = new FrameSyncSearch();
    let found = null;
    for (let at = 0; at < bytes.length && found === null; at += 100)
      found = search.push(bytes.subarray(at, at + 100));
    expect(found?.offset).toBe(250);
    expect(found?.frames).toBe(3);
    const rest = Buffer.concat(found!.rest.map((c) => c.data));
    expect(rest.equals(bytes.subarray(250, 250 + rest.length))).toBe(true);
  });

  it('drops a candidate that waits longer than maxPendingBytes, and keeps memory bounded', () => {
    // A plausible DATA header claiming 1 MiB, then 64 KiB of zeros (no plausible frames: type 0 on stream 0).
    const fake = frame(0x0, 0x0, 1, []);
    fake.writeUIntBE(1 << 20, 0, 3);
    const search = new FrameSyncSearch({ maxPendingBytes: 4096 });
    expect(search.push(fake)).toBeNull();
    for (let i = 0; i < 64; i++) expect(search.push(Buffer.alloc(1024))).toBeNull();
    expect(search.buffered).toBeLessThan(70 * 1024);
    const found = search.push(FRAMES);
    expect(found?.offset).toBe(9 + 64 * 1024);
  });

  it('at the end, settles for a chain that runs into the end of the data', () => {
    const search = new FrameSyncSearch();
    expect(search.push(Buffer.concat([garbage(20, 5), FRAMES.subarray(0, 35)]))).toBeNull();
    const found = search.finish();
    expect([found?.offset, found?.frames, found?.rest[0]?.data.length]).toEqual([20, 2, 35]);
  });

  it('accepts frames that end exactly where a chunk ends, and hands back the chunks with their stamps', () => {
    // A segment holding one whole frame after garbage, as when a capture joins between two frames.
    const headers = frame(0x1, 0x5, 3, [0x82, 0x86, 0x84]);
    const search = new FrameSyncSearch();
    expect(search.push(Buffer.from('tail of a previous frame'), 1.0, 10)).toBeNull();
    const found = search.push(headers, 2.0, 11);
    expect([found?.offset, found?.frames]).toEqual([24, 1]);
    expect(found?.rest.map((c) => [c.data.length, c.time, c.packetIndex])).toEqual([[12, 2.0, 11]]);
  });

  it('keeps the chunk boundaries after the boundary it found', () => {
    const search = new FrameSyncSearch();
    const ping = frame(0x6, 0, 0, Buffer.alloc(8));
    expect(search.push(Buffer.concat([Buffer.from([1, 2]), ping.subarray(0, 10)]), 1, 1)).toBeNull();
    const found = search.push(Buffer.concat([ping.subarray(10), ping, ping, ping.subarray(0, 3)]), 2, 2);
    expect(found?.offset).toBe(2);
    expect(found?.rest.map((c) => [c.data.length, c.packetIndex])).toEqual([
      [10, 1],
      [7 + 17 + 17 + 3, 2],
    ]);
  });
});
