/**
 * Text rendering of gRPC calls for the text report (and anything else that prints calls): one line per
 * call as it ends, an optional detail block (headers, messages, status details), and a per-method summary.
 * Everything from the capture (method, grpc-message, metadata, payloads) goes through escapeText.
 */
import type { CallMessageRecord, CallRecord, DecodedMessage } from '../records/records.js';
import { clockMicros } from '../records/time-text.js';
import { renderDecodeRaw } from '../grpc/protobuf-raw-text.js';
import { escapeText } from './escape.js';

/** Payload previews in the detail block are cut to this many characters. */
const PREVIEW_CHARS = 160;

/** hh:mm:ss.micro (UTC), the same format as the frame lines of the text report. */
const clock = clockMicros;

function ms(v: number): string {
  return `${Number(v.toFixed(3))}ms`;
}

/** `unary`, or `unary?` when the kind is inferred from message counts rather than a .proto. */
function kindText(c: CallRecord): string {
  return c.kindInferred ? `${c.kind}?` : c.kind;
}

function statusText(c: CallRecord): string {
  // A guess stays marked as one: "status=unknown guess=OK".
  const guess = c.statusUnknown?.guess;
  if (c.outcome === 'status-unknown')
    return guess ? `status=unknown guess=${guess.statusName}` : 'status=unknown';
  if (c.status === null) return 'status=none';
  // A status the peer did not send (mapped from RST_STREAM, GOAWAY, HTTP status, ...) says where it came from.
  const from = c.statusSource !== null && c.statusSource !== 'trailers' ? ` (from ${c.statusSource})` : '';
  return `status=${c.status} ${c.statusName ?? ''}${from}`;
}

function encodings(c: CallRecord): string | null {
  const plain = (e: string | null): boolean => e === null || e === 'identity';
  if (plain(c.requestEncoding) && plain(c.responseEncoding)) return null;
  return `encoding=${c.requestEncoding ?? 'identity'}/${c.responseEncoding ?? 'identity'}`;
}

/**
 * One line per call, e.g.
 * `22:50:29.123456 c1 s=7 gRPC /scope.v1.Lab/Echo unary error status=9 FAILED_PRECONDITION "résumé ✓ failed"
 * req=1 resp=0 duration=0.563ms trailers-only`.
 */
export function formatCallLine(c: CallRecord): string {
  const parts = [
    // Over HTTP/1.1 there are no streams: the exchange's number (docs/grpc.md) and the transport say so.
    `${clock(c.end)} ${c.connection} s=${c.stream} gRPC${c.transport ? `-Web over ${c.transport}` : ''}`,
    escapeText(c.method ?? '(unknown method)') + (c.guessed ? ' [guessed]' : ''),
    kindText(c),
    c.outcome,
    statusText(c),
  ];
  if (c.message !== null && c.message !== '') parts.push(escapeText(JSON.stringify(c.message)));
  if (c.httpStatus !== null && c.httpStatus !== 200) parts.push(`http=${c.httpStatus}`);
  if (c.reset !== null) parts.push(`reset-by=${c.reset.by} ${c.reset.errorCode}`);
  parts.push(`req=${c.requestCount} resp=${c.responseCount}`, `duration=${ms(c.durationMs)}`);
  if (c.deadlineMs !== null) parts.push(`deadline=${ms(c.deadlineMs)}`);
  const enc = encodings(c);
  if (enc !== null) parts.push(enc);
  if (c.trailersOnly) parts.push('trailers-only');
  return parts.join(' ');
}

/** A one-line preview of a decoded payload. */
export function decodedPreview(d: DecodedMessage, max = PREVIEW_CHARS): string {
  let text: string;
  switch (d.kind) {
    case 'schema':
      text = `${d.type} ${JSON.stringify(d.value)}`;
      break;
    case 'raw':
      // protoc --decode_raw's text, on one line: `1: "bob" 2: "hi" 4 { 1: "lang" }`
      text = `raw ${renderDecodeRaw(d.fields)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .join(' ')}`;
      break;
    case 'text':
      text = `text ${JSON.stringify(d.text)}`;
      break;
    case 'bytes':
      text = `bytes ${d.hex}${d.truncated ? '...' : ''} (${d.error})`;
      break;
    case 'skipped':
      text = `not decoded: ${d.reason}`;
      break;
  }
  return escapeText(text.length > max ? `${text.slice(0, max)}...` : text);
}

function messageLine(dir: '>' | '<', m: CallMessageRecord): string {
  const size = m.decompressedLength !== undefined ? `${m.length}->${m.decompressedLength}` : `${m.length}`;
  return `    ${dir} ${clock(m.time)} ${size}B${m.compressed ? ' compressed' : ''} ${decodedPreview(m.decoded)}`;
}

function headerLine(label: string, pairs: Array<[string, string]>): string | null {
  if (pairs.length === 0) return null;
  return `    ${label}: ${escapeText(pairs.map(([n, v]) => `${n}: ${v}`).join(', '))}`;
}

/** The call line, then its headers, messages (> request, < response) and status details, indented. */
export function formatCallDetail(c: CallRecord): string[] {
  const lines = [formatCallLine(c)];
  const head = [
    headerLine('request headers', c.requestHeaders),
    headerLine('response headers', c.responseHeaders),
  ];
  for (const l of head) if (l !== null) lines.push(l);
  // Both directions in capture order, so a bidi exchange reads as it happened.
  const messages = [
    ...c.requests.map((m) => ({ dir: '>' as const, m })),
    ...c.responses.map((m) => ({ dir: '<' as const, m })),
  ].sort((a, b) => a.m.time - b.m.time);
  for (const { dir, m } of messages) lines.push(messageLine(dir, m));
  const trailers = headerLine(c.trailersOnly ? 'trailers-only' : 'trailers', c.trailers);
  if (trailers !== null) lines.push(trailers);
  if (c.requestCount > c.requests.length || c.responseCount > c.responses.length)
    lines.push(`    (${c.requestCount}/${c.responseCount} messages, the rest not kept)`);
  for (const d of c.statusDetails?.details ?? []) {
    const value = d.value !== null ? JSON.stringify(d.value) : JSON.stringify(d.raw ?? d.hex ?? null);
    lines.push(`    detail ${escapeText(d.type ?? d.typeUrl)} ${escapeText(value)}`);
  }
  for (const g of c.guesses) lines.push(`    guessed ${g.what}: ${escapeText(g.reason)}`);
  const unknown = c.statusUnknown;
  if (unknown) {
    lines.push(`    status not decoded: ${escapeText(unknown.reason)}`);
    if (unknown.guess)
      lines.push(
        `    guessed status ${unknown.guess.statusName}, not decoded: ${escapeText(unknown.guess.basis)}`,
      );
  }
  return lines;
}

/** Per method, in order of first appearance: call count, outcomes, and the slowest call. */
export function formatCallSummary(calls: readonly CallRecord[]): string[] {
  const byMethod = new Map<string, CallRecord[]>();
  for (const c of calls) {
    const key = c.method ?? '(unknown method)';
    let list = byMethod.get(key);
    if (!list) byMethod.set(key, (list = []));
    list.push(c);
  }
  const lines: string[] = [];
  for (const [method, list] of byMethod) {
    const outcomes = new Map<string, number>();
    for (const c of list) outcomes.set(c.outcome, (outcomes.get(c.outcome) ?? 0) + 1);
    const counts = [...outcomes].map(([o, n]) => `${o}=${n}`).join(' ');
    const max = Math.max(...list.map((c) => c.durationMs));
    lines.push(`${escapeText(method)} calls=${list.length} ${counts} max-duration=${ms(max)}`);
  }
  return lines;
}
