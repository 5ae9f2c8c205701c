/**
 * Recursive-descent parser of the display-filter language, in the spirit of Wireshark's:
 *   expr    := and ( ('||' | 'or') and )*
 *   and     := unary ( ('&&' | 'and') unary )*
 *   unary   := ('!' | 'not') unary | '(' expr ')' | test
 *   test    := FIELD [ OP value ]          OP: == != < <= > >= ~ matches contains
 * so `!` binds tighter than `&&`, which binds tighter than `||`. Fields and value types are checked here,
 * so evaluation cannot fail.
 */
import type { CompareOp, FieldRef, FilterExpr, Literal } from './ast.js';
import { checkComparison } from './check.js';
import { FilterSyntaxError } from './errors.js';
import { lookupField } from './fields.js';
import { regexError, tokenize, type Token } from './lexer.js';

export function parseExpression(text: string): FilterExpr {
  const p = new Parser(tokenize(text));
  if (p.peek().kind === 'end')
    throw new FilterSyntaxError(1, "the filter is empty: expected a field name, '!' or '('");
  const expr = p.parseOr();
  const t = p.peek();
  if (t.kind === 'rparen') throw new FilterSyntaxError(t.column, "unexpected ')' (no '(' to close)");
  if (t.kind !== 'end')
    throw new FilterSyntaxError(
      t.column,
      `expected '&&', '||' or the end of the filter, but found ${describe(t)}`,
    );
  return expr;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'end') this.pos++;
    return t;
  }

  parseOr(): FilterExpr {
    let left = this.parseAnd();
    while (this.peek().kind === 'or') {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parseUnary();
    while (this.peek().kind === 'and') {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterExpr {
    const t = this.next();
    if (t.kind === 'not') return { kind: 'not', operand: this.parseUnary() };
    if (t.kind === 'lparen') {
      const inner = this.parseOr();
      const close = this.next();
      if (close.kind !== 'rparen') {
        const expected = close.kind === 'end' ? "expected ')'" : "expected '&&', '||' or ')'";
        throw new FilterSyntaxError(
          close.column,
          `${expected} to close the '(' at column ${t.column}, but found ${describe(close)}`,
        );
      }
      return inner;
    }
    if (t.kind === 'field') return this.parseTest(t);
    throw new FilterSyntaxError(t.column, `expected a field name, '!' or '(', but found ${describe(t)}`);
  }

  private parseTest(t: Token): FilterExpr {
    const found = lookupField(t.text);
    if (!found.ok) throw new FilterSyntaxError(t.column, found.error);
    const field: FieldRef = { name: t.text, def: found.def, arg: found.arg, column: t.column };
    if (this.peek().kind !== 'op') return { kind: 'present', field };
    const opToken = this.next();
    const op: CompareOp = opToken.value === 'matches' ? '~' : (opToken.value as CompareOp);
    const valueToken = this.next();
    let value = literalOf(valueToken, opToken);
    if (value.kind === 'boolean' && !field.def.boolean) value = { kind: 'string', value: valueToken.text };
    checkComparison(field, op, value, valueToken, opToken);
    return { kind: 'compare', field, op, value: op === '~' ? asRegex(value, valueToken) : value };
  }
}

function literalOf(t: Token, op: Token): Literal {
  switch (t.kind) {
    case 'string':
      return { kind: 'string', value: t.value as string };
    case 'number':
      return { kind: 'number', value: t.value as number };
    case 'regex':
      return { kind: 'regex', regex: t.regex! };
    case 'field': {
      // A bare word is a value: UNAVAILABLE, DATA, deadline-exceeded, true.
      const lower = t.text.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true' };
      return { kind: 'string', value: t.text };
    }
    default:
      throw new FilterSyntaxError(t.column, `expected a value after '${op.text}', but found ${describe(t)}`);
  }
}

/** `~ "text"` is a regular expression too; a plain word is a substring match (no special characters). */
function asRegex(value: Literal, t: Token): Literal {
  if (value.kind !== 'string') return value;
  try {
    return { kind: 'regex', regex: new RegExp(value.value) };
  } catch (e) {
    throw new FilterSyntaxError(t.column, regexError(e));
  }
}

export function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the filter';
    case 'string':
      return `the string ${t.text}`;
    case 'number':
      return `the number ${t.text}`;
    case 'field':
      return `'${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}
