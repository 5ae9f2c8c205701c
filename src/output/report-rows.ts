/**
 * What --summary and --format markdown keep of a capture: a small row per connection, the first
 * diagnostic and a count per code, calls per connection. Never whole records (a connection record carries
 * its stream list, a call its messages), so memory grows by a few numbers per connection and call.
 */
import type { Diagnostic, Severity } from '../diagnostics/types.js';
import type { ConnectionRecord } from '../records/records.js';

export type ConnectionRow = Pick<
  ConnectionRecord,
  'id' | 'client' | 'server' | 'protocol' | 'frameCount' | 'bytes' | 'start' | 'end' | 'endReason'
>;

export function connectionRow(c: ConnectionRecord): ConnectionRow {
  const { id, client, server, protocol, frameCount, bytes, start, end, endReason } = c;
  return { id, client, server, protocol, frameCount, bytes: { ...bytes }, start, end, endReason };
}

/** Rows in id order (c1, c2, ...: the order connections first appeared). */
export function sortedRows(rows: readonly ConnectionRow[]): ConnectionRow[] {
  const num = (id: string): number => Number(id.slice(1));
  return [...rows].sort((a, b) => num(a.id) - num(b.id));
}

export interface DiagnosticGroup {
  first: Diagnostic;
  count: number;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export class DiagnosticGroups {
  private readonly groups = new Map<string, DiagnosticGroup>();
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };

  add(d: Diagnostic): void {
    this.counts[d.severity]++;
    const g = this.groups.get(d.code);
    if (g) g.count++;
    else this.groups.set(d.code, { first: d, count: 1 });
  }

  get total(): number {
    return this.counts.error + this.counts.warning + this.counts.info;
  }

  /** Most severe first, then the most frequent. */
  sorted(): DiagnosticGroup[] {
    return [...this.groups.values()].sort(
      (a, b) => SEVERITY_RANK[a.first.severity] - SEVERITY_RANK[b.first.severity] || b.count - a.count,
    );
  }
}
