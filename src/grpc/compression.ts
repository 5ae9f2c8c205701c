/**
 * Message decompression (PROTOCOL-HTTP2.md: Message-Encoding, Compressed-Flag). "Compression contexts are
 * NOT maintained over message boundaries": each message is inflated on its own. A message that cannot be
 * inflated keeps its bytes as sent, with a diagnostic; nothing here throws on input.
 */
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';

/** Default cap on a decompressed message (64 MiB), like the cap on compressed ones. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface DecompressOptions {
  maxOutputLength?: number;
  where?: DiagnosticWhere;
}

export interface DecompressResult {
  /** The decompressed bytes, or the bytes as sent when they were not (or could not be) decompressed. */
  bytes: Buffer;
  /** True when `bytes` are the result of decompression. */
  decompressed: boolean;
  diagnostic: Diagnostic | null;
}

type Inflater = (bytes: Buffer, maxOutputLength: number) => Buffer;

// Content-Coding → "identity" / "gzip" / "deflate" / "snappy" / {custom}
const INFLATERS: Record<string, Inflater> = {
  gzip: (b, max) => gunzipSync(b, { maxOutputLength: max }),
  // gRPC "deflate" is the zlib format (RFC 1950); some peers send raw deflate (RFC 1951): accept both.
  deflate: (b, max) => {
    try {
      return inflateSync(b, { maxOutputLength: max });
    } catch (e) {
      if (errorCode(e) !== 'Z_DATA_ERROR') throw e;
      return inflateRawSync(b, { maxOutputLength: max });
    }
  },
};

/** Normalises a grpc-encoding value for lookup: case and surrounding spaces do not matter. */
export function normalizeEncoding(encoding: string | null | undefined): string {
  const e = (encoding ?? '').trim().toLowerCase();
  return e === '' ? 'identity' : e;
}

/**
 * Decompresses one message body. `compressed` is the Compressed-Flag; `encoding` the grpc-encoding header
 * of the side that sent it (null when absent).
 */
export function decompressMessage(
  bytes: Buffer,
  compressed: boolean,
  encoding: string | null,
  options: DecompressOptions = {},
): DecompressResult {
  if (!compressed) return { bytes, decompressed: false, diagnostic: null };
  const max = options.maxOutputLength ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const where = options.where ?? {};
  const name = normalizeEncoding(encoding);
  if (name === 'identity') return compressedWithoutEncoding(bytes, encoding, max, where);
  const inflate = INFLATERS[name];
  if (inflate === undefined) {
    return {
      bytes,
      decompressed: false,
      diagnostic: diag(GRPC_DIAGNOSTICS, 'grpc.unknown-encoding', { encoding: name }, where),
    };
  }
  return runInflater(inflate, name, bytes, max, where);
}

function runInflater(
  inflate: Inflater,
  name: string,
  bytes: Buffer,
  max: number,
  where: DiagnosticWhere,
): DecompressResult {
  try {
    return { bytes: inflate(bytes, max), decompressed: true, diagnostic: null };
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      const d = diag(GRPC_DIAGNOSTICS, 'grpc.decompressed-too-large', { encoding: name, max }, where);
      return { bytes, decompressed: false, diagnostic: d };
    }
    // Z_BUF_ERROR: the compressed stream stopped early (truncated); anything else is malformed.
    const truncated = code === 'Z_BUF_ERROR';
    const reason = truncated ? 'compressed data ends early' : e instanceof Error ? e.message : String(e);
    const params = { encoding: name, length: bytes.length, reason, truncated };
    return {
      bytes,
      decompressed: false,
      diagnostic: diag(GRPC_DIAGNOSTICS, 'grpc.decompress-failed', params, where),
    };
  }
}

/**
 * "If the Message-Encoding header is omitted then the Compressed-Flag must be 0." Real peers get this wrong
 * (or the header was lost with HPACK state), so sniff gzip (RFC 1952 magic 1f 8b) and zlib (RFC 1950 CMF 0x78)
 * and inflate when it works; the diagnostic stays either way.
 */
function compressedWithoutEncoding(
  bytes: Buffer,
  encoding: string | null,
  max: number,
  where: DiagnosticWhere,
): DecompressResult {
  const d = diag(
    GRPC_DIAGNOSTICS,
    'grpc.compressed-without-encoding',
    { encoding: encoding ?? 'absent' },
    where,
  );
  const sniffed = bytes[0] === 0x1f && bytes[1] === 0x8b ? 'gzip' : bytes[0] === 0x78 ? 'deflate' : null;
  const inflate = sniffed === null ? undefined : INFLATERS[sniffed];
  if (inflate !== undefined) {
    try {
      return { bytes: inflate(bytes, max), decompressed: true, diagnostic: d };
    } catch {
      // not compressed after all: fall through to the bytes as sent
    }
  }
  return { bytes, decompressed: false, diagnostic: d };
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}
