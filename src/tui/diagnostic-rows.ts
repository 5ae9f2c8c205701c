import type { Diagnostic } from '../records/records.js';
import type { DiagnosticTarget } from '../model/store-selectors.js';
import { safe } from './format.js';
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
