/**
 * The proto3 JSON mapping, field kind by field kind, against protobuf.dev/programming-guides/json
 * ("JSON Mapping" table, "Presence and default-values", "Well-known types") and the comments of
 * google/protobuf/{duration,timestamp,any,field_mask,struct,wrappers}.proto. Messages are encoded by
 * protobufjs from the types below; default-valued fields on the wire are hand-built bytes (encoding guide).
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeToJson } from '../../src/grpc/proto-json.js';

const SRC = `
syntax = "proto3";
package t;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/empty.proto";
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }
message Inner { int32 n = 1; }
message All {
  int32 i32 = 1; int64 i64 = 2; uint64 u64 = 3; sint64 s64 = 4; fixed64 f64 = 5; sfixed64 sf64 = 6;
  float fl = 7; double db = 8; bool b = 9; string s = 10; bytes by = 11; Color color = 12;
  repeated sint32 deltas = 13; map<int64, string> by_id = 14; map<bool, Inner> flags = 15;
  oneof pick { string note = 16; Inner inner = 17; }
  optional int32 maybe = 18; string snake_case_name = 19; int32 custom = 20 [json_name = "myName"];
  Inner msg = 21; repeated Color colors = 22;
}
message Wkt {
  google.protobuf.Duration d = 1; google.protobuf.Timestamp t = 2; google.protobuf.Int32Value w32 = 3;
  google.protobuf.Int64Value w64 = 4; google.protobuf.StringValue ws = 5; google.protobuf.Struct st = 6;
  google.protobuf.Value v = 7; google.protobuf.ListValue lv = 8; google.protobuf.FieldMask fm = 9;
  google.protobuf.Any any = 10; google.protobuf.Empty e = 11; google.protobuf.DoubleValue wd = 12;
  google.protobuf.BytesValue wb = 13; google.protobuf.BoolValue wbool = 14;
}`;

function root(): protobuf.Root {
  const r = new protobuf.Root();
  const parsed = protobuf.parse(SRC, r, { keepCase: false });
  for (const imp of parsed.imports ?? []) r.addJSON(protobuf.common.get(imp)!.nested!);
  r.resolveAll();
  return r;
}
const ROOT = root();
const All = ROOT.lookupType('t.All');
const Wkt = ROOT.lookupType('t.Wkt');
const json = (t: protobuf.Type, v: Record<string, unknown>): unknown => {
  const r = decodeToJson(t, t.encode(t.create(v)).finish());
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const hex = (t: protobuf.Type, h: string): unknown => decodeToJson(t, Buffer.from(h, 'hex'));

describe('proto3 JSON: scalars', () => {
  it('maps every scalar kind', () => {
    expect(
      json(All, {
        i32: -5,
        i64: '-9007199254740993',
        u64: '18446744073709551615',
        s64: '-2',
        f64: '9007199254740993',
        sf64: '-1',
        fl: 0.1,
        db: 2.5,
        b: true,
        s: 'é',
        by: Buffer.from([0xff, 0x00]),
      }),
    ).toEqual({
      i32: -5, // int32: JSON number
      i64: '-9007199254740993', // int64, uint64, sint64, fixed64, sfixed64: "JSON value will be a decimal string"
      u64: '18446744073709551615',
      s64: '-2',
      f64: '9007199254740993',
      sf64: '-1',
      fl: 0.1, // the shortest decimal that reads back as the same float32
      db: 2.5,
      b: true,
      s: 'é',
      by: '/wA=', // "standard base64 encoding with paddings"
    });
  });

  it('writes NaN and the infinities as strings', () => {
    expect(json(All, { db: NaN, fl: Infinity })).toEqual({ db: 'NaN', fl: 'Infinity' });
    expect(json(All, { db: -Infinity })).toEqual({ db: '-Infinity' });
  });
});

describe('proto3 JSON: presence and names', () => {
  it('omits implicit-presence fields sent with their default value', () => {
    // 08 00 (i32 = 0), 52 00 (s = ""), 48 00 (b = false), 60 00 (color = 0): all on the wire, all default
    expect(hex(All, '08005200480060 00'.replace(/ /g, ''))).toEqual({ ok: true, value: {} });
  });

  it('keeps -0.0, which is not the default (its bits differ)', () => {
    // 41 = field 8 fixed64: 0x8000000000000000 little-endian is -0.0
    const r = hex(All, '410000000000000080') as { value: { db: number } };
    expect(Object.is(r.value.db, -0)).toBe(true);
  });

  it('shows explicit-presence fields when set, even to their default', () => {
    // 90 01 00: field 18 (proto3 optional) = 0; 8a 01 00: field 17 oneof Inner {}; aa 01 00: msg Inner {}
    expect(hex(All, '900100')).toEqual({ ok: true, value: { maybe: 0 } });
    expect(hex(All, '8a0100')).toEqual({ ok: true, value: { inner: {} } });
    expect(hex(All, 'aa0100')).toEqual({ ok: true, value: { msg: {} } });
  });

  it('names fields by their JSON name: lowerCamelCase or json_name', () => {
    expect(json(All, { snakeCaseName: 'x', custom: 3 })).toEqual({ snakeCaseName: 'x', myName: 3 });
  });

  it('uses JSON names for schemas loaded from a descriptor set (snake_case field names)', async () => {
    await import('protobufjs/ext/descriptor/index.js');
    const fromSet = (
      protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }
    ).fromDescriptor((ROOT as unknown as { toDescriptor(s: string): unknown }).toDescriptor('proto3'));
    const t = fromSet.lookupType('t.All');
    const r = decodeToJson(t, All.encode(All.create({ snakeCaseName: 'x', custom: 3 })).finish());
    expect(r).toEqual({ ok: true, value: { snakeCaseName: 'x', myName: 3 } });
  });
});

describe('proto3 JSON: enums, repeated, maps, oneof', () => {
  it('writes enums by name, and unknown numbers as numbers', () => {
    // b0 01 02 01 07: colors packed [1, 7]
    expect(hex(All, '60 01 b2 01 02 01 07'.replace(/ /g, ''))).toEqual({
      ok: true,
      value: { color: 'RED', colors: ['RED', 7] },
    });
  });

  it('writes repeated fields as arrays and maps as objects with string keys', () => {
    expect(
      json(All, {
        deltas: [-1, 0, 2],
        byId: { [protobuf.util.longToHash(-3)]: 'a' },
        flags: { true: { n: 1 } },
      }),
    ).toEqual({ deltas: [-1, 0, 2], byId: { '-3': 'a' }, flags: { true: { n: 1 } } });
  });

  it('shows only the set member of a oneof', () => {
    expect(json(All, { note: 'n' })).toEqual({ note: 'n' });
  });
});

describe('proto3 JSON: well-known types', () => {
  it('Duration: seconds with 0, 3, 6 or 9 fractional digits and "s"', () => {
    expect(json(Wkt, { d: { seconds: 1, nanos: 500_000_000 } })).toEqual({ d: '1.500s' });
    expect(json(Wkt, { d: { seconds: -1, nanos: -500_000_000 } })).toEqual({ d: '-1.500s' });
    expect(json(Wkt, { d: { seconds: 0, nanos: -1000 } })).toEqual({ d: '-0.000001s' });
    expect(json(Wkt, { d: { seconds: 0, nanos: 1 } })).toEqual({ d: '0.000000001s' });
    expect(json(Wkt, { d: {} })).toEqual({ d: '0s' });
    // nanos of the other sign than seconds: no JSON form, shown as the message
    expect(json(Wkt, { d: { seconds: 1, nanos: -1 } })).toEqual({ d: { seconds: '1', nanos: -1 } });
  });

  it('Timestamp: RFC 3339, Z-normalized', () => {
    const t = { seconds: 1_795_211_429, nanos: 123_000_000 };
    expect(json(Wkt, { t })).toEqual({ t: '2026-11-20T21:50:29.123Z' });
    expect(json(Wkt, { t: {} })).toEqual({ t: '1970-01-01T00:00:00Z' });
    expect(json(Wkt, { t: { seconds: -62_135_596_800 } })).toEqual({ t: '0001-01-01T00:00:00Z' });
  });

  it('wrappers: the bare value, defaults included (the wrapper is present)', () => {
    expect(json(Wkt, { w32: {}, w64: { value: 5 }, ws: { value: 'x' }, wd: { value: NaN } })).toEqual({
      w32: 0,
      w64: '5',
      ws: 'x',
      wd: 'NaN',
    });
    expect(json(Wkt, { wb: { value: Buffer.from('hi') }, wbool: {} })).toEqual({ wb: 'aGk=', wbool: false });
  });

  it('Struct, Value, ListValue: plain JSON; NullValue is null', () => {
    const st = {
      fields: {
        a: { numberValue: 1.5 },
        b: { listValue: { values: [{ stringValue: 's' }, { boolValue: true }, { nullValue: 0 }] } },
        c: { structValue: { fields: {} } },
      },
    };
    expect(json(Wkt, { st, v: { nullValue: 0 }, lv: { values: [] } })).toEqual({
      st: { a: 1.5, b: ['s', true, null], c: {} },
      v: null,
      lv: [],
    });
  });

  it('FieldMask: paths in lowerCamelCase, comma-joined; Empty: {}', () => {
    expect(json(Wkt, { fm: { paths: ['user.display_name', 'photo'] }, e: {} })).toEqual({
      fm: 'user.displayName,photo',
      e: {},
    });
  });

  it('Any: @type with the fields, or with "value" around a well-known type, or packed when unknown', () => {
    const inner = ROOT.lookupType('t.Inner').encode({ n: 7 }).finish();
    const dur = ROOT.lookupType('google.protobuf.Duration').encode({ seconds: 2 }).finish();
    const any = (typeUrl: string, value: Uint8Array): unknown =>
      json(Wkt, { any: { type_url: typeUrl, value } });
    expect(any('type.googleapis.com/t.Inner', inner)).toEqual({
      any: { '@type': 'type.googleapis.com/t.Inner', n: 7 },
    });
    expect(any('type.googleapis.com/google.protobuf.Duration', dur)).toEqual({
      any: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' },
    });
    expect(any('type.googleapis.com/x.Unknown', Buffer.from([8, 1]))).toEqual({
      any: { '@type': 'type.googleapis.com/x.Unknown', value: 'CAE=' },
    });
  });
});

describe('decodeToJson', () => {
  it('reports bytes that do not decode', () => {
    // 0a 05 68 69: field 1... of Inner is varint; a LEN tag 0a with 5 bytes announced and 2 present
    expect(hex(ROOT.lookupType('t.Inner'), '0a056869')).toEqual({
      ok: false,
      reason: 'index out of range: 2 + 5 > 4',
    });
  });
});
