/**
 * The `/` box: one function turns its text into predicates for each kind of row. A display filter
 * (src/filter, docs/cli.md "Filters": `grpc.status != 0 && conn.server.port == 50051`) is used when the
 * text parses as one; plain words that are not a filter ("Echo", "UNAVAILABLE", "10.0.0.7") match as
 * case-insensitive text in what the row shows. Text with operators that does not parse is an error,
 * shown to the user, and keeps every row.
 */
import {
  matchCall,
  matchConnection,
  matchDiagnostic,
  matchFrame,
  parseFilter,
  type ConnectionContext,
  type FilterExpr,
} from '../filter/index.js';
import type { CallSummary, ConnectionRecord, Diagnostic, FrameRecord } from '../records/records.js';

export interface RowFilter {
  /** The text as typed; '' keeps everything. */
  text: string;
  kind: 'none' | 'expression' | 'text' | 'error';
  /** For 'error': "at column N: ...". */
  error: string | null;
  call(c: CallSummary, conn?: ConnectionContext): boolean;
  frame(f: FrameRecord, conn?: ConnectionContext): boolean;
  connection(rec: ConnectionRecord | null, id: string, shown: string): boolean;
  diagnostic(d: Diagnostic, conn?: ConnectionContext): boolean;
  /** Free-text search in a line as shown (documents: call detail, flow graph, help). */
  line(shown: string): boolean;
}

const OPERATOR = /[=!<>~&|()]|\b(contains|and|or|not|matches)\b/;

const always = (): boolean => true;

function textFilter(text: string): Omit<RowFilter, 'kind' | 'error'> {
  const needle = text.toLowerCase();
  const has = (s: string): boolean => s.toLowerCase().includes(needle);
  return {
    text,
    call: (c) => has(callText(c)),
    frame: (f) => has(frameText(f)),
    connection: (_rec, _id, shown) => has(shown),
    diagnostic: (d) => has(`${d.severity} ${d.code} ${d.connection ?? ''} ${d.message}`),
    line: has,
  };
}

function expressionFilter(text: string, expr: FilterExpr): Omit<RowFilter, 'kind' | 'error'> {
  const words = textFilter(text);
  return {
    text,
    call: (c, conn) => matchCall(expr, c, conn),
    frame: (f, conn) => matchFrame(expr, f, conn),
    connection: (rec, id) =>
      rec ? matchConnection(expr, rec) : matchConnection(expr, { id } as ConnectionRecord),
    diagnostic: (d, conn) => matchDiagnostic(expr, d, conn),
    // Documents are searched as text even when the filter is an expression.
    line: words.line,
  };
}

export function compileFilter(raw: string): RowFilter {
  const text = raw.trim();
  if (text === '') {
    return {
      text,
      kind: 'none',
      error: null,
      call: always,
      frame: always,
      connection: always,
      diagnostic: always,
      line: always,
    };
  }
  const parsed = parseFilter(text);
  if (parsed.ok) return { ...expressionFilter(text, parsed.expr), kind: 'expression', error: null };
  if (!OPERATOR.test(text)) return { ...textFilter(text), kind: 'text', error: null };
  return {
    text,
    kind: 'error',
    error: parsed.error,
    call: always,
    frame: always,
    connection: always,
    diagnostic: always,
    line: always,
  };
}

/** What free text is matched against in a call row: what the Calls screen shows, and a little more. */
export function callText(c: CallSummary): string {
  return [
    c.connection,
    `s${c.stream}`,
    c.method ?? '',
    c.status ?? '',
    c.statusName ?? '',
    c.outcome,
    c.authority ?? '',
    c.message ?? '',
  ].join(' ');
}

export function frameText(f: FrameRecord): string {
  const parts: string[] = [f.connection, f.from, f.type, `s=${f.stream}`, ...f.flags];
  for (const [n, v] of f.headers ?? []) parts.push(`${n}: ${v}`);
  if (f.errorCode) parts.push(f.errorCode);
  if (f.debugData) parts.push(f.debugData);
  if (f.settings) for (const [k, v] of Object.entries(f.settings)) parts.push(`${k}=${v}`);
  return parts.join(' ');
}

/** A string literal of the filter language (double quotes, backslash escapes): a value as a filter. */
export function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
