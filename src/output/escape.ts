/**
 * Capture content is untrusted, and so are file names and arguments: a header value or a file name can
 * carry ESC sequences that would repaint, retitle or hijack a terminal, and bidi controls that make text
 * read differently from what it is (the "Trojan Source" reordering). This is the one escaping policy of
 * every text sink (text and markdown reports, stderr, the TUI): C0 controls, DEL and C1 controls, line and
 * paragraph separators, bidi embeddings, overrides, isolates and marks (LRM, RLM, ALM) and the BOM become
 * visible escapes; all other Unicode is kept. The json, ndjson and HAR writers escape C1 as \u00XX
 * (json-text.ts), DEL too; JSON already escapes C0.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function hex(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function escapeText(s: string): string {
  return s.replace(UNSAFE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return hex(ch.charCodeAt(0));
  });
}

/** Text of several lines (a message for stderr): each line escaped, the line breaks kept. */
export function escapeLines(s: string): string {
  return s.split('\n').map(escapeText).join('\n');
}

/** Whether `s` holds a character escapeText would escape. */
export function hasUnsafe(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * One shell argument to copy and paste: as is when plain, in POSIX single quotes otherwise, and in bash's
 * ANSI-C quotes ($'...', with \xNN and \uNNNN) when it holds a control or bidi character, so the command
 * still names the same file but no raw control reaches the page or the terminal it is pasted in.
 */
export function shellArg(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (!hasUnsafe(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  const body = arg.replace(/[\\']/g, (ch) => `\\${ch}`).replace(UNSAFE, (ch) => hex(ch.charCodeAt(0)));
  return `$'${body}'`;
}
