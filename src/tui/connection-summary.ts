/**
 * The connection's "what happened" pane: endpoints and counters, SETTINGS of each side, PINGs with RTT,
 * GOAWAY and RST_STREAM with their codes and what they cut off, streams, HPACK table, flow-control totals
 * and the connection's diagnostics. Reads the analysis fields of the connection record (docs/analysis.md)
 * when present; without them it lists the SETTINGS, PING, GOAWAY and RST_STREAM frames themselves.
 */
import { makeClock, type Clock } from './clock.js';
import { captureStart } from './call-rows.js';
import type {
  ConnectionRecord,
  GoawayRecord,
  PingSideRecord,
  SettingsSideRecord,
} from '../records/records.js';
import { currentRecord, type CaptureStore, type ConnectionEntry } from '../model/store.js';
import { selectFramesOfType } from '../model/store-selectors.js';
import { methodText } from './call-style.js';
import { diagnosticLine } from './diagnostic-rows.js';
import { blank, section, text, type DocLine } from './doc.js';
import { formatByteRate } from '../records/byte-text.js';
import { bytes, clockTime, count, duration, safe } from './format.js';
import { flowLabel } from './flow-graph.js';
import { frameRole } from './frame-lines.js';
import { seg } from './lines.js';

const SIDES = ['client', 'server'] as const;

export function connectionSummary(
  store: CaptureStore,
  entry: ConnectionEntry,
  width: number,
  clock: Clock = makeClock('relative', captureStart(store)),
): DocLine[] {
  const rec = currentRecord(entry);
  // Times in the format `t` chose, on the capture's time base (as Frames and the flow graph): a GOAWAY
  // here reads the same time as its row in Frames.
  const start = clock;
  return [
    ...facts(entry, rec),
    ...(rec?.settings ? settings(rec, start) : framesOf(store, entry, 'SETTINGS', start)),
    ...(rec?.pings ? pings(rec, start) : framesOf(store, entry, 'PING', start)),
    ...(rec?.goaway ? goaways(store, entry, rec.goaway, start) : framesOf(store, entry, 'GOAWAY', start)),
    ...resets(store, entry, start),
    ...streams(rec),
    ...hpack(rec),
    ...flow(rec),
    ...diagnostics(store, entry, width),
  ];
}

function facts(entry: ConnectionEntry, rec: ConnectionRecord | null): DocLine[] {
  if (!rec)
    return [
      section(`Connection ${entry.id}`, 'still open'),
      text(`  ${count(entry.frames.length)} frames so far`),
      blank(),
    ];
  const state = rec.open ? `still open (figures as of ${clockTime(rec.end)})` : `ended by ${rec.endReason}`;
  const out: DocLine[] = [
    section(`Connection ${rec.id}`, `${safe(rec.client)} → ${safe(rec.server)}`),
    text(
      `  ${rec.protocol} · detected by ${rec.h2Detection ?? '-'} · client by ${rec.clientRule} · ${state} · ${duration((rec.end - rec.start) * 1000)}`,
    ),
    text(
      `  client sent ${count(rec.packets.client)} packets, ${bytes(rec.bytes.client)} · server ${count(rec.packets.server)} packets, ${bytes(rec.bytes.server)} · ${count(rec.frameCount)} frames`,
    ),
  ];
  if (rec.summary) out.push(text(`  ${safe(rec.summary)}`, 'warning'));
  if (rec.tunnel)
    out.push(
      text(
        `  CONNECT tunnel to ${safe(rec.tunnel.target)} through this proxy (${safe(rec.tunnel.statusLine)})`,
      ),
    );
  if (rec.tls)
    out.push(
      text(
        `  TLS ${safe(rec.tls.version ?? '')} sni=${safe(rec.tls.sni ?? '-')} alpn=${safe(rec.tls.alpnSelected ?? '-')} decryption=${rec.tls.decryption}`,
      ),
    );
  return [...out, blank()];
}

function settingValues(values: Record<string, number>): string {
  const list = Object.entries(values).map(([k, v]) => `${k}=${v}`);
  return list.length > 0 ? list.join(' ') : '(defaults)';
}

function settings(rec: ConnectionRecord, start: Clock): DocLine[] {
  const at = stamps(start);
  const out: DocLine[] = [section('SETTINGS')];
  for (const side of SIDES) {
    const s: SettingsSideRecord = rec.settings![side];
    out.push({ line: [seg(`  ${side}`, side, true), seg(`  in force: ${settingValues(s.acknowledged)}`)] });
    for (const f of s.frames) {
      const ack = f.ackMs === null ? 'never acknowledged' : `ACK after ${duration(f.ackMs)}`;
      out.push(
        text(
          `    ${at(f.time)}  ${settingValues(f.values)}  (${ack})`,
          f.ackMs === null ? 'warning' : undefined,
        ),
      );
    }
  }
  return [...out, blank()];
}

function pingSide(side: 'client' | 'server', p: PingSideRecord, start: Clock): DocLine[] {
  const at = stamps(start);
  const rtt = p.rttMs
    ? `RTT min ${duration(p.rttMs.min)} median ${duration(p.rttMs.median)} max ${duration(p.rttMs.max)}`
    : 'no RTT';
  const every = (ms: number | null): string => (ms === null ? '-' : duration(ms));
  const out: DocLine[] = [
    {
      line: [
        seg(`  ${side}`, side, true),
        seg(`  ${p.sent} sent · ${p.acked} acked · ${p.unanswered} unanswered · ${rtt}`),
      ],
    },
    text(
      `    every ${every(p.intervalMs.active)} with active streams, ${every(p.intervalMs.idle)} idle`,
      'dim',
    ),
  ];
  for (const ping of p.list.slice(0, 20)) {
    const r = ping.rttMs === null ? 'no ACK' : `RTT ${duration(ping.rttMs)}`;
    out.push(
      text(
        `    ${at(ping.time)}  ${ping.opaque}  ${r}  (${ping.activeStreams} active streams)`,
        ping.rttMs === null ? 'warning' : undefined,
      ),
    );
  }
  return out;
}

function pings(rec: ConnectionRecord, start: Clock): DocLine[] {
  const p = rec.pings!;
  if (p.client.sent + p.server.sent === 0) return [section('PING', 'none'), blank()];
  return [
    section('PING'),
    ...pingSide('client', p.client, start),
    ...pingSide('server', p.server, start),
    blank(),
  ];
}

function goaways(store: CaptureStore, entry: ConnectionEntry, list: GoawayRecord[], start: Clock): DocLine[] {
  const at = stamps(start);
  if (list.length === 0) return [section('GOAWAY', 'none'), blank()];
  const out: DocLine[] = [section('GOAWAY', `${list.length}`)];
  for (const g of list) {
    const role = g.errorCode === 'NO_ERROR' ? 'warning' : 'error';
    const phase = g.phase ? ` (${g.phase})` : '';
    out.push({
      frame: entry.frames.get(g.frame),
      line: [
        seg(`  ${at(g.time)} from ${g.from}  `),
        seg(`${g.errorCode}${phase}`, role, true),
        seg(`  last stream ${g.lastStreamId}${g.debugData ? `  "${safe(g.debugData)}"` : ''}`),
      ],
    });
    if (g.refused.length > 0)
      out.push(
        text(`    cut off (never processed, safe to retry): ${streamList(store, entry, g.refused)}`, 'error'),
      );
    for (const s of g.inFlight)
      out.push(
        text(
          `    in flight: stream ${s.stream} ${callName(store, entry, s.stream)} → ${s.outcome}`,
          s.outcome === 'completed' ? 'ok' : 'warning',
        ),
      );
  }
  return [...out, blank()];
}

function callName(store: CaptureStore, entry: ConnectionEntry, stream: number): string {
  const i = store.callAt(entry.id, stream);
  return i === undefined ? '' : safe(methodText(store.callRow(i, false)));
}

function streamList(store: CaptureStore, entry: ConnectionEntry, streams: number[]): string {
  return streams.map((s) => `${s} ${callName(store, entry, s)}`.trim()).join(', ');
}

function resets(store: CaptureStore, entry: ConnectionEntry, start: Clock): DocLine[] {
  const at = stamps(start);
  const frames = selectFramesOfType(store, entry, ['RST_STREAM']);
  if (frames.length === 0) return [section('RST_STREAM', 'none'), blank()];
  const out: DocLine[] = [section('RST_STREAM', `${frames.length}`)];
  for (const n of frames.slice(0, 200)) {
    const f = store.frames.record(n);
    out.push({
      frame: n,
      line: [
        seg(`  ${at(f.time)} ${f.from} reset stream ${f.stream} `),
        seg(f.errorCode ?? '', frameRole(f), true),
        seg(`  ${callName(store, entry, f.stream)}`),
      ],
    });
  }
  return [...out, blank()];
}

function framesOf(store: CaptureStore, entry: ConnectionEntry, type: string, start: Clock): DocLine[] {
  const at = stamps(start);
  const frames = selectFramesOfType(store, entry, [type]);
  const out: DocLine[] = [section(type, frames.length === 0 ? 'none' : `${frames.length} frames`)];
  for (const n of frames.slice(0, 200)) {
    const f = store.frames.record(n);
    out.push({
      frame: n,
      line: [seg(`  ${at(f.time)} `), seg(f.from, f.from), seg(`  ${flowLabel(f)}`, frameRole(f))],
    });
  }
  return [...out, blank()];
}

function streams(rec: ConnectionRecord | null): DocLine[] {
  if (!rec?.streams) return [];
  const refused = rec.streams.filter((s) => s.refused !== null).length;
  const reset = rec.streams.filter((s) => s.reset !== null).length;
  // A snapshot of an open connection lists only its open streams (connection-analyzer.ts): counting them
  // as its streams read "Streams 0" on a channel that had carried thousands of calls.
  const out: DocLine[] = rec.open
    ? [
        section('Streams', `${rec.streams.length} open now`),
        text('  closed streams are listed when the connection ends', 'dim'),
      ]
    : [
        section('Streams', `${rec.streams.length + (rec.streamsOmitted ?? 0)}`),
        text(`  ${refused} refused · ${reset} reset`),
      ];
  if (rec.concurrency) {
    for (const side of SIDES) {
      const c = rec.concurrency[side];
      out.push(
        text(
          `  ${side} opened ${c.opened} · peak ${c.peak} at once · limit ${c.limit ?? 'none'}`,
          c.limit !== null && c.peak >= c.limit ? 'warning' : undefined,
        ),
      );
    }
  }
  return [...out, blank()];
}

function hpack(rec: ConnectionRecord | null): DocLine[] {
  if (!rec?.hpack) return [];
  const out: DocLine[] = [section('HPACK dynamic tables', 'H on a HEADERS frame: inspector')];
  for (const side of SIDES) {
    const h = rec.hpack[side];
    out.push(
      text(
        `  ${side} encoder: ${h.blocks} blocks · ${bytes(h.size)} now · peak ${bytes(h.peak)} · max ${h.maxSize ?? '?'} (setting ${h.setting ?? 'default'})${h.known ? '' : ' · table not fully known'}`,
      ),
    );
  }
  return [...out, blank()];
}

function flow(rec: ConnectionRecord | null): DocLine[] {
  if (!rec?.flowControl) return [];
  const fc = rec.flowControl;
  const out: DocLine[] = [
    section('Flow control', fc.exact ? 'Tab: window charts' : `estimated: ${safe(fc.note ?? '')}`),
  ];
  for (const side of SIDES) {
    const d = fc[side];
    const rate = d.throughput === null ? '-' : formatByteRate(Math.round(d.throughput));
    const role = d.stalls.length > 0 ? 'warning' : undefined;
    out.push(
      text(
        `  ${side} sent ${bytes(d.bytes)} in ${d.frames} DATA · ${rate} · window min ${d.connection.min} · ${d.stalls.length} stalls (${duration(d.stalledMs)}) · ${d.overruns} overruns`,
        role,
      ),
    );
  }
  return [...out, blank()];
}

function diagnostics(store: CaptureStore, entry: ConnectionEntry, width: number): DocLine[] {
  const list: number[] = [];
  store.diagnostics.forEach((d, i) => {
    if (d.connection === entry.id) list.push(i);
  });
  if (list.length === 0) return [section('Diagnostics', 'none')];
  // Enter on one opens it in full (the line is cut at the screen's width).
  return [
    section('Diagnostics', `${list.length} · Enter reads one in full`),
    ...list.map((i): DocLine => ({
      target: { kind: 'diagnostic', diagnostic: i },
      line: [seg('  '), ...diagnosticLine(store.diagnostics[i]!, width)],
    })),
  ];
}

/** Stamps lines with the clock's text; the delta format counts from the line above in the same list. */
function stamps(clock: Clock): (t: number) => string {
  let prev: number | null = null;
  return (t) => {
    const text = clock.text(t, prev);
    prev = t;
    return clock.format === 'delta' ? `+${text}` : text;
  };
}
