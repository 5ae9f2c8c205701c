import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchema } from '../../src/grpc/schema-load.js';
import { compareWithType, guessMethod } from '../../src/grpc/schema-match.js';
import { GrpcSchema } from '../../src/grpc/schema.js';

const ECHO_PROTO = `
syntax = "proto3";
package acme.echo;
import "google/protobuf/timestamp.proto";
import "acme/common.proto";
service Echo {
  rpc Say (SayRequest) returns (SayReply);
  rpc Watch (SayRequest) returns (stream SayReply);
  rpc Upload (stream Chunk) returns (SayReply);
  rpc Chat (stream SayRequest) returns (stream SayReply);
}
message SayRequest { string text_value = 1; acme.common.Level level = 2; }
message SayReply { string text_value = 1; google.protobuf.Timestamp at = 2; int64 count = 3; bytes blob = 4; }
message Chunk { fixed64 offset = 1; repeated int32 sizes = 2; }
`;
const COMMON_PROTO = 'syntax = "proto3"; package acme.common; enum Level { LOW = 0; HIGH = 1; }';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'h2scope-schema-'));
  mkdirSync(join(dir, 'protos', 'acme'), { recursive: true });
  writeFileSync(join(dir, 'protos', 'acme', 'echo.proto'), ECHO_PROTO);
  writeFileSync(join(dir, 'protos', 'acme', 'common.proto'), COMMON_PROTO);
  writeFileSync(join(dir, 'broken.proto'), 'syntax = "proto3"; message {');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(): GrpcSchema {
  const r = loadSchema({
    protos: [join(dir, 'protos/acme/echo.proto')],
    protoPaths: [join(dir, 'protos')],
    descriptorSets: [],
  });
  if (!r.ok) throw new Error(r.error);
  return r.schema;
}

// Hand-encoded SayReply: 0a 02 "hi" (text_value), 18 07 (count = 7), 12 06 (at: Timestamp { seconds = 1700000000 })
const SAY_REPLY = Buffer.from('0a026869' + '1807' + '1206' + '08' + '80e2cfaa06', 'hex');

describe('loadSchema', () => {
  it('loads --proto files with --proto-path import roots and bundled google/protobuf imports', () => {
    const s = load();
    expect(s.methods().map((m) => [m.path, m.requestStream, m.responseStream])).toEqual([
      ['/acme.echo.Echo/Say', false, false],
      ['/acme.echo.Echo/Watch', false, true],
      ['/acme.echo.Echo/Upload', true, false],
      ['/acme.echo.Echo/Chat', true, true],
    ]);
  });

  it('reports a missing import root as an error value', () => {
    const r = loadSchema({
      protos: [join(dir, 'protos/acme/echo.proto')],
      protoPaths: [],
      descriptorSets: [],
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^cannot load \.proto files: .*common\.proto/);
  });

  it('reports a syntax error as an error value', () => {
    const r = loadSchema({ protos: [join(dir, 'broken.proto')], protoPaths: [], descriptorSets: [] });
    expect(r.ok).toBe(false);
  });

  it('loads a FileDescriptorSet', () => {
    const root = new protobuf.Root();
    protobuf.parse(COMMON_PROTO, root);
    protobuf.parse(
      ECHO_PROTO.replace(/import .*\n/g, '').replace('google.protobuf.Timestamp', 'int64'),
      root,
    );
    root.resolveAll();
    const file = join(dir, 'echo.pb');
    writeFileSync(file, descriptor.FileDescriptorSet.encode(root.toDescriptor('proto3')).finish());
    const r = loadSchema({ protos: [], protoPaths: [], descriptorSets: [file] });
    expect(r.ok && r.schema.resolveMethod('/acme.echo.Echo/Watch')?.responseStream).toBe(true);
    const missing = loadSchema({ protos: [], protoPaths: [], descriptorSets: [join(dir, 'nope.pb')] });
    expect(!missing.ok && missing.error).toMatch(/^cannot load descriptor set .*nope\.pb/);
  });
});

describe('GrpcSchema', () => {
  it('resolves /pkg.Service/Method to types and streaming flags', () => {
    const m = load().resolveMethod('/acme.echo.Echo/Upload');
    expect(m?.service).toBe('acme.echo.Echo');
    expect(m?.method).toBe('Upload');
    expect(m?.requestType.fullName).toBe('.acme.echo.Chunk');
    expect(m?.responseType.fullName).toBe('.acme.echo.SayReply');
    expect([m?.requestStream, m?.responseStream]).toEqual([true, false]);
  });

  it('returns null for unknown or malformed paths', () => {
    const s = load();
    for (const p of [
      '/acme.echo.Echo/Nope',
      '/acme.echo.Nope/Say',
      'acme.echo.Echo/Say',
      '/x',
      '/acme.echo.SayRequest/Say',
    ]) {
      expect(s.resolveMethod(p)).toBeNull();
    }
  });

  it('decodes to the proto3 JSON shape: camelCase names, int64 as string, enums by name, bytes base64', () => {
    const s = load();
    const reply = s.lookupType('acme.echo.SayReply');
    expect(reply).not.toBeNull();
    const withBlob = Buffer.concat([SAY_REPLY, Buffer.from('2202ff00', 'hex')]);
    expect(s.decode(reply!, withBlob)).toEqual({
      ok: true,
      type: 'acme.echo.SayReply',
      value: { textValue: 'hi', count: '7', at: '2023-11-14T22:13:20Z', blob: '/wA=' },
      unknownFields: [],
    });
    const req = s.lookupType('acme.echo.SayRequest');
    expect(s.decode(req!, Buffer.from('1001', 'hex'))).toMatchObject({ ok: true, value: { level: 'HIGH' } });
  });

  it('reports bytes that do not decode with the schema', () => {
    const s = load();
    // 0a 05 "hi": text_value with a length past the end
    expect(s.decode(s.lookupType('acme.echo.SayReply')!, Buffer.from('0a056869', 'hex'))).toEqual({
      ok: false,
      type: 'acme.echo.SayReply',
      reason: 'index out of range: 2 + 5 > 4',
    });
  });

  it('lists wire fields the type does not define', () => {
    const s = load();
    // 48 01 = field 9 varint: not in SayRequest
    expect(s.decode(s.lookupType('acme.echo.SayRequest')!, Buffer.from('0a01614801', 'hex'))).toMatchObject({
      ok: true,
      value: { textValue: 'a' },
      unknownFields: [9],
    });
  });
});

describe('compareWithType / guessMethod', () => {
  it('scores known, unknown and mismatched fields', () => {
    const s = load();
    const reply = s.lookupType('acme.echo.SayReply')!;
    expect(compareWithType(reply, SAY_REPLY)).toEqual({
      score: 3,
      unknownFields: [],
      mismatchedFields: [],
      parsed: true,
    });
    // 08 01: field 1 as varint where SayReply.text_value is a string; 50 01: field 10 unknown
    expect(compareWithType(reply, Buffer.from('08015001', 'hex'))).toEqual({
      score: -3,
      unknownFields: [10],
      mismatchedFields: [1],
      parsed: true,
    });
    // Chunk.sizes is repeated int32: packed (LEN) and unpacked (VARINT) both fit
    const chunk = s.lookupType('acme.echo.Chunk')!;
    expect(compareWithType(chunk, Buffer.from('1202010210 03'.replace(' ', ''), 'hex')).score).toBe(2);
  });

  it('picks the method whose types fit the messages of a mid-call capture', () => {
    const s = load();
    // request: Chunk { offset (fixed64) = 1 } → 09 + 8 bytes; response: SayReply
    const guess = guessMethod(s.methods(), [
      { direction: 'request', bytes: Buffer.from('090100000000000000', 'hex') },
      { direction: 'response', bytes: SAY_REPLY },
    ]);
    expect(guess?.method.path).toBe('/acme.echo.Echo/Upload');
    expect(guess?.score).toBe(4);
    expect(guess?.tied).toEqual([]);
  });

  it('says when several methods fit equally', () => {
    const s = load();
    // Every method returns SayReply: a response alone cannot tell them apart
    const guess = guessMethod(s.methods(), [{ direction: 'response', bytes: SAY_REPLY }]);
    expect(guess?.method.path).toBe('/acme.echo.Echo/Say');
    expect(guess?.score).toBe(3);
    expect(guess?.tied).toEqual(['/acme.echo.Echo/Watch', '/acme.echo.Echo/Upload', '/acme.echo.Echo/Chat']);
  });

  it('returns null when nothing fits', () => {
    expect(
      guessMethod(load().methods(), [{ direction: 'request', bytes: Buffer.from('ffff', 'hex') }]),
    ).toBeNull();
    expect(guessMethod([], [])).toBeNull();
  });
});
