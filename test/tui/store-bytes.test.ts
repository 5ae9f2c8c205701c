/**
 * The store keeps every frame's bytes for the hex pane: the 9-byte header rebuilt from the columns and the
 * first `frameBytes` payload bytes. Checked against the capture itself: the sample's TCP payloads are
 * re-read here (capture reader + net decoder only, placed by sequence number), and each frame must be
 * exactly the bytes at its offset in its direction's stream.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { NetDecoder } from '../../src/net/net-decoder.js';
import { decodeFile } from '../helpers/decode.js';
import { CaptureStore } from '../../src/model/store.js';
import { wireType } from '../../src/model/frame-header.js';
import { SAMPLES } from './load-store.js';

const SAMPLE = 'grpc-js-unary.pcap';
/** samples/grpc-js-unary.meta.json: the server listens on 50101. */
const SERVER_PORT = 50101;
/** RFC 9113 §3.4: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" precedes the client's first frame. */
const PREFACE_LENGTH = 24;

/** With `frameBytes`, the in-memory store (no spool) that keeps that many payload bytes per frame. */
async function storeOf(frameBytes?: number): Promise<CaptureStore> {
  const store = new CaptureStore({
    throttleMs: 0,
    ...(frameBytes !== undefined ? { frameBytes, spool: null } : {}),
  });
  const engine = createEngine({ file: SAMPLES + SAMPLE, hpackReports: true }, store);
  engine.push(await readCaptureFile(SAMPLES + SAMPLE));
  engine.finish();
  return store;
}

/** Each direction's TCP byte stream, every payload placed at its sequence number (SYN + 1 = offset 0). */
async function tcpStreams(): Promise<{ client: Buffer; server: Buffer }> {
  const net = new NetDecoder();
  const isn = { client: 0, server: 0 };
  const parts = { client: [] as Array<[number, Buffer]>, server: [] as Array<[number, Buffer]> };
  for (const ev of await readCaptureFile(SAMPLES + SAMPLE)) {
    if (ev.kind !== 'packet') continue;
    for (const n of net.push(ev.packet)) {
      if (n.kind !== 'tcp') continue;
      const s = n.segment;
      const dir = s.dst.port === SERVER_PORT ? 'client' : 'server';
      if (s.flags.syn) isn[dir] = (s.seq + 1) >>> 0;
      else if (s.payload.length > 0) parts[dir].push([(s.seq - isn[dir]) >>> 0, s.payload]);
    }
  }
  const join = (list: Array<[number, Buffer]>): Buffer => {
    const out = Buffer.alloc(Math.max(...list.map(([at, b]) => at + b.length)));
    for (const [at, b] of list) b.copy(out, at);
    return out;
  };
  return { client: join(parts.client), server: join(parts.server) };
}

describe('FrameTable keeps each frame exactly as on the wire (hex pane)', () => {
  it('grpc-js-unary: every frame, header and payload, equals the capture bytes at its offset', async () => {
    const [store, streams] = await Promise.all([storeOf(), tcpStreams()]);
    const offset = { client: PREFACE_LENGTH, server: 0 };
    const seen = new Set<string>();
    for (let n = 0; n < store.frames.count; n++) {
      const dir = store.frames.fromServer(n) ? 'server' : 'client';
      const { bytes, total } = store.frames.frameBytes(n);
      const at = offset[dir];
      expect(total).toBe(9 + store.frames.length.get(n));
      expect(bytes.length).toBe(Math.min(total, 9 + 512));
      expect(Buffer.from(bytes).equals(streams[dir].subarray(at, at + bytes.length))).toBe(true);
      offset[dir] += total;
      seen.add(store.frames.typeName(n));
    }
    // the whole of both streams is frames (29 frames, tshark: 29 http2 frames in the golden file)
    expect(offset).toEqual({ client: streams.client.length, server: streams.server.length });
    expect(store.frames.count).toBe(29);
    for (const t of ['SETTINGS', 'HEADERS', 'DATA', 'GOAWAY']) expect(seen).toContain(t);
  });

  it('known frames byte for byte: the client SETTINGS header, a HEADERS header, a DATA gRPC prefix', async () => {
    const store = await storeOf();
    // frame 1: the client's SETTINGS (len 6: one setting, 0x4 INITIAL_WINDOW_SIZE = 65535, RFC 9113 §6.5.1)
    expect(store.frames.typeName(1)).toBe('SETTINGS');
    expect([...store.frames.frameBytes(1).bytes]).toEqual([
      0, 0, 6, 0x04, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0xff, 0xff,
    ]);
    // frame 3: HEADERS s=1 len=140 END_HEADERS (0x4)
    expect([...store.frames.frameBytes(3).bytes.subarray(0, 9)]).toEqual([0, 0, 140, 0x01, 0x04, 0, 0, 0, 1]);
    // frame 4: DATA s=1 len=106 END_STREAM (0x1): gRPC prefix 00 00000065 (a 101-byte message)
    const data = store.frames.frameBytes(4).bytes;
    expect([...data.subarray(0, 14)]).toEqual([0, 0, 106, 0, 0x01, 0, 0, 0, 1, 0, 0, 0, 0, 101]);
    expect(data.length).toBe(9 + 106);
    expect(store.frames.preview(4).length).toBe(106);
    expect(store.frames.preview(0).length).toBe(0); // SETTINGS: no DATA preview
  });

  it('GOAWAY: last-stream-id and error code in the payload, as the record decoded them', async () => {
    const store = await storeOf();
    const goaways = [...Array(store.frames.count).keys()].filter(
      (n) => store.frames.typeName(n) === 'GOAWAY',
    );
    expect(goaways.length).toBe(4); // each side sends two (grpc-js graceful close)
    for (const n of goaways) {
      const rec = store.frames.record(n);
      const b = Buffer.from(store.frames.frameBytes(n).bytes);
      expect(b[3]).toBe(0x07); // RFC 9113 §6.8
      expect(b.readUInt32BE(9) & 0x7fffffff).toBe(rec.lastStreamId);
      expect(b.readUInt32BE(13)).toBe(rec.errorCodeValue);
    }
  });

  it('caps the payload bytes kept per frame (frameBytes option); the header is always whole', async () => {
    const store = await storeOf(16);
    expect(store.frames.previewLimit).toBe(16);
    const data = store.frames.frameBytes(4);
    expect(data.bytes.length).toBe(9 + 16);
    expect(data.total).toBe(9 + 106);
    expect(store.frames.payload(4).length).toBe(16);
    expect(store.frames.preview(4).length).toBe(16);
    const none = await storeOf(0);
    expect(none.frames.frameBytes(3).bytes.length).toBe(9);
    expect(none.frames.preview(4).length).toBe(0);
    expect(() => new CaptureStore({ frameBytes: -1 })).toThrow(/frame bytes limit/);
  });

  it('frame type bytes: named types and UNKNOWN_0x.. names (h2/constants.ts)', () => {
    expect(wireType('DATA')).toBe(0);
    expect(wireType('CONTINUATION')).toBe(9);
    expect(wireType('PRIORITY_UPDATE')).toBe(0x10);
    expect(wireType('UNKNOWN_0xfa')).toBe(0xfa);
    expect(() => wireType('NOPE')).toThrow();
  });

  it('the JSON FrameRecord is unchanged: no payload bytes in the output contract', async () => {
    const doc = await decodeFile(SAMPLES + SAMPLE);
    for (const f of doc.allFrames) {
      expect(f).not.toHaveProperty('payload');
      expect(Object.values(f).some((v) => Buffer.isBuffer(v) || v instanceof Uint8Array)).toBe(false);
    }
    expect(JSON.stringify(doc.allFrames[4])).not.toMatch(/payload/);
  });
});
