/**
 * Every gRPC sample through the real pipeline (capture -> ... -> GrpcCallObserver), against what the
 * generator recorded (meta.json `expect`) and what tshark's gRPC dissector saw (golden.json `grpc`).
 * scope.proto is loaded through PipelineOptions.protos, exactly as `--proto` does.
 */
import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRaw, type RawField } from '../../src/grpc/protobuf-raw.js';
import { parseGrpcTimeout } from '../../src/grpc/timeout.js';
import { errorCodeName } from '../../src/h2/constants.js';
import type { CallMessageRecord, CallRecord } from '../../src/records/records.js';
import { decodeFile, type Decoded } from '../helpers/decode.js';
import {
  GRPC_SAMPLES,
  LAB_METHODS,
  SAMPLES,
  SCOPE_PROTO,
  callOf,
  camelKeys,
  expectedOutcome,
  readGoldenMessages,
  readMeta,
  wireCalls,
  type MetaMessage,
  type MetaValue,
} from './sample-meta.js';

const allCalls = (d: Decoded): CallRecord[] => d.connections.flatMap((c) => c.calls);

function schemaValue(m: CallMessageRecord | undefined): { type: string; value: Record<string, unknown> } {
  if (m?.decoded.kind !== 'schema') throw new Error(`not schema-decoded: ${JSON.stringify(m?.decoded)}`);
  return { type: m.decoded.type, value: m.decoded.value as Record<string, unknown> };
}

/** The generator's metadata ({name: value | {bytesHex}}) as our MetadataEntry fields. */
function metadataEntries(
  md: Record<string, MetaValue>,
): Array<{ name: string; value: string; binary: boolean }> {
  return Object.entries(md).map(([name, v]) =>
    typeof v === 'string' ? { name, value: v, binary: false } : { name, value: v.bytesHex, binary: true },
  );
}

/** Size before compression: what the generator recorded as `size`. */
const plainSize = (m: CallMessageRecord): number => m.decompressedLength ?? m.length;

for (const name of GRPC_SAMPLES) {
  describe(`${name}: calls`, () => {
    const meta = readMeta(name);
    const file = `${SAMPLES}${name}.pcap`;
    let withSchema: Decoded;
    let schemaless: Decoded;
    let forcedPort: Decoded;
    beforeAll(async () => {
      withSchema = await decodeFile(file, { protos: [SCOPE_PROTO] });
      schemaless = await decodeFile(file);
      forcedPort = await decodeFile(file, { h2Ports: meta.ports });
    });

    it('has exactly one call per call the generator put on the wire', () => {
      const onWire = wireCalls(meta, withSchema);
      expect(allCalls(withSchema)).toHaveLength(onWire.length);
      for (const { call, connection } of onWire)
        expect(callOf(withSchema, connection, call.stream!)).toBeDefined();
      expect(allCalls(schemaless)).toHaveLength(onWire.length);
    });

    it('decodes method, status, grpc-message, outcome and kind', () => {
      for (const { call, wire, connection } of wireCalls(meta, withSchema)) {
        const c = callOf(withSchema, connection, call.stream!)!;
        const [service, methodName] = call.method.slice(1).split('/');
        expect(c).toMatchObject({ method: call.method, service, methodName, guessed: false, guesses: [] });
        expect(c).toMatchObject({ status: call.status, statusName: call.statusName });
        expect(c.outcome).toBe(expectedOutcome(call));
        // grpc-message is on the wire only with a grpc-status; "" from the generator means none was sent.
        if (call.wireStatus !== null && call.wireStatus !== undefined) {
          expect(c.statusSource).toBe('trailers');
          expect(c.message).toBe(call.message === '' ? null : call.message);
          expect(c.trailers.find(([n]) => n === 'grpc-message')?.[1]).toBe(wire.grpcMessage);
        }
        // grpc-reflection's ServerReflectionInfo calls are not in scope.proto (their kind is inferred).
        if (LAB_METHODS[call.method] === undefined) continue;
        expect(c.kind).toBe(LAB_METHODS[call.method]?.kind);
        expect(c.kindInferred).toBe(false);
        expect(c.requestCount).toBe(call.requests.length);
        expect(c.responseCount).toBe(call.responses.length);
      }
    });

    it('decodes every payload with scope.proto as the generator sent it', () => {
      for (const { call, connection } of wireCalls(meta, withSchema)) {
        const c = callOf(withSchema, connection, call.stream!)!;
        const types = LAB_METHODS[call.method];
        if (types === undefined) continue; // reflection calls: test/grpc/reflection-schema.test.ts
        const check = (ours: CallMessageRecord[], sent: MetaMessage[], type: string): void => {
          expect(ours.map(plainSize)).toEqual(sent.map((m) => m.size));
          sent.forEach((m, i) => {
            const d = schemaValue(ours[i]);
            expect(d.type).toBe(type);
            // proto3 JSON both sides: defaults omitted, so the generator's JSON must match exactly
            if (m.json !== undefined) expect(d.value).toEqual(camelKeys(m.json));
          });
        };
        check(c.requests, call.requests, types.request);
        check(c.responses, call.responses, types.response);
      }
    });

    it('reassembles the exact message bytes (schema-less decode equals decode_raw of what was sent)', () => {
      for (const { call, connection } of wireCalls(meta, schemaless)) {
        const c = callOf(schemaless, connection, call.stream!)!;
        // Calls after a reflection response decode with the capture's own schema (reflection-schema.test.ts).
        if (c.schemaSource === 'reflection' || LAB_METHODS[call.method] === undefined) continue;
        const pairs: Array<[CallMessageRecord | undefined, MetaMessage]> = [
          ...call.requests.map((m, i): [CallMessageRecord | undefined, MetaMessage] => [c.requests[i], m]),
          ...call.responses.map((m, i): [CallMessageRecord | undefined, MetaMessage] => [c.responses[i], m]),
        ];
        for (const [ours, sent] of pairs) {
          if (sent.hex === undefined) continue;
          const raw = decodeRaw(Buffer.from(sent.hex, 'hex'));
          expect(raw.ok).toBe(true);
          expect(ours?.decoded).toEqual({ kind: 'raw', fields: raw.fields });
        }
        // Without a schema the kind is inferred from message counts and END_STREAM timing; a stream that
        // sent one response cannot be told from unary (grpc-js-large's Bulk), every other call can.
        const kind = LAB_METHODS[call.method]!.kind;
        const oneResponse = kind === 'server-streaming' && c.responseCount <= 1;
        expect(c).toMatchObject({ kind: oneResponse ? 'unary' : kind, kindInferred: true });
      }
    });

    it('decodes custom metadata, -bin values included, and the encodings', () => {
      for (const { call, wire, connection } of wireCalls(meta, withSchema)) {
        const c = callOf(withSchema, connection, call.stream!)!;
        const req = metadataEntries(call.requestMetadata ?? {});
        expect(c.metadata.request).toEqual(
          expect.arrayContaining(req.map((e) => expect.objectContaining(e))),
        );
        const resp = metadataEntries(call.responseHeaders ?? {});
        expect(c.metadata.response).toEqual(
          expect.arrayContaining(resp.map((e) => expect.objectContaining(e))),
        );
        const { 'grpc-status-details-bin': details, ...trailers } = call.trailers ?? {};
        const tr = metadataEntries(trailers);
        expect(c.metadata.trailers).toEqual(
          expect.arrayContaining(tr.map((e) => expect.objectContaining(e))),
        );
        if (details !== undefined && typeof details !== 'string') {
          const sent = c.trailers.find(([n]) => n === 'grpc-status-details-bin')?.[1] ?? '';
          expect(Buffer.from(sent, 'base64').toString('hex')).toBe(details.bytesHex);
        }
        expect(c.requestEncoding).toBe(call.requestEncoding ?? null);
        expect(c.responseEncoding).toBe(wire.responseEncoding ?? null);
        const compressed = c.requests.map((m) => m.compressed);
        expect(compressed).toEqual(call.requests.map(() => call.requestEncoding === 'gzip'));
      }
    });

    it('agrees with the wire facts: Trailers-Only, grpc-timeout, RST_STREAM, :status', () => {
      for (const { call, wire, connection } of wireCalls(meta, withSchema)) {
        const c = callOf(withSchema, connection, call.stream!)!;
        expect(c.trailersOnly).toBe(wire.trailersOnly ?? false);
        expect(c.deadlineMs).toBe(
          wire.grpcTimeout === undefined ? null : parseGrpcTimeout(wire.grpcTimeout).ms,
        );
        const rst = wire.rstStream?.[0];
        expect(c.reset).toEqual(
          rst === undefined ? null : { by: rst.from, errorCode: errorCodeName(rst.errorCode) },
        );
        expect(c.httpStatus).toBe(wire.httpStatus === undefined ? null : Number(wire.httpStatus));
        expect(c.requests.map((m) => ({ length: m.length, compressed: m.compressed }))).toEqual(
          wire.requestMessages,
        );
        expect(c.responses.map((m) => ({ length: m.length, compressed: m.compressed }))).toEqual(
          wire.responseMessages,
        );
      }
    });

    it('times each call by its frames', () => {
      for (const { call, connection } of wireCalls(meta, withSchema)) {
        const c = callOf(withSchema, connection, call.stream!)!;
        const frames = withSchema.allFrames.filter(
          (f) => f.connection === connection && f.stream === c.stream,
        );
        const first = frames[0]!;
        // The response starts with HEADERS or DATA (a server WINDOW_UPDATE on the stream is not a response).
        const firstServer = frames.find(
          (f) => f.from === 'server' && (f.type === 'HEADERS' || f.type === 'DATA'),
        );
        expect(first).toMatchObject({ from: 'client', type: 'HEADERS' });
        expect(c.start).toBe(first.time);
        expect(c.end).toBe(frames.at(-1)!.time);
        expect(c.durationMs).toBe(Math.round((c.end - c.start) * 1e6) / 1e3);
        expect(c.firstResponseMs).toBe(
          firstServer === undefined ? null : Math.round((firstServer.time - c.start) * 1e6) / 1e3,
        );
        for (const m of [...c.requests, ...c.responses]) {
          expect(m.firstTime).toBeLessThanOrEqual(m.time);
          expect(frames.some((f) => f.type === 'DATA' && f.packet === m.packet && f.time === m.time)).toBe(
            true,
          );
        }
      }
    });

    it("matches tshark's gRPC view: message length and compressed flag per packet and stream", () => {
      const ours = allCalls(withSchema)
        .flatMap((c) =>
          [...c.requests, ...c.responses].map((m) => ({
            packet: m.packet! + 1,
            stream: c.stream,
            length: m.length,
            compressed: m.compressed,
          })),
        )
        .sort((a, b) => a.packet - b.packet || a.stream - b.stream);
      const golden = readGoldenMessages(name).sort((a, b) => a.packet - b.packet || a.stream - b.stream);
      expect(ours).toEqual(golden);
    });

    it('gives the same calls when the port is forced to HTTP/2 (h2Ports)', () => {
      expect(allCalls(forcedPort)).toEqual(allCalls(schemaless));
    });
  });
}

describe('grpc-js-unary: status details, percent-encoded grpc-message', () => {
  const meta = readMeta('grpc-js-unary');
  let doc: Decoded;
  beforeAll(async () => {
    doc = await decodeFile(`${SAMPLES}grpc-js-unary.pcap`, { protos: [SCOPE_PROTO] });
  });

  it('percent-decodes the non-ASCII grpc-message sent as UTF-8 escapes', () => {
    const c = callOf(doc, 'c1', 7)!;
    expect(c.trailers).toContainEqual(['grpc-message', meta.expect.grpcMessageOnWire]);
    expect(c.message).toBe('résumé ✓ failed');
  });

  it('decodes grpc-status-details-bin as google.rpc.Status with ErrorInfo, RetryInfo, BadRequest', () => {
    const c = callOf(doc, 'c1', 9)!;
    const sent = meta.expect.statusDetails!.json as { code: number; message: string };
    expect(c.statusDetails).toEqual({
      code: sent.code,
      codeName: 'RESOURCE_EXHAUSTED',
      message: sent.message,
      details: [
        {
          typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo',
          type: 'google.rpc.ErrorInfo',
          value: {
            reason: 'QUOTA_EXCEEDED',
            domain: 'lab.scope.v1',
            metadata: { tenant: 'lab', limit: '10' },
          },
        },
        {
          typeUrl: 'type.googleapis.com/google.rpc.RetryInfo',
          type: 'google.rpc.RetryInfo',
          // proto3 JSON: a Duration is "<seconds>.<3, 6 or 9 digits>s"
          value: { retryDelay: '2.500s' },
        },
        {
          typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
          type: 'google.rpc.BadRequest',
          value: camelKeys(
            (meta.expect.statusDetails!.json as { details: Array<{ value: unknown }> }).details[2]!.value,
          ),
        },
      ],
    });
  });

  it('keeps int64 above 2^53 exact', () => {
    expect(schemaValue(callOf(doc, 'c1', 3)!.requests[0]).value.id).toBe('9007199254740993');
  });
});

describe('grpc-js-large: a 1.2 MB message across many DATA frames and TCP segments', () => {
  const meta = readMeta('grpc-js-large');
  let doc: Decoded;
  let raw: Decoded;
  beforeAll(async () => {
    doc = await decodeFile(`${SAMPLES}grpc-js-large.pcap`, { protos: [SCOPE_PROTO] });
    raw = await decodeFile(`${SAMPLES}grpc-js-large.pcap`);
  });

  it('reassembles it byte for byte (sha256 of what the server sent)', () => {
    const m = callOf(raw, 'c1', 1)!.responses[0]!;
    if (m.decoded.kind !== 'raw') throw new Error('expected a raw decode');
    // Re-encode the schema-less fields (varint and bytes only in BulkChunk) to get the message bytes back.
    const w = protobuf.Writer.create();
    for (const f of m.decoded.fields as RawField[]) {
      if (f.wire === 'varint') w.uint32((f.field << 3) | 0).uint64(f.value as number);
      else if (f.wire === 'len' && f.value.kind === 'bytes')
        w.uint32((f.field << 3) | 2).bytes(Buffer.from(f.value.hex, 'hex'));
      else throw new Error(`unexpected field ${f.field}`);
    }
    const bytes = Buffer.from(w.finish());
    expect(bytes.length).toBe(1_200_006);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(meta.expect.calls[0]!.responses[0]!.sha256);
  });

  it('decodes it with its schema: BulkChunk.data byte i is i % 251', () => {
    const frames = doc.allFrames.filter((f) => f.type === 'DATA' && f.from === 'server' && f.stream === 1);
    expect(frames.length).toBeGreaterThan(70); // 1.2 MB in 16 KiB DATA frames
    const m = callOf(doc, 'c1', 1)!.responses[0]!;
    const data = Buffer.from(schemaValue(m).value.data as string, 'base64');
    expect(data.length).toBe(1_200_000);
    expect(data.every((b, i) => b === i % 251)).toBe(true);
    expect(m.firstTime).toBe(frames[0]!.time);
    expect(m.time).toBe(frames.at(-1)!.time);
  });
});

describe('grpc-js-deadline: deadline and cancel', () => {
  let doc: Decoded;
  beforeAll(async () => {
    doc = await decodeFile(`${SAMPLES}grpc-js-deadline.pcap`, { protos: [SCOPE_PROTO] });
  });

  it('reports the deadline from the grpc-timeout on the wire, not the one the client configured', () => {
    // The client set 200 ms; by the time it sent the request ~150 ms were spent (name resolution, LB pick),
    // so the header says 51m. The RST_STREAM CANCEL came 128 ms after the request: past the deadline.
    const c = callOf(doc, 'c1', 1)!;
    expect(c.requestHeaders).toContainEqual(['grpc-timeout', '51m']);
    expect(c).toMatchObject({
      deadlineMs: 51,
      outcome: 'deadline-exceeded',
      statusSource: 'deadline',
      reset: { by: 'client', errorCode: 'CANCEL' },
      durationMs: 128.233,
    });
  });

  it('reports a client cancel as reset, CANCELLED, after the events it got', () => {
    const c = callOf(doc, 'c1', 3)!;
    expect(c).toMatchObject({ outcome: 'reset', status: 1, statusSource: 'rst-stream', responseCount: 3 });
    // Client cancels and deadlines are explained once, by the analysis layer.
    const codes = doc.diagnostics
      .filter((d) => /^(grpc|analysis)\./.test(d.code))
      .map((d) => [d.code, d.stream]);
    expect(codes).toEqual([
      ['analysis.deadline.exceeded', 1],
      ['analysis.cancel.client', 3],
    ]);
  });
});
