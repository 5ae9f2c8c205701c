/**
 * Issue 14 item 1: HPACK amplification. Captures the test builds itself (bomb-captures.ts) must not make
 * any report grow beyond a small multiple of the capture, and the attack must be named.
 */
import { describe, expect, it } from 'vitest';
import { H2ConnectionDecoder } from '../../src/h2/connection-decoder.js';
import { HpackDecoder } from '../../src/h2/hpack-decoder.js';
import { createBitDecoder } from '../../src/h2/hpack-huffman.js';
import { frame } from '../h2/frame-bytes.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { hpackBombCapture, literalIndexed } from './bomb-captures.js';

/** Every report the CLI writes; `summary` is the text report's --summary. */
const REPORTS: string[][] = [
  ['--format', 'json'],
  ['--format', 'ndjson'],
  ['--format', 'text'],
  ['--format', 'har'],
  ['--format', 'markdown'],
  ['--summary'],
];

/** The documented bound (docs/limits.md): output within this multiple of the capture, plus 1 MiB. */
const OUTPUT_MULTIPLE = 100;

describe('HPACK bombs', () => {
  it('fields beyond the list limit are counted, not kept, and the block is named a bomb', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const value = Buffer.alloc(4000, 'a');
    const block = Buffer.concat([literalIndexed(Buffer.from('x-big'), value), Buffer.alloc(1000, 0xbe)]);
    const events = dec.push('client', frame(0x1, 0x5, 1, block), 1, 1);
    const rec = events.find((e) => e.kind === 'frame')!;
    const list = rec.kind === 'frame' ? rec.frame : null;
    // 4037 octets per field: 16 fit in 64 KiB (the literal and 15 references), the other 985 are only counted.
    expect(list!.headers).toHaveLength(16);
    expect(list!.headersOmitted).toEqual({ fields: 985, size: 985 * 4037 });
    const bomb = events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
    expect(bomb.map((d) => d.code)).toEqual(['h2.hpack.bomb', 'h2.headers.too-many']);
    expect(bomb[0]!.message).toContain('HPACK bomb (cf. CVE-2016-6581)');
    expect(bomb[0]!.evidence).toMatchObject({ count: 1001, omitted: 985, blockBytes: block.length });
  });

  it('a direction cannot keep more than its budget over many small blocks', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const value = Buffer.alloc(4000, 'a');
    let kept = 0;
    let omitted = 0;
    let bytes = 0;
    const first = frame(0x1, 0x5, 1, literalIndexed(Buffer.from('x-big'), value));
    bytes += first.length;
    dec.push('client', first, 1, 1);
    for (let i = 0; i < 2000; i++) {
      const f = frame(0x1, 0x5, 3 + 2 * i, Buffer.alloc(16, 0xbe)); // 16 references: 64 KiB of fields
      bytes += f.length;
      for (const e of dec.push('client', f, 1, 1)) {
        if (e.kind !== 'frame') continue;
        kept += e.frame.headers!.length;
        omitted += e.frame.headersOmitted?.fields ?? 0;
      }
    }
    // 64 KiB + 32 times the bytes sent, in fields of 4037 octets.
    expect(kept * 4037).toBeLessThanOrEqual(64 * 1024 + 32 * bytes);
    expect(kept * 4037).toBeGreaterThan(32 * bytes - 4037 * 16);
    expect(kept + omitted).toBe(32_000);
  });

  it('a Huffman string is decoded into bytes, not an array of numbers', () => {
    // RFC 7541 C.4.1: "www.example.com" Huffman-coded as a literal with incremental indexing.
    const block = Buffer.from('828684418cf1e3c2e5f23a6ba0ab90f4ff', 'hex');
    const r = new HpackDecoder().decode(block);
    expect(r.ok).toBe(true);
    expect(r.headers.at(-1)).toEqual([':authority', 'www.example.com']);
    // A Huffman literal of 640 KB decoding to 1 MiB of '0' (5-bit code 00000, RFC 7541 Appendix B): the
    // bit reader hands out a Buffer of exactly the decoded octets, not an array of 1.6 million numbers.
    const coded = Buffer.alloc(655_361, 0);
    coded[coded.length - 1] = 0x07; // the last 3 bits: EOS padding
    const reader = createBitDecoder();
    reader.push(Buffer.concat([Buffer.from([0xff, 0x82, 0xff, 0x27]), coded])); // H=1, length 655,361 (§5.1)
    const octets = reader.decodeStr();
    expect(Buffer.isBuffer(octets)).toBe(true);
    expect(octets.length).toBe(Math.floor((655_361 * 8 - 3) / 5));
    expect((octets as Buffer).every((o) => o === 0x30)).toBe(true);
  });

  it.each([
    ['ASCII value', Buffer.alloc(4000, 'a')],
    ['non-UTF-8 value', Buffer.alloc(4000, 0x9b)],
  ])('every report of a 200k-reference bomb (%s) stays within the bound', async (_, value) => {
    const capture = hpackBombCapture({ value });
    for (const args of REPORTS) {
      const r = await runCliCaptured(['-', ...args], { stdin: capture });
      expect(r.stderr, args.join(' ')).not.toContain('internal error');
      expect(r.stdout.length, args.join(' ')).toBeLessThan(OUTPUT_MULTIPLE * capture.length + 2 ** 20);
      if (args[1] !== 'har') expect(r.stdout, args.join(' ')).toContain('h2.hpack.bomb');
    }
  });
});
