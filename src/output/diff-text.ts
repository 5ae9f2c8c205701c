/**
 * `h2scope diff` as text (a terminal) or Markdown (a ticket): the verdict lines first, then calls per
 * method, connections per server endpoint and diagnostics per code, each cell "before -> after". The
 * json output is the DiffReport itself (diff.ts). Capture strings go through escapeText / mdText.
 */
import { formatBytes } from '../records/byte-text.js';
import { escapeText } from './escape.js';
import type { DiffReport, EndpointNumbers, MethodNumbers, SideHead, Verdict } from './diff.js';
import { mdTable, mdText } from './markdown-text.js';
import { formatMs, formatTable, type Align } from './table.js';

type Style = 'text' | 'markdown';

const ARROW = '->';

export function diffText(report: DiffReport): string {
  return render(report, 'text');
}

export function diffMarkdown(report: DiffReport): string {
  return render(report, 'markdown');
}

function render(r: DiffReport, style: Style): string {
  const md = style === 'markdown';
  const esc = md ? mdText : escapeText;
  const lines: string[] = [];
  const section = (title: string): void => {
    lines.push('', md ? `## ${title}` : `${title}:`);
    if (md) lines.push('');
  };
  if (md) lines.push('# h2scope diff', '');
  lines.push(...sideLine('Before', r.before, esc, md), ...sideLine('After', r.after, esc, md));
  section('Verdict');
  for (const v of r.verdicts) lines.push(verdictLine(v, esc, md));
  const table = (header: string[], rows: string[][], align: Align[]): void => {
    if (md) lines.push(...mdTable(header, rows));
    else lines.push(...formatTable(header, rows, align));
  };

  section(`Calls by method (${r.methods.length})`);
  if (r.methods.length === 0)
    lines.push(md ? 'No gRPC calls on either side.' : '  no gRPC calls on either side');
  else {
    table(
      ['METHOD', 'CALLS', 'ERRORS', 'ERR%', 'P50', 'P90', 'P99', 'MAX'],
      r.methods.map(({ method, before: b, after: a }) => [
        esc(method),
        pair(b?.calls, a?.calls),
        pair(b?.errors, a?.errors),
        pair(b?.errorRate, a?.errorRate),
        ...(['p50', 'p90', 'p99', 'max'] as const).map((k) => pair(msOf(b, k), msOf(a, k))),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    );
    lines.push('');
    for (const { method, before: b, after: a } of r.methods)
      lines.push(`${md ? '- ' : '  '}${esc(method)} statuses: ${statuses(b)} ${ARROW} ${statuses(a)}`);
  }

  section(`Connections by server (${r.endpoints.length})`);
  if (r.endpoints.length === 0)
    lines.push(md ? 'No connections on either side.' : '  no connections on either side');
  else
    table(
      ['SERVER', 'CONNS', 'CALLS', 'ERRORS', 'P50', 'P99', 'STALLS', 'GOAWAYS', 'ENDED'],
      r.endpoints.map(({ server, before: b, after: a }) => [
        esc(server),
        pair(b?.connections, a?.connections),
        pair(b?.calls, a?.calls),
        pair(b?.errors, a?.errors),
        pair(msOf(b, 'p50'), msOf(a, 'p50')),
        pair(msOf(b, 'p99'), msOf(a, 'p99')),
        pair(stalls(b), stalls(a)),
        pair(counts(b?.goaways), counts(a?.goaways)),
        pair(counts(b?.endReasons), counts(a?.endReasons)),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    );

  section(`Diagnostics by code (${r.diagnostics.length})`);
  if (r.diagnostics.length === 0) lines.push(md ? 'None on either side.' : '  none on either side');
  else
    table(
      ['SEVERITY', 'CODE', 'BEFORE', 'AFTER', 'TITLE'],
      r.diagnostics.map((d) => [
        d.severity.toUpperCase(),
        d.code,
        String(d.before),
        String(d.after),
        esc(d.title),
      ]),
      ['l', 'l', 'r', 'r', 'l'],
    );
  return lines.join('\n') + '\n';
}

function sideLine(label: string, s: SideHead, esc: (x: string) => string, md: boolean): string[] {
  const files = s.files.map(esc).join(' + ') || '(nothing read)';
  const span = s.durationS === null ? '' : `, ${formatMs(s.durationS * 1000)}`;
  const text =
    `${`${label}:`.padEnd(md ? 0 : 7)} ${files}${s.complete ? '' : ' (incomplete)'}: ${s.packets} packets, ${formatBytes(s.bytes)}` +
    `${span}, ${s.connections} connection${s.connections === 1 ? '' : 's'}, ${s.calls} gRPC call${s.calls === 1 ? '' : 's'}, ` +
    `${s.errors} not ok`;
  return [md ? `- ${text}` : text];
}

/** "window starvation: 3 stalls (1.96s waited) -> 0 stalls  [gone]". */
function verdictLine(v: Verdict, esc: (x: string) => string, md: boolean): string {
  // Diagnostic incidents are keyed by their code: shown, so the line can be looked up and grepped.
  const code = v.incident.includes('.') ? ` (${v.incident})` : '';
  const text = `${esc(v.title)}${code}: ${v.beforeText} ${ARROW} ${v.afterText}`;
  return md ? `- ${text} **${v.change}**` : `  ${text}  [${v.change}]`;
}

function pair(b: string | number | undefined, a: string | number | undefined): string {
  const show = (x: string | number | undefined): string => (x === undefined ? '-' : String(x));
  if (b === a) return show(b);
  return `${show(b)} ${ARROW} ${show(a)}`;
}

function msOf<K extends string>(n: Partial<Record<K, number | null>> | null, key: K): string | undefined {
  if (n === null) return undefined;
  return formatMs(n[key] ?? null);
}

function statuses(n: MethodNumbers | null): string {
  if (n === null) return '(no calls)';
  return (
    Object.entries(n.statuses)
      .map(([s, c]) => `${s} ${c}`)
      .join(', ') || '(none)'
  );
}

function stalls(n: EndpointNumbers | null): string | undefined {
  if (n === null) return undefined;
  return n.stalls === 0 ? '0' : `${n.stalls} (${formatMs(n.stalledMs)})`;
}

function counts(m: Record<string, number> | undefined): string | undefined {
  if (m === undefined) return undefined;
  const parts = Object.entries(m).map(([k, c]) => `${k} ${c}`);
  return parts.length === 0 ? '0' : parts.join(', ');
}
