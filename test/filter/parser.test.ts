import { describe, expect, it } from 'vitest';
import type { FilterExpr } from '../../src/filter/index.js';
import { parseFilter } from '../../src/filter/index.js';

/** A compact rendering of the tree: fields by name, literals by value. */
function shape(e: FilterExpr): string {
  switch (e.kind) {
    case 'or':
    case 'and':
      return `(${shape(e.left)} ${e.kind} ${shape(e.right)})`;
    case 'not':
      return `!${shape(e.operand)}`;
    case 'present':
      return e.field.arg ? `${e.field.def.name}[${e.field.arg}]` : e.field.def.name;
    case 'compare': {
      const v = e.value;
      const lit =
        v.kind === 'regex'
          ? String(v.regex)
          : v.kind === 'string'
            ? JSON.stringify(v.value)
            : String(v.value);
      const field = e.field.arg ? `${e.field.def.name}[${e.field.arg}]` : e.field.def.name;
      return `${field}${e.op}${lit}`;
    }
  }
}

function parsed(text: string): string {
  const r = parseFilter(text);
  if (!r.ok) throw new Error(`unexpected error: ${r.error}`);
  return shape(r.expr);
}

function error(text: string): { error: string; column: number } {
  const r = parseFilter(text);
  if (r.ok) throw new Error(`expected an error for ${text}`);
  return { error: r.error, column: r.column };
}

describe('filter precedence', () => {
  it('binds && tighter than ||', () => {
    expect(parsed('grpc.status == 0 || grpc.status == 1 && http2.stream == 3')).toBe(
      '(grpc.status==0 or (grpc.status==1 and http2.stream==3))',
    );
    expect(parsed('grpc.status == 0 && grpc.status == 1 || http2.stream == 3')).toBe(
      '((grpc.status==0 and grpc.status==1) or http2.stream==3)',
    );
  });

  it('binds ! tighter than && and lets parentheses override', () => {
    expect(parsed('!grpc.guessed && grpc.status == 2')).toBe('(!grpc.guessed and grpc.status==2)');
    expect(parsed('!(grpc.guessed && grpc.status == 2)')).toBe('!(grpc.guessed and grpc.status==2)');
    expect(parsed('(grpc.status == 0 || grpc.status == 1) && http2.stream == 3')).toBe(
      '((grpc.status==0 or grpc.status==1) and http2.stream==3)',
    );
  });

  it('is left-associative and accepts the word operators', () => {
    expect(parsed('conn.id == c1 or conn.id == c2 or conn.id == c3')).toBe(
      '((conn.id=="c1" or conn.id=="c2") or conn.id=="c3")',
    );
    expect(parsed('not grpc.guessed and grpc.kind == unary')).toBe('(!grpc.guessed and grpc.kind=="unary")');
    expect(parsed('!!grpc.guessed')).toBe('!!grpc.guessed');
  });
});

describe('filter literals', () => {
  it('reads strings with escapes, bare words, numbers, hex and duration units', () => {
    expect(parsed(`grpc.message == "a\\"b\\x41\\u00e9"`)).toBe('grpc.message=="a\\"bAé"');
    expect(parsed(`grpc.message == 'single'`)).toBe('grpc.message=="single"');
    // Unknown escapes keep their backslash, for regular expressions: "\." stays \. .
    expect(parsed(`grpc.method ~ "a\\.b"`)).toBe('grpc.method~/a\\.b/');
    expect(parsed('grpc.outcome == deadline-exceeded')).toBe('grpc.outcome=="deadline-exceeded"');
    expect(parsed('http2.type == 0x8')).toBe('http2.type==8');
    expect(parsed('grpc.duration > 1.5s')).toBe('grpc.duration>1500');
    expect(parsed('grpc.duration >= 250us')).toBe('grpc.duration>=0.25');
    expect(parsed('grpc.duration < 20ms')).toBe('grpc.duration<20');
    expect(parsed('http2.stream > -1')).toBe('http2.stream>-1');
  });

  it('takes unquoted addresses as text, as Wireshark does', () => {
    expect(parsed('conn.server.ip == 127.0.0.1')).toBe('conn.server.ip=="127.0.0.1"');
    expect(parsed('conn.server == 10.0.0.2:50051')).toBe('conn.server=="10.0.0.2:50051"');
  });

  it('compiles ~ and matches values as regular expressions', () => {
    expect(parsed('grpc.method ~ "Echo$"')).toBe('grpc.method~/Echo$/');
    expect(parsed('grpc.method matches /echo/i')).toBe('grpc.method~/echo/i');
    expect(parsed('grpc.message contains "quota"')).toBe('grpc.messagecontains"quota"');
  });

  it('resolves parametric header and setting fields', () => {
    expect(parsed('http2.header.X-Trace-Id == "t1"')).toBe('http2.header[x-trace-id]=="t1"');
    expect(parsed('http2.header.:path')).toBe('http2.header[:path]');
    expect(parsed('http2.setting.initial_window_size < 65535')).toBe(
      'http2.setting[INITIAL_WINDOW_SIZE]<65535',
    );
  });

  it('accepts code names in any case and numbers where the field has both', () => {
    expect(parsed('grpc.status == unavailable')).toBe('grpc.status=="unavailable"');
    expect(parsed('grpc.status == CODE_42')).toBe('grpc.status=="CODE_42"');
    expect(parsed('http2.error == UNKNOWN_0x1f')).toBe('http2.error=="UNKNOWN_0x1f"');
    expect(parsed('grpc.guessed == false')).toBe('grpc.guessed==false');
  });
});

describe('filter syntax errors say where and what was expected', () => {
  it.each([
    ['', 1, "at column 1: the filter is empty: expected a field name, '!' or '('"],
    ['grpc.status ==', 15, "at column 15: expected a value after '==', but found the end of the filter"],
    [
      'grpc.status == 0 &&',
      20,
      "at column 20: expected a field name, '!' or '(', but found the end of the filter",
    ],
    ['&& grpc.status', 1, "at column 1: expected a field name, '!' or '(', but found '&&'"],
    [
      '(grpc.status == 1',
      18,
      "at column 18: expected ')' to close the '(' at column 1, but found the end of the filter",
    ],
    [
      '(grpc.status == 1 http2.stream',
      19,
      "at column 19: expected '&&', '||' or ')' to close the '(' at column 1, but found 'http2.stream'",
    ],
    ['grpc.status == 1)', 17, "at column 17: unexpected ')' (no '(' to close)"],
    [
      'grpc.status == 1 2',
      18,
      "at column 18: expected '&&', '||' or the end of the filter, but found the number 2",
    ],
    ['grpc.status = 1', 13, "at column 13: expected '==' (a single '=' is not an operator)"],
    ['grpc.status == 1 & x', 18, "at column 18: expected '&&'"],
    ['grpc.message == "open', 17, 'at column 17: unterminated string (no closing ")'],
    ['grpc.message == "\\x4"', 18, 'at column 18: expected 2 hex digits after \\x'],
    [
      'grpc.metod == "x"',
      1,
      "at column 1: unknown field 'grpc.metod' (did you mean 'grpc.method'?); fields are listed in docs/cli.md",
    ],
    [
      'http2.header == "x"',
      1,
      'at column 1: http2.header needs a name after it, e.g. http2.header.x-trace-id',
    ],
    ['grpc.method < 3', 13, "at column 13: '<' compares numbers, but grpc.method is text"],
    ['grpc.duration > "slow"', 17, 'at column 17: \'>\' needs a number, but found "slow"'],
    ['grpc.duration ~ "1"', 15, "at column 15: '~' matches text, but grpc.duration is a number"],
    ['http2.stream == abc', 17, 'at column 17: http2.stream is a number, but found abc'],
    ['grpc.method == 5', 16, 'at column 16: grpc.method is text, but found 5'],
    ['grpc.guessed == "yes"', 17, 'at column 17: grpc.guessed is true or false, but found "yes"'],
    ['grpc.outcome == eror', 17, "at column 17: grpc.outcome has no value 'eror' (did you mean error?)"],
    ['http2.type == DAT', 15, "at column 15: http2.type has no value 'DAT' (did you mean DATA?)"],
    ['grpc.method ~ "("', 15, 'at column 15: invalid regular expression /(/: Unterminated group'],
    ['grpc.method ~ /x/g', 18, "at column 18: unknown regular expression flag in 'g' (use i, m, s or u)"],
    ['grpc.method ~ /abc', 15, 'at column 15: unterminated regular expression (no closing /)'],
    ['grpc.method == /x/', 16, "at column 16: a /regex/ needs '~' or 'matches'"],
    [
      'grpc.duration > 5 minutes',
      19,
      "at column 19: expected '&&', '||' or the end of the filter, but found 'minutes'",
    ],
    ['grpc.duration > 5min', 18, "at column 18: unknown unit 'min' (a number may end in us, ms or s)"],
    ['grpc.status == 0 # x', 18, 'at column 18: unexpected character "#"'],
    [
      'grpc.message contains /x/',
      23,
      'at column 23: \'contains\' needs a string, e.g. "text", but found /x/',
    ],
  ])('%j', (text, column, message) => {
    expect(error(text)).toEqual({ error: message, column });
  });
});
