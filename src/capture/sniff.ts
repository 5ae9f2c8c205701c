import { PCAP_MAGIC } from './pcap-reader.js';
import { BlockType } from './pcapng-blocks.js';
import type { CaptureFormat } from './types.js';

/** Bytes that identify a format: the pcap magic, or the pcapng Section Header Block type. */
export const MAGIC_LENGTH = 4;
/** How many leading bytes `describeBytes` looks at. */
export const DESCRIBE_LENGTH = 32;
/** RFC 1952 §2.3.1: ID1 ID2. */
export const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

const MAGICS: [Buffer, CaptureFormat][] = [
  ...Object.values(PCAP_MAGIC).map((m): [Buffer, CaptureFormat] => [u32be(m), 'pcap']),
  [u32be(BlockType.SECTION_HEADER), 'pcapng'],
];

/** The capture format the first four bytes announce, or null. */
export function sniffFormat(head: Buffer): CaptureFormat | null {
  if (head.length < MAGIC_LENGTH) return null;
  return MAGICS.find(([magic]) => head.subarray(0, MAGIC_LENGTH).equals(magic))?.[1] ?? null;
}

/** The format whose magic starts with these (fewer than four) bytes, if any: a capture cut short. */
export function formatOfMagicPrefix(head: Buffer): CaptureFormat | null {
  if (head.length === 0 || head.length >= MAGIC_LENGTH) return null;
  return MAGICS.find(([magic]) => magic.subarray(0, head.length).equals(head))?.[1] ?? null;
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head.subarray(0, 2).equals(GZIP_MAGIC);
}

/** Other well-known leading bytes, so "not a capture" can say what the input is instead. */
const KNOWN: [Buffer, string][] = [
  [GZIP_MAGIC, 'gzip-compressed data that was not decompressed'],
  [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd-compressed data (decompress it first)'],
  [Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'xz-compressed data (decompress it first)'],
  [Buffer.from('BZh'), 'bzip2-compressed data (decompress it first)'],
  [Buffer.from([0x50, 0x4b, 0x03, 0x04]), 'a zip archive'],
  [Buffer.from('snoop\0\0\0'), 'a snoop capture (convert it to pcap with editcap)'],
];

/** What the leading bytes of a non-capture look like, in plain words, for `capture.not-a-capture`. */
export function describeBytes(head: Buffer): string {
  if (head.length === 0) return 'empty (zero length)';
  const known = KNOWN.find(
    ([magic]) => head.length >= magic.length && head.subarray(0, magic.length).equals(magic),
  );
  if (known) return known[1];
  if (head.length < MAGIC_LENGTH) return `only ${head.length} byte(s) long (${hex(head)})`;
  const sample = head.subarray(0, DESCRIBE_LENGTH);
  if (looksLikeText(sample)) {
    const text = JSON.stringify(sample.toString('utf8'));
    return sample.subarray(0, 5).toString('latin1') === 'HTTP/'
      ? `an HTTP response: ${text}`
      : `text: ${text}`;
  }
  return `binary data starting with ${hex(sample.subarray(0, 8))}`;
}

/** Printable ASCII, whitespace, and UTF-8 lead/continuation bytes: good enough to call it text. */
function looksLikeText(bytes: Buffer): boolean {
  return bytes.every((b) => (b >= 0x20 && b !== 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d);
}

function hex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
