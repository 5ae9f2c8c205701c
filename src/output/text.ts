/**
 * text: a readable report for terminals, tickets and CI logs. What went wrong comes first: the
 * diagnostics, grouped by severity; then one short summary per connection (what it carried, how flow
 * control, SETTINGS, PINGs and GOAWAY went, one line per gRPC call). Frame lines (tshark-like) stream while
 * the capture is read only when asked for (`frames: true`). Every string from the capture goes through
 * escapeText.
 */
import { formatByteRate, formatBytes } from '../records/byte-text.js';
import { explanationOf } from '../diagnostics/make.js';
import { tcpSummaryLine } from './tcp-text.js';
import type { RecordSink } from '../engine/engine.js';
import type {
  CallRecord,
  CaptureRecord,
  ConnectionRecord,
  Diagnostic,
  FlowDirectionRecord,
  FrameRecord,
  Role,
} from '../records/records.js';
import type { Severity } from '../diagnostics/types.js';
import { formatCallLine } from './calls.js';
import { clockMicros } from '../records/time-text.js';
import { escapeText } from './escape.js';
import { grouped } from '../records/number-text.js';
import { CallLines } from './text-calls.js';
import type { Piece, SpoolError, TextSpool } from './text-spool.js';

export interface TextReportOptions {
  /** Stream one line per frame (and per call) while decoding, before the report. Default false. */
  frames?: boolean;
  /** Diagnostics shown per code; the rest are counted (all of them are in --format json). Default 20. */
  maxPerCode?: number;
  /** One line per gRPC call under its connection (src/output/calls.ts). */
  callLine?: (call: CallRecord) => string;
}

const SEVERITIES: ReadonlyArray<{ severity: Severity; heading: string }> = [
  { severity: 'error', heading: 'Errors' },
  { severity: 'warning', heading: 'Warnings' },
  { severity: 'info', heading: 'Info' },
];

/** hh:mm:ss.micro (UTC) of a frame; any timestamp, see src/records/time-text.ts. */
export function formatTime(epoch: number): string {
  return clockMicros(epoch);
}

function frameDetail(f: FrameRecord): string {
  const parts: string[] = [];
  if (f.headers) parts.push(f.headers.map(([n, v]) => `${n}: ${v}`).join(', '));
  if (f.headersError) parts.push(`[headers not decoded: ${f.headersError}]`);
  if (f.dataLength !== undefined && f.padLength !== undefined)
    parts.push(`data=${f.dataLength} pad=${f.padLength}`);
  if (f.settings)
    parts.push(
      Object.entries(f.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );
  if (f.errorCode) parts.push(f.errorCode);
  if (f.lastStreamId !== undefined) parts.push(`last_stream=${f.lastStreamId}`);
  if (f.debugData) parts.push(`debug=${JSON.stringify(f.debugData)}`);
  if (f.increment !== undefined) parts.push(`+${f.increment}`);
  if (f.opaque) parts.push(`opaque=${f.opaque}`);
  if (f.promisedStream !== undefined) parts.push(`promised=${f.promisedStream}`);
  return escapeText(parts.join(' '));
}

export function formatFrameLine(f: FrameRecord): string {
  const arrow = f.from === 'client' ? 'C->S' : 'S->C';
  const flags = f.flags.length > 0 ? ` [${f.flags.join(',')}]` : '';
  const detail = frameDetail(f);
  return `${formatTime(f.time)} ${f.connection} ${arrow} ${f.type} s=${f.stream} len=${f.length}${flags}${detail ? ' ' + detail : ''}`;
}

export function formatConnectionLine(c: ConnectionRecord): string {
  const dur = ((c.end - c.start) * 1000).toFixed(1);
  const tunnel = c.tunnel ? ` tunnel=CONNECT ${escapeText(c.tunnel.target)}` : '';
  const summary = `${tunnel}${c.summary ? ` ${escapeText(c.summary)}` : ''}`;
  return (
    `${c.id} ${c.client} -> ${c.server} ${c.protocol}${c.preface ? ' preface' : ''} frames=${c.frameCount} ` +
    `packets=${c.packets.client}/${c.packets.server} bytes=${c.bytes.client}/${c.bytes.server} ` +
    `duration=${dur}ms end=${c.endReason}${closedFirst(c)}${summary}`
  );
}

/** " by server" when a FIN or RST was seen: who closed first is half of every "connection dropped" story. */
function closedFirst(c: ConnectionRecord): string {
  const first = c.closes?.[0];
  return first ? ` (${first.how.toUpperCase()} from ${first.from} first)` : '';
}

/** The message with its fix (the catalogue's, when it names one) marked, so the line says what to change. */
export function diagnosticText(d: Diagnostic): string {
  return d.fix ? `${explanationOf(d)} What to do: ${d.fix}` : d.message;
}

export function formatDiagnosticLine(d: Diagnostic): string {
  const where = [d.connection, d.stream !== undefined ? `stream ${d.stream}` : undefined]
    .filter(Boolean)
    .join(' ');
  const time = d.time !== undefined ? ` ${formatTime(d.time)}` : '';
  return `${d.severity.toUpperCase().padEnd(7)} ${d.code}${where ? ` (${where})` : ''}${time}: ${escapeText(diagnosticText(d))}`;
}

const num = (n: number): string => grouped(Math.round(n));
const ms = (v: number): string => `${grouped(Number(v.toFixed(3)))} ms`;

const rate = formatByteRate;

function flowLine(from: Role, d: FlowDirectionRecord): string {
  // A side that sent no DATA (a unary request in one frame still sends DATA; an h2 GET's client does not).
  if (d.frames === 0) return `${from}: no DATA sent`;
  const parts = [`${from}: ${num(d.bytes)} B DATA in ${d.frames} frame${d.frames === 1 ? '' : 's'}`];
  if (d.throughput !== null) parts.push(`at ${rate(d.throughput)}`);
  parts.push(`window ${num(d.initialWindow)}, connection window min ${num(d.connection.min)}`);
  if (d.stalls.length > 0) parts.push(`${d.stalls.length} stalls, ${ms(d.stalledMs)} waiting for window`);
  if (d.overruns > 0) parts.push(`${d.overruns} overruns`);
  return parts.join(', ');
}

function settingsText(values: Record<string, number>): string {
  const list = Object.entries(values).map(([k, v]) => `${k}=${v}`);
  return list.length > 0 ? list.join(' ') : '(defaults)';
}

/** The analysis of one HTTP/2 connection in a few indented lines (docs/output.md, docs/analysis.md). */
export function formatConnectionSummary(c: ConnectionRecord): string[] {
  const lines: string[] = [];
  const add = (label: string, text: string | null): void => {
    if (text !== null && text !== '') lines.push(`    ${label.padEnd(8)} ${text}`);
  };
  add('tcp', tcpSummaryLine(c));
  if (c.concurrency) {
    const cc = c.concurrency.client;
    const limit = cc.limit === null ? 'no limit' : `limit ${cc.limit}`;
    const omitted = c.streamsOmitted ? ` (${c.streamsOmitted} not listed)` : '';
    add('streams', `${cc.opened} opened by the client${omitted}, peak ${cc.peak} open (${limit})`);
  }
  if (c.flowControl) {
    const fc = c.flowControl;
    const note = fc.exact ? '' : ` [estimates: ${fc.note ?? 'inexact'}]`;
    for (const side of ['client', 'server'] as const) add('flow', flowLine(side, fc[side]) + note);
  }
  if (c.settings) {
    const s = c.settings;
    const side = (r: Role): string => {
      const first = s[r].frames[0];
      if (first === undefined) return `${r} none`;
      const ack = first.ackMs === null ? 'never acknowledged' : `ACK ${ms(first.ackMs)}`;
      return `${r} ${settingsText(first.values)} (${ack})`;
    };
    add('settings', `${side('client')}; ${side('server')}`);
  }
  if (c.pings) {
    const text = (['client', 'server'] as const)
      .filter((r) => c.pings![r].sent > 0)
      .map((r) => {
        const p = c.pings![r];
        const rtt = p.rttMs === null ? '' : `, RTT ${ms(p.rttMs.median)}`;
        const idle = p.intervalMs.idle === null ? '' : `, every ${ms(p.intervalMs.idle)} when idle`;
        return `${r} ${p.sent} sent, ${p.acked} acked${rtt}${idle}`;
      });
    add('pings', text.join('; '));
  }
  for (const g of c.goaway ?? []) {
    if (g.phase === 'repeat') continue;
    const refused = g.refused.length > 0 ? `, refused ${g.refused.join(' ')}` : '';
    const debug = g.debugData ? ` "${escapeText(g.debugData)}"` : '';
    add('goaway', `${g.from} ${g.errorCode}${debug} last-stream-id ${g.lastStreamId}${refused}`);
  }
  if (c.hpack) {
    const h = c.hpack;
    const side = (r: Role): string =>
      `${r} ${num(h[r].size)}/${h[r].maxSize === null ? '?' : num(h[r].maxSize!)} B${h[r].known ? '' : ' (partly unknown)'}`;
    if (h.client.blocks + h.server.blocks > 0) add('hpack', `${side('client')}; ${side('server')}`);
  }
  return lines;
}

/**
 * What the report shows of the diagnostics, kept as they arrive: counts per severity and code, and per code
 * only the earliest `maxPerCode` (by time, then arrival), so memory does not grow with the capture.
 */
class DiagnosticDigest {
  private seq = 0;
  private readonly counts = new Map<Severity, Map<string, number>>();
  private readonly kept = new Map<string, Array<{ d: Diagnostic; at: number; seq: number }>>();

  constructor(private readonly maxPerCode: number) {}

  add(d: Diagnostic): void {
    let codes = this.counts.get(d.severity);
    if (codes === undefined) this.counts.set(d.severity, (codes = new Map()));
    codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
    const key = `${d.severity} ${d.code}`;
    let list = this.kept.get(key);
    if (list === undefined) this.kept.set(key, (list = []));
    const entry = { d, at: d.time ?? Infinity, seq: this.seq++ };
    if (list.length < this.maxPerCode) {
      list.push(entry);
      return;
    }
    // Full: replace the latest kept one if this one is strictly earlier (ties keep arrival order).
    let latest = 0;
    for (let i = 1; i < list.length; i++) if (later(list[i]!, list[latest]!)) latest = i;
    if (list.length > 0 && entry.at < list[latest]!.at) list[latest] = entry;
  }

  write(write: (s: string) => void): void {
    const total = (severity: Severity): number =>
      [...(this.counts.get(severity)?.values() ?? [])].reduce((a, b) => a + b, 0);
    const all = SEVERITIES.reduce((n, { severity }) => n + total(severity), 0);
    const counts = SEVERITIES.map(({ severity }) => {
      const n = total(severity);
      return `${n} ${severity}${n === 1 || severity === 'info' ? '' : 's'}`;
    });
    write(`\nDiagnostics: ${all === 0 ? 'none' : counts.join(', ')}\n`);
    for (const { severity, heading } of SEVERITIES) {
      const n = total(severity);
      if (n === 0) continue;
      write(`\n${heading} (${n}):\n`);
      const codes = this.counts.get(severity)!;
      const shown = [...codes.keys()]
        .flatMap((code) => this.kept.get(`${severity} ${code}`) ?? [])
        .sort((a, b) => (later(a, b) ? 1 : -1));
      for (const { d } of shown) write(formatDiagnosticLine(d) + '\n');
      // Codes in the order their first shown diagnostic appears, as the lines above.
      const order = [...new Set(shown.map(({ d }) => d.code))];
      for (const code of order) {
        const more = codes.get(code)! - this.maxPerCode;
        if (more > 0) write(`  ... and ${more} more ${code} (all of them are in --format json)\n`);
      }
    }
  }
}

function later(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at > b.at || (a.at === b.at && a.seq > b.seq);
}

function writeCapture(write: (s: string) => void, cap: CaptureRecord): void {
  const span =
    cap.start !== null && cap.end !== null ? `, ${((cap.end - cap.start) * 1000).toFixed(1)} ms` : '';
  write(
    `Capture ${escapeText(cap.file)}: ${cap.format ?? 'unreadable'}, ${grouped(cap.packets)} packets, ${formatBytes(cap.bytes)}${span}`,
  );
  write(cap.complete ? '\n' : ' (incomplete: see diagnostics)\n');
}

export function textSink(write: (line: string) => void, options: TextReportOptions = {}): RecordSink {
  return new TextReport(write, options, null).sink;
}

/**
 * The text report for the command: connection sections and the call lines of connections still open are
 * kept in a spool file (text-spool.ts) rather than in memory, so a report of an endless connection (a live
 * pipe) or of many connections holds flat memory; the report after the capture record is written from
 * `document()`. Without a spool (`textSink`), or without a usable temporary directory, all of it is kept
 * in memory and written at the capture record.
 */
export class TextReport {
  readonly sink: RecordSink;
  private readonly diagnostics: DiagnosticDigest;
  // Each connection's section is formatted when it ends: its records (analysis series, decoded calls)
  // are not kept until the end of the capture, only the text (2 GiB of records on a 300 MB capture).
  private readonly sections: Array<{ id: number; head: Piece; calls: CallLines | null }> = [];
  // A connection's calls wait for it as their formatted lines, not their records: a connection that stays
  // open for hours (a live gRPC channel) held every call's decoded messages until it ended.
  private readonly calls = new Map<string, CallLines>();
  private cap: CaptureRecord | null = null;

  constructor(
    write: (line: string) => void,
    options: TextReportOptions,
    private readonly spool: TextSpool | null,
  ) {
    const streaming = options.frames === true;
    const callLine = options.callLine ?? formatCallLine;
    this.diagnostics = new DiagnosticDigest(options.maxPerCode ?? 20);
    this.sink = {
      frame: (f) => {
        if (streaming) write(formatFrameLine(f) + '\n');
      },
      call: (c) => {
        const line = callLine(c);
        if (streaming) write(line + '\n');
        let list = this.calls.get(c.connection);
        if (list === undefined) this.calls.set(c.connection, (list = new CallLines(this.spool)));
        list.add(c.stream, line);
      },
      connection: (c) => this.connection(c),
      diagnostic: (d) => this.diagnostics.add(d),
      capture: (cap) => {
        if (streaming) write('\n');
        if (this.spool !== null) this.cap = cap;
        else for (const piece of this.tail(cap)) write(piece as string);
      },
    };
  }

  get spoolProblem(): string | null {
    return this.spool?.problem ?? null;
  }

  get spoolFailure(): SpoolError | null {
    return this.spool?.failure ?? null;
  }

  discard(): void {
    this.spool?.remove();
  }

  /** What follows the capture record's arrival: capture line, diagnostics, connections. */
  *document(): Generator<string | Buffer> {
    if (this.cap !== null) yield* this.tail(this.cap);
    this.spool?.remove();
  }

  private connection(c: ConnectionRecord): void {
    const lines = [formatConnectionLine(c), ...formatConnectionSummary(c)];
    const calls = this.calls.get(c.id) ?? null;
    this.calls.delete(c.id);
    const spilled = calls?.spilled === true;
    // Few calls: the section as one text (on disk with a spool), as it always was.
    if (calls !== null && !spilled) for (const line of calls.lines(callText)) lines.push(line);
    const head = lines.join('\n') + '\n';
    const id = Number(c.id.slice(1));
    this.sections.push({ id, head: this.spool?.put(head) ?? head, calls: spilled ? calls : null });
  }

  private *tail(cap: CaptureRecord): Generator<string | Buffer> {
    const parts: string[] = [];
    writeCapture((s) => parts.push(s), cap);
    this.diagnostics.write((s) => parts.push(s));
    parts.push(`\nConnections (${this.sections.length}):\n`);
    yield parts.join('');
    for (const s of this.sections.sort((a, b) => a.id - b.id)) {
      if (this.spool === null) yield s.head as string;
      else yield* this.spool.read(s.head);
      if (s.calls !== null) for (const line of s.calls.lines(callText)) yield line + '\n';
    }
  }
}

function callText(line: string): string {
  return `    call     ${line}`;
}
