/**
 * text: a readable report for terminals, tickets and CI logs. Frames stream as tshark-like lines while the
 * capture is read; connections are summarised as they end; diagnostics come last, most severe first.
 * Every string from the capture goes through escapeText.
 */
import type { RecordSink } from '../engine/engine.js';
import type { ConnectionRecord, Diagnostic, FrameRecord } from '../model/records.js';
import { escapeText } from './escape.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function formatTime(epoch: number): string {
  const d = new Date(Math.floor(epoch * 1000));
  const micros = Math.round((epoch % 1) * 1e6) % 1e6;
  return `${d.toISOString().slice(11, 19)}.${String(micros).padStart(6, '0')}`;
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
  const summary = c.summary ? ` ${escapeText(c.summary)}` : '';
  return (
    `${c.id} ${c.client} -> ${c.server} ${c.protocol}${c.preface ? ' preface' : ''} frames=${c.frameCount} ` +
    `packets=${c.packets.client}/${c.packets.server} bytes=${c.bytes.client}/${c.bytes.server} ` +
    `duration=${dur}ms end=${c.endReason}${summary}`
  );
}

export function formatDiagnosticLine(d: Diagnostic): string {
  const where = [d.connection, d.stream !== undefined ? `stream ${d.stream}` : undefined]
    .filter(Boolean)
    .join(' ');
  return `${d.severity.toUpperCase().padEnd(7)} ${d.code}${where ? ` (${where})` : ''}: ${escapeText(d.message)}`;
}

export function textSink(write: (line: string) => void): RecordSink {
  const diagnostics: Diagnostic[] = [];
  const connections: ConnectionRecord[] = [];
  return {
    frame: (f) => write(formatFrameLine(f) + '\n'),
    connection: (c) => connections.push(c),
    diagnostic: (d) => diagnostics.push(d),
    capture: (cap) => {
      write(
        `\nCapture ${escapeText(cap.file)}: ${cap.format ?? 'unreadable'}, ${cap.packets} packets, ${cap.bytes} bytes`,
      );
      write(cap.complete ? '\n' : ' (incomplete: see diagnostics)\n');
      write(`\nConnections (${connections.length}):\n`);
      const num = (id: string): number => Number(id.slice(1));
      for (const c of [...connections].sort((a, b) => num(a.id) - num(b.id)))
        write(formatConnectionLine(c) + '\n');
      const sorted = [...diagnostics].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
      write(`\nDiagnostics (${sorted.length}):\n`);
      for (const d of sorted) write(formatDiagnosticLine(d) + '\n');
    },
  };
}
