/**
 * The call detail as a document: summary, grpcurl command, request headers and metadata, each message
 * (collapsible decoded tree), response headers, trailers, status with details, the frame timeline, and
 * raw bytes on demand. Pure: built from the store for one call.
 */
import { captureStart } from './call-rows.js';
import { makeClock, timeAlone, type Clock } from './clock.js';
import type { CallMessageRecord, CallRecord } from '../records/records.js';
import type { CaptureStore } from '../model/store.js';
import { selectCallFrames } from '../model/store-selectors.js';
import { methodText, outcomeRole, statusRole, statusText } from './call-style.js';
import { blank, pairs, section, text, type DocLine } from './doc.js';
import { bytes, duration, hexDump, safe } from './format.js';
import { flagsShort, frameRole, frameSummary } from './frame-lines.js';
import { grpcurlCommand } from './grpcurl.js';
import { latencySection } from './latency-lines.js';
import { seg, wrapText } from './lines.js';
import { jsonLines, messageTree, quote, rawLines } from './message-tree.js';

export interface CallDocOptions {
  expanded: ReadonlySet<string>;
  hex: boolean;
  width: number;
  /** The time format `t` chose (default: seconds since the capture started). */
  clock?: Clock;
}

export function callDocument(store: CaptureStore, index: number, o: CallDocOptions): DocLine[] {
  if (index < 0 || index >= store.callCount) return [text('No such call.', 'dim')];
  const call = store.callRecord(index);
  if (!call)
    return [
      text(`The call's details cannot be read back: ${store.spoolProblem ?? 'spool unreadable'}.`, 'error'),
    ];
  const frames = selectCallFrames(store, call);
  return [
    ...summary(call, o.clock ?? makeClock('relative', captureStart(store))),
    ...replay(store, call),
    ...headerSection('Request headers', call.requestHeaders, o.width),
    ...messages('Request messages', 'req', call.requests, call.requestCount, call.start, o.expanded),
    ...headerSection('Response headers', call.responseHeaders, o.width),
    ...messages('Response messages', 'resp', call.responses, call.responseCount, call.start, o.expanded),
    ...headerSection(
      call.trailersOnly ? 'Trailers (trailers-only response)' : 'Trailers',
      call.trailers,
      o.width,
    ),
    ...status(call, o.width),
    ...latencySection(call),
    ...timeline(store, call, frames),
    ...(o.hex ? rawBytes(store, frames) : [text('x: raw bytes of the DATA frames', 'dim')]),
  ];
}

function summary(c: CallRecord, clock: Clock): DocLine[] {
  const kind = `${c.kind}${c.kindInferred ? ' (inferred)' : ''}`;
  const lines: DocLine[] = [
    {
      line: [
        seg(`Call ${c.connection} stream ${c.stream}  `, 'title', true),
        seg(safe(methodText(c)), undefined, true),
      ],
    },
    {
      line: [
        seg('  status ', 'dim'),
        seg(statusText(c), statusRole(c.status), true),
        seg('  outcome ', 'dim'),
        seg(c.outcome, outcomeRole(c.outcome)),
        seg(`  ${kind} · ${duration(c.durationMs)} · first response ${duration(c.firstResponseMs)}`, 'dim'),
      ],
    },
    text(
      `  started ${timeAlone(clock, c.start)} · authority ${safe(c.authority) || '-'} · deadline ${c.deadlineMs === null ? 'none' : duration(c.deadlineMs)}`,
      'dim',
    ),
  ];
  if (c.reset) lines.push(text(`  reset by the ${c.reset.by} with RST_STREAM ${c.reset.errorCode}`, 'error'));
  for (const g of c.guesses) lines.push(text(`  guessed ${g.what}: ${safe(g.reason)}`, 'warning'));
  return [...lines, blank()];
}

function replay(store: CaptureStore, c: CallRecord): DocLine[] {
  const { command, note } = grpcurlCommand(c, store.connectionById(c.connection)?.record ?? null);
  const out: DocLine[] = [section('Replay', 'grpcurl · y prints it whole when you quit')];
  // One line, never wrapped: a wrapped command breaks when pasted (the screen cuts it; y gives it whole).
  out.push(text(`  ${command}`));
  if (note) out.push(text(`  # ${note}`, 'dim'));
  return [...out, blank()];
}

function headerSection(title: string, headers: Array<[string, string]>, width: number): DocLine[] {
  if (headers.length === 0) return [section(title, 'none'), blank()];
  const list = headers.map(([n, v]): [string, string] => [safe(n), safe(v)]);
  return [section(title, `${headers.length}`), ...pairs(list, width), blank()];
}

function messages(
  title: string,
  key: string,
  list: CallMessageRecord[],
  total: number,
  start: number,
  expanded: ReadonlySet<string>,
): DocLine[] {
  const kept = total > list.length ? ` (first ${list.length} kept)` : '';
  const out: DocLine[] = [section(title, `${total}${kept}`)];
  list.forEach((m, i) => {
    const id = `${key}:${i}`;
    const open = expanded.has(id);
    const size = m.compressed
      ? `${bytes(m.length)} compressed → ${bytes(m.decompressedLength ?? null)}`
      : bytes(m.length);
    out.push({
      toggle: id,
      line: [
        seg(`  ${open ? '▾' : '▸'} #${i + 1} `, 'accent', true),
        seg(`${size} · +${duration((m.time - start) * 1000)} · ${m.decoded.kind}`),
      ],
    });
    if (open) for (const l of messageTree(m.decoded)) out.push(text(`      ${l}`));
  });
  return [...out, blank()];
}

function status(c: CallRecord, width: number): DocLine[] {
  const out: DocLine[] = [section('Status', c.statusSource ? `from ${c.statusSource}` : '')];
  out.push({
    line: [
      seg('  '),
      seg(statusText(c), statusRole(c.status), true),
      seg(c.message ? `  ${safe(c.message)}` : ''),
    ],
  });
  const unknown = c.statusUnknown;
  if (unknown) {
    out.push(text(`  status not decoded: ${safe(unknown.reason)}`, 'warning'));
    if (unknown.guess)
      out.push(
        text(`  guessed ${unknown.guess.statusName}, not decoded: ${safe(unknown.guess.basis)}`, 'warning'),
      );
  }
  const d = c.statusDetails;
  if (d) {
    out.push(text(`  details: google.rpc.Status ${d.code} ${d.codeName} ${quote(d.message)}`));
    for (const det of d.details) {
      out.push(text(`    ${safe(det.type ?? det.typeUrl)}`, 'accent'));
      const lines: string[] = [];
      if (det.value) jsonLines(det.value, '      ', lines);
      else if (det.raw) rawLines(det.raw, '      ', lines);
      else if (det.hex) lines.push(`      ${det.hex}`);
      out.push(...lines.map((l) => text(l)));
    }
  }
  if (c.responseBody) {
    const body = c.responseBody.text !== undefined ? safe(c.responseBody.text) : (c.responseBody.hex ?? '');
    out.push(
      text(
        `  response body (${bytes(c.responseBody.length)}${c.responseBody.truncated ? ', preview' : ''}):`,
        'dim',
      ),
    );
    for (const piece of wrapText(body, Math.max(10, width - 5))) out.push(text(`    ${piece}`));
  }
  return [...out, blank()];
}

function timeline(store: CaptureStore, c: CallRecord, frames: number[]): DocLine[] {
  const out: DocLine[] = [section('Timeline', `${frames.length} frames · Enter: open in Frames · H: HPACK`)];
  for (const n of frames) {
    const f = store.frames.record(n);
    const arrow = f.from === 'client' ? 'C→S' : 'S→C';
    const role = frameRole(f);
    out.push({
      frame: n,
      line: [
        seg(`  ${('+' + duration((f.time - c.start) * 1000)).padStart(9)} `, 'dim'),
        seg(`${arrow} `, f.from),
        seg(f.type.padEnd(13), role, true),
        seg(` ${String(f.length).padStart(6)} ${flagsShort(f.flags).padEnd(8)} `, 'dim'),
        seg(frameSummary(f), role),
      ],
    });
  }
  return [...out, blank()];
}

function rawBytes(store: CaptureStore, frames: number[]): DocLine[] {
  const out: DocLine[] = [section('Raw bytes', `DATA frames, first ${store.frames.previewLimit} bytes each`)];
  for (const n of frames) {
    const bytesKept = store.frames.preview(n);
    if (bytesKept.length === 0) continue;
    const f = store.frames.record(n);
    out.push(
      text(`  frame ${n + 1} ${f.from} DATA ${f.dataLength ?? f.length} bytes`, f.from),
      ...hexDump(bytesKept).map((l) => text(`    ${l}`)),
    );
  }
  return out;
}
