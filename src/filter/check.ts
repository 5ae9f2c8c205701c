/**
 * Type checks of a comparison, done while parsing so a filter that parses always evaluates: ordering needs
 * numbers, ~ and contains need text, and names of codes must exist (a typo like `grpc.outcome == eror`
 * would otherwise silently match nothing).
 */
import type { CompareOp, FieldRef, Literal } from './ast.js';
import { closest } from './closest.js';
import { FilterSyntaxError } from './errors.js';
import type { Token } from './lexer.js';

const ORDERING = new Set<CompareOp>(['<', '<=', '>', '>=']);

export function checkComparison(
  field: FieldRef,
  op: CompareOp,
  value: Literal,
  valueToken: Token,
  opToken: Token,
): void {
  const def = field.def;
  const at = valueToken.column;
  const kind = def.boolean ? 'true or false' : def.number && !def.string ? 'a number' : 'text';
  if (ORDERING.has(op)) {
    if (!def.number)
      throw new FilterSyntaxError(
        opToken.column,
        `'${opToken.text}' compares numbers, but ${field.name} is ${kind}`,
      );
    if (value.kind !== 'number')
      throw new FilterSyntaxError(at, `'${opToken.text}' needs a number, but found ${valueToken.text}`);
    return;
  }
  if (op === '~' || op === 'contains') {
    if (!def.string)
      throw new FilterSyntaxError(
        opToken.column,
        `'${opToken.text}' matches text, but ${field.name} is ${kind}`,
      );
    if (op === 'contains' && value.kind !== 'string')
      throw new FilterSyntaxError(at, `'contains' needs a string, e.g. "text", but found ${valueToken.text}`);
    if (op === '~' && value.kind !== 'string' && value.kind !== 'regex')
      throw new FilterSyntaxError(
        at,
        `'${opToken.text}' needs a string or /regex/, but found ${valueToken.text}`,
      );
    return;
  }
  checkEquality(field, value, valueToken, kind);
}

function checkEquality(field: FieldRef, value: Literal, t: Token, kind: string): void {
  const def = field.def;
  const wrong = (): never => {
    throw new FilterSyntaxError(t.column, `${field.name} is ${kind}, but found ${t.text}`);
  };
  switch (value.kind) {
    case 'boolean':
      if (!def.boolean) wrong();
      return;
    case 'number':
      if (!def.number) wrong();
      return;
    case 'regex':
      throw new FilterSyntaxError(t.column, `a /regex/ needs '~' or 'matches'`);
    case 'string':
      if (def.boolean || !def.string) wrong();
      if (def.names) checkName(field, value.value, t);
  }
}

function checkName(field: FieldRef, name: string, t: Token): void {
  const names = field.def.names!;
  const lower = name.toLowerCase();
  if (names.list.some((n) => n.toLowerCase() === lower) || names.also?.test(name)) return;
  const guess = closest(name, names.list);
  const hint = guess ? `did you mean ${guess}?` : `expected one of ${names.list.join(', ')}`;
  throw new FilterSyntaxError(t.column, `${field.name} has no value '${name}' (${hint})`);
}
