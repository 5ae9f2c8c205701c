/**
 * Tokens of the display-filter language (docs/cli.md "Filters"). Columns are 1-based character positions
 * in the filter text, so an error can point at the exact place: "at column 15: expected a value".
 */
import { FilterSyntaxError } from './errors.js';

export type TokenKind =
  | 'field' // grpc.status, http2.header.x-trace-id, also bare words used as values (UNAVAILABLE)
  | 'string'
  | 'number'
  | 'regex'
  | 'op' // == != < <= > >= ~ contains matches
  | 'and'
  | 'or'
  | 'not'
  | 'lparen'
  | 'rparen'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The text as written (for messages). */
  text: string;
  column: number;
  /** string: the unescaped value; number: the value (durations in ms); op: the canonical operator. */
  value?: string | number;
  regex?: RegExp;
}

const WORD_START = /[A-Za-z_]/;
// Header names (x-trace-id, :path) and dotted field names are single words.
const WORD_CHAR = /[A-Za-z0-9_.:-]/;
const KEYWORDS: Record<string, TokenKind> = { and: 'and', or: 'or', not: 'not' };
const WORD_OPS = new Set(['contains', 'matches']);
/** Suffixes a number may carry: durations are compared in milliseconds. */
const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
const SYMBOL_OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '~', '!', '(', ')'] as const;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const t = lexOne(text, i, prev);
    tokens.push(t.token);
    i = t.next;
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

function lexOne(text: string, i: number, prev: Token | undefined): { token: Token; next: number } {
  const ch = text[i]!;
  const column = i + 1;
  if (ch === '"' || ch === "'") return lexString(text, i);
  if (ch === '/' && prev?.kind === 'op') return lexRegex(text, i);
  if (/[0-9]/.test(ch) || (ch === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) return lexNumber(text, i);
  if (WORD_START.test(ch)) return lexWord(text, i);
  for (const sym of SYMBOL_OPS) {
    if (!text.startsWith(sym, i)) continue;
    const token: Token = { kind: symbolKind(sym), text: sym, column };
    if (token.kind === 'op') token.value = sym;
    return { token, next: i + sym.length };
  }
  if (ch === '=') throw new FilterSyntaxError(column, "expected '==' (a single '=' is not an operator)");
  if (ch === '&' || ch === '|') throw new FilterSyntaxError(column, `expected '${ch}${ch}'`);
  throw new FilterSyntaxError(column, `unexpected character ${JSON.stringify(ch)}`);
}

function symbolKind(sym: (typeof SYMBOL_OPS)[number]): TokenKind {
  switch (sym) {
    case '&&':
      return 'and';
    case '||':
      return 'or';
    case '!':
      return 'not';
    case '(':
      return 'lparen';
    case ')':
      return 'rparen';
    default:
      return 'op';
  }
}

function lexWord(text: string, i: number): { token: Token; next: number } {
  let j = i + 1;
  while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
  const word = text.slice(i, j);
  const lower = word.toLowerCase();
  const column = i + 1;
  const keyword = KEYWORDS[lower];
  if (keyword) return { token: { kind: keyword, text: word, column }, next: j };
  if (WORD_OPS.has(lower)) return { token: { kind: 'op', text: word, column, value: lower }, next: j };
  return { token: { kind: 'field', text: word, column }, next: j };
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function lexString(text: string, i: number): { token: Token; next: number } {
  const quote = text[i]!;
  let j = i + 1;
  let value = '';
  while (j < text.length && text[j] !== quote) {
    if (text[j] !== '\\') {
      value += text[j++];
      continue;
    }
    const esc = text[j + 1];
    const hex = esc === 'x' ? 2 : esc === 'u' ? 4 : 0;
    if (hex > 0) {
      const digits = text.slice(j + 2, j + 2 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits))
        throw new FilterSyntaxError(j + 1, `expected ${hex} hex digits after \\${esc}`);
      value += String.fromCharCode(parseInt(digits, 16));
      j += 2 + hex;
      continue;
    }
    // Other escapes keep their backslash, so "\." reaches a regular expression intact.
    if (esc === undefined) throw new FilterSyntaxError(j + 1, 'unterminated string (ends with \\)');
    value += ESCAPES[esc] ?? `\\${esc}`;
    j += 2;
  }
  if (j >= text.length) throw new FilterSyntaxError(i + 1, `unterminated string (no closing ${quote})`);
  return { token: { kind: 'string', text: text.slice(i, j + 1), column: i + 1, value }, next: j + 1 };
}

function lexNumber(text: string, i: number): { token: Token; next: number } {
  const m = /^-?(?:0x[0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)([A-Za-z]*)/.exec(
    text.slice(i),
  );
  const whole = m?.[0] ?? text[i]!;
  const unit = m?.[1] ?? '';
  const digits = whole.slice(0, whole.length - unit.length);
  const column = i + 1;
  const after = text[i + whole.length];
  if (m && after !== undefined && /[.:]/.test(after)) {
    // 127.0.0.1, 10.0.0.1:50051: an unquoted address is a text value, as in Wireshark.
    const word = /^[0-9A-Za-z_.:-]+/.exec(text.slice(i))![0];
    return { token: { kind: 'field', text: word, column }, next: i + word.length };
  }
  let value = digits.replace('-', '').startsWith('0x')
    ? parseInt(digits.replace('0x', ''), 16)
    : Number(digits);
  if (!m || !Number.isFinite(value)) throw new FilterSyntaxError(column, `malformed number '${whole}'`);
  if (unit !== '') {
    const factor = UNITS[unit];
    if (factor === undefined)
      throw new FilterSyntaxError(
        column + digits.length,
        `unknown unit '${unit}' (a number may end in us, ms or s)`,
      );
    value *= factor;
  }
  return { token: { kind: 'number', text: whole, column, value }, next: i + whole.length };
}

function lexRegex(text: string, i: number): { token: Token; next: number } {
  let j = i + 1;
  while (j < text.length && text[j] !== '/') j += text[j] === '\\' ? 2 : 1;
  if (j >= text.length) throw new FilterSyntaxError(i + 1, 'unterminated regular expression (no closing /)');
  let k = j + 1;
  while (k < text.length && /[a-z]/.test(text[k]!)) k++;
  const source = text.slice(i + 1, j);
  const flags = text.slice(j + 1, k);
  if (/[^imsu]/.test(flags))
    throw new FilterSyntaxError(j + 2, `unknown regular expression flag in '${flags}' (use i, m, s or u)`);
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (e) {
    throw new FilterSyntaxError(i + 1, regexError(e));
  }
  return { token: { kind: 'regex', text: text.slice(i, k), column: i + 1, regex }, next: k };
}

/** "Invalid regular expression: /[/: Unterminated character class" -> "invalid regular expression /[/: ..." */
export function regexError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Invalid regular expression: ?/, 'invalid regular expression ');
}
