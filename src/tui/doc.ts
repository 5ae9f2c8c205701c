/** Documents: screens that are a long list of lines (call detail, flow graph, help) with a cursor. */
import { seg, wrapText, type Line } from './lines.js';
import type { NavTarget } from './nav-state.js';
import type { Role } from './theme.js';

export interface DocLine {
  line: Line;
  /** Enter toggles this key (a collapsible message tree). */
  toggle?: string;
  /** The frame this line shows: Enter opens it in Frames, H in the HPACK inspector. */
  frame?: number;
  /** A section title: Tab jumps between them. */
  section?: boolean;
  /** Where Enter on this line leads (a link: the call, frame or connection a diagnostic is about). */
  target?: NavTarget;
}

export function section(title: string, info = ''): DocLine {
  return { line: [seg(title, 'title', true), seg(info ? `  ${info}` : '', 'dim')], section: true };
}

export function text(s: string, role?: Role): DocLine {
  return { line: [seg(s, role)] };
}

export function blank(): DocLine {
  return { line: [] };
}

/** `  name: value` pairs; long values continue on the next lines, indented. */
export function pairs(list: Array<[string, string]>, width: number, role: Role = 'accent'): DocLine[] {
  const out: DocLine[] = [];
  for (const [name, value] of list) {
    const head = `  ${name}: `;
    const pieces = wrapText(value, Math.max(10, width - head.length - 1));
    out.push({ line: [seg(head, role), seg(pieces[0] ?? '')] });
    for (const p of pieces.slice(1)) out.push({ line: [seg(' '.repeat(head.length)), seg(p)] });
  }
  return out;
}

/** Rows that are section titles, for Tab / Shift-Tab in documents. */
export function sectionRows(doc: DocLine[]): number[] {
  const rows: number[] = [];
  doc.forEach((d, i) => {
    if (d.section) rows.push(i);
  });
  return rows;
}
