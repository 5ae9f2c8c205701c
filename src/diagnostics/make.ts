import type { Diagnostic, DiagnosticParams, DiagnosticSpec, DiagnosticWhere } from './types.js';

/** Fills `{name}` placeholders; unknown placeholders stay visible so a missing param is noticed in tests. */
export function fillTemplate(text: string, params: DiagnosticParams): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? whole : String(v);
  });
}

/**
 * Builds a diagnostic from a spec table. Layers call this through their own catalogue:
 * `diag(TCP_DIAGNOSTICS, 'tcp.gap', { bytes: 10, seq: 5 }, { connection: 'c1', time })`.
 * `params` also become the evidence, so what the message says is machine-readable too.
 */
export function diag<T extends Record<string, DiagnosticSpec>>(
  table: T,
  code: keyof T & string,
  params: DiagnosticParams = {},
  where: DiagnosticWhere = {},
): Diagnostic {
  const spec = table[code];
  if (!spec) throw new Error(`unknown diagnostic code ${code}`); // programmer error, not input
  const evidence: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) evidence[k] = typeof v === 'bigint' ? v.toString() : v;
  }
  const text = fillTemplate(spec.text, params);
  const fix = spec.fix === undefined ? undefined : fillTemplate(spec.fix, params);
  const d: Diagnostic = { severity: spec.severity, code, message: fix ? `${text} ${fix}` : text };
  if (fix) d.fix = fix;
  if (where.connection !== undefined) d.connection = where.connection;
  if (where.stream !== undefined) d.stream = where.stream;
  if (where.time !== undefined) d.time = where.time;
  if (Object.keys(evidence).length > 0) d.evidence = evidence;
  return d;
}

/** A diagnostic's message without its fix (the whole message when it names none). */
export function explanationOf(d: Pick<Diagnostic, 'message' | 'fix'>): string {
  if (!d.fix || !d.message.endsWith(d.fix)) return d.message;
  return d.message.slice(0, d.message.length - d.fix.length).trimEnd();
}
