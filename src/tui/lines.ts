/**
 * A screen's content as lines of styled segments: built by pure functions (testable, and only for the
 * rows on screen), drawn by LineView. Text in segments is already escaped (format.ts `safe`).
 */
import type { Role } from './theme.js';
import { charWidth, fit, textWidth } from './text-width.js';

export interface Seg {
  text: string;
  role?: Role;
  bold?: boolean;
  inverse?: boolean;
}

export type Line = Seg[];

export function seg(text: string, role?: Role, bold?: boolean): Seg {
  const s: Seg = { text };
  if (role) s.role = role;
  if (bold) s.bold = true;
  return s;
}

export function plain(text: string): Line {
  return [{ text }];
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Cuts a line to `width` cells (an ellipsis marks the cut) and pads it to exactly `width`. */
export function fitLine(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  const total = line.reduce((w, s) => w + textWidth(s.text), 0);
  if (total <= width) {
    out.push(...line);
    if (total < width) out.push({ text: ' '.repeat(width - total) });
    return out;
  }
  for (const s of line) {
    if (left <= 0) break;
    const w = textWidth(s.text);
    if (w < left) {
      out.push(s);
      left -= w;
      continue;
    }
    // The last segment that fits: cut it, keeping one cell for the ellipsis.
    out.push({ ...s, text: fit(s.text, left) });
    left = 0;
  }
  return out;
}

/** A fixed-width table cell. */
export function cell(text: string, width: number, role?: Role, align: 'left' | 'right' = 'left'): Seg {
  return seg(fit(text, width, align) + ' ', role);
}

/** Splits text into pieces of at most `width` cells (for long header values in documents). */
export function wrapText(text: string, width: number): string[] {
  if (width <= 0) return [text];
  const out: string[] = [];
  let cur = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width) {
      out.push(cur);
      cur = '';
      w = 0;
    }
    cur += ch;
    w += cw;
  }
  out.push(cur);
  return out;
}

/**
 * Splits prose into lines of at most `width` cells at spaces (a word longer than a line is cut), so a
 * whole explanation reads like a paragraph. Never used for commands to copy (those must not wrap).
 */
export function wrapWords(text: string, width: number): string[] {
  if (width <= 0) return [text];
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/ +/)) {
    const candidate = cur === '' ? word : `${cur} ${word}`;
    if (textWidth(candidate) <= width) {
      cur = candidate;
      continue;
    }
    if (cur !== '') out.push(cur);
    const pieces = wrapText(word, width);
    cur = pieces.pop() ?? '';
    out.push(...pieces);
  }
  if (cur !== '' || out.length === 0) out.push(cur);
  return out;
}
