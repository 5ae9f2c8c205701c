/**
 * Text from a capture inside Markdown: terminal controls escaped first (escapeText), then the characters
 * that Markdown or an HTML renderer would interpret, so a header value cannot inject a link, an image,
 * a table cell or raw HTML into the ticket it is pasted in.
 */
import { escapeText, shellArg } from './escape.js';

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()<>#+!|~&]/g;

export function mdText(s: string): string {
  return escapeText(s).replace(MARKDOWN_SPECIAL, (ch) => `\\${ch}`);
}

/** A Markdown table; cells must already be escaped. */
export function mdTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** A shell argument for commands to copy: 'it'\''s', or $'\x1b...' for controls (escape.ts shellArg). */
export const shellQuote = shellArg;
