// Schemas from the capture: samples/grpc-reflection.pcap (scripts/samples/grpc/scenarios/grpc-reflection.ts)
// is a grpc-js server with @grpc/reflection answering a grpc-js reflection client, with Lab calls before
// and after on the same connection.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import descriptor from 'protobufjs/ext/descriptor.js';
import { decodeReflectionResponse, fileDescriptorSet } from '../../src/grpc/reflection-response.js';
import { MAX_REFLECTED_BYTES, ReflectedSchema } from '../../src/grpc/reflection-schema.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLE = 'samples/grpc-reflection.pcap';
const meta = JSON.parse(readFileSync('samples/grpc-reflection.meta.json', 'utf8')) as {
  expect: {
    calls: { method: string; requests: { json?: unknown }[]; responses: { json?: unknown }[] }[];
    reflection: { method: string; services: string[]; files: { name: string }[] }[];
  };
};

/** protobufjs toObject names (meta.json, keepCase) to proto3 JSON names (lowerCamelCase). */
function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camel(x)]),
  );
}

describe('schema from gRPC server reflection', () => {
  it('decodes every call after the reflection response with the reflected schema', async () => {
    const doc = await decodeFile(SAMPLE);
    const calls = doc.connections.flatMap((c) => c.calls).sort((a, b) => a.stream - b.stream);
    expect(calls.map((c) => c.method)).toEqual(meta.expect.calls.map((c) => c.method));
    const after = calls.filter((c) => c.stream >= 9);
    expect(after).toHaveLength(5);
    for (const [i, call] of calls.entries()) {
      const expected = meta.expect.calls[i]!;
      if (call.stream < 9) {
        // Before the response (or the reflection calls themselves): schema-less, not marked.
        expect(call.schemaSource).toBeUndefined();
        for (const m of [...call.requests, ...call.responses]) expect(m.decoded.kind).toBe('raw');
        continue;
      }
      expect(call.schemaSource).toBe('reflection');
      expect(call.kindInferred).toBe(false);
      expect(call.requests.map((m) => m.decoded)).toEqual(
        expected.requests.map((m) => expect.objectContaining({ kind: 'schema', value: camel(m.json) })),
      );
      expect(call.responses.map((m) => m.decoded)).toEqual(
        expected.responses.map((m) => expect.objectContaining({ kind: 'schema', value: camel(m.json) })),
      );
    }
  });

  it('says where the schema came from, and how many calls came too early for it', async () => {
    const doc = await decodeFile(SAMPLE);
    const learned = doc.diagnostics.filter((d) => d.code === 'grpc.schema-from-reflection');
    // The v1alpha call sends the same file again: one diagnostic, at the v1 call's response (stream 5).
    expect(learned).toHaveLength(1);
    expect(learned[0]!.stream).toBe(5);
    expect(learned[0]!.evidence).toMatchObject({
      method: meta.expect.reflection[0]!.method,
      files: `1 FileDescriptorProto (${meta.expect.reflection[0]!.files[0]!.name})`,
      services: `services ${meta.expect.reflection[0]!.services.join(', ')}`,
    });
    const late = doc.diagnostics.filter((d) => d.code === 'grpc.reflection-schema-late');
    expect(late.map((d) => d.evidence)).toEqual([{ count: 2, methods: '/scope.v1.Lab/Echo' }]);
  });

  it('learns the schema with --payload none too (the summary pass)', async () => {
    const doc = await decodeFile(SAMPLE, { payload: 'none' });
    expect(doc.diagnostics.map((d) => d.code)).toContain('grpc.schema-from-reflection');
    const echo = doc.connections[0]!.calls.find((c) => c.stream === 9)!;
    expect(echo.schemaSource).toBe('reflection');
    expect(echo.kind).toBe('unary');
  });

  it('leaves methods a --proto schema has to it', async () => {
    const doc = await decodeFile(SAMPLE, { protos: ['scripts/samples/protos/scope.proto'] });
    const lab = doc.connections[0]!.calls.filter((c) => c.method?.startsWith('/scope.v1.Lab/'));
    expect(lab).toHaveLength(7);
    for (const call of lab) expect(call.schemaSource).toBeUndefined();
  });

  it('a capture without reflection calls learns nothing', async () => {
    const doc = await decodeFile('samples/grpc-js-unary.pcap');
    expect(doc.diagnostics.filter((d) => d.code.includes('reflection'))).toEqual([]);
    for (const call of doc.connections[0]!.calls) expect(call.schemaSource).toBeUndefined();
  });
});

describe('decodeReflectionResponse', () => {
  it('reads list_services and file_descriptor_response, and says when bytes are malformed', () => {
    // ServerReflectionResponse { list_services_response (6) { service (1) { name (1) "a.B" } } }
    const services = Uint8Array.from([0x32, 7, 0x0a, 5, 0x0a, 3, 0x61, 0x2e, 0x42]);
    expect(decodeReflectionResponse(services)).toEqual({
      files: [],
      services: ['a.B'],
      serverError: null,
      error: null,
    });
    // { valid_host (1) "h", file_descriptor_response (4) { file_descriptor_proto (1) 0x0a 0x01 0x78 } }
    const files = Uint8Array.from([0x0a, 1, 0x68, 0x22, 5, 0x0a, 3, 0x0a, 1, 0x78]);
    expect(decodeReflectionResponse(files).files).toEqual([Uint8Array.from([0x0a, 1, 0x78])]);
    // error_response (7) { error_code (1) 5, error_message (2) "no" }
    const error = Uint8Array.from([0x3a, 6, 0x08, 5, 0x12, 2, 0x6e, 0x6f]);
    expect(decodeReflectionResponse(error).serverError).toBe('no');
    expect(decodeReflectionResponse(Uint8Array.from([0x22, 9, 1])).error).toMatch(/bad length/);
  });

  it('wraps files as a FileDescriptorSet', () => {
    const big = new Uint8Array(200).fill(7);
    const set = fileDescriptorSet([Uint8Array.from([1, 2]), big]);
    expect([...set.subarray(0, 4)]).toEqual([0x0a, 2, 1, 2]);
    expect([...set.subarray(4, 7)]).toEqual([0x0a, 0xc8, 0x01]);
    expect(set.length).toBe(4 + 3 + 200);
  });
});

describe('ReflectedSchema.learn', () => {
  const encodeFile = (file: object): Uint8Array =>
    descriptor.FileDescriptorProto.encode(descriptor.FileDescriptorProto.fromObject(file)).finish();
  /** A ServerReflectionResponse carrying these files (field 4, FileDescriptorResponse). */
  const response = (...files: Uint8Array[]): Uint8Array => {
    const inner = Buffer.from(fileDescriptorSet(files)); // repeated field 1 bytes: the same layout
    return Uint8Array.from([...lengthDelimited(4, inner)]);
  };
  const lengthDelimited = (field: number, bytes: Uint8Array): Buffer => {
    const len: number[] = [];
    let n = bytes.length;
    while (n >= 0x80) {
      len.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    len.push(n);
    return Buffer.concat([Buffer.from([(field << 3) | 2, ...len]), bytes]);
  };
  const METHOD = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';
  const uses = encodeFile({
    name: 'a.proto',
    package: 'p',
    dependency: ['b.proto'],
    messageType: [
      { name: 'M', field: [{ name: 'x', number: 1, label: 1, type: 11, typeName: '.q.Missing' }] },
    ],
    service: [{ name: 'S', method: [{ name: 'Get', inputType: '.p.M', outputType: '.p.M' }] }],
  });
  const defines = encodeFile({ name: 'b.proto', package: 'q', messageType: [{ name: 'Missing' }] });

  it('waits for a dependency, says so once, then builds the schema', () => {
    const schema = new ReflectedSchema();
    const first = schema.learn(response(uses), METHOD, { connection: 'c1', stream: 1 });
    expect(first.map((d) => d.code)).toEqual(['grpc.reflection-schema-unusable']);
    expect(first[0]!.evidence).toMatchObject({ method: METHOD, files: '1 FileDescriptorProto (a.proto)' });
    expect(schema.schema).toBeNull();
    expect(schema.learn(response(uses), METHOD, {})).toEqual([]); // a file already kept adds nothing
    const second = schema.learn(response(defines), METHOD, {});
    expect(second.map((d) => [d.code, d.evidence?.['services']])).toEqual([
      ['grpc.schema-from-reflection', 'services p.S'],
    ]);
    expect(schema.resolve('/p.S/Get')?.requestType.fullName).toBe('.p.M');
  });

  it('keeps at most 16 MiB of files', () => {
    const schema = new ReflectedSchema();
    const big = encodeFile({ name: 'big.proto', package: 'big', messageType: [{ name: 'B' }] });
    const padded = Buffer.concat([big, lengthDelimited(99, Buffer.alloc(MAX_REFLECTED_BYTES))]);
    const out = schema.learn(response(defines, padded), METHOD, {});
    expect(out.map((d) => d.code)).toEqual([
      'grpc.reflection-schema-unusable',
      'grpc.schema-from-reflection',
    ]);
    expect(out[0]!.evidence?.['error']).toMatch(/^over the cap/);
    expect(schema.schema?.lookupType('q.Missing')).not.toBeNull();
    expect(schema.schema?.lookupType('big.B')).toBeNull();
  });

  it('never throws on bytes that are not a reflection response', () => {
    const schema = new ReflectedSchema();
    for (const bytes of [
      Uint8Array.from([0xff, 0xff]),
      Uint8Array.from([0x22, 3, 0x0a, 1, 0xff]),
      new Uint8Array(),
    ])
      expect(() => schema.learn(bytes, METHOD, {})).not.toThrow();
  });
});

// samples/grpc-reflection-gzip.pcap (scripts/samples/grpc/scenarios/grpc-reflection-gzip.ts): a grpcio server
// created with compression=Gzip; its FileDescriptorProto response is gzip-compressed on the wire.
describe('schema from a compressed reflection response', () => {
  it('inflates the response, learns the schema and decodes the later calls with it', async () => {
    const gzMeta = JSON.parse(readFileSync('samples/grpc-reflection-gzip.meta.json', 'utf8')) as typeof meta;
    const doc = await decodeFile('samples/grpc-reflection-gzip.pcap');
    const calls = doc.connections.flatMap((c) => c.calls).sort((a, b) => a.stream - b.stream);
    const reflection = calls.find(
      (c) => c.method === '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    )!;
    // The response that carries the file is the compressed one.
    expect(reflection.responses.map((m) => m.compressed)).toEqual([false, true]);
    const learned = doc.diagnostics.filter((d) => d.code === 'grpc.schema-from-reflection');
    expect(learned).toHaveLength(1);
    expect(learned[0]!.stream).toBe(reflection.stream);
    expect(learned[0]!.evidence).toMatchObject({ files: '1 FileDescriptorProto (scope_v1.proto)' });
    const after = calls.filter((c) => c.stream > reflection.stream);
    expect(after.map((c) => c.method)).toEqual(['/scope.v1.Lab/Echo', '/scope.v1.Lab/Watch']);
    for (const call of after) {
      expect(call.schemaSource).toBe('reflection');
      const expected = gzMeta.expect.calls.find((c, i) => c.method === call.method && i > 1)!;
      expect(call.responses.map((m) => m.decoded)).toEqual(
        expected.responses.map((m) => expect.objectContaining({ kind: 'schema', value: camel(m.json) })),
      );
    }
  });
});

// --reflection-first: the CLI reads samples/grpc-reflection.pcap once for the schema, then decodes it.
describe('--reflection-first', () => {
  it('decodes the calls before the reflection response too, and names them', async () => {
    const { runCliCaptured } = await import('../cli/run-cli.js');
    const r = await runCliCaptured([SAMPLE, '--reflection-first', '--format', 'json', '-q']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Awaited<ReturnType<typeof decodeFile>>;
    const calls = doc.connections.flatMap((c) => c.calls).sort((a, b) => a.stream - b.stream);
    for (const [i, call] of calls.entries()) {
      if (call.method?.startsWith('/grpc.reflection.')) continue;
      const expected = meta.expect.calls[i]!;
      expect(call.schemaSource).toBe('reflection');
      expect(call.requests.map((m) => m.decoded)).toEqual(
        expected.requests.map((m) => expect.objectContaining({ kind: 'schema', value: camel(m.json) })),
      );
    }
    const codes = doc.diagnostics.map((d) => d.code);
    expect(codes).not.toContain('grpc.reflection-schema-late');
    expect(codes.filter((c) => c === 'grpc.schema-from-reflection')).toHaveLength(1);
    const late = doc.diagnostics.find((d) => d.code === 'grpc.reflection-schema-first-pass')!;
    expect(late.evidence).toMatchObject({
      count: 2,
      calls: 'c1 stream 1 /scope.v1.Lab/Echo, c1 stream 3 /scope.v1.Lab/Echo',
    });
  });

  it('needs a file: stdin cannot be read twice', async () => {
    const { runCliCaptured } = await import('../cli/run-cli.js');
    const r = await runCliCaptured(['-', '--reflection-first']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reflection-first reads the capture twice');
  });
});
