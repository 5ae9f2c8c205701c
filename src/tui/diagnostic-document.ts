/**
 * One diagnostic in full, as a document: what happened (the whole explanation, wrapped at words), what to
 * do (the catalogue's fix for the code, filled with this diagnostic's values), the evidence as labelled values, and links
 * (Enter) to the call, the frame and the connection it is about.
 */
import { DIAGNOSTICS } from '../diagnostics/catalogue.js';
import { explanationOf } from '../diagnostics/make.js';
import type { Diagnostic } from '../records/records.js';
import type { CaptureStore } from '../model/store.js';
import { selectDiagnosticLinks } from '../model/store-selectors.js';
import { methodText, statusText } from './call-style.js';
import { captureStart } from './call-rows.js';
import { blank, section, type DocLine } from './doc.js';
import { SEVERITY_ROLE } from './diagnostic-rows.js';
import { clockTime, count, relativeTime, safe } from './format.js';
import { flowLabel } from './flow-graph.js';
import { seg, wrapWords } from './lines.js';

/** Splits text into sentences, so a paragraph wraps at words and starts each sentence on its own line. */
function sentences(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=[.!?])\s+(?=[A-Z"'(])/);
}

function paragraph(sentences: string[], width: number): DocLine[] {
  const out: DocLine[] = [];
  for (const s of sentences)
    for (const l of wrapWords(safe(s), width - 2)) out.push({ line: [seg('  ' + l)] });
  return out;
}

/** An evidence value as a person reads it: numbers with separators, lists and objects as compact JSON. */
export function evidenceValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) >= 10_000 ? count(v) : String(v);
  if (typeof v === 'string') return safe(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '-';
  return safe(JSON.stringify(v));
}

/** "2 of 5 analysis.flow.starvation" for the title bar. */
export function diagnosticPosition(store: CaptureStore, index: number): string {
  const d = store.diagnostics[index];
  if (!d) return '';
  let nth = 0;
  let total = 0;
  const diags = store.diagnostics;
  for (let i = 0; i < diags.length; i++) {
    if (diags[i]!.code !== d.code) continue;
    total++;
    if (i <= index) nth++;
  }
  return total > 1 ? `${count(nth)} of ${count(total)} ${d.code}` : d.code;
}

export function diagnosticDocument(store: CaptureStore, index: number, width: number): DocLine[] {
  const d: Diagnostic | undefined = store.diagnostics[index];
  if (!d) return [{ line: [seg('No such diagnostic.', 'dim')] }];
  const spec = DIAGNOSTICS[d.code];
  const out: DocLine[] = [];
  const links = linkLines(store, d);
  // Enter on the title follows the first link (the call, else the frame, else the connection).
  const primary = links.find((l) => l.target)?.target;
  out.push({
    ...(primary ? { target: primary } : {}),
    line: [
      seg(d.severity.toUpperCase() + ' ', SEVERITY_ROLE[d.severity], true),
      seg(spec?.title ?? d.code, undefined, true),
      seg('  ' + d.code, 'accent'),
    ],
  });
  const where: string[] = [];
  if (d.connection) where.push(`connection ${d.connection}`);
  if (d.stream !== undefined) where.push(`stream ${d.stream}`);
  if (d.time !== undefined)
    where.push(`at ${relativeTime(d.time, captureStart(store))} s (${clockTime(d.time)} UTC)`);
  out.push({ line: [seg('  ' + (where.length > 0 ? where.join(' · ') : 'the whole capture'), 'dim')] });
  out.push(blank(), ...links);
  // The catalogue keeps the fix apart (DiagnosticSpec.fix), so this shows exactly what it says to do.
  out.push(blank(), section('What happened'), ...paragraph(sentences(explanationOf(d)), width));
  if (d.fix) out.push(blank(), section('What to do'), ...paragraph(sentences(d.fix), width));
  const ev = Object.entries(d.evidence ?? {});
  if (ev.length > 0) {
    out.push(blank(), section('Evidence'));
    const label = Math.min(24, Math.max(...ev.map(([k]) => k.length)));
    for (const [k, v] of ev) {
      const head = `  ${safe(k).padEnd(label)}  `;
      const pieces = wrapWords(evidenceValue(v), Math.max(10, width - head.length));
      out.push({ line: [seg(head, 'accent'), seg(pieces[0] ?? '')] });
      for (const p of pieces.slice(1)) out.push({ line: [seg(' '.repeat(head.length)), seg(p)] });
    }
  }
  return out;
}

/** The links section: each line opens what it names (Enter). */
function linkLines(store: CaptureStore, d: Diagnostic): DocLine[] {
  const links = selectDiagnosticLinks(store, d);
  const out: DocLine[] = [section('Go to', 'Enter on a line opens it')];
  if (links.call !== undefined) {
    const c = store.callRow(links.call, false);
    out.push({
      target: { kind: 'call', call: links.call },
      line: [
        seg('  call      ', 'dim'),
        seg(`${c.connection} stream ${c.stream} ${safe(methodText(c))}  `),
        seg(statusText(c)),
      ],
    });
  }
  if (links.frame !== undefined) {
    const rec = store.frames.record(links.frame.frame);
    out.push({
      target: { kind: 'frame', frame: links.frame.frame },
      line: [seg('  frame     ', 'dim'), seg(`#${links.frame.frame + 1} in Frames  ${safe(flowLabel(rec))}`)],
    });
  }
  if (links.connection !== undefined) {
    const entry = store.connectionByOrdinal(links.connection);
    const peers = entry?.record ?? entry?.peers;
    const ends = peers ? `  ${safe(peers.client)} → ${safe(peers.server)}` : '';
    out.push({
      target: {
        kind: 'connection',
        connection: links.connection,
        ...(links.frame ? { row: links.frame.row } : {}),
      },
      line: [
        seg('  connection', 'dim'),
        seg(` ${d.connection}${ends}`),
        seg(links.frame ? '  (flow graph at the frame)' : '', 'dim'),
      ],
    });
  }
  if (out.length === 1) out.push({ line: [seg('  capture-wide: nothing to open', 'dim')] });
  return out;
}
