/**
 * Splits a header block into pseudo-headers, reserved gRPC headers and Custom-Metadata
 * (PROTOCOL-HTTP2.md "Requests"), and decodes Binary-Header values.
 *
 * Binary-Header → {Header-Name "-bin"} {base64 encoded value}: "Implementations MUST accept padded and
 * un-padded values" and "must split Binary-Headers on ',' before decoding". gRFC G1 (true binary metadata):
 * C-core peers that negotiated SETTINGS 0xfe03 may send the raw bytes prefixed with a NUL byte instead.
 */
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { HeaderField } from '../h2/types.js';

export type { BinaryEncoding, MetadataEntry } from '../records/call.js';
import type { BinaryEncoding, MetadataEntry } from '../records/call.js';

export interface SplitHeaders {
  pseudo: Array<[string, string]>;
  /** Call-Definition / Response headers and any "grpc-" name ("reserved for future GRPC use"). */
  reserved: Array<[string, string]>;
  metadata: MetadataEntry[];
  diagnostics: Diagnostic[];
}

/** Non-pseudo headers the gRPC grammar defines (the grpc-* ones are matched by prefix). */
const RESERVED = new Set(['te', 'content-type', 'user-agent']);

export function isReservedHeader(name: string): boolean {
  return name.startsWith('grpc-') || RESERVED.has(name);
}

export function splitHeaders(fields: readonly HeaderField[], where: DiagnosticWhere = {}): SplitHeaders {
  const out: SplitHeaders = { pseudo: [], reserved: [], metadata: [], diagnostics: [] };
  for (const f of fields) {
    if (f.name.startsWith(':')) out.pseudo.push([f.name, f.value]);
    else if (isReservedHeader(f.name)) out.reserved.push([f.name, f.value]);
    else if (f.name.endsWith('-bin')) out.metadata.push(...binaryEntries(f, out.diagnostics, where));
    else out.metadata.push({ name: f.name, value: f.value, binary: false });
  }
  return out;
}

/**
 * splitHeaders' Custom-Metadata only, appended to `metadata` (diagnostics to `diagnostics`): what the call
 * tracker keeps of every header block, without building the pseudo and reserved pairs it would drop.
 */
export function appendMetadata(
  fields: readonly HeaderField[],
  metadata: MetadataEntry[],
  diagnostics: Diagnostic[],
  where: DiagnosticWhere,
): void {
  for (const f of fields) {
    const name = f.name;
    if (name.startsWith(':') || isReservedHeader(name)) continue;
    if (name.endsWith('-bin')) {
      for (const e of binaryEntries(f, diagnostics, where)) metadata.push(e);
    } else metadata.push({ name, value: f.value, binary: false });
  }
}

function binaryEntries(f: HeaderField, diagnostics: Diagnostic[], where: DiagnosticWhere): MetadataEntry[] {
  const decoded = decodeBinaryHeader(f.raw);
  if (decoded.encoding === 'raw') {
    diagnostics.push(diag(GRPC_DIAGNOSTICS, 'grpc.bad-binary-metadata', { name: f.name }, where));
  }
  return decoded.values.map((b) => ({
    name: f.name,
    value: b.toString('hex'),
    binary: true,
    encoding: decoded.encoding,
  }));
}

export interface DecodedBinaryHeader {
  encoding: BinaryEncoding;
  /** One value per comma-separated part (base64); a single value otherwise. */
  values: Buffer[];
}

// RFC 4648 §4 alphabet, padded or not; the URL-safe alphabet (§5) is tolerated as well.
const BASE64_PART = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes the raw bytes of a -bin header value. Never throws. */
export function decodeBinaryHeader(raw: Buffer): DecodedBinaryHeader {
  if (raw[0] === 0x00) return { encoding: 'true-binary', values: [Buffer.from(raw.subarray(1))] };
  const parts = raw.toString('latin1').split(',');
  const trimmed = parts.map((p) => p.trim());
  if (trimmed.every(isBase64)) {
    return { encoding: 'base64', values: trimmed.map((p) => Buffer.from(p, 'base64')) };
  }
  return { encoding: 'raw', values: [Buffer.from(raw)] };
}

function isBase64(part: string): boolean {
  // A length of 1 mod 4 cannot come from any byte string.
  return BASE64_PART.test(part) && part.replace(/=+$/, '').length % 4 !== 1;
}

/** First value of a header by name (names in HTTP/2 are lowercase, RFC 9113 §8.2.1). */
export function headerValue(fields: readonly HeaderField[], name: string): string | undefined {
  // A plain loop: a dozen lookups per call, and find() allocates its closure each time.
  for (const f of fields) if (f.name === name) return f.value;
  return undefined;
}

/** The same, as raw bytes. */
export function headerRaw(fields: readonly HeaderField[], name: string): Buffer | undefined {
  for (const f of fields) if (f.name === name) return f.raw;
  return undefined;
}
