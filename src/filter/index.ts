/**
 * The display-filter language, shared by `h2scope --filter` and the TUI's `/` box (docs/cli.md "Filters").
 *
 *   const parsed = parseFilter('grpc.status != 0 && conn.server.port == 50051');
 *   if (!parsed.ok) show(parsed.error);              // "at column 18: ..."
 *   else calls.filter((c) => matchCall(parsed.expr, c, connectionOf(c)));
 *
 * Each record kind is matched on its own fields plus its connection's (conn.*); a connection itself is
 * matched on conn.* only: whether to also show a connection because one of its calls or frames matched is
 * the caller's choice (the CLI does).
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { CallSummary } from '../records/call.js';
import type { ConnectionRecord, FrameRecord } from '../records/records.js';
import type { FilterExpr } from './ast.js';
import { FilterSyntaxError } from './errors.js';
import { evaluate } from './evaluate.js';
import type { ConnectionContext } from './field-types.js';
import { parseExpression } from './parser.js';

export type { FilterExpr } from './ast.js';
export type { ConnectionContext, FieldDef } from './field-types.js';
export { FILTER_FIELDS } from './fields.js';

export type FilterParse =
  | { ok: true; expr: FilterExpr }
  /** `error`: "at column N: what was expected"; `message`: the same without the position. */
  | { ok: false; error: string; message: string; column: number };

export function parseFilter(text: string): FilterParse {
  try {
    return { ok: true, expr: parseExpression(text) };
  } catch (e) {
    if (!(e instanceof FilterSyntaxError)) throw e; // our bug, not the user's filter
    return { ok: false, error: e.message, message: e.detail, column: e.column };
  }
}

export function matchCall(expr: FilterExpr, call: CallSummary, connection?: ConnectionContext): boolean {
  return evaluate(expr, { kind: 'call', call, connection });
}

export function matchFrame(expr: FilterExpr, frame: FrameRecord, connection?: ConnectionContext): boolean {
  return evaluate(expr, { kind: 'frame', frame, connection });
}

export function matchConnection(expr: FilterExpr, connection: ConnectionRecord): boolean {
  return evaluate(expr, { kind: 'connection', connection });
}

export function matchDiagnostic(
  expr: FilterExpr,
  diagnostic: Diagnostic,
  connection?: ConnectionContext,
): boolean {
  return evaluate(expr, { kind: 'diagnostic', diagnostic, connection });
}

/**
 * True when the filter reads connection fields other than conn.id: a frame, call or diagnostic can then
 * only be matched once its connection record is known (streaming consumers hold them until then).
 */
export function needsConnection(expr: FilterExpr): boolean {
  switch (expr.kind) {
    case 'or':
    case 'and':
      return needsConnection(expr.left) || needsConnection(expr.right);
    case 'not':
      return needsConnection(expr.operand);
    default:
      return expr.field.def.conn !== undefined && expr.field.def.name !== 'conn.id';
  }
}

/** The filter text with a caret under the error's column, for terminals (the message goes above it). */
export function formatFilterError(text: string, error: { column: number }, indent = '  '): string {
  return `${indent}${text}\n${indent}${' '.repeat(Math.max(0, error.column - 1))}^`;
}
