/**
 * gRPC-Web over HTTP/2 (grpc/grpc doc/PROTOCOL-WEB.md): the same Length-Prefixed-Messages, but trailers
 * travel in the body as a frame whose flag byte has the MSB set (0x80), holding an HTTP/1-style header
 * block ("name: value\r\n"); application/grpc-web-text bodies are base64 of that byte stream, which may
 * be split anywhere and may be a concatenation of separately padded chunks.
 */
import type { HeaderField } from '../h2/types.js';

/** Parses the trailer frame payload: one "name: value" per CRLF line; names lowercased (HTTP/2 style). */
export function parseWebTrailers(bytes: Buffer): HeaderField[] {
  const out: HeaderField[] = [];
  for (const line of bytes.toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const raw = Buffer.from(line.slice(colon + 1).trim(), 'latin1');
    out.push({ name, value: raw.toString('utf8'), raw });
  }
  return out;
}

const BASE64_CHAR = /[A-Za-z0-9+/=_-]/;

/** Incremental base64 decoder for grpc-web-text bodies: whole 4-character groups only, the rest waits. */
export class Base64Stream {
  private pending = '';

  push(chunk: Buffer): Buffer {
    let text = this.pending;
    for (const ch of chunk.toString('latin1')) if (BASE64_CHAR.test(ch)) text += ch;
    const whole = text.length - (text.length % 4);
    this.pending = text.slice(whole);
    // Decode group by group where padding appears mid-stream (separately encoded chunks).
    const groups = text.slice(0, whole);
    if (!groups.includes('=')) return Buffer.from(groups, 'base64');
    const parts: Buffer[] = [];
    for (let i = 0; i < groups.length; i += 4) parts.push(Buffer.from(groups.slice(i, i + 4), 'base64'));
    return Buffer.concat(parts);
  }

  /** Characters left over that do not make a whole group. */
  get pendingChars(): number {
    return this.pending.length;
  }
}
