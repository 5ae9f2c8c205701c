/**
 * The connection's frames as a flow graph (Wireshark's Flow Graph): a client lane on the left, a server
 * lane on the right, one arrow per frame in capture order, labelled with type, stream, flags and length.
 */
import type { FrameRecord } from '../records/records.js';
import type { ConnectionEntry, CaptureStore } from '../model/store.js';
import type { DocLine } from './doc.js';
import type { Clock } from './clock.js';
import { safe } from './format.js';
import { flagsShort, frameRole, frameSummary } from './frame-lines.js';
import { seg, type Line } from './lines.js';
import { textWidth, truncate } from './text-width.js';

const TIME_WIDTH = 11;

export function flowLabel(f: FrameRecord): string {
  const flags = flagsShort(f.flags);
  const parts = [f.type, `s=${f.stream}`];
  if (flags) parts.push(`[${flags}]`);
  parts.push(`${f.length}`);
  const extra = frameSummary(f);
  return extra ? `${parts.join(' ')} ${extra}` : parts.join(' ');
}

/** An arrow `length` cells long with the label inside: "─ LABEL ───▶" or "◀─── LABEL ─". */
export function arrow(label: string, length: number, toServer: boolean): string {
  const body = truncate(label, Math.max(0, length - 4));
  const dashes = '─'.repeat(Math.max(0, length - 4 - textWidth(body)));
  return toServer ? `─ ${body} ${dashes}▶` : `◀${dashes} ${body} ─`;
}

export function flowHeader(entry: ConnectionEntry, width: number, clock: Clock): Line {
  const client = safe(entry.record?.client ?? 'client');
  const server = safe(entry.record?.server ?? 'server');
  const timeWidth = Math.max(TIME_WIDTH, clock.width + 1);
  const lane = width - timeWidth - 1;
  const gap = Math.max(1, lane - textWidth(client) - textWidth(server));
  return [
    seg(clock.title.padStart(timeWidth - 1) + ' ', 'dim'),
    seg(client, 'client', true),
    seg(' '.repeat(gap)),
    seg(server, 'server', true),
  ];
}

export function flowLine(f: FrameRecord, clock: Clock, prev: number | null, width: number): Line {
  const timeWidth = Math.max(TIME_WIDTH, clock.width + 1);
  const lane = Math.max(8, width - timeWidth - 3);
  const role = frameRole(f) ?? f.from;
  return [
    seg(clock.text(f.time, prev).padStart(timeWidth - 1) + ' ', 'dim'),
    seg('│', 'client'),
    seg(arrow(flowLabel(f), lane, f.from === 'client'), role, frameRole(f) !== undefined),
    seg('│', 'server'),
  ];
}

/**
 * The flow graph rows, built only for rows `from`..`to` (a connection can have millions of frames). Times
 * are the clock's, on the capture's time base as in Frames (a frame has one time everywhere).
 */
export function flowRows(
  store: CaptureStore,
  entry: ConnectionEntry,
  from: number,
  to: number,
  width: number,
  clock: Clock,
): DocLine[] {
  const out: DocLine[] = [];
  for (let i = from; i < Math.min(to, entry.frames.length); i++) {
    const n = entry.frames.get(i);
    const prev = i > 0 ? store.frames.time.get(entry.frames.get(i - 1)) : null;
    out.push({ frame: n, line: flowLine(store.frames.record(n), clock, prev, width) });
  }
  return out;
}
