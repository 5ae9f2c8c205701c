/**
 * --format markdown: an incident summary to paste into a ticket. What failed (calls that did not end ok),
 * when, which diagnostics with their evidence, calls per method and connections, then the h2scope commands
 * that reproduce each view. Everything from the capture goes through mdText (terminal and Markdown safe).
 */
import { formatBytes } from '../records/byte-text.js';
import { explanationOf } from '../diagnostics/make.js';
import type { RecordSink } from '../engine/engine.js';
import { isoDate } from '../records/time-text.js';
import { callNotOk, type CallRecord } from '../records/call.js';
import type { CaptureRecord } from '../records/records.js';
import { RelayedCalls } from './relayed-calls.js';
import { callFacts, CallStatsByMethod, type CallFacts } from '../model/call-stats.js';
import { approximateNote, methodCells, unknownPhrase } from './call-stats.js';
import { mdTable, mdText, shellQuote } from './markdown-text.js';
import {
  connectionRow,
  DiagnosticGroups,
  sortedRows,
  type ConnectionRow,
  type DiagnosticGroup,
} from './report-rows.js';
import { formatClockMs, formatMs } from './table.js';
import { plural, grouped } from '../records/number-text.js';

export interface MarkdownOptions {
  /** The capture as given on the command line, and the decoding options to repeat (--proto, --port, ...). */
  input: string;
  decodeArgs: string[];
  filter: string | null;
}

const LIMIT = { failed: 25, diagnostics: 25, methods: 20, connections: 20 } as const;

/** What the "What failed" table shows of a call that did not end ok. */
interface FailedRow {
  start: number;
  where: string;
  connection: string;
  method: string;
  outcome: string;
  status: string;
  message: string;
  durationMs: number;
}

export class MarkdownReport {
  private capture: CaptureRecord | null = null;
  private readonly connections: ConnectionRow[] = [];
  private readonly calls = new CallStatsByMethod();
  private readonly callsPerConnection = new Map<string, number>();
  /** The earliest-starting failed calls (at most twice the table's rows between trims), and how many. */
  private failedRows: FailedRow[] = [];
  private failedCount = 0;
  private readonly diagnostics = new DiagnosticGroups();
  /** A call relayed by a proxy is counted once, as the client's call (src/output/relayed-calls.ts). */
  private readonly relays = new RelayedCalls<{ facts: CallFacts; failed: FailedRow | null }>((held) =>
    this.count(held.facts, held.failed),
  );

  constructor(private readonly options: MarkdownOptions) {}

  readonly sink: RecordSink = {
    opened: (peers) => this.relays.opened(peers),
    connection: (rec) => this.connections.push(connectionRow(rec)),
    frame: () => undefined,
    call: (c) => this.addCall(c),
    diagnostic: (d) => this.diagnostics.add(d),
    capture: (rec) => {
      this.relays.finish();
      this.capture = rec;
    },
  };

  private addCall(c: CallRecord): void {
    this.callsPerConnection.set(c.connection, (this.callsPerConnection.get(c.connection) ?? 0) + 1);
    this.relays.call(c, { facts: callFacts(c), failed: callNotOk(c) ? failedRow(c) : null });
  }

  private count(facts: CallFacts, failed: FailedRow | null): void {
    this.calls.add(facts);
    if (failed === null) return;
    this.failedCount++;
    this.failedRows.push(failed);
    if (this.failedRows.length >= 2 * LIMIT.failed) this.failedRows = this.earliestFailed();
  }

  private earliestFailed(): FailedRow[] {
    return [...this.failedRows].sort((a, b) => a.start - b.start).slice(0, LIMIT.failed);
  }

  write(out: (s: string) => void): void {
    const sections = [
      this.head(),
      this.failed(),
      this.diagnosticLines(),
      this.methods(),
      this.connectionLines(),
      this.reproduce(),
    ];
    out(sections.map((s) => s.join('\n')).join('\n\n') + '\n');
  }

  private head(): string[] {
    const cap = this.capture;
    const lines = [`# h2scope report: ${mdText(this.options.input)}`, ''];
    if (cap) {
      const when =
        cap.start !== null && cap.end !== null
          ? `, ${isoDate(cap.start)} ${formatClockMs(cap.start)} to ${formatClockMs(cap.end)} UTC (${formatMs((cap.end - cap.start) * 1000)})`
          : '';
      lines.push(
        `- **Capture**: ${cap.format ?? 'not a capture'}${cap.complete ? '' : ' (incomplete)'}, ${grouped(cap.packets)} packets, ${formatBytes(cap.bytes)}${when}`,
      );
    }
    const { error, warning, info } = this.diagnostics.counts;
    const unknown = unknownPhrase(this.calls.total);
    lines.push(
      `- **Connections**: ${this.connections.length}`,
      `- **gRPC calls**: ${this.calls.total.calls}, ${this.failedCount} not ok${unknown === null ? '' : `, ${unknown}`}`,
      ...this.relays.lines().map((l) => `- **Relayed**: ${mdText(l.replace(/^relayed by /, 'by '))}`),
      `- **Diagnostics**: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`,
    );
    if (this.options.filter !== null) lines.push(`- **Filter**: ${mdText(this.options.filter)}`);
    return lines;
  }

  private failed(): string[] {
    if (this.failedCount === 0) return ['## What failed', '', 'No gRPC call failed.'];
    const rows = this.earliestFailed().map((r) => [
      formatClockMs(r.start),
      r.where,
      mdText(r.method),
      r.outcome,
      r.status,
      mdText(r.message),
      formatMs(r.durationMs),
    ]);
    return [
      '## What failed',
      '',
      ...mdTable(['Time (UTC)', 'Where', 'Method', 'Outcome', 'Status', 'Message', 'Duration'], rows),
      ...more(this.failedCount, LIMIT.failed),
    ];
  }

  private diagnosticLines(): string[] {
    if (this.diagnostics.total === 0) return ['## Diagnostics', '', 'None.'];
    const groups = this.diagnostics.sorted();
    const lines = ['## Diagnostics', ''];
    for (const g of groups.slice(0, LIMIT.diagnostics)) lines.push(...diagnosticItem(g));
    return [...lines, ...more(groups.length, LIMIT.diagnostics)];
  }

  private methods(): string[] {
    if (this.calls.total.calls === 0) return ['## Calls by method', '', 'No gRPC calls.'];
    const withUnknown = this.calls.total.unknown > 0;
    const shown = this.calls.sorted().slice(0, LIMIT.methods);
    const rows = shown.map(([method, s]) => methodCells(mdText(method), s, withUnknown));
    const unknown = withUnknown ? ['Status unknown'] : [];
    const header = ['Method', 'Calls', 'Errors', 'Error rate', ...unknown, 'p50', 'p90', 'p99', 'max'];
    const approximate = shown.some(([, s]) => s.durations.approximate);
    return [
      '## Calls by method',
      '',
      ...mdTable(header, rows),
      ...(approximate ? ['', approximateNote('p50/p90/p99').trim()] : []),
    ];
  }

  private connectionLines(): string[] {
    if (this.connections.length === 0) return ['## Connections', '', 'None.'];
    const sorted = sortedRows(this.connections);
    const calls = this.callsPerConnection;
    const rows = sorted
      .slice(0, LIMIT.connections)
      .map((c) => [
        c.id,
        `${c.client} → ${c.server}`,
        c.protocol,
        String(calls.get(c.id) ?? 0),
        String(c.frameCount),
        formatMs((c.end - c.start) * 1000),
        c.endReason,
      ]);
    return [
      '## Connections',
      '',
      ...mdTable(['Id', 'Client → Server', 'Protocol', 'Calls', 'Frames', 'Duration', 'End'], rows),
      ...more(sorted.length, LIMIT.connections),
    ];
  }

  private reproduce(): string[] {
    const base = ['h2scope', this.options.input, ...this.options.decodeArgs].map(shellQuote).join(' ');
    const cmd = (...args: string[]): string => `${base} ${args.map(shellQuote).join(' ')}`;
    const firstFailed = this.earliestFailed()[0];
    const lines = [
      '## Reproduce',
      '',
      '```sh',
      '# the overview, then the failed calls, then the problems h2scope found',
      cmd('--summary'),
      // Calls whose status the capture could not show are not failed (callNotOk).
      cmd(
        '--filter',
        this.calls.total.unknown > 0
          ? 'grpc.outcome != ok && grpc.outcome != status-unknown'
          : 'grpc.outcome != ok',
      ),
      cmd('--filter', 'diag.severity == error || diag.severity == warning'),
    ];
    if (firstFailed) {
      lines.push(
        '# everything about the connection of the earliest failed call',
        cmd('--filter', `conn.id == ${firstFailed.connection}`, '--format', 'json'),
      );
    }
    if (this.options.filter !== null) {
      lines.push(
        '# a minimal capture with just the connections of this report',
        cmd('--filter', this.options.filter, '--write-pcap', 'minimal.pcap'),
      );
    }
    lines.push('# browse interactively', base, '```');
    return lines;
  }
}

function failedRow(c: CallRecord): FailedRow {
  const reset = c.reset ? `RST_STREAM ${c.reset.errorCode} by ${c.reset.by}` : '';
  return {
    start: c.start,
    where: `${c.connection} s${c.stream}`,
    connection: c.connection,
    method: c.method ?? '(unknown)',
    outcome: c.outcome,
    status: c.status === null ? '-' : `${c.status} ${c.statusName ?? ''}`.trim(),
    message: c.message ?? reset,
    durationMs: c.durationMs,
  };
}

function diagnosticItem({ first: d, count: n }: DiagnosticGroup): string[] {
  const where = [
    d.connection,
    d.stream !== undefined ? `stream ${d.stream}` : undefined,
    d.time !== undefined ? formatClockMs(d.time) : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const count = n > 1 ? ` ×${n}` : '';
  const lines = [
    `- **${d.severity.toUpperCase()}** \`${d.code}\`${count}${where ? ` (first: ${where})` : ''}: ${mdText(explanationOf(d))}`,
  ];
  // The catalogue's fix on its own line, so a reader finds what to change without parsing the message.
  if (d.fix) lines.push(`  - **What to do:** ${mdText(d.fix)}`);
  const evidence = Object.entries(d.evidence ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  if (evidence)
    lines.push(`  - evidence: ${mdText(evidence.length > 300 ? evidence.slice(0, 300) + '...' : evidence)}`);
  return lines;
}

function more(total: number, limit: number): string[] {
  return total > limit ? ['', `… and ${total - limit} more (see \`--format json\`).`] : [];
}
