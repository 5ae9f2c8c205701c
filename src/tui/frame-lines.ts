/** Frames as the Frames screen and the flow graph show them: a one-line summary and the decoded fields. */
import { timeAlone, type Clock } from './clock.js';
import type { FrameRecord } from '../records/records.js';
import { clockTime, hexDump, safe } from './format.js';
import { seg, type Line } from './lines.js';
import type { Role } from './theme.js';

const FLAG_SHORT: Record<string, string> = {
  END_STREAM: 'ES',
  END_HEADERS: 'EH',
  PADDED: 'PAD',
  PRIORITY: 'PRIO',
  ACK: 'ACK',
};

export function flagsShort(flags: string[]): string {
  return flags.map((f) => FLAG_SHORT[f] ?? f).join(',');
}

/**
 * A header list with what identifies it first: "POST /pkg.Svc/Method" for a request, ":status 200" for a
 * response, grpc-status and grpc-message for trailers; then the other fields.
 */
export function headersSummary(headers: Array<[string, string]>): string {
  const get = (name: string): string | undefined => headers.find(([n]) => n === name)?.[1];
  const first: string[] = [];
  const method = get(':method');
  const path = get(':path');
  if (method !== undefined && path !== undefined) first.push(`${method} ${path}`);
  const status = get(':status');
  if (status !== undefined) first.push(`:status ${status}`);
  const shown = new Set([':method', ':path', ':status']);
  for (const name of ['grpc-status', 'grpc-message']) {
    const v = get(name);
    if (v !== undefined) first.push(`${name}: ${v}`);
    shown.add(name);
  }
  const rest = headers.filter(([n]) => !shown.has(n)).map(([n, v]) => `${n}: ${v}`);
  return [...first, ...rest].join('  ');
}

/** What matters in one frame, in a few words (escaped). */
export function frameSummary(f: FrameRecord): string {
  const parts: string[] = [];
  if (f.headers) parts.push(headersSummary(f.headers));
  if (f.headersError) parts.push(`[headers: ${f.headersError}]`);
  if (f.dataLength !== undefined) parts.push(`${f.dataLength} bytes`);
  if (f.settings)
    parts.push(
      Object.entries(f.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '(empty)',
    );
  if (f.errorCode) parts.push(f.errorCode);
  if (f.lastStreamId !== undefined) parts.push(`last_stream=${f.lastStreamId}`);
  if (f.debugData) parts.push(`"${f.debugData}"`);
  if (f.increment !== undefined) parts.push(`+${f.increment}`);
  if (f.opaque) parts.push(f.opaque);
  if (f.promisedStream !== undefined) parts.push(`promised=${f.promisedStream}`);
  return safe(parts.join(' '));
}

/** RST_STREAM and GOAWAY stand out: red with an error code, yellow for NO_ERROR/CANCEL. */
export function frameRole(f: FrameRecord): Role | undefined {
  if (f.type !== 'RST_STREAM' && f.type !== 'GOAWAY') return f.type.startsWith('UNKNOWN') ? 'dim' : undefined;
  return f.errorCode === 'NO_ERROR' || f.errorCode === 'CANCEL' ? 'warning' : 'error';
}

function fieldLine(name: string, value: string, width: number, role?: Role): Line {
  return [seg(`  ${name.padEnd(width)} `, 'dim'), seg(value, role)];
}

/** Every decoded field of a frame, one per line (the Frames screen's detail pane). */
export function frameDetailLines(
  f: FrameRecord,
  frameNumber: number,
  callText: string | null,
  clock?: Clock,
): Line[] {
  // The labels as wide as the longest one here, so "SETTINGS_MAX_CONCURRENT_STREAMS" keeps its values aligned.
  const extra = extraFields(f);
  const width = extra.reduce((w, [name]) => Math.max(w, name.length), 18);
  const field = (name: string, value: string, role?: Role): Line => fieldLine(name, value, width, role);
  const lines: Line[] = [
    [
      seg(`Frame ${frameNumber}`, 'title', true),
      seg(
        `  ${f.connection} #${f.index} · packet ${f.packet + 1} · ${clock ? timeAlone(clock, f.time) : clockTime(f.time)}`,
        'dim',
      ),
    ],
    field('type', f.type, frameRole(f)),
    field('from', f.from, f.from),
    field('stream', String(f.stream)),
    field('length', `${f.length}`),
    field('flags', `${f.flags.join(' ') || '-'} (0x${f.flagBits.toString(16).padStart(2, '0')})`),
  ];
  if (callText) lines.push(field('call', safe(callText)));
  for (const [name, value] of extra) lines.push(field(name, value));
  if (f.headers) {
    lines.push([seg(`  header list (${f.headers.length} fields)`, 'dim')]);
    for (const [n, v] of f.headers) lines.push([seg(`    ${safe(n)}: `, 'accent'), seg(safe(v))]);
  }
  return lines;
}

function extraFields(f: FrameRecord): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (name: string, v: unknown): void => {
    if (v !== undefined) out.push([name, safe(typeof v === 'string' ? v : JSON.stringify(v))]);
  };
  add('padLength', f.padLength);
  add('dataLength', f.dataLength);
  add('priority', f.priority);
  add('headerBlockLength', f.headerBlockLength);
  add('headersError', f.headersError);
  add('promisedStream', f.promisedStream);
  if (f.errorCode !== undefined)
    add('errorCode', `${f.errorCode} (0x${(f.errorCodeValue ?? 0).toString(16)})`);
  add('lastStreamId', f.lastStreamId);
  add('debugData', f.debugData);
  add('increment', f.increment);
  add('ack', f.ack);
  add('opaque', f.opaque);
  if (f.settings) for (const [k, v] of Object.entries(f.settings)) add(k, v);
  add('raw', f.raw);
  return out;
}

/** RFC 9113 §4.1: the frame header the hex pane highlights. */
const FRAME_HEADER_LENGTH = 9;
/** Where the hex bytes start in a hexDump line ("0000  ") and the width of one byte ("hh "). */
const HEX_START = 6;
const HEX_BYTE = 3;

/**
 * The hex pane, Wireshark style: offset, 16 bytes in hex, ASCII with '.' for anything not printable (so no
 * control byte reaches the terminal). The 9-byte frame header is highlighted; then the payload as kept.
 */
export function frameHexLines(
  f: FrameRecord,
  kept: { bytes: Uint8Array; total: number },
  limit: number,
): Line[] {
  const payloadKept = kept.bytes.length - FRAME_HEADER_LENGTH;
  const lines: Line[] = [
    [
      seg(`frame header ${FRAME_HEADER_LENGTH} bytes`, 'accent'),
      seg(` + ${f.type} payload ${f.length} bytes`, 'dim'),
    ],
  ];
  const rows = hexDump(kept.bytes);
  rows.forEach((row, i) => {
    if (i > 0) return lines.push([seg(row.slice(0, HEX_START), 'dim'), seg(row.slice(HEX_START))]);
    const headerEnd = HEX_START + FRAME_HEADER_LENGTH * HEX_BYTE;
    lines.push([
      seg(row.slice(0, HEX_START), 'dim'),
      seg(row.slice(HEX_START, headerEnd), 'accent'),
      seg(row.slice(headerEnd)),
    ]);
  });
  const missing = kept.total - kept.bytes.length;
  if (missing > 0) {
    const why =
      payloadKept === 0 && limit > 0 ? 'payload not given to the store' : `h2scope keeps ${limit} per frame`;
    lines.push([seg(`… ${missing} more bytes not kept (${why})`, 'dim')]);
  }
  return lines;
}
