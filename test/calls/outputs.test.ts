/**
 * Calls in every output (docs/output.md "call"): the json document's `calls` per connection, ndjson
 * `{"type":"call"}` lines as calls end, the text report's call lines; and the schema option path
 * (PipelineOptions.protos -> loadPipelineSchema -> observer), including a schema that does not load.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import type { CaptureEvent } from '../../src/capture/types.js';
import type { RecordSink } from '../../src/engine/engine.js';
import { createEngine, loadPipelineSchema, type PipelineOptions } from '../../src/engine/pipeline.js';
import type { CallRecord } from '../../src/records/records.js';
import { formatCallDetail, formatCallLine, formatCallSummary } from '../../src/output/calls.js';
import { JsonCollector } from '../../src/output/json.js';
import { JsonDocumentWriter } from '../../src/output/json-stream.js';
import { ndjsonLines, ndjsonSink } from '../../src/output/ndjson.js';
import { textSink } from '../../src/output/text.js';
import { SAMPLES, SCOPE_PROTO } from './sample-meta.js';

const UNARY = `${SAMPLES}grpc-js-unary.pcap`;

function run(events: CaptureEvent[], sink: RecordSink, opts: Partial<PipelineOptions> = {}): void {
  const engine = createEngine({ file: UNARY, ...opts }, sink);
  engine.push(events);
  engine.finish();
}

let events: CaptureEvent[];
let calls: CallRecord[];
beforeAll(async () => {
  events = await readCaptureFile(UNARY);
  const collector = new JsonCollector();
  run(events, collector.sink, { protos: [SCOPE_PROTO] });
  calls = collector.doc.connections.flatMap((c) => c.calls);
});

describe('json', () => {
  it('writes the calls of each connection before its frames', () => {
    const collector = new JsonCollector();
    run(events, collector.sink);
    const writer = new JsonDocumentWriter();
    run(events, writer.sink);
    const text = [...writer.document()].map(String).join('');
    const doc = JSON.parse(text) as {
      connections: Array<{ id: string; calls: CallRecord[]; frames: unknown[] }>;
    };
    const [conn] = doc.connections;
    expect(Object.keys(conn!).slice(-2)).toEqual(['calls', 'frames']);
    expect(conn!.calls.map((c) => [c.stream, c.outcome])).toEqual([
      [1, 'ok'],
      [3, 'ok'],
      [5, 'ok'],
      [7, 'error'],
      [9, 'error'],
    ]);
    // what the collector holds is what the writer writes
    expect(conn!.calls).toEqual(JSON.parse(JSON.stringify(collector.doc.connections[0]!.calls)));
  });
});

describe('ndjson', () => {
  it('writes a call line as soon as the call ends, after the frame that ended it', () => {
    const lines: Array<{ type: string; [k: string]: unknown }> = [];
    run(events, ndjsonSink(ndjsonLines((line) => lines.push(JSON.parse(line) as { type: string }))), {
      protos: [SCOPE_PROTO],
    });
    const callLines = lines.flatMap((l, i) => (l.type === 'call' ? [{ i, call: l.call as CallRecord }] : []));
    expect(callLines.map((c) => c.call)).toEqual(JSON.parse(JSON.stringify(calls)));
    for (const { i, call } of callLines) {
      // the line before is the trailers HEADERS frame that ended the stream
      expect(lines[i - 1]).toMatchObject({
        type: 'frame',
        frame: { type: 'HEADERS', stream: call.stream, flags: ['END_STREAM', 'END_HEADERS'] },
      });
    }
    expect(lines.findIndex((l) => l.type === 'connection')).toBeGreaterThan(callLines.at(-1)!.i);
  });
});

describe('text', () => {
  it('prints one line per call in the report', () => {
    let out = '';
    run(
      events,
      textSink((s) => (out += s)),
    );
    // The report's layout (indent, order) is text.ts's; each call's line is formatCallLine's.
    const expected = [
      '22:50:29.857250 c1 s=1 gRPC /scope.v1.Lab/Echo unary? ok status=0 OK "OK" req=1 resp=1 duration=8.292ms',
      '22:50:29.861477 c1 s=3 gRPC /scope.v1.Lab/Echo unary? ok status=0 OK "OK" req=1 resp=1 duration=1.863ms',
      '22:50:29.863539 c1 s=5 gRPC /scope.v1.Lab/Echo unary? ok status=0 OK "OK" req=1 resp=1 duration=1.052ms',
      '22:50:29.864836 c1 s=7 gRPC /scope.v1.Lab/Echo unary? error status=9 FAILED_PRECONDITION "résumé ✓ failed" ' +
        'req=1 resp=0 duration=0.563ms trailers-only',
      '22:50:29.881529 c1 s=9 gRPC /scope.v1.Lab/Echo unary? error status=8 RESOURCE_EXHAUSTED ' +
        '"quota exceeded for tenant lab" req=1 resp=0 duration=5.809ms trailers-only',
    ];
    const lines = out.split('\n');
    for (const line of expected) expect(lines.filter((l) => l.endsWith(line))).toHaveLength(1);
  });

  it('shows a status the peer did not send with its source, and resets, deadlines, encodings', () => {
    const c = calls[0]!;
    const line = formatCallLine({
      ...c,
      outcome: 'deadline-exceeded',
      status: 4,
      statusName: 'DEADLINE_EXCEEDED',
      statusSource: 'deadline',
      message: null,
      reset: { by: 'client', errorCode: 'CANCEL' },
      deadlineMs: 51,
      requestEncoding: 'gzip',
    });
    expect(line).toBe(
      '22:50:29.857250 c1 s=1 gRPC /scope.v1.Lab/Echo unary deadline-exceeded status=4 DEADLINE_EXCEEDED ' +
        '(from deadline) reset-by=client CANCEL req=1 resp=1 duration=8.292ms deadline=51ms encoding=gzip/identity',
    );
  });

  it('escapes control characters that come from the capture', () => {
    const line = formatCallLine({ ...calls[3]!, method: '/evil\u001b]0;x\u0007/M', message: 'a\u009bb\nc' });
    expect(line).toContain('/evil\\x1b]0;x\\x07/M');
    // JSON.stringify escapes the newline (as \n), escapeText the C1 control JSON leaves alone
    expect(line).toContain('"a\\x9bb\\nc"');
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
  });

  it('details a call: headers, messages in capture order, trailers, status details', () => {
    expect(formatCallDetail(calls[4]!).slice(2)).toEqual([
      '    > 22:50:29.875720 45B scope.v1.EchoRequest {"text":"over quota","failWith":8,"failMessage":"quota exceeded for tenant lab"}',
      expect.stringMatching(
        /^ {4}trailers-only: :status: 200, grpc-status: 8, grpc-message: quota%20exceeded/,
      ),
      '    detail google.rpc.ErrorInfo {"reason":"QUOTA_EXCEEDED","domain":"lab.scope.v1","metadata":{"tenant":"lab","limit":"10"}}',
      '    detail google.rpc.RetryInfo {"retryDelay":"2.500s"}',
      '    detail google.rpc.BadRequest {"fieldViolations":[{"field":"text","description":"must not be empty"},' +
        '{"field":"labels[1]","description":"unknown label"}]}',
    ]);
  });

  it('summarises calls per method', () => {
    expect(formatCallSummary(calls)).toEqual([
      '/scope.v1.Lab/Echo calls=5 ok=3 error=2 max-duration=8.292ms',
    ]);
  });
});

describe('schema loading from PipelineOptions', () => {
  it('loads nothing without --proto or --descriptor-set', () => {
    expect(loadPipelineSchema({})).toEqual({ ok: true, schema: null });
  });

  it('loads a schema once for the same options', () => {
    const a = loadPipelineSchema({ protos: [SCOPE_PROTO] });
    expect(a.ok && a.schema?.resolveMethod('/scope.v1.Lab/Chat')?.requestStream).toBe(true);
    expect(loadPipelineSchema({ protos: [SCOPE_PROTO] })).toBe(a);
  });

  it('reports a schema that does not load, and decodes schema-less', () => {
    const missing = `${SAMPLES}no-such.proto`;
    const load = loadPipelineSchema({ protos: [missing] });
    expect(load.ok).toBe(false);
    const collector = new JsonCollector();
    run(events, collector.sink, { protos: [missing] });
    const [first] = collector.doc.diagnostics;
    expect(first).toMatchObject({ code: 'grpc.schema-load-failed', severity: 'error' });
    expect(first!.message).toContain('no-such.proto');
    const decoded = collector.doc.connections[0]!.calls.map((c) => c.requests[0]?.decoded.kind);
    expect(decoded).toEqual(['raw', 'raw', 'raw', 'raw', 'raw']);
  });

  it('decodes with a FileDescriptorSet as with the .proto', () => {
    // protoc is not installed here: protobufjs writes the same FileDescriptorSet message from scope.proto.
    const dir = mkdtempSync(join(tmpdir(), 'h2scope-calls-'));
    try {
      const file = join(dir, 'scope.pb');
      const root = protobuf.loadSync(SCOPE_PROTO);
      writeFileSync(file, descriptor.FileDescriptorSet.encode(root.toDescriptor('proto3')).finish());
      const collector = new JsonCollector();
      run(events, collector.sink, { descriptorSets: [file] });
      const got = collector.doc.connections[0]!.calls.map((c) => c.requests[0]?.decoded);
      expect(got).toEqual(calls.map((c) => c.requests[0]?.decoded));
      expect(got[0]).toMatchObject({ kind: 'schema', type: 'scope.v1.EchoRequest' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
