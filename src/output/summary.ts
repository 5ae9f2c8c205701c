/**
 * --summary: a one-screen text report. Diagnostics first (grouped by code, most severe first), then calls
 * per method (count, error rate, p50/p90/p99/max latency, message bytes), then per connection. Long lists
 * are cut to fit a screen with a pointer to the complete output. Capture strings go through escapeText.
 * Only aggregates are kept (report-rows.ts, call-stats.ts), so it works on captures of any length.
 */
import { formatBytes } from '../records/byte-text.js';
import type { RecordSink } from '../engine/engine.js';
import type { CaptureRecord } from '../records/records.js';
import { callNotOk, type CallRecord } from '../records/call.js';
import { callFacts, CallStatsByMethod, type CallFacts } from '../model/call-stats.js';
import { approximateNote, methodCells, unknownPhrase } from './call-stats.js';
import { escapeText } from './escape.js';
import { LatencyByMethod } from './latency-stats.js';
import { EXACT_ROWS } from '../model/value-series.js';
import { RelayedCalls } from './relayed-calls.js';
import { connectionRow, DiagnosticGroups, sortedRows, type ConnectionRow } from './report-rows.js';
import { formatClockMs, formatMs, formatTable } from './table.js';
import { plural, grouped } from '../records/number-text.js';

export const SUMMARY_LIMITS = { diagnostics: 10, methods: 15, connections: 10, messageChars: 200 } as const;

/** What the summary keeps of a call held while it may be a relayed call's backend leg. */
interface CountedCall {
  facts: CallFacts;
  latency: Pick<CallRecord, 'method' | 'durationMs' | 'latency'>;
}

/** Internal options: tests lower `exactRows` (value-series.ts EXACT_ROWS) to see the approximate marking. */
export interface SummaryOptions {
  exactRows?: number;
}

export class SummaryReport {
  private capture: CaptureRecord | null = null;
  private readonly connections: ConnectionRow[] = [];
  private readonly calls: CallStatsByMethod;
  private readonly latency: LatencyByMethod;

  private readonly exactRows: number;

  constructor(opts: SummaryOptions = {}) {
    this.exactRows = opts.exactRows ?? EXACT_ROWS;
    this.calls = new CallStatsByMethod(opts.exactRows);
    this.latency = new LatencyByMethod(opts.exactRows);
  }

  private readonly perConnection = new Map<string, { calls: number; errors: number }>();
  private readonly diagnostics = new DiagnosticGroups();
  /** A call relayed by a proxy is counted once, as the client's call (src/output/relayed-calls.ts). */
  private readonly relays = new RelayedCalls<CountedCall>((held) => {
    this.calls.add(held.facts);
    this.latency.add(held.latency);
  });

  readonly sink: RecordSink = {
    opened: (peers) => this.relays.opened(peers),
    connection: (rec) => this.connections.push(connectionRow(rec)),
    frame: () => undefined,
    call: (c) => {
      const latency = { method: c.method, durationMs: c.durationMs, latency: c.latency };
      this.relays.call(c, { facts: callFacts(c), latency });
      let s = this.perConnection.get(c.connection);
      if (!s) this.perConnection.set(c.connection, (s = { calls: 0, errors: 0 }));
      s.calls++;
      if (callNotOk(c)) s.errors++;
    },
    diagnostic: (d) => this.diagnostics.add(d),
    capture: (rec) => {
      this.relays.finish();
      this.capture = rec;
    },
  };

  write(out: (s: string) => void): void {
    const lines = [
      ...this.head(),
      '',
      ...this.diagnosticLines(),
      '',
      ...this.methodLines(),
      ...this.latencyLines(),
      '',
      ...this.connectionLines(),
    ];
    out(lines.join('\n') + '\n');
  }

  private head(): string[] {
    const cap = this.capture;
    if (!cap) return ['Summary: no capture'];
    const span =
      cap.start !== null && cap.end !== null
        ? `, ${formatMs((cap.end - cap.start) * 1000)} (${formatClockMs(cap.start)} - ${formatClockMs(cap.end)} UTC)`
        : '';
    const { calls, errors } = this.calls.total;
    const unknown = unknownPhrase(this.calls.total);
    return [
      `Summary of ${escapeText(cap.file)}: ${cap.format ?? 'not a capture'}${cap.complete ? '' : ' (incomplete)'}, ` +
        `${grouped(cap.packets)} packets, ${formatBytes(cap.bytes)}${span}`,
      `${plural(this.connections.length, 'connection')}, ${plural(calls, 'gRPC call')}, ${errors} not ok` +
        (unknown === null ? '' : `, ${unknown}`),
      ...this.relays.lines(),
    ];
  }

  private diagnosticLines(): string[] {
    const d = this.diagnostics;
    if (d.total === 0) return ['Diagnostics: none'];
    const { error, warning, info } = d.counts;
    const head = `Diagnostics (${d.total}): ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`;
    const groups = d.sorted();
    const shown = groups.slice(0, SUMMARY_LIMITS.diagnostics).map(({ first, count }) => {
      const where = [first.connection, first.stream !== undefined ? `stream ${first.stream}` : undefined]
        .filter(Boolean)
        .join(' ');
      const times =
        count > 1 ? ` (x${count}, first:${where ? ` ${where}` : ''})` : where ? ` (${where})` : '';
      return `  ${first.severity.toUpperCase().padEnd(7)} ${first.code}${times}: ${shorten(escapeText(first.message))}`;
    });
    return [head, ...shown, ...more(groups.length, SUMMARY_LIMITS.diagnostics, 'diagnostic codes')];
  }

  private methodLines(): string[] {
    if (this.calls.total.calls === 0) return ['gRPC calls: none'];
    const methods = this.calls.sorted();
    const withUnknown = this.calls.total.unknown > 0;
    const rows = methods
      .slice(0, SUMMARY_LIMITS.methods)
      .map(([method, s]) => [
        ...methodCells(escapeText(method), s, withUnknown),
        formatBytes(s.requestBytes),
        formatBytes(s.responseBytes),
      ]);
    const unknownHead = withUnknown ? ['UNKNOWN'] : [];
    const header = [
      'METHOD',
      'CALLS',
      'ERRORS',
      'ERR%',
      ...unknownHead,
      'P50',
      'P90',
      'P99',
      'MAX',
      'REQ B',
      'RESP B',
    ];
    const statuses = [...this.calls.total.statuses].sort((a, b) => b[1] - a[1]);
    const approximate = methods.slice(0, SUMMARY_LIMITS.methods).some(([, s]) => s.durations.approximate);
    return [
      `gRPC calls by method (${methods.length}):`,
      ...formatTable(header, rows, ['l', ...header.slice(1).map(() => 'r' as const)]),
      ...(approximate ? [approximateNote('P50/P90/P99', this.exactRows)] : []),
      ...more(methods.length, SUMMARY_LIMITS.methods, 'methods'),
      `  statuses: ${statuses.map(([name, n]) => `${escapeText(name)} ${n}`).join(', ')}`,
      ...(this.relays.legs === 0
        ? []
        : [
            `  relayed (each counted once, not again as its backend leg): ${relayedMethods(this.relays.methods)}`,
          ]),
    ];
  }

  /** Blank line then the latency breakdown per method, when there are calls. */
  private latencyLines(): string[] {
    const lines = this.latency.lines(SUMMARY_LIMITS.methods);
    return lines.length === 0 ? [] : ['', ...lines.map(escapeText)];
  }

  private connectionLines(): string[] {
    if (this.connections.length === 0) return ['Connections: none'];
    const sorted = sortedRows(this.connections);
    const rows = sorted.slice(0, SUMMARY_LIMITS.connections).map((c) => {
      const s = this.perConnection.get(c.id);
      return [
        c.id,
        `${c.client} -> ${c.server}`,
        c.protocol,
        String(s?.calls ?? 0),
        String(s?.errors ?? 0),
        String(c.frameCount),
        `${formatBytes(c.bytes.client)}/${formatBytes(c.bytes.server)}`,
        formatMs((c.end - c.start) * 1000),
        c.endReason,
      ];
    });
    const header = [
      'ID',
      'CLIENT -> SERVER',
      'PROTO',
      'CALLS',
      'ERRORS',
      'FRAMES',
      'BYTES C/S',
      'DURATION',
      'END',
    ];
    return [
      `Connections (${this.connections.length}):`,
      ...formatTable(header, rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l']),
      ...more(sorted.length, SUMMARY_LIMITS.connections, 'connections'),
    ];
  }
}

function more(total: number, limit: number, what: string): string[] {
  return total > limit ? [`  ... ${total - limit} more ${what} (--format json has them all)`] : [];
}

/** One screen: a long diagnostic message is cut (the full text is in every other format). */
function shorten(s: string): string {
  const max = SUMMARY_LIMITS.messageChars;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function relayedMethods(methods: Map<string, number>): string {
  return [...methods]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([m, n]) => `${escapeText(m)} ${n}`)
    .join(', ');
}
