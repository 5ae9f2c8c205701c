/**
 * Evaluates a parsed filter on one record. Wireshark's rules: a field the record does not have makes every
 * comparison false (so `grpc.status != 0` matches only calls that have a status other than 0, while
 * `!(grpc.status == 0)` also matches frames and connections); a field with several values (headers, both
 * ports) matches when any value does, except `!=`, which needs all of them to differ.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { CallSummary } from '../records/call.js';
import type { ConnectionRecord, FrameRecord } from '../records/records.js';
import type { FieldRef, FilterExpr, Literal } from './ast.js';
import type { ConnectionContext, FieldValue, Scalar } from './field-types.js';

export type FilterTarget =
  | { kind: 'call'; call: CallSummary; connection?: ConnectionContext }
  | { kind: 'frame'; frame: FrameRecord; connection?: ConnectionContext }
  | { kind: 'connection'; connection: ConnectionRecord }
  | { kind: 'diagnostic'; diagnostic: Diagnostic; connection?: ConnectionContext };

export function evaluate(expr: FilterExpr, target: FilterTarget): boolean {
  switch (expr.kind) {
    case 'or':
      return evaluate(expr.left, target) || evaluate(expr.right, target);
    case 'and':
      return evaluate(expr.left, target) && evaluate(expr.right, target);
    case 'not':
      return !evaluate(expr.operand, target);
    case 'present': {
      const values = read(expr.field, target);
      if (values === null) return false;
      return expr.field.def.boolean ? values.includes(true) : true;
    }
    case 'compare':
      return compare(read(expr.field, target), expr.op, expr.value, expr.field.def.ignoreCase ?? false);
  }
}

function connectionOf(target: FilterTarget): ConnectionContext | null {
  switch (target.kind) {
    case 'connection':
      return target.connection;
    case 'call':
      return target.connection ?? { id: target.call.connection };
    case 'frame':
      return target.connection ?? { id: target.frame.connection };
    case 'diagnostic': {
      const id = target.diagnostic.connection;
      return target.connection ?? (id === undefined ? null : { id });
    }
  }
}

function read(field: FieldRef, target: FilterTarget): Scalar[] | null {
  const def = field.def;
  let value: FieldValue;
  if (def.conn) {
    const conn = connectionOf(target);
    value = conn ? def.conn(conn, field.arg) : null;
  } else if (target.kind === 'call') value = def.call?.(target.call, field.arg);
  else if (target.kind === 'frame') value = def.frame?.(target.frame, field.arg);
  else if (target.kind === 'diagnostic') value = def.diagnostic?.(target.diagnostic, field.arg);
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) return [value as Scalar];
  return value.length > 0 ? (value as Scalar[]) : null;
}

function compare(values: Scalar[] | null, op: string, lit: Literal, ignoreCase: boolean): boolean {
  if (values === null) return false;
  if (lit.kind === 'regex') return values.some((v) => typeof v === 'string' && lit.regex.test(v));
  const fold = (s: string): string => (ignoreCase ? s.toLowerCase() : s);
  const same = typeof (lit.kind === 'number' ? 0 : lit.kind === 'boolean' ? true : '');
  const candidates = values.filter((v) => typeof v === same);
  if (candidates.length === 0) return false;
  if (lit.kind === 'string') {
    const want = fold(lit.value);
    const strs = candidates.map((v) => fold(v as string));
    if (op === 'contains') return strs.some((s) => s.includes(want));
    return op === '==' ? strs.includes(want) : !strs.includes(want);
  }
  if (lit.kind === 'boolean')
    return op === '==' ? candidates.includes(lit.value) : !candidates.includes(lit.value);
  const nums = candidates as number[];
  const n = lit.value;
  switch (op) {
    case '==':
      return nums.includes(n);
    case '!=':
      return !nums.includes(n);
    case '<':
      return nums.some((v) => v < n);
    case '<=':
      return nums.some((v) => v <= n);
    case '>':
      return nums.some((v) => v > n);
    default:
      return nums.some((v) => v >= n);
  }
}
