import { describe, expect, it } from 'vitest';
import { decodeRaw } from '../../src/grpc/protobuf-raw.js';
import { cEscape, renderDecodeRaw } from '../../src/grpc/protobuf-raw-text.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function text(s: string): string {
  const r = decodeRaw(hex(s));
  if (!r.ok) throw new Error(`unexpected failure ${r.error}`);
  return renderDecodeRaw(r.fields);
}

// Byte strings and expected `protoc --decode_raw` output derived by hand from the protobuf encoding spec
// (protobuf.dev/programming-guides/encoding): tag = field << 3 | wire type.
describe('decodeRaw + renderDecodeRaw', () => {
  it('varint: 08 96 01 is "1: 150" (the spec example)', () => {
    expect(decodeRaw(hex('089601'))).toEqual({
      ok: true,
      fields: [{ field: 1, wire: 'varint', value: 150 }],
    });
    expect(text('089601')).toBe('1: 150\n');
  });

  it('string: 12 07 "testing" (the spec example)', () => {
    expect(decodeRaw(hex('12 07 74657374696e67'))).toEqual({
      ok: true,
      fields: [{ field: 2, wire: 'len', value: { kind: 'string', text: 'testing' } }],
    });
    expect(text('12 07 74657374696e67')).toBe('2: "testing"\n');
  });

  it('embedded message: 1a 03 08 96 01 (the spec example)', () => {
    expect(text('1a03089601')).toBe('3 {\n  1: 150\n}\n');
  });

  it('fixed32 and fixed64 as zero-padded hex, with float/double views', () => {
    // 0d = field 1 I32; 11 = field 2 I64 holding the double 1.0 (0x3ff0000000000000 little-endian)
    const r = decodeRaw(hex('0d 01000000 11 000000000000f03f'));
    expect(r).toEqual({
      ok: true,
      fields: [
        { field: 1, wire: 'i32', value: { hex: '0x00000001', float: 1.401298464324817e-45 } },
        { field: 2, wire: 'i64', value: { hex: '0x3ff0000000000000', float: 1 } },
      ],
    });
    expect(text('0d 01000000 11 000000000000f03f')).toBe('1: 0x00000001\n2: 0x3ff0000000000000\n');
  });

  it('keeps NaN as a string so JSON does not lose it', () => {
    const r = decodeRaw(hex('0d 0000c07f'));
    expect(r.ok && r.fields[0]).toEqual({
      field: 1,
      wire: 'i32',
      value: { hex: '0x7fc00000', float: 'NaN' },
    });
  });

  it('groups: 1b (SGROUP 3) 08 01 1c (EGROUP 3)', () => {
    expect(decodeRaw(hex('1b 0801 1c'))).toEqual({
      ok: true,
      fields: [{ field: 3, wire: 'sgroup', value: [{ field: 1, wire: 'varint', value: 1 }] }],
    });
    expect(text('1b 0801 1c')).toBe('3 {\n  1: 1\n}\n');
  });

  it('packed varints become bytes with candidates', () => {
    // 22 03 01 02 03: field 4 LEN; "01" is field 0 so it is not a message; not printable either.
    expect(decodeRaw(hex('2203010203'))).toEqual({
      ok: true,
      fields: [{ field: 4, wire: 'len', value: { kind: 'bytes', hex: '010203', packedVarints: [1, 2, 3] } }],
    });
    expect(text('2203010203')).toBe('4: "\\001\\002\\003"\n');
  });

  it('varints beyond 2^53 are decimal strings', () => {
    expect(decodeRaw(hex('08 ffffffffffffff0f'))).toMatchObject({ fields: [{ value: 9007199254740991 }] });
    expect(decodeRaw(hex('08 80808080808080 10'))).toMatchObject({ fields: [{ value: '9007199254740992' }] });
    // int32 -1 is sent sign-extended to 10 bytes: 2^64 - 1
    expect(decodeRaw(hex('08 ffffffffffffffffff01'))).toMatchObject({
      fields: [{ value: '18446744073709551615' }],
    });
    expect(text('08 ffffffffffffffffff01')).toBe('1: 18446744073709551615\n');
  });

  it('C-escapes like protoc: named escapes, octal for the rest (UTF-8 too)', () => {
    // 0a 02 c3 a9: "é" does not parse as a message (c3 a9 is an unterminated varint), is printable UTF-8
    expect(decodeRaw(hex('0a02c3a9'))).toMatchObject({ fields: [{ value: { kind: 'string', text: 'é' } }] });
    expect(text('0a02c3a9')).toBe('1: "\\303\\251"\n');
    // 0a 04 22 5c 0a ff: 22 is field 4 LEN whose length 0x5c overruns, so not a message; ff is not UTF-8
    expect(text('0a04225c0aff')).toBe('1: "\\"\\\\\\n\\377"\n');
    expect(cEscape(Buffer.from("\t\r'"))).toBe("\\t\\r\\'");
  });

  it('long fields: text only when every byte is printable, wherever a control or non-ASCII byte sits', () => {
    // 'l' (0x6c) starts no valid tag at the top (EGROUP 13), so a field of these is never a message.
    const field = (body: Buffer): { kind: string; text?: string } => {
      const r = decodeRaw(Buffer.concat([Buffer.from([0x0a, body.length]), body]));
      return r.fields[0]!.value as { kind: string; text?: string };
    };
    const base = 'lmnopqrstuvwxyz0123456789 abcdefghijk\tlmnopqrstuvwxyz\r\n0123456789';
    expect(field(Buffer.from(base))).toEqual({ kind: 'string', text: base });
    // Past the bytes checked one by one, a control, DEL or C1 character still makes it bytes.
    for (const bad of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b'])
      expect(field(Buffer.from(base + bad + 'xyz')).kind).toBe('bytes');
    // Non-ASCII UTF-8 there is text; invalid UTF-8 (a lone continuation byte) is not.
    expect(field(Buffer.from(base + 'é€😀'))).toEqual({ kind: 'string', text: base + 'é€😀' });
    expect(field(Buffer.concat([Buffer.from(base), Buffer.from([0x80])])).kind).toBe('bytes');
  });

  it('empty LEN is an empty string', () => {
    expect(text('0a00')).toBe('1: ""\n');
  });

  it('prefers the message reading when the bytes parse fully, as protoc does', () => {
    // "hi" = 68 69 = field 13 VARINT 105
    expect(text('0a026869')).toBe('1 {\n  13: 105\n}\n');
  });

  it('stops guessing nested messages at maxDepth', () => {
    // 0a 04 (0a 02 (08 01)): two levels of nesting
    const b = hex('0a040a020801');
    expect(renderDecodeRaw(decodeRaw(b).fields)).toBe('1 {\n  1 {\n    1: 1\n  }\n}\n');
    const shallow = decodeRaw(b, { maxDepth: 1 });
    expect(shallow.ok && renderDecodeRaw(shallow.fields)).toBe('1 {\n  1: "\\010\\001"\n}\n');
  });
});

describe('decodeRaw: text or bytes', () => {
  it.each([
    ['printable ASCII with tab', '12 03 610962', { kind: 'string', text: 'a\tb' }],
    ['DEL is a control', '12 02 617f', { kind: 'bytes', hex: '617f', packedVarints: [97, 127] }],
    ['UTF-8 after ASCII', '12 03 c3a978', { kind: 'string', text: '\u00e9x' }],
    // c2 85 is U+0085 (NEL), a C1 control
    ['a C1 control in UTF-8', '12 02 c285', { kind: 'bytes', hex: 'c285' }],
    ['invalid UTF-8', '12 02 c328', { kind: 'bytes', hex: 'c328', packedVarints: [0x43 + (0x28 << 7)] }],
    ['NUL first, then text', '12 03 006869', { kind: 'bytes', hex: '006869', packedVarints: [0, 104, 105] }],
  ])('%s', (_name, bytes, value) => {
    expect(decodeRaw(hex(bytes))).toEqual({ ok: true, fields: [{ field: 2, wire: 'len', value }] });
  });
});

describe('decodeRaw: the work budget of nested-message guesses', () => {
  // "08 01" repeated: a valid message (field 1 = 1, again and again) of 2n bytes.
  const ones = (n: number): Buffer => Buffer.from('0801'.repeat(n), 'hex');
  const len = (field: number, body: Buffer): Buffer =>
    Buffer.concat([Buffer.from([(field << 3) | 2]), varint(body.length), body]);
  // workFactor 0: the budget is the fixed 4096 bytes. Field 2 holds a 200-byte message; whether it is
  // read as one depends on what the guess about field 1 (2,004 bytes, not a message: it ends in 00,
  // field number 0) spent before it failed.
  const field2Kind = (field1: Buffer): string => {
    const r = decodeRaw(Buffer.concat([len(1, field1), len(2, ones(100))]), { workFactor: 0 });
    const f = r.fields[1];
    return f?.wire === 'len' ? f.value.kind : 'missing';
  };

  it("a failed guess that passed a LEN field spent that field's guess too", () => {
    // field 1 = (1: <2,000-byte message>) 00: guessing it spends 2,004 bytes, then 2,000 for the inner
    // message before the 00 fails it; 92 bytes are left, too few for field 2's 200.
    expect(field2Kind(Buffer.concat([len(1, ones(1000)), Buffer.from([0])]))).toBe('bytes');
  });

  it('a guess that failed before any LEN field spent only its own length', () => {
    // 2,004 bytes that fail at once (00, field number 0): 2,092 bytes left, enough for field 2.
    expect(field2Kind(Buffer.alloc(2004))).toBe('message');
  });
});

describe('decodeRaw on malformed input', () => {
  it.each([
    ['08', 'truncated varint', 1, true],
    ['0f', 'invalid wire type 7', 0, false],
    ['00', 'field number 0', 0, false],
    ['0c', 'unexpected end-group for field 1', 0, false],
    ['12 05 61', 'length beyond the end', 1, true],
    ['0d 0100', 'truncated i32', 1, true],
    ['1b 0801', 'group 3 not ended', 3, true],
    ['1b 0801 24', 'unexpected end-group for field 4', 3, false],
    ['08 ffffffffffffffffffff01', 'varint too long', 1, false],
    ['80', 'truncated tag', 0, true],
  ])('%s: %s', (bytes, error, offset, truncated) => {
    const r = decodeRaw(hex(bytes));
    expect(r).toMatchObject({ ok: false, error, offset, truncated });
  });

  it('keeps the fields parsed before the error', () => {
    expect(decodeRaw(hex('0801 10'))).toEqual({
      ok: false,
      fields: [{ field: 1, wire: 'varint', value: 1 }],
      error: 'truncated varint',
      offset: 3,
      truncated: true,
    });
  });

  it('never throws on pseudo-random bytes and always renders', () => {
    // xorshift32 with a fixed seed: deterministic
    let x = 0x9e3779b9;
    const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
    let parsed = 0;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(next() % 64);
      for (let j = 0; j < b.length; j++) b[j] = next() & 0xff;
      const r = decodeRaw(b);
      if (r.ok) parsed++;
      expect(typeof renderDecodeRaw(r.fields)).toBe('string');
    }
    expect(parsed).toBeGreaterThan(0);
  });

  it('bounds work on deeply nested input', () => {
    // 200 levels of "0a <len>" nesting: deeper than maxDepth 100, must not fail or recurse without bound
    let b = Buffer.from('0801', 'hex');
    for (let i = 0; i < 200; i++) b = Buffer.concat([Buffer.from([0x0a]), varint(b.length), b]);
    const r = decodeRaw(b);
    expect(r.ok).toBe(true);
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
