/**
 * The call detail's "Where the time went" section: each latency component (CallRecord.latency,
 * docs/analysis.md "Latency breakdown") with its time, share and a bar, then the setup a first call waited
 * for and the stream limit. Pure: lines from the record.
 */
import type { CallRecord } from '../records/call.js';
import { blank, section, text, type DocLine } from './doc.js';
import { duration } from './format.js';
import { seg } from './lines.js';

const ROWS = [
  ['requestMs', 'request upload', 'client HEADERS to its END_STREAM'],
  ['serverMs', 'server', 'request end to response HEADERS'],
  ['responseMs', 'response download', 'response HEADERS to the end'],
  ['clientFlowWaitMs', 'client window wait', 'client DATA waiting for flow-control window'],
  ['serverFlowWaitMs', 'server window wait', 'server DATA waiting for flow-control window'],
  ['retransmissionMs', 'TCP retransmission', 'bytes held up by lost segments'],
  ['unaccountedMs', 'unaccounted', ''],
] as const;

const BAR = 20;

export function latencySection(c: CallRecord): DocLine[] {
  const l = c.latency;
  if (l === undefined) return [];
  const out: DocLine[] = [section('Where the time went', `${duration(c.durationMs)}, mostly ${l.dominant}`)];
  for (const [field, label, what] of ROWS) {
    const ms = l[field];
    if (ms === 0 && field !== 'serverMs') continue;
    const share = c.durationMs > 0 ? ms / c.durationMs : 0;
    const filled = Math.round(share * BAR);
    out.push({
      line: [
        seg(`  ${label.padEnd(19)} `, 'accent'),
        seg(duration(ms).padStart(8)),
        seg(`${Math.round(share * 100)}%`.padStart(5), 'dim'),
        seg(
          `  ${'█'.repeat(filled)}${'·'.repeat(BAR - filled)}`,
          field === l.dominant + 'Ms' ? 'warning' : 'dim',
        ),
        seg(what ? `  ${what}` : l.unaccountedReason ? `  ${l.unaccountedReason}` : '', 'dim'),
      ],
    });
  }
  if (l.setup !== null) {
    const s = l.setup;
    const parts = [
      `TCP connect ${duration(s.tcpConnectMs)}`,
      s.idleMs ? `client idle ${duration(s.idleMs)}` : '',
      s.tlsMs ? `TLS ${duration(s.tlsMs)}` : '',
      `preface/SETTINGS to HEADERS ${duration(s.settingsMs)}`,
    ].filter((p) => p !== '');
    out.push(
      text(`  before the call: ${duration(s.totalMs)} of connection setup (${parts.join(', ')})`, 'dim'),
    );
  }
  if (l.streamLimit !== null)
    out.push(
      text(
        `  sent when a stream freed: ${l.streamLimit.limit} streams (MAX_CONCURRENT_STREAMS) had been open for ${duration(l.streamLimit.fullMs)}`,
        'warning',
      ),
    );
  return [...out, blank()];
}
