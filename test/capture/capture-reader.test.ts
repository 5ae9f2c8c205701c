import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { buildPcap, bytes, dsb, epb, i64, idb, option, shb, spb, u8 } from './build-capture.js';
import { diagnosticsOf, kindsOf, packetsOf, readBytes } from './read-events.js';

const pcap = buildPcap({
  byteOrder: 'le',
  nanosecond: true,
  records: [
    { sec: 1_700_000_000, frac: 1, data: bytes(60, 1) },
    { sec: 1_700_000_000, frac: 2, data: bytes(1, 2) },
    { sec: 1_700_000_002, frac: 3, data: bytes(300, 3), originalLength: 1500 },
  ],
});

const pcapng = Buffer.concat([
  shb('be'),
  idb('be', 1, 64, [option('be', 9, u8(0x83))]),
  dsb('be', 0x544c534b, Buffer.from('CLIENT_RANDOM aa bb\n')),
  epb('be', 0, 123_456n, bytes(50, 1)),
  spb('be', 70, bytes(64, 2)),
  shb('le'),
  idb('le', 101, 0, [option('le', 14, i64('le', -5n))]),
  epb('le', 0, 6_000_001n, bytes(7, 3)),
]);

describe('CaptureReader: format sniffing', () => {
  it('hands pcap and pcapng to their readers', () => {
    const a = new CaptureReader();
    expect(kindsOf(a.push(pcap))).toEqual(['format', 'interface', 'packet', 'packet', 'packet']);
    expect(a.format).toBe('pcap');
    const b = new CaptureReader();
    expect(kindsOf(b.push(pcapng)).slice(0, 3)).toEqual(['format', 'interface', 'secrets']);
    expect(b.format).toBe('pcapng');
  });

  it('waits for four bytes before deciding', () => {
    const r = new CaptureReader();
    expect(r.push(pcap.subarray(0, 3))).toEqual([]);
    expect(r.format).toBeNull();
    expect(r.push(pcap.subarray(3, 4))).toEqual([]);
    expect(r.format).toBe('pcap');
  });
});

describe('CaptureReader: input that is not a capture', () => {
  const cases: [string, Buffer, string][] = [
    ['an empty input', Buffer.alloc(0), 'empty (zero length)'],
    ['two bytes', Buffer.from([0x00, 0x01]), 'only 2 byte(s) long (00 01)'],
    ['a gzip file', gzipSync(pcap), 'gzip-compressed data that was not decompressed'],
    [
      'an HTTP response',
      Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>'),
      'an HTTP response: "HTTP/1.1 200 OK\\r\\nContent-Type: t"',
    ],
    ['a text file', Buffer.from('hello, world\n'), 'text: "hello, world\\n"'],
    [
      'binary data',
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5]),
      'binary data starting with de ad be ef 00 01 02 03',
    ],
  ];
  for (const [name, input, looksLike] of cases) {
    it(`says what ${name} looks like, and nothing else`, () => {
      const events = readBytes(input);
      expect(events).toEqual([
        {
          kind: 'diagnostic',
          diagnostic: {
            severity: 'error',
            code: 'capture.not-a-capture',
            message: `The input is not a pcap or pcapng capture: it is ${looksLike}.`,
            evidence: { looksLike, firstBytes: input.subarray(0, 8).toString('hex') },
          },
        },
      ]);
    });
  }

  it('gives the same description whatever the chunk sizes', () => {
    const text = Buffer.from('this is a long line of text that is not a capture at all');
    expect(readBytes(text, [1])).toEqual(readBytes(text));
    expect(readBytes(text, [5, 2])).toEqual(readBytes(text));
  });

  it('ignores whatever follows the rejection', () => {
    const r = new CaptureReader();
    expect(r.done).toBe(false);
    expect(kindsOf(r.push(Buffer.alloc(64, 0x41)))).toEqual(['capture.not-a-capture']);
    expect(r.done).toBe(true);
    expect(r.push(pcap)).toEqual([]);
    expect(r.finish()).toEqual([]);
  });

  it('reports three bytes of a magic as a truncated capture, not as garbage', () => {
    const events = readBytes(pcapng.subarray(0, 3));
    expect(diagnosticsOf(events).map((d) => [d.code, d.evidence?.missing])).toEqual([
      ['capture.truncated', 9],
    ]);
  });
});

describe('CaptureReader: chunk-split invariance', () => {
  for (const [name, file] of [
    ['pcap', pcap],
    ['pcapng', pcapng],
  ] as const) {
    it(`gives identical events for ${name} pushed whole, byte by byte, or in odd pieces`, () => {
      const whole = readBytes(file);
      expect(whole.length).toBeGreaterThan(4);
      expect(readBytes(file, [1])).toEqual(whole);
      expect(readBytes(file, [3, 17, 2, 64, 5])).toEqual(whole);
      expect(readBytes(file, [7, 1, 1, 29])).toEqual(whole);
    });
  }

  it('slices packet data out of the pushed chunk without copying', () => {
    const chunk = Buffer.from(pcap);
    const [first] = packetsOf(new CaptureReader().push(chunk));
    expect(first?.data.buffer).toBe(chunk.buffer);
    expect(first?.data.byteOffset).toBe(chunk.byteOffset + 24 + 16);
  });

  it('keeps packet data valid after later pushes', () => {
    const r = new CaptureReader();
    const first = r.push(Buffer.from(pcap.subarray(0, 130)));
    const rest = r.push(Buffer.from(pcap.subarray(130)));
    expect([...first, ...rest]).toEqual(readBytes(pcap));
  });
});
