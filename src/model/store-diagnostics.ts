/**
 * Pure selectors for diagnostics: most severe first, where one points (its call, the frame its evidence
 * names, its connection), and the input problems the UI shows as an error screen or a warning line.
 */
import type { Diagnostic } from '../records/records.js';
import type { CaptureStore, ConnectionEntry } from './store.js';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** Diagnostic indexes, most severe first, then in the order they were raised. */
export function selectDiagnosticRows(
  store: CaptureStore,
  keep: ((d: Diagnostic) => boolean) | null,
): Uint32Array {
  const diags = store.diagnostics;
  const rows: number[] = [];
  for (let i = 0; i < diags.length; i++) if (!keep || keep(diags[i]!)) rows.push(i);
  rows.sort((a, b) => SEVERITY_RANK[diags[a]!.severity] - SEVERITY_RANK[diags[b]!.severity] || a - b);
  return Uint32Array.from(rows);
}

/** The `n` most severe diagnostics (first raised first within a severity), in one pass: no full sort. */
export function selectTopDiagnostics(store: CaptureStore, n: number): number[] {
  const out: number[] = [];
  for (const severity of ['error', 'warning', 'info'] as const) {
    if (store.severityCounts[severity] === 0) continue;
    const diags = store.diagnostics;
    for (let i = 0; i < diags.length && out.length < n; i++) if (diags[i]!.severity === severity) out.push(i);
    if (out.length >= n) break;
  }
  return out;
}

/** Where a diagnostic points: its call, else a frame of its connection, else the connection. */
export type DiagnosticTarget =
  | { kind: 'call'; call: number }
  | { kind: 'frame'; connection: number; frame: number }
  | { kind: 'connection'; connection: number };

export function selectDiagnosticTarget(store: CaptureStore, d: Diagnostic): DiagnosticTarget | null {
  if (d.connection === undefined) return null;
  const entry = store.connectionById(d.connection);
  if (!entry) return null;
  if (d.stream !== undefined && d.stream !== 0) {
    const call = store.callAt(d.connection, d.stream);
    if (call !== undefined) return { kind: 'call', call };
  }
  const frame = evidenceFrame(store, entry, d);
  if (frame !== null) return { kind: 'frame', connection: entry.ordinal, frame };
  return { kind: 'connection', connection: entry.ordinal };
}

/** Everything a diagnostic can lead to (its detail page lists each as a link). */
export interface DiagnosticLinks {
  call?: number;
  /** Frame number (store.frames) and its row in the connection's frame list (the flow graph). */
  frame?: { frame: number; row: number };
  connection?: number;
}

export function selectDiagnosticLinks(store: CaptureStore, d: Diagnostic): DiagnosticLinks {
  if (d.connection === undefined) return {};
  const entry = store.connectionById(d.connection);
  if (!entry) return {};
  const links: DiagnosticLinks = { connection: entry.ordinal };
  if (d.stream !== undefined && d.stream !== 0) {
    const call = store.callAt(d.connection, d.stream);
    if (call !== undefined) links.call = call;
  }
  const row = evidenceRow(store, entry, d);
  if (row !== null) links.frame = { frame: entry.frames.get(row), row };
  return links;
}

/** Frame types a diagnostic code may name ("analysis.goaway.too-many-pings" names GOAWAY). */
const CODE_TYPES: Array<[RegExp, string]> = [
  [/goaway/, 'GOAWAY'],
  [/rst|reset|cancel/, 'RST_STREAM'],
  [/settings/, 'SETTINGS'],
  [/ping|keepalive/, 'PING'],
  [/window|flow/, 'WINDOW_UPDATE'],
];

/**
 * The frame a diagnostic's evidence names (frame index, packet) or, failing that, the first frame at or
 * after its time; of several frames in that packet, the one whose type the code names.
 */
function evidenceFrame(store: CaptureStore, entry: ConnectionEntry, d: Diagnostic): number | null {
  const row = evidenceRow(store, entry, d);
  return row === null ? null : entry.frames.get(row);
}

/** evidenceFrame as a row of the connection's frame list. */
function evidenceRow(store: CaptureStore, entry: ConnectionEntry, d: Diagnostic): number | null {
  const ev = d.evidence ?? {};
  const frames = entry.frames;
  if (frames.length === 0) return null;
  const index = typeof ev['frame'] === 'number' ? ev['frame'] : null;
  if (index !== null && index < frames.length) return index;
  const packet = typeof ev['packet'] === 'number' ? ev['packet'] : null;
  if (packet === null && d.time === undefined) return null;
  let i = 0;
  while (i < frames.length) {
    const n = frames.get(i);
    if (packet !== null ? store.frames.packet.get(n) >= packet : store.frames.time.get(n) >= d.time!) break;
    i++;
  }
  if (i === frames.length) return frames.length - 1;
  return sameTimePick(store, entry, i, d.code);
}

function sameTimePick(store: CaptureStore, entry: ConnectionEntry, i: number, code: string): number {
  const type = CODE_TYPES.find(([re]) => re.test(code))?.[1];
  if (!type) return i;
  const t = store.frames.time.get(entry.frames.get(i));
  for (let j = i; j < entry.frames.length && store.frames.time.get(entry.frames.get(j)) === t; j++) {
    if (store.frames.typeName(entry.frames.get(j)) === type) return j;
  }
  return i;
}

/** The first capture-layer error (not a capture, cannot open, corrupt): the input could not be read whole. */
export function selectInputError(store: CaptureStore): Diagnostic | null {
  return store.diagnostics.find((d) => d.code.startsWith('capture.') && d.severity === 'error') ?? null;
}

/** The input ended before its last record was complete (a truncated file or an interrupted pipe). */
export function selectInputTruncated(store: CaptureStore): Diagnostic | null {
  return store.diagnostics.find((d) => d.code === 'capture.truncated') ?? null;
}

/** The diagnostics of one code: how many, where, and their indexes in the order they were raised. */
export interface DiagnosticGroup {
  code: string;
  severity: Diagnostic['severity'];
  /** Indexes into store.diagnostics. */
  rows: number[];
  /** Distinct connections the group's diagnostics belong to. */
  connections: number;
}

/**
 * Diagnostics grouped by code, most severe first, then the largest group, then by code: one pass and one
 * small sort, so a capture of 176,648 diagnostics lists a handful of groups (the rows of a group are read
 * only when it is expanded).
 */
export function selectDiagnosticGroups(
  store: CaptureStore,
  keep: ((d: Diagnostic) => boolean) | null,
): DiagnosticGroup[] {
  const byCode = new Map<string, DiagnosticGroup & { seen: Set<string> }>();
  const diags = store.diagnostics;
  for (let i = 0; i < diags.length; i++) {
    const d = diags[i]!;
    if (keep && !keep(d)) continue;
    let g = byCode.get(d.code);
    if (!g) {
      g = { code: d.code, severity: d.severity, rows: [], connections: 0, seen: new Set() };
      byCode.set(d.code, g);
    }
    g.rows.push(i);
    if (d.connection !== undefined && !g.seen.has(d.connection)) {
      g.seen.add(d.connection);
      g.connections++;
    }
  }
  return [...byCode.values()]
    .map(({ seen: _seen, ...g }) => g)
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        b.rows.length - a.rows.length ||
        (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    );
}
