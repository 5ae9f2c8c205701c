/**
 * Schema-less messages written as JSON straight from their bytes (src/output/raw-json.ts) must be the very
 * text JSON.stringify gives of decodeRaw's fields: checked on every schema-less message of every sample, on
 * generated messages full of what JSON escapes or the text rule rejects, and on random bytes; and whole
 * ndjson call lines (OutputStream.jsonLine) against the JSON.stringify path, escapes included.
 */
import { readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writtenText } from '../helpers/byte-out.js';
import { OutputStream } from '../../src/cli/output-stream.js';
import { decodeRaw, parsesAsProtobuf } from '../../src/grpc/protobuf-raw.js';
import { LazyRawMessage } from '../../src/grpc/raw-message.js';
import { jsonText } from '../../src/output/json-text.js';
import { ndjsonSink } from '../../src/output/ndjson.js';
import { writeRawMessage } from '../../src/output/raw-json.js';
import type { CallRecord } from '../../src/records/call.js';
import { decodeFile } from '../helpers/decode.js';

const CAPTURES = readdirSync('samples').filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f));

/** writeRawMessage into buffers of `chunk` bytes, joined. */
function written(bytes: Uint8Array, chunk = 1 << 16): string {
  return writtenText((o) => writeRawMessage(bytes, o), chunk);
}

function expected(bytes: Uint8Array): string {
  const r = decodeRaw(bytes);
  expect(r.ok).toBe(true);
  return JSON.stringify({ kind: 'raw', fields: r.fields });
}

function callsOf(doc: Awaited<ReturnType<typeof decodeFile>>): CallRecord[] {
  return doc.connections.flatMap((c) => (c as { calls?: CallRecord[] }).calls ?? []);
}

/** Deterministic generator (tests may not depend on chance). */
function prng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Text pieces JSON escapes or the text rule rejects: quotes, backslashes, tab/LF/CR, C0, DEL, C1, UTF-8. */
const PIECES = [
  'a',
  'xyz ',
  '"',
  '\\',
  '\t',
  '\n',
  '\r',
  '\u0001',
  '\u007f',
  '\u0085',
  '\u009b',
  'é',
  '€',
  '😀',
  '\u2028',
];

function text(rnd: (n: number) => number): Buffer {
  let s = '';
  const n = rnd(40);
  for (let i = 0; i < n; i++) s += PIECES[rnd(PIECES.length)]!;
  // Sometimes invalid UTF-8 (a lone continuation byte, a truncated sequence).
  const b = Buffer.from(s, 'utf8');
  return rnd(8) === 0 ? Buffer.concat([b, Buffer.from([rnd(2) === 0 ? 0x80 : 0xe2])]) : b;
}

function message(rnd: (n: number) => number, depth: number): Buffer {
  const parts: Buffer[] = [];
  const count = rnd(6);
  for (let i = 0; i < count; i++) {
    const field = 1 + (rnd(4) === 0 ? rnd(1 << 20) : rnd(20));
    const kind = rnd(depth > 3 ? 5 : 7);
    const tag = (wire: number): number[] => varint(field * 8 + wire);
    if (kind === 0) {
      // Varints up to 2^64 - 1 (decimal strings past 2^53).
      const v =
        rnd(3) === 0 ? [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] : varint(rnd(1 << 30));
      parts.push(Buffer.from([...tag(0), ...v]));
    } else if (kind === 1 || kind === 2) {
      // i64 / i32 of random bits: NaN, infinities, -0 and denormals among them.
      const size = kind === 1 ? 8 : 4;
      const special = [0x7f, 0xff, 0x80, 0x00][rnd(4)]!;
      const v = Array.from({ length: size }, (_, j) => (j === size - 1 && rnd(2) === 0 ? special : rnd(256)));
      parts.push(Buffer.from([...tag(kind === 1 ? 1 : 5), ...v]));
    } else if (kind === 3) {
      const t = text(rnd);
      parts.push(Buffer.from([...tag(2), ...varint(t.length)]), t);
    } else if (kind === 4) {
      // Bytes: short, long (lazy hex), or packed varints.
      const n = [3, 40, 300][rnd(3)]!;
      const v = Buffer.from(Array.from({ length: n }, () => (rnd(2) === 0 ? rnd(128) : rnd(256))));
      parts.push(Buffer.from([...tag(2), ...varint(n)]), v);
    } else if (kind === 5) {
      const inner = message(rnd, depth + 1);
      parts.push(Buffer.from([...tag(2), ...varint(inner.length)]), inner);
    } else {
      parts.push(Buffer.from(tag(3)), message(rnd, depth + 1), Buffer.from(tag(4)));
    }
  }
  return Buffer.concat(parts);
}

describe('raw-json: writeRawMessage is JSON.stringify of decodeRaw', () => {
  it.each(CAPTURES)('%s: every schema-less message', async (name) => {
    const doc = await decodeFile(`samples/${name}`);
    for (const call of callsOf(doc))
      for (const m of [...call.requests, ...call.responses]) {
        if (!(m.decoded instanceof LazyRawMessage)) continue;
        const bytes = m.decoded.bytes;
        if (bytes === null) continue;
        expect(written(bytes, 64)).toBe(expected(bytes));
        // And the lazy record reads as the decode would have built it.
        expect(JSON.stringify(m.decoded)).toBe(expected(bytes));
      }
  });

  it('generated messages: strings with escapes, C1, DEL, UTF-8, nested, groups, floats, big varints', () => {
    const rnd = prng(13);
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = message(rnd, 0);
      if (bytes.length === 0 || !parsesAsProtobuf(bytes)) continue;
      expect(written(bytes, 1 + rnd(200))).toBe(expected(bytes));
      compared++;
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('random bytes that happen to parse, and text read as protobuf (the guesses and their budget)', () => {
    const rnd = prng(7);
    let compared = 0;
    for (let i = 0; i < 20000; i++) {
      const n = 1 + rnd(64);
      const bytes = Buffer.from(
        Array.from({ length: n }, () => (rnd(3) === 0 ? rnd(256) : 0x0a + rnd(0x70))),
      );
      if (!parsesAsProtobuf(bytes)) continue;
      expect(written(bytes, 1 + rnd(100))).toBe(expected(bytes));
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    // The unary bench's shape: text that reads as nested messages of strings, or not, by its length.
    const pattern = 'abcdefghijklmnopqrstuvwxyz0123456789 ';
    for (let n = 100; n < 3000; n += 37) {
      const t = Buffer.from(pattern.repeat(Math.ceil(n / pattern.length)).slice(0, n));
      const bytes = Buffer.concat([Buffer.from([0x0a, ...varint(n)]), t]);
      expect(written(bytes)).toBe(expected(bytes));
    }
  });
});

describe('raw-json: ndjson call lines', () => {
  /** ndjson of `calls` through OutputStream's byte writer (jsonLine) or through strings (write). */
  async function lines(calls: CallRecord[], bytes: boolean): Promise<string> {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const out = OutputStream.to(stream);
    const sink = ndjsonSink(out.write, out.writeHex, bytes ? out.jsonLine : undefined);
    for (const call of calls) sink.call!(call);
    await out.end();
    return Buffer.concat(chunks).toString('utf8');
  }

  const unbuilt = (c: CallRecord): boolean =>
    [...c.requests, ...c.responses].some(
      (m) => m.decoded instanceof LazyRawMessage && m.decoded.bytes !== null,
    );

  it('the same bytes as JSON.stringify, escapes of DEL and C1 controls outside the messages included', async () => {
    const calls = callsOf(await decodeFile('samples/grpc-js-unary.pcap'));
    expect(calls.some(unbuilt)).toBe(true);
    // A grpc-message with C1 and DEL controls before the messages, a header value with one after them.
    const marked = calls.map((c, i) =>
      i % 2 === 0
        ? c
        : {
            ...c,
            message: 'bad \u009b[2J \u007f',
            trailers: [...c.trailers, ['x-note', 'é\u0085']] as [string, string][],
          },
    );
    const direct = await lines(marked, true);
    expect(direct).toBe(marked.map((call) => `{"type":"call","call":${jsonText(call)}}\n`).join(''));
    expect(direct).toBe(await lines(marked, false));
  });

  it('a schema-decoded value with its own "decoded" key next to a schema-less message', async () => {
    const bytes = Buffer.from([0x0a, 0x02, 0x68, 0x69]);
    const m = { length: 4, compressed: false, firstTime: 0, time: 0, packet: 0 };
    const rec = {
      requests: [{ ...m, decoded: new LazyRawMessage(bytes) }],
      responses: [{ ...m, decoded: { kind: 'schema', type: 'T', value: { decoded: 0 } } }],
    } as unknown as CallRecord;
    expect(unbuilt(rec)).toBe(true);
    const direct = await lines([rec], true);
    expect(unbuilt(rec)).toBe(true); // written from the bytes, not built
    expect(direct).toBe(`{"type":"call","call":${jsonText(rec)}}\n`);
  });
});
