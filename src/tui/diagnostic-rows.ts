import { DIAGNOSTICS } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../records/records.js';
import type { DiagnosticGroup, DiagnosticTarget } from '../model/store-selectors.js';
import type { Clock } from './clock.js';
import { count, safe } from './format.js';
import { seg, type Line } from './lines.js';
import type { NavTarget } from './nav.js';
import type { Role } from './theme.js';

export const SEVERITY_ROLE: Record<Diagnostic['severity'], Role> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
};

/** "ERROR   tcp.gap  c1 s3  Lost 10 bytes before ..." */
export function diagnosticLine(d: Diagnostic, width: number): Line {
  const where = [d.connection, d.stream !== undefined ? `s${d.stream}` : undefined].filter(Boolean).join(' ');
  const line: Line = [
    seg(d.severity.toUpperCase().padEnd(8), SEVERITY_ROLE[d.severity], true),
    seg(d.code + ' ', 'accent'),
  ];
  if (where) line.push(seg(where + ' ', 'dim'));
  line.push(seg(safe(d.message).slice(0, Math.max(0, width * 2))));
  return line;
}

export function targetOf(t: DiagnosticTarget | null): NavTarget | null {
  if (!t) return null;
  switch (t.kind) {
    case 'call':
      return { kind: 'call', call: t.call };
    case 'frame':
      return { kind: 'frame', frame: t.frame };
    case 'connection':
      return { kind: 'connection', connection: t.connection };
  }
}

/** "▸ WARNING  analysis.flow.starvation  ×12  Flow-control starvation · 3 connections" */
export function groupLine(g: DiagnosticGroup, expanded: boolean, countWidth = 4): Line {
  const title = DIAGNOSTICS[g.code]?.title ?? '';
  const where = g.connections > 1 ? ` · ${count(g.connections)} connections` : '';
  return [
    seg(g.rows.length === 1 ? '  ' : expanded ? '▾ ' : '▸ ', 'dim'),
    seg(g.severity.toUpperCase().padEnd(8), SEVERITY_ROLE[g.severity], true),
    seg(`×${count(g.rows.length)}`.padStart(countWidth) + ' ', undefined, true),
    seg(g.code + '  ', 'accent'),
    seg(title),
    seg(where, 'dim'),
  ];
}

/** An instance under its expanded group: "    c1 s3  0.012345  The client ..." (time from capture start). */
export function instanceLine(d: Diagnostic, clock: Clock, prev: number | null): Line {
  const where = [d.connection, d.stream !== undefined ? `s${d.stream}` : undefined].filter(Boolean).join(' ');
  const time = d.time !== undefined ? clock.text(d.time, prev) : '';
  return [
    seg('    '),
    seg(where.padEnd(9) + ' ', 'dim'),
    seg(time ? time.padStart(clock.width) + '  ' : '', 'dim'),
    seg(safe(d.message)),
  ];
}
