/**
 * grpc-message decoding (PROTOCOL-HTTP2.md "Responses"): UTF-8, then percent-encoded
 * (Percent-Byte-Encoded → "%" 2HEXDIGIT, RFC 3986 §2.1). "When decoding invalid values, implementations
 * MUST NOT error or throw away the message": invalid escapes stay as written, and bytes that are not
 * UTF-8 after decoding become U+FFFD (the spec allows a replacement character).
 */

const PERCENT = 0x25;

/** Decodes a grpc-message value given as its raw header bytes (or as a string of them). */
export function decodeGrpcMessage(value: Buffer | string): string {
  const raw = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (plainAscii(raw)) return raw.toString('latin1'); // most messages: nothing to decode
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] ?? 0;
    const hi = b === PERCENT ? hexValue(raw[i + 1]) : -1;
    const lo = hi >= 0 ? hexValue(raw[i + 2]) : -1;
    if (lo >= 0) {
      out[n++] = hi * 16 + lo;
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return UTF8.decode(out.subarray(0, n));
}

// One decoder for every grpc-message (decode() without {stream: true} keeps no state between calls).
const UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** No escape and no byte above 0x7f: the value is its own decoding (ASCII is the same in UTF-8). */
function plainAscii(raw: Buffer): boolean {
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === PERCENT || b >= 0x80) return false;
  }
  return true;
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return -1;
}
