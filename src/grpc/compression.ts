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

/** Default bound on the bytes inflated over a whole capture (all messages of all connections). */
export const DEFAULT_DECOMPRESSION_BUDGET = 256 * 1024 * 1024;

/**
 * Inflating is the one piece of work whose cost the capture does not bound: 300 gzip messages of 60 KB
 * that each inflate to 63 MB took minutes. One budget per capture (shared by every connection's calls)
 * bounds the bytes inflated; once it is spent, messages stay compressed, one diagnostic says so, and each
 * message record says it was skipped.
 */
export class DecompressionBudget {
  private spent = 0;
  /** Whether the diagnostic for the spent budget was given (once per capture). */
  reported = false;

  constructor(readonly total: number = DEFAULT_DECOMPRESSION_BUDGET) {}

  get left(): number {
    return Math.max(0, this.total - this.spent);
  }

  spend(bytes: number): void {
    this.spent += bytes;
  }

  /** Everything: the work up to the limit was done, nothing more may be inflated. */
  exhaust(): void {
    this.spent = this.total;
  }
}

export interface DecompressOptions {
  maxOutputLength?: number;
  where?: DiagnosticWhere;
  /** The capture's budget; without one, only the per-message cap applies. */
  budget?: DecompressionBudget;
}

export interface DecompressResult {
  /** The decompressed bytes, or the bytes as sent when they were not (or could not be) decompressed. */
  bytes: Buffer;
  /** True when `bytes` are the result of decompression. */
  decompressed: boolean;
  diagnostic: Diagnostic | null;
  /** True when the message was not inflated because the capture's decompression budget is spent. */
  budgetSpent?: boolean;
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
  const budget = options.budget;
  if (budget === undefined) return runInflater(inflate, name, bytes, max, where);
  if (budget.left === 0) return budgetSpent(budget, name, bytes, where);
  // The budget bounds this message too: what is left of it, if that is less than the per-message cap.
  const limit = Math.min(max, budget.left);
  const r = runInflater(inflate, name, bytes, limit, where);
  if (r.decompressed) budget.spend(r.bytes.length);
  else if (r.diagnostic?.code === 'grpc.decompressed-too-large' && limit < max) {
    budget.exhaust();
    return budgetSpent(budget, name, bytes, where);
  }
  return r;
}

/** A message left compressed because the capture's budget is spent; the diagnostic comes once. */
function budgetSpent(
  budget: DecompressionBudget,
  encoding: string,
  bytes: Buffer,
  where: DiagnosticWhere,
): DecompressResult {
  const first = !budget.reported;
  budget.reported = true;
  const params = { encoding, budget: budget.total };
  const diagnostic = first ? diag(GRPC_DIAGNOSTICS, 'grpc.decompression-budget-spent', params, where) : null;
  return { bytes, decompressed: false, diagnostic, budgetSpent: true };
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
