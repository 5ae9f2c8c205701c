/**
 * writeJsonBytes (src/output/json-bytes.ts) must write the very bytes of jsonText (JSON.stringify, then
 * DEL and C1 escaped) in UTF-8: checked on values made to hit every rule (every kind of character, numbers
 * of every form, what JSON.stringify leaves out or turns into null, toJSON, class instances), on
 * generated values, and into tiny buffers so that every room() call starts a new one. The records of every
 * sample are checked through the ndjson writer in test/cli/json-line.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { writtenText } from '../helpers/byte-out.js';
import { LazyHexBytes } from '../../src/grpc/raw-bytes.js';
import { writeJsonBytes } from '../../src/output/json-bytes.js';
import { writeNumber } from '../../src/output/json-number.js';
import { jsonText } from '../../src/output/json-text.js';

/** writeJsonBytes into buffers of `chunk` bytes, joined and decoded. */
function written(value: unknown, chunk = 1 << 16): string {
  return writtenText((o) => writeJsonBytes(o, value), chunk);
}

/** What the writer must give: jsonText's text (null for no text, as ndjson writes it). */
const expected = (value: unknown): string => jsonText(value) ?? 'null';

/** Deterministic generator (tests may not depend on chance). */
function prng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor(((s >>> 8) / (1 << 24)) * n);
  };
}

const NUMBERS = [
  0,
  -0,
  1,
  9,
  10,
  99,
  100,
  12345,
  2147483647,
  2147483648,
  -1,
  -2147483648,
  4294967295,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e-7,
  1.5e-7,
  123e-20,
  0.1,
  0.5,
  1796677063.771183,
  20.709,
  -0.001,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
  NaN,
  Infinity,
  -Infinity,
  5.837494567806667e199,
];

describe('writeJsonBytes', () => {
  it('writes strings as JSON.stringify and escapeC1 do, in UTF-8', () => {
    const texts = [
      '',
      'plain',
      'quote " backslash \\ slash /',
      '\b\f\n\r\t \u0000 \u0001 \u001f \u000b',
      'DEL \u007f C1 \u0080 \u0085 \u009b \u009f after \u00a0 \u00a9 \u00ff',
      'two bytes é ß, three € \u0800 \uffff, four 😀 \u{10ffff}',
      'lone \ud800 high, lone \udc00 low, reversed \udc00\ud800, at the end \ud83d',
      'x'.repeat(63) + '"',
      'y'.repeat(64) + '\u009b',
      'z'.repeat(200) + 'é' + 'z'.repeat(100) + '\ud800',
      'a'.repeat(5000),
      '\u0161'.repeat(70), // one byte in Latin-1 would read as 'a'
    ];
    for (const t of texts) {
      expect(written(t)).toBe(expected(t));
      expect(written({ [t]: t })).toBe(expected({ [t]: t }));
      expect(written([t], 8)).toBe(expected([t]));
    }
  });

  it('writes numbers as JSON.stringify does', () => {
    for (const n of NUMBERS) {
      expect(written(n)).toBe(expected(n));
      expect(written([n, -n])).toBe(expected([n, -n]));
    }
    const rnd = prng(7);
    const view = new DataView(new ArrayBuffer(8));
    const buf = new Uint8Array(40);
    for (let i = 0; i < 20000; i++) {
      view.setUint32(0, rnd(2 ** 32));
      view.setUint32(4, rnd(2 ** 32));
      const kinds = [
        view.getFloat64(0),
        view.getFloat32(0),
        rnd(2 ** 31),
        rnd(1000) / 1000,
        view.getInt32(0),
      ];
      for (const n of kinds) {
        if (Number.isFinite(n)) {
          const end = writeNumber(buf, 0, n);
          expect(Buffer.from(buf.subarray(0, end)).toString('latin1')).toBe(JSON.stringify(n));
        } else expect(written(n)).toBe('null');
      }
    }
  });

  it('leaves out, or writes null for, what JSON.stringify does', () => {
    const values: unknown[] = [
      undefined,
      () => 1,
      Symbol('s'),
      { a: undefined, b: () => 1, c: Symbol('s'), d: 1 },
      [undefined, () => 1, Symbol('s'), null],
      { nested: { deeper: [{}, [], { x: [[]] }] } },
      { 2: 'b', 1: 'a', z: 'z', 10: 'ten', a: 'a' }, // integer keys first, as JSON.stringify
      true,
      false,
      null,
      { t: true, f: false, n: null },
    ];
    for (const v of values) expect(written(v)).toBe(expected(v));
  });

  it('calls toJSON and writes class instances, null-prototype objects and boxed values as JSON.stringify', () => {
    class Point {
      x = 1;
      y = 'two';
      get z(): number {
        return 3; // on the prototype: not an own key, left out
      }
    }
    const bare = Object.assign(Object.create(null) as object, { k: 'v', n: 2 });
    const withAccessor = {};
    Object.defineProperty(withAccessor, 'hidden', { value: 1, enumerable: false });
    Object.defineProperty(withAccessor, 'shown', { get: () => 'got', enumerable: true });
    const values: unknown[] = [
      new Point(),
      bare,
      withAccessor,
      new Date(0),
      { when: new Date(86400000), toJSONless: 1 },
      { toJSON: () => ({ replaced: 'by toJSON \u009b' }) },
      [{ toJSON: () => undefined }],
      [new Number(3), new String('s\u0085'), new Boolean(false)],
      new Map([[1, 2]]),
      new Uint8Array([1, 2]),
    ];
    for (const v of values) expect(written(v)).toBe(expected(v));
  });

  it('writes lazy hex bytes from their bytes, with their other keys', () => {
    const bytes = new Uint8Array(300).map((_, i) => (i * 37) & 255);
    const lazy = new LazyHexBytes(bytes);
    lazy.packedVarints = [1, '18446744073709551615'];
    const value = {
      fields: [
        { field: 1, wire: 'len', value: lazy },
        { field: 2, value: new LazyHexBytes(bytes) },
      ],
    };
    for (const chunk of [7, 64, 1 << 16]) expect(written(value, chunk)).toBe(expected(value));
    // A key set to undefined is left out, as JSON.stringify leaves it out.
    const unset = new LazyHexBytes(bytes);
    (unset as unknown as Record<string, unknown>).packedVarints = undefined;
    expect(written(unset)).toBe(expected(unset));
  });

  it('writes generated values into buffers of every small size', () => {
    const rnd = prng(11);
    const chars = [
      'a',
      'Z',
      ' ',
      '"',
      '\\',
      '\n',
      '\u0000',
      '\u001f',
      '\u007f',
      '\u0085',
      '\u00e9',
      '€',
      '😀',
      '\ud800',
    ];
    const str = (): string => {
      let s = '';
      for (let n = rnd(12); n > 0; n--) s += rnd(3) === 0 ? chars[rnd(chars.length)]! : 'k'.repeat(rnd(90));
      return s;
    };
    const gen = (depth: number): unknown => {
      switch (rnd(depth > 3 ? 5 : 8)) {
        case 0:
          return str();
        case 1:
          return NUMBERS[rnd(NUMBERS.length)]! * (rnd(2) ? 1 : rnd(1000) / 7);
        case 2:
          return [null, true, false, undefined][rnd(4)];
        case 3:
          return rnd(2 ** 31);
        case 4:
          return rnd(1000) / 1000 + 1796677063;
        case 5:
        case 6: {
          const o: Record<string, unknown> = {};
          for (let n = rnd(6); n > 0; n--) o[str()] = gen(depth + 1);
          return o;
        }
        default:
          return Array.from({ length: rnd(6) }, () => gen(depth + 1));
      }
    };
    for (let i = 0; i < 3000; i++) {
      const v = gen(0);
      expect(written(v, 1 + rnd(40))).toBe(expected(v));
    }
  });

  it('throws on a BigInt as JSON.stringify does', () => {
    expect(() => written({ big: 1n })).toThrow(TypeError);
  });
});
