import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../src/h2/frame-reader.js';
import type { RawFrame } from '../../src/h2/types.js';
import { frame, prng, setting, u32 } from './frame-bytes.js';

/** A realistic opening of a server direction: SETTINGS, SETTINGS ACK, WINDOW_UPDATE, HEADERS, DATA, an empty DATA. */
const STREAM = Buffer.concat([
  frame(0x4, 0x0, 0, [...setting(0x3, 100), ...setting(0x4, 65535)]),
  frame(0x4, 0x1, 0),
  frame(0x8, 0x0, 0, u32(983041)),
  frame(0x1, 0x4, 1, [0x88]), // HEADERS END_HEADERS, ":status: 200" (RFC 7541 static index 8)
  frame(0x0, 0x0, 1, Buffer.alloc(300, 0xab)),
  frame(0x0, 0x1, 1),
]);

function summary(frames: RawFrame[]) {
  return frames.map((f) => ({
    type: f.type,
    flags: f.flags,
    stream: f.stream,
    length: f.length,
    offset: f.offset,
    payload: f.payload.toString('hex'),
  }));
}

describe('FrameReader', () => {
  const whole = new FrameReader().push(STREAM, 1, 0);

  it('cuts every frame of one chunk with its header fields and offset', () => {
    expect(whole.map((f) => [f.type, f.flags, f.stream, f.length, f.offset])).toEqual([
      [4, 0, 0, 12, 0],
      [4, 1, 0, 0, 21],
      [8, 0, 0, 4, 30],
      [1, 4, 1, 1, 43],
      [0, 0, 1, 300, 53],
      [0, 1, 1, 0, 362],
    ]);
    expect(whole[3]!.payload).toEqual(Buffer.from([0x88]));
  });

  it('gives the same frames whatever single split point the stream has', () => {
    const expected = summary(whole);
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const reader = new FrameReader();
      const frames = [
        ...reader.push(STREAM.subarray(0, cut), 1, 0),
        ...reader.push(STREAM.subarray(cut), 2, 1),
      ];
      expect(summary(frames), `split at ${cut}`).toEqual(expected);
    }
  });

  it('gives the same frames when fed one byte at a time or in random pieces', () => {
    const expected = summary(whole);
    const bytewise = new FrameReader();
    const frames: RawFrame[] = [];
    for (let i = 0; i < STREAM.length; i++) frames.push(...bytewise.push(STREAM.subarray(i, i + 1), i, i));
    expect(summary(frames)).toEqual(expected);
    const rnd = prng(7);
    for (let round = 0; round < 50; round++) {
      const reader = new FrameReader();
      const got: RawFrame[] = [];
      for (let at = 0; at < STREAM.length;) {
        const n = 1 + Math.floor(rnd() * 40);
        got.push(...reader.push(STREAM.subarray(at, at + n), 0, 0));
        at += n;
      }
      expect(summary(got)).toEqual(expected);
    }
  });

  it('stamps each frame with the time and packet of the push that completed it', () => {
    const reader = new FrameReader();
    expect(
      reader.push(STREAM.subarray(0, 25), 10, 100).map((f) => [f.offset, f.time, f.packetIndex]),
    ).toEqual([[0, 10, 100]]);
    // The SETTINGS ACK (offset 21) completes with the next push, although it started in the first.
    expect(
      reader.push(STREAM.subarray(25, 60), 11, 101).map((f) => [f.offset, f.time, f.packetIndex]),
    ).toEqual([
      [21, 11, 101],
      [30, 11, 101],
      [43, 11, 101],
    ]);
  });

  it('completes a zero-length frame as soon as its 9-byte header is in, even at the end of a chunk', () => {
    const ack = frame(0x4, 0x1, 0);
    expect(new FrameReader().push(ack, 0, 0).map((f) => f.length)).toEqual([0]);
  });

  it('assembles a 1 MiB DATA frame from 1,400-byte pieces into one exact payload', () => {
    const payload = Buffer.alloc(1 << 20);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const bytes = frame(0x0, 0x1, 3, payload);
    const reader = new FrameReader();
    const frames: RawFrame[] = [];
    for (let at = 0; at < bytes.length; at += 1400)
      frames.push(...reader.push(bytes.subarray(at, at + 1400), at, 0));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.length).toBe(1 << 20);
    expect(frames[0]!.payload.equals(payload)).toBe(true);
  });

  it('returns a frame inside one chunk as a view on that chunk (no copy)', () => {
    const chunk = Buffer.from(STREAM);
    const frames = new FrameReader().push(chunk, 0, 0);
    chunk[53 + 9] = 0x01; // first DATA payload byte
    expect(frames[4]!.payload[0]).toBe(0x01);
  });

  it('reports the partial frame and drops it on reset', () => {
    const reader = new FrameReader();
    reader.push(STREAM.subarray(0, 57), 0, 0); // 4 bytes into the DATA frame header at 53
    expect(reader.partial).toEqual({ header: null, received: 4, offset: 53 });
    reader.push(STREAM.subarray(57, 100), 0, 0);
    expect(reader.partial).toEqual({
      header: { type: 0, flags: 0, stream: 1, length: 300 },
      received: 47,
      offset: 53,
    });
    reader.reset(1000);
    expect(reader.partial).toBeNull();
    const after = reader.push(frame(0x6, 0, 0, Buffer.alloc(8)), 0, 0);
    expect(after.map((f) => [f.type, f.offset])).toEqual([[6, 1000]]);
  });

  it('ignores the reserved bit of the stream identifier (RFC 9113 §4.1)', () => {
    const bytes = frame(0x8, 0, 0x80000005, u32(1));
    expect(new FrameReader().push(bytes, 0, 0)[0]!.stream).toBe(5);
  });

  it('cuts a frame longer than any SETTINGS_MAX_FRAME_SIZE would allow (24-bit maximum)', () => {
    const header = Buffer.from([0xff, 0xff, 0xff, 0x0, 0x0, 0x0, 0x0, 0x0, 0x1]);
    const reader = new FrameReader();
    expect(reader.push(header, 0, 0)).toEqual([]);
    expect(reader.partial?.header?.length).toBe(16_777_215);
  });
});
