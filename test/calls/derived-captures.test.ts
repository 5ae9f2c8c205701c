/**
 * Calls in captures derived from the real samples in memory: the capture starts mid-connection (first
 * packets dropped, so request headers and HPACK state are missing), or a GOAWAY's last-stream-id is
 * patched so the server refuses a stream it had not answered yet. Everything else is the real pipeline.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import type { CaptureEvent } from '../../src/capture/types.js';
import { createEngine } from '../../src/engine/pipeline.js';
import type { CallRecord } from '../../src/records/records.js';
import { JsonCollector, type JsonDocument } from '../../src/output/json.js';
import { SAMPLES, SCOPE_PROTO } from './sample-meta.js';

function run(events: CaptureEvent[], protos: string[] = []): JsonDocument {
  const collector = new JsonCollector();
  const engine = createEngine({ file: 'derived', protos }, collector.sink);
  engine.push(events);
  engine.finish();
  return collector.doc;
}

async function fromPacket(name: string, first: number): Promise<CaptureEvent[]> {
  const events = await readCaptureFile(`${SAMPLES}${name}.pcap`);
  return events.filter((e) => e.kind !== 'packet' || e.packet.index >= first);
}

const callsOf = (doc: JsonDocument, conn: string): CallRecord[] =>
  doc.connections.find((c) => c.id === conn)?.calls ?? [];

describe('a capture that starts mid-connection (grpc-js-streaming from record 8)', () => {
  // Records 0-7 hold the handshake, both SETTINGS and stream 1's request (Watch): dropped. Stream 1's
  // response HEADERS (record 9) survive with the static-table content-type; streams 3 and 5 are whole but
  // their header blocks use HPACK dynamic entries that were never seen.
  it('recognises stream 1 from its response and guesses the method from the messages with the schema', async () => {
    const doc = run(await fromPacket('grpc-js-streaming', 8), [SCOPE_PROTO]);
    const [watch] = callsOf(doc, 'c1');
    expect(watch).toMatchObject({
      stream: 1,
      method: '/scope.v1.Lab/Watch',
      guessed: true,
      guesses: [
        {
          what: 'grpc-call',
          reason:
            'request headers not in the capture; recognised by response content-type application/grpc+proto',
        },
        { what: 'method', reason: 'schema fit score 24' },
      ],
      outcome: 'ok',
      status: 0,
      kind: 'server-streaming',
      kindInferred: true, // a guessed method does not make the kind certain
      requestCount: 0,
      responseCount: 5,
    });
    expect(
      watch!.responses.map((m) => m.decoded.kind === 'schema' && (m.decoded.value as { seq?: string }).seq),
    ).toEqual(['1', '2', '3', '4', '5']);
    const guessed = doc.diagnostics.filter((d) => d.code === 'grpc.guessed-call');
    // streams 3 and 5: their request blocks decoded only in part (no content-type), so guessed as well;
    // one diagnostic for the connection (its first such call), each call marked on its record
    expect(guessed.map((d) => [d.connection, d.stream])).toEqual([['c1', 1]]);
    expect(callsOf(doc, 'c1').filter((c) => c.guessed && [1, 3, 5].includes(c.stream)).length).toBe(3);
  });

  it('without a schema, keeps the guessed call with an unknown method and raw payloads', async () => {
    const [watch] = callsOf(run(await fromPacket('grpc-js-streaming', 8)), 'c1');
    expect(watch).toMatchObject({ stream: 1, method: null, service: null, guessed: true, outcome: 'ok' });
    expect(watch!.guesses.map((g) => g.what)).toEqual(['grpc-call']);
    expect(watch!.responses.every((m) => m.decoded.kind === 'raw')).toBe(true);
  });
});

describe('a capture that starts inside a client-streaming call (grpc-js-streaming from record 19)', () => {
  it('guesses Upload from two of its three requests, and says the status is unknown when the trailers are lost', async () => {
    const doc = run(await fromPacket('grpc-js-streaming', 19), [SCOPE_PROTO]);
    const calls = callsOf(doc, 'c1');
    expect(calls.map((c) => [c.stream, c.method, c.outcome, c.status])).toEqual([
      [3, '/scope.v1.Lab/Upload', 'status-unknown', null],
      [5, '/scope.v1.Lab/Chat', 'status-unknown', null],
    ]);
    expect(calls[0]).toMatchObject({
      requestCount: 2,
      responseCount: 1,
      kind: 'client-streaming',
      guessed: true,
    });
    // the trailer blocks are two bytes of dynamic-table indexes: grpc-status cannot be read; two calls
    // are too little evidence for a guess (status-guess.ts MIN_AGREEING)
    for (const c of calls)
      expect(c.statusUnknown).toEqual({ reason: 'HPACK entries from before the capture', guess: null });
    // said once per direction by the h2 layer, not per call
    expect(doc.diagnostics.some((d) => d.code === 'grpc.headers-undecoded')).toBe(false);
    const summary = doc.diagnostics.filter((d) => d.code === 'h2.hpack.unknown-entries');
    expect(summary.map((d) => d.evidence?.from).sort()).toEqual(['client', 'server']);
    expect(doc.diagnostics.some((d) => d.code === 'grpc.missing-status')).toBe(false);
  });
});

describe('a stream refused by GOAWAY (grpc-goaway-graceful, GOAWAY last-stream-id patched 3 -> 1)', () => {
  // Record 14 is the server's GOAWAY (NO_ERROR) sent while stream 3 waited for its slow response. With
  // last-stream-id 1 it says the server never processed stream 3 (PROTOCOL-HTTP2.md "GOAWAY Frame").
  // RFC 9113 §6.8: frame header (length 8, type 0x7, flags 0, stream 0), then Last-Stream-ID, Error Code.
  const GOAWAY_LAST_3 = Buffer.from('000008070000000000' + '00000003' + '00000000', 'hex');

  it('ends stream 3 as refused, UNAVAILABLE, at the GOAWAY', async () => {
    const events = await readCaptureFile(`${SAMPLES}grpc-goaway-graceful.pcap`);
    const patched = events.map((e) => {
      if (e.kind !== 'packet' || e.packet.index !== 14) return e;
      const data = Buffer.from(e.packet.data);
      const at = data.indexOf(GOAWAY_LAST_3);
      expect(at).toBeGreaterThan(0);
      data.writeUInt32BE(1, at + 9);
      return { ...e, packet: { ...e.packet, data } };
    });
    const doc = run(patched);
    const c1 = doc.connections.find((c) => c.id === 'c1')!;
    const goaway = c1.frames.find((f) => f.type === 'GOAWAY' && f.from === 'server')!;
    expect(goaway.lastStreamId).toBe(1);
    const calls = callsOf(doc, 'c1');
    expect(calls.map((c) => [c.stream, c.outcome, c.status, c.statusSource])).toEqual([
      [1, 'ok', 0, 'trailers'],
      [3, 'refused', 14, 'goaway'],
    ]);
    expect(calls[1]!.end).toBe(goaway.time);
    expect(calls[1]!.responseCount).toBe(0);
    const refused = doc.diagnostics.filter((d) => d.code === 'grpc.call-refused');
    expect(refused.map((d) => [d.stream, d.evidence?.lastStreamId])).toEqual([[3, 1]]);
  });
});

describe('--decode-as PORT=grpc on a capture cut mid-connection (grpc-js-streaming from record 19)', () => {
  // Same cut as above: stream 3's request headers are gone, stream 5's cannot be decoded (HPACK state).
  // With the server port 50102 given as gRPC, both are calls at once, guessed "decode-as".
  it('makes every stream on the port a call, guessed with the reason decode-as', async () => {
    const events = await fromPacket('grpc-js-streaming', 19);
    const collector = new JsonCollector();
    const opts = { file: 'derived', protos: [SCOPE_PROTO], grpcPorts: [50102], h2Ports: [50102] };
    const engine = createEngine(opts, collector.sink);
    engine.push(events);
    engine.finish();
    const doc = collector.doc;
    const calls = callsOf(doc, 'c1');
    expect(calls.map((c) => [c.stream, c.method, c.requestCount, c.responseCount, c.guesses])).toEqual([
      [
        3,
        '/scope.v1.Lab/Upload',
        2,
        1,
        [
          { what: 'grpc-call', reason: 'decode-as: port 50102 (request headers not in the capture)' },
          { what: 'method', reason: 'schema fit score 10' },
        ],
      ],
      [
        5,
        '/scope.v1.Lab/Chat',
        3,
        3,
        [{ what: 'grpc-call', reason: 'decode-as: port 50102 (request headers not decodable)' }],
      ],
    ]);
    expect(calls.every((c) => c.guessed)).toBe(true);
    const byPort = doc.diagnostics.filter((d) => d.code === 'grpc.decode-as-call');
    expect(byPort.map((d) => [d.stream, d.evidence?.port])).toEqual([
      [3, 50102],
      [5, 50102],
    ]);
    expect(doc.diagnostics.some((d) => d.code === 'grpc.guessed-call' && d.connection === 'c1')).toBe(false);
    // c2 (port 50102 too) had its whole handshake: its calls are not guessed.
    expect(callsOf(doc, 'c2').map((c) => c.guessed)).toEqual([false, false]);
  });
});
