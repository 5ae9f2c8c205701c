/**
 * JSON for the json, ndjson and HAR writers. JSON.stringify escapes only C0 controls, quote and backslash
 * (RFC 8259 §7), so DEL and the C1 controls from a capture (U+007F-U+009F, e.g. U+009B, a one-character
 * CSI on terminals that honour 8-bit controls) would reach `cat report.json` raw. They are written as
 * \u00XX: the same JSON value, nothing raw. Outside strings JSON has no such characters, so a global
 * replace is safe.
 */
const C1 = /[\u007f-\u009f]/g;

function escapeC1Char(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** JSON text (JSON.stringify's) with DEL and the C1 controls written as \u00XX. */
export function escapeC1(text: string): string {
  return text.replace(C1, escapeC1Char);
}

export function jsonText(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space);
  // Test first: most records hold no C1 character, and replace() would copy them anyway.
  C1.lastIndex = 0;
  return C1.test(text) ? escapeC1(text) : text;
}
