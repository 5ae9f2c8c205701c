import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { ExtensionValue, TlsExtension } from './extensions.js';

/**
 * What a handshake-message decoder returns. Bodies come whole from the HandshakeReader (which reports
 * truncation), so a length that overruns the body here means malformed, not truncated. A message can be
 * usable with problems in some extensions: `ok` stays true and `diagnostics` says which.
 */
export type DecodeResult<T> =
  { ok: true; value: T; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export function malformed(
  type: string,
  reason: string,
  where: DiagnosticWhere,
): { ok: false; diagnostics: Diagnostic[] } {
  return {
    ok: false,
    diagnostics: [diag(TLS_DIAGNOSTICS, 'tls.handshake-malformed', { type, reason }, where)],
  };
}

/** Collects per-extension problems as diagnostics while a decoder walks the extensions. */
export class ExtensionProblems {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly type: string,
    private readonly where: DiagnosticWhere,
  ) {}

  /** The decoded value, or undefined after recording why the extension is malformed. */
  take<T>(ext: TlsExtension, result: ExtensionValue<T>): T | undefined {
    if (result.ok) return result.value;
    this.add(ext.name, result.reason);
    return undefined;
  }

  add(extension: string, reason: string): void {
    const params = { extension, type: this.type, reason };
    this.diagnostics.push(diag(TLS_DIAGNOSTICS, 'tls.extension-malformed', params, this.where));
  }

  duplicates(types: number[], name: (type: number) => string): void {
    for (const t of types) this.add(name(t), 'appears more than once (RFC 8446 §4.2)');
  }
}
