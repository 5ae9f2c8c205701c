/**
 * decodeFrame on hand-built frames. Each payload follows the figure of its RFC 9113 section (§6.1-§6.10);
 * RFC 9113 has no byte examples for frames, so the bytes are written out here from those layouts.
 */
import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../src/h2/frame-reader.js';
import { decodeFrame, type DecodedFrame } from '../../src/h2/frames.js';
import { frame, setting, u32 } from './frame-bytes.js';

function decode(bytes: Buffer): DecodedFrame {
  const frames = new FrameReader().push(bytes, 1.5, 7);
  expect(frames).toHaveLength(1);
  return decodeFrame(frames[0]!);
}

/** Codes of the problems found, with the params that matter for the test. */
function problems(d: DecodedFrame) {
  return d.problems.map((p) => p.code);
}

describe('decodeFrame: well-formed frames of every type', () => {
  it('DATA with PADDED: Pad Length, data, padding (§6.1)', () => {
    const d = decode(frame(0x0, 0x08 | 0x01, 1, [3, 0x61, 0x62, 0, 0, 0]));
    expect(d.kind).toBe('DATA');
    if (d.kind !== 'DATA') return;
    expect(d.flags).toEqual(['END_STREAM', 'PADDED']);
    expect(d.padLength).toBe(3);
    expect(d.data).toEqual(Buffer.from('ab'));
    expect(problems(d)).toEqual([]);
  });

  it('DATA without padding is the whole payload, and may be empty', () => {
    const d = decode(frame(0x0, 0x0, 3, []));
    expect(d.kind === 'DATA' && d.data?.length).toBe(0);
    expect(d.kind === 'DATA' && d.padLength).toBe(undefined);
  });

  it('HEADERS with PADDED and PRIORITY: Pad Length, E+dependency, weight-1, fragment, padding (§6.2)', () => {
    const payload = [2, ...u32(0x80000003), 15, 0x82, 0x86, 0, 0];
    const d = decode(frame(0x1, 0x20 | 0x08 | 0x04, 5, payload));
    expect(d.kind).toBe('HEADERS');
    if (d.kind !== 'HEADERS') return;
    expect(d.flags).toEqual(['END_HEADERS', 'PADDED', 'PRIORITY']);
    expect(d.padLength).toBe(2);
    expect(d.priority).toEqual({ exclusive: true, dependency: 3, weight: 16 });
    expect(d.fragment).toEqual(Buffer.from([0x82, 0x86]));
  });

  it('HEADERS without flags is all fragment', () => {
    const d = decode(frame(0x1, 0x0, 1, [0x82]));
    expect(d.kind === 'HEADERS' && d.fragment).toEqual(Buffer.from([0x82]));
    expect(d.kind === 'HEADERS' && d.priority).toBe(undefined);
  });

  it('PRIORITY: exclusive bit, dependency, weight (§6.3)', () => {
    const d = decode(frame(0x2, 0x0, 7, [...u32(5), 255]));
    expect(d.kind === 'PRIORITY' && d.priority).toEqual({ exclusive: false, dependency: 5, weight: 256 });
  });

  it('RST_STREAM: 32-bit error code (§6.4)', () => {
    const d = decode(frame(0x3, 0x0, 1, u32(0x8)));
    expect(d.kind === 'RST_STREAM' && d.errorCode).toBe(8);
  });

  it('SETTINGS: identifier/value pairs in order, duplicates kept (§6.5.1)', () => {
    const payload = [
      ...setting(0x1, 0),
      ...setting(0x4, 1 << 20),
      ...setting(0xff, 7),
      ...setting(0x1, 4096),
    ];
    const d = decode(frame(0x4, 0x0, 0, payload));
    expect(d.kind === 'SETTINGS' && d.settings).toEqual([
      [1, 0],
      [4, 1048576],
      [255, 7],
      [1, 4096],
    ]);
    expect(d.kind === 'SETTINGS' && d.ack).toBe(false);
    expect(problems(d)).toEqual([]);
  });

  it('SETTINGS ACK: empty (§6.5)', () => {
    const d = decode(frame(0x4, 0x1, 0));
    expect(d.kind === 'SETTINGS' && [d.ack, d.settings]).toEqual([true, []]);
    expect(d.flags).toEqual(['ACK']);
  });

  it('PUSH_PROMISE with padding: Pad Length, promised stream, fragment (§6.6)', () => {
    const d = decode(frame(0x5, 0x08 | 0x04, 1, [1, ...u32(0x80000002), 0x82, 0]));
    expect(d.kind).toBe('PUSH_PROMISE');
    if (d.kind !== 'PUSH_PROMISE') return;
    expect([d.padLength, d.promisedStream]).toEqual([1, 2]);
    expect(d.fragment).toEqual(Buffer.from([0x82]));
  });

  it('PING and PING ACK: 8 opaque bytes as 16 hex chars (§6.7)', () => {
    const d = decode(frame(0x6, 0x1, 0, [0, 0, 0, 0, 0, 0, 0x12, 0x34]));
    expect(d.kind === 'PING' && [d.ack, d.opaque]).toEqual([true, '0000000000001234']);
  });

  it('GOAWAY: last stream, error code, debug data (§6.8)', () => {
    const debug = Buffer.from('too_many_pings');
    const d = decode(
      frame(0x7, 0x0, 0, Buffer.concat([Buffer.from([...u32(0x80000009), ...u32(0xb)]), debug])),
    );
    expect(d.kind).toBe('GOAWAY');
    if (d.kind !== 'GOAWAY') return;
    expect([d.lastStreamId, d.errorCode, d.debugData?.toString()]).toEqual([9, 11, 'too_many_pings']);
  });

  it('WINDOW_UPDATE on the connection and on a stream; the reserved bit is ignored (§6.9)', () => {
    const conn = decode(frame(0x8, 0x0, 0, u32(0x80000000 | 65535)));
    expect(conn.kind === 'WINDOW_UPDATE' && conn.increment).toBe(65535);
    expect(problems(conn)).toEqual([]);
    const stream = decode(frame(0x8, 0x0, 3, u32(1)));
    expect(stream.kind === 'WINDOW_UPDATE' && stream.increment).toBe(1);
  });

  it('CONTINUATION: all fragment (§6.10)', () => {
    const d = decode(frame(0x9, 0x4, 1, [0x84]));
    expect(d.kind === 'CONTINUATION' && d.fragment).toEqual(Buffer.from([0x84]));
    expect(d.flags).toEqual(['END_HEADERS']);
  });

  it('extension and unknown types are kept as OTHER with their name (§5.5)', () => {
    expect(decode(frame(0xa, 0x0, 0, [0, 0])).typeName).toBe('ALTSVC');
    expect(decode(frame(0xc, 0x0, 0)).typeName).toBe('ORIGIN');
    expect(decode(frame(0x10, 0x0, 0, u32(1))).typeName).toBe('PRIORITY_UPDATE');
    const unknown = decode(frame(0xfa, 0xff, 0, [1, 2]));
    expect([unknown.kind, unknown.typeName, unknown.flags]).toEqual(['OTHER', 'UNKNOWN_0xfa', []]);
  });

  it('flags lists only the bits the type defines, ascending', () => {
    expect(decode(frame(0x0, 0xff, 1, [0])).flags).toEqual(['END_STREAM', 'PADDED']);
    expect(decode(frame(0x8, 0xff, 0, u32(1))).flags).toEqual([]);
  });
});

describe('decodeFrame: malformed frames become problems, decoding goes on', () => {
  it('padding longer than the payload (§6.1)', () => {
    const d = decode(frame(0x0, 0x08, 1, [5, 1, 2]));
    expect(problems(d)).toEqual(['h2.frame.bad-padding']);
    expect(d.problems[0]!.params).toMatchObject({ padLength: 5, room: 2, type: 'DATA', stream: 1 });
    expect(d.kind === 'DATA' && [d.padLength, d.data]).toEqual([5, null]);
  });

  it('PADDED with an empty payload has no room for Pad Length', () => {
    expect(problems(decode(frame(0x0, 0x08, 1, [])))).toEqual(['h2.frame.bad-length']);
  });

  it('HEADERS padding that eats into the priority fields (§6.2)', () => {
    const d = decode(frame(0x1, 0x28, 1, [4, ...u32(0), 15, 0x82]));
    expect(problems(d)).toEqual(['h2.frame.bad-padding']);
    expect(d.kind === 'HEADERS' && d.fragment).toBe(null);
    expect(d.kind === 'HEADERS' && d.priority).toEqual({ exclusive: false, dependency: 0, weight: 16 });
  });

  it('HEADERS with PRIORITY shorter than 5 bytes', () => {
    expect(problems(decode(frame(0x1, 0x20, 1, [0, 0])))).toEqual(['h2.frame.bad-length']);
  });

  it('SETTINGS whose length is not a multiple of 6 keeps the complete entries (§6.5)', () => {
    const d = decode(frame(0x4, 0x0, 0, [...setting(0x3, 100), 0, 4, 0]));
    expect(problems(d)).toEqual(['h2.frame.bad-length']);
    expect(d.kind === 'SETTINGS' && d.settings).toEqual([[3, 100]]);
  });

  it('SETTINGS ACK with a payload (§6.5)', () => {
    expect(problems(decode(frame(0x4, 0x1, 0, setting(0x1, 0))))).toEqual(['h2.frame.settings-ack-payload']);
  });

  it('SETTINGS values out of range (§6.5.2)', () => {
    const payload = [
      ...setting(0x2, 2),
      ...setting(0x4, 0x80000000),
      ...setting(0x5, 16383),
      ...setting(0x5, 1 << 24),
    ];
    const d = decode(frame(0x4, 0x0, 0, payload));
    expect(problems(d)).toEqual([
      'h2.frame.bad-setting',
      'h2.frame.bad-setting',
      'h2.frame.bad-setting',
      'h2.frame.bad-setting',
    ]);
    expect(d.problems.map((p) => p.params.name)).toEqual([
      'SETTINGS_ENABLE_PUSH',
      'SETTINGS_INITIAL_WINDOW_SIZE',
      'SETTINGS_MAX_FRAME_SIZE',
      'SETTINGS_MAX_FRAME_SIZE',
    ]);
  });

  it('PING of the wrong length (§6.7)', () => {
    const d = decode(frame(0x6, 0x0, 0, [1, 2, 3]));
    expect(problems(d)).toEqual(['h2.frame.bad-length']);
    expect(d.kind === 'PING' && d.opaque).toBe(undefined);
  });

  it('RST_STREAM, WINDOW_UPDATE and PRIORITY of the wrong length', () => {
    expect(problems(decode(frame(0x3, 0x0, 1, [0, 0, 0])))).toEqual(['h2.frame.bad-length']);
    expect(problems(decode(frame(0x8, 0x0, 1, [0, 0, 0, 1, 0])))).toEqual(['h2.frame.bad-length']);
    expect(problems(decode(frame(0x2, 0x0, 1, u32(0))))).toEqual(['h2.frame.bad-length']);
  });

  it('WINDOW_UPDATE with an increment of 0 (§6.9)', () => {
    const d = decode(frame(0x8, 0x0, 0, u32(0x80000000)));
    expect(problems(d)).toEqual(['h2.frame.zero-increment']);
    expect(d.kind === 'WINDOW_UPDATE' && d.increment).toBe(0);
  });

  it('GOAWAY shorter than 8 bytes (§6.8)', () => {
    const d = decode(frame(0x7, 0x0, 0, u32(1)));
    expect(problems(d)).toEqual(['h2.frame.bad-length']);
    expect(d.kind === 'GOAWAY' && d.lastStreamId).toBe(undefined);
  });

  it('frames that must not be on stream 0', () => {
    for (const [type, payload] of [
      [0x0, []],
      [0x1, [0x82]],
      [0x2, [0, 0, 0, 1, 0]],
      [0x3, [0, 0, 0, 0]],
      [0x5, [0, 0, 0, 2]],
      [0x9, []],
    ] as const) {
      const d = decode(frame(type, 0, 0, [...payload]));
      expect(problems(d), `type ${type}`).toEqual(['h2.frame.bad-stream']);
      expect(d.problems[0]!.params.rule).toBe('must not be sent on stream 0');
    }
  });

  it('frames that must be on stream 0', () => {
    for (const [type, payload] of [
      [0x4, []],
      [0x6, [0, 0, 0, 0, 0, 0, 0, 0]],
      [0x7, [0, 0, 0, 0, 0, 0, 0, 0]],
    ] as const) {
      const d = decode(frame(type, 0, 1, [...payload]));
      expect(problems(d), `type ${type}`).toEqual(['h2.frame.bad-stream']);
      expect(d.problems[0]!.params.rule).toBe('must be sent on stream 0');
    }
  });

  it('a stream that depends on itself (§5.3.1)', () => {
    expect(problems(decode(frame(0x2, 0x0, 3, [...u32(3), 0])))).toEqual(['h2.frame.self-dependency']);
    expect(problems(decode(frame(0x1, 0x24, 3, [...u32(3), 0, 0x82])))).toEqual(['h2.frame.self-dependency']);
  });
});
