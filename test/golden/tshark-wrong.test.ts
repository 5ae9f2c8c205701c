/**
 * Where tshark is a wrong oracle. Each `notes` entry of a golden (samples/NAME.golden.json) says what tshark
 * gets wrong for that sample; here each one gets a test of the truth, taken from what the generator itself
 * recorded (meta.json `expect`: nghttp2's own -v log, curl's output, the damage it applied). The golden
 * test (tshark-golden.test.ts) compares everything tshark does get right.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/pipeline.js';
import type { FrameRecord } from '../../src/records/records.js';
import { readCaptureFile } from '../../src/capture/source.js';
import { decodeFile, type Decoded } from '../helpers/decode.js';
import { createHash } from 'node:crypto';

const SAMPLES = join(import.meta.dirname, '../../samples');
const json = <T>(file: string): T => JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as T;

type Pairs = Array<[string, string]>;
interface GoldenFrame {
  packet: number;
  stream: number;
  type: number;
  headers: Pairs | null;
}
interface Golden {
  notes: string[];
  frames: GoldenFrame[];
}
interface LogStream {
  id: number;
  request: { headers: Pairs | null; body?: { length: number; sha256: string } };
  response: { headers: Pairs | null; body?: { length: number; sha256: string } };
}
interface LogFrame {
  name: string;
  length: number;
  flags: number;
  stream: number;
  padLength?: number;
  settings?: Array<[number, number]>;
}
interface LogConnection {
  streams: LogStream[];
  frames: { client: LogFrame[]; server: LogFrame[] };
}

/** The samples whose golden has notes, each with the test below that checks the truth for them. */
const COVERED = [
  'damaged-corrupt-length',
  'damaged-data-gap',
  'damaged-truncated',
  'grpc-http1-server',
  'h2-client-http1-server',
  'h2-http1-client',
  'h2-mid-connection',
  'h2-nghttp-table-size',
  'late-start-grpc-js',
  'late-start-grpcio',
];

const headerFrames = (d: Decoded, from: 'client' | 'server'): FrameRecord[] =>
  d.allFrames.filter((f) => f.from === from && f.headers !== undefined);
const codes = (d: Decoded): string[] => d.diagnostics.map((x) => x.code);

describe('every golden note has a test of the truth', () => {
  it('lists exactly the samples whose golden has notes', () => {
    const withNotes = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.golden.json'))
      .filter((f) => json<Golden>(f).notes.length > 0)
      .map((f) => f.slice(0, -'.golden.json'.length))
      .sort();
    expect(withNotes).toEqual(COVERED);
  });
});

describe('damaged-data-gap: tshark decodes no fields for the trailers of the stream that lost DATA', () => {
  it('tshark shows none; ours are the grpc-status and grpc-message grpc-js sent', async () => {
    const golden = json<Golden>('damaged-data-gap.golden.json');
    const stream = 7; // the second Bulk (meta.json expect.lost)
    const last = golden.frames.filter((f) => f.type === 1 && f.stream === stream).at(-1)!;
    expect(last.headers).toBeNull();
    const d = await decodeFile(join(SAMPLES, 'damaged-data-gap.pcap'));
    const ours = headerFrames(d, 'server')
      .filter((f) => f.stream === stream)
      .at(-1)!;
    expect(ours.headers).toEqual([
      ['grpc-status', '0'],
      ['grpc-message', 'OK'],
    ]);
  });
});

describe('h2-nghttp-table-size: tshark decodes no server headers after a table size update', () => {
  const golden = json<Golden>('h2-nghttp-table-size.golden.json');
  const truth = json<{ expect: { connections: LogConnection[] } }>('h2-nghttp-table-size.meta.json').expect
    .connections[0]!;

  it('tshark shows no fields for the server HEADERS (the note still holds)', () => {
    const server = golden.frames.filter((f) => f.type === 1 && f.stream % 2 === 1 && f.packet === 8);
    expect(server.map((f) => [f.stream, f.headers])).toEqual([
      [13, null],
      [15, null],
    ]);
  });

  it('our header lists are the ones nghttpd logged, in both directions', async () => {
    const d = await decodeFile(join(SAMPLES, 'h2-nghttp-table-size.pcap'));
    const want = (side: 'request' | 'response'): Array<[number, Pairs | null]> =>
      truth.streams.map((s) => [s.id, s[side].headers]);
    expect(headerFrames(d, 'server').map((f) => [f.stream, f.headers])).toEqual(want('response'));
    expect(headerFrames(d, 'client').map((f) => [f.stream, f.headers])).toEqual(want('request'));
    expect(d.allFrames.some((f) => f.headersError !== undefined)).toBe(false);
    expect(codes(d).filter((c) => c.startsWith('h2.'))).toEqual([]);
  });
});

describe('h2-mid-connection: fields indexing entries made before the capture are "<unknown>"', () => {
  const truth = json<{ expect: { connections: LogConnection[] } }>('h2-mid-connection.meta.json').expect
    .connections[0]!;

  it('every field we decode is the true field at that position; unknown ones are marked', async () => {
    const d = await decodeFile(join(SAMPLES, 'h2-mid-connection.pcap'));
    const blocks = d.allFrames.filter((f) => f.headers !== undefined);
    expect(blocks.map((f) => `${f.from} ${f.stream}`)).toEqual([
      'client 3',
      'server 3',
      'client 5',
      'server 5',
      'client 7',
      'server 7',
    ]);
    let known = 0;
    for (const f of blocks) {
      const stream = truth.streams.find((s) => s.id === f.stream)!;
      const want = (f.from === 'client' ? stream.request.headers : stream.response.headers)!;
      expect(f.headers!.length, `fields of ${f.from} ${f.stream}`).toBe(want.length);
      f.headers!.forEach(([name, value], i) => {
        if (name === '<unknown>') {
          // The name came from an unknown entry; a literal value, when there is one, is the true one.
          if (value !== '') expect(value).toBe(want[i]![1]);
        } else {
          known++;
          expect([name, value], `field ${i} of ${f.from} ${f.stream}`).toEqual(want[i]);
        }
      });
      expect(f.headersError).toMatch(
        /^the capture starts mid-connection; dynamic table entries unknown: \d fields/,
      );
    }
    // Static-table fields, literals and entries added since the cut: the same count tshark decodes.
    const golden = json<Golden>('h2-mid-connection.golden.json');
    const tsharkKnown = golden.frames.flatMap((f) => f.headers ?? []).filter(([n]) => n !== '<unknown>');
    expect(known).toBe(tsharkKnown.length);
  });
});

describe('h2-http1-client: HTTP/1.1 clients of an h2-only server send no frames', () => {
  const truth = json<{
    expect: { connections: Array<{ request: string[]; serverFrames: LogFrame[]; clientFrames: LogFrame[] }> };
  }>('h2-http1-client.meta.json').expect.connections;

  it('only the server frames nghttp2 logged, and the request line the client sent', async () => {
    const d = await decodeFile(join(SAMPLES, 'h2-http1-client.pcap'));
    expect(d.connections).toHaveLength(truth.length);
    d.connections.forEach((conn, i) => {
      const t = truth[i]!;
      expect(conn).toMatchObject({ protocol: 'http/1.1', summary: `HTTP/1 request ${t.request[0]}` });
      expect(conn.frames.filter((f) => f.from === 'client')).toEqual([]);
      expect(conn.frames.map((f) => [f.type, f.length, f.flagBits, f.stream, f.settings])).toEqual(
        t.serverFrames.map((f) => [f.name, f.length, f.flags, f.stream, { MAX_CONCURRENT_STREAMS: 100 }]),
      );
    });
    const notes = d.diagnostics.filter((x) => x.code === 'session.http1-client-h2-server');
    expect(notes.map((x) => x.evidence?.requestLine)).toEqual(truth.map((t) => t.request[0]));
  });
});

describe('h2-client-http1-server: the HTTP/1 server answers the preface with an HTML page', () => {
  const truth = json<{
    expect: {
      client: { goaway: { lastStreamId: number; errorCode: number; debugData: string } };
      server: { bodyStartsWith: string; replyLength: number };
    };
  }>('h2-client-http1-server.meta.json').expect;

  it('no server frame, the reply named, and the client GOAWAY curl sent', async () => {
    const d = await decodeFile(join(SAMPLES, 'h2-client-http1-server.pcap'));
    const conn = d.connections[0]!;
    expect(conn.frames.filter((f) => f.from === 'server')).toEqual([]);
    expect(conn.bytes.server).toBe(truth.server.replyLength);
    // Python's http.server answers "PRI * HTTP/2.0" with a bare HTML page (no status line): named as an
    // HTTP/1.x server's rejection, with the code and message from the page.
    expect(truth.server.bodyStartsWith).toMatch(/^<!DOCTYPE HTML>/);
    const bad = d.diagnostics.find((x) => x.code === 'session.preface-http1-error-page');
    expect(bad?.evidence).toMatchObject({ code: 505, message: 'Invalid HTTP version (2.0).' });
    expect(d.diagnostics.map((x) => x.code)).not.toContain('session.bad-server-preface');
    const goaway = conn.frames.find((f) => f.type === 'GOAWAY');
    expect(goaway).toMatchObject({
      from: 'client',
      lastStreamId: truth.client.goaway.lastStreamId,
      errorCodeValue: truth.client.goaway.errorCode,
      debugData: truth.client.goaway.debugData,
    });
  });
});

describe('grpc-http1-server: the server answers the preface with HTTP/1.1 400', () => {
  const truth = json<{
    expect: { serverFirstBytes: string; wire: Array<{ http2Frames: { client: number; server: number } }> };
  }>('grpc-http1-server.meta.json').expect;

  it('no server frame and the status line it sent', async () => {
    const d = await decodeFile(join(SAMPLES, 'grpc-http1-server.pcap'));
    const frames = d.connections[0]!.frames;
    expect(frames.filter((f) => f.from === 'server')).toHaveLength(truth.wire[0]!.http2Frames.server);
    expect(frames.filter((f) => f.from === 'client')).toHaveLength(truth.wire[0]!.http2Frames.client);
    const reply = d.diagnostics.find((x) => x.code === 'session.preface-http1-reply');
    expect(reply?.evidence?.statusLine).toBe(truth.serverFirstBytes.split('\r\n')[0]);
  });
});

describe('damaged captures tshark gives up on', () => {
  const original = decodeFile(join(SAMPLES, 'h2-nghttp-h2c.pcap'));
  const before = async (records: number): Promise<unknown[]> =>
    (await original).allFrames.filter((f) => f.packet < records).map(({ index: _i, ...f }) => f);

  it('damaged-truncated: the records before the cut, and the cut record named', async () => {
    const meta = json<{ expect: { completeRecords: number } }>('damaged-truncated.meta.json');
    const d = await decodeFile(join(SAMPLES, 'damaged-truncated.pcap'));
    expect(d.capture?.packets).toBe(meta.expect.completeRecords);
    expect(d.allFrames.map(({ index: _i, ...f }) => f)).toEqual(await before(meta.expect.completeRecords));
    // scripts/damage-pcap.mjs cut record 12 (1-based) at offset 50794: 16 + 16328 bytes, file 58974 long.
    const cut = d.diagnostics.find((x) => x.code === 'capture.truncated');
    expect(cut?.evidence).toEqual({
      what: 'record 11',
      offset: 50794,
      missing: 50794 + 16 + 16328 - 58974,
      part: 'record data',
      record: 11,
    });
  });

  it('damaged-corrupt-length: the records before the corrupt one, and its length named', async () => {
    const meta = json<{ expect: { completeRecords: number; inclLen: number } }>(
      'damaged-corrupt-length.meta.json',
    );
    const d = await decodeFile(join(SAMPLES, 'damaged-corrupt-length.pcap'));
    expect(d.capture).toMatchObject({ packets: meta.expect.completeRecords, complete: false });
    expect(d.allFrames.map(({ index: _i, ...f }) => f)).toEqual(await before(meta.expect.completeRecords));
    const corrupt = d.diagnostics.find((x) => x.code === 'capture.corrupt-record');
    expect(corrupt?.evidence).toMatchObject({ record: 11, offset: 50794, length: meta.expect.inclLen });
  });
});

describe('padding (h2-nghttp-h2c: nghttp -b 8, nghttpd -b 16)', () => {
  const truth = json<{ expect: { connections: LogConnection[] } }>('h2-nghttp-h2c.meta.json').expect
    .connections;

  it('pad lengths are those nghttp2 logged, and DATA without padding is exactly each body', async () => {
    const frames: FrameRecord[] = [];
    const bodies = new Map<string, Buffer[]>();
    const engine = createEngine(
      { file: 'h2-nghttp-h2c.pcap' },
      {
        connection: () => undefined,
        diagnostic: () => undefined,
        capture: () => undefined,
        frame: (rec, ev) => {
          frames.push(rec);
          const key = `${rec.connection} ${rec.from} ${rec.stream}`;
          if (ev.data) bodies.set(key, [...(bodies.get(key) ?? []), ev.data]);
        },
      },
    );
    engine.push(await readCaptureFile(join(SAMPLES, 'h2-nghttp-h2c.pcap')));
    engine.finish();
    truth.forEach((conn, i) => {
      const id = `c${i + 1}`;
      for (const side of ['client', 'server'] as const) {
        const ours = frames.filter((f) => f.connection === id && f.from === side);
        expect(ours.map((f) => [f.length, f.flagBits, f.stream, f.padLength])).toEqual(
          conn.frames[side].map((f) => [f.length, f.flags, f.stream, f.padLength]),
        );
      }
      for (const f of frames.filter((x) => x.connection === id && x.type === 'DATA'))
        expect(f.dataLength).toBe(f.length - (f.padLength === undefined ? 0 : f.padLength + 1));
      for (const s of conn.streams) {
        for (const [side, body] of [
          ['client', s.request.body],
          ['server', s.response.body],
        ] as const) {
          if (!body) continue;
          const data = Buffer.concat(bodies.get(`${id} ${side} ${s.id}`) ?? []);
          expect(data.length, `${side} body of stream ${s.id} of ${id}`).toBe(body.length);
          expect(createHash('sha256').update(data).digest('hex')).toBe(body.sha256);
        }
      }
    });
  });
});

interface TickCall {
  index: number;
  status: number;
}

describe('late-start-grpc-js, late-start-grpcio: statuses hidden by HPACK entries from before the capture', () => {
  // Each client opened streams 1, 3, 5, ... one per call, in order: stream 2i+1 is call i (meta.json
  // expect.calls, what the client saw). tshark shows these trailers as unknown fields; every status here is
  // either decoded or a marked guess, and each is what the client saw.
  for (const name of ['late-start-grpc-js', 'late-start-grpcio'])
    it(`${name}: each status, decoded or guessed, is the client's`, async () => {
      const truth = new Map(
        json<{ expect: { calls: TickCall[] } }>(`${name}.meta.json`).expect.calls.map((c) => [
          c.index,
          c.status,
        ]),
      );
      const calls = (await decodeFile(join(SAMPLES, `${name}.pcap`))).connections.flatMap((c) => c.calls);
      expect(calls.length).toBeGreaterThanOrEqual(50);
      for (const c of calls) {
        const seen = truth.get((c.stream - 1) / 2);
        if (c.outcome === 'status-unknown') {
          expect(c.status).toBeNull(); // a guess is never a status
          expect(c.statusUnknown!.reason).toBe('HPACK entries from before the capture');
          expect(c.statusUnknown!.guess?.status, `stream ${c.stream}`).toBe(seen);
        } else {
          expect(c.statusSource).toBe('trailers');
          expect(c.status, `stream ${c.stream}`).toBe(seen);
        }
      }
    });
});
