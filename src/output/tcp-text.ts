/**
 * One line of a connection's TCP analysis for the text report, only when TCP had trouble (below): a healthy
 * connection's report is unchanged.
 */
import type { ConnectionRecord, Role, TcpDirectionAnalysis } from '../records/records.js';

/** As tcp.window-full: one segment ending at the window's edge may be chance, the third is a pattern. */
const WINDOW_FULL_TROUBLE = 3;

function side(r: Role, d: TcpDirectionAnalysis): string | null {
  const parts: string[] = [];
  if (d.retransmissions > 0) {
    const kinds = [
      d.fastRetransmissions > 0 ? `${d.fastRetransmissions} fast` : '',
      d.spuriousRetransmissions > 0 ? `${d.spuriousRetransmissions} spurious` : '',
    ].filter((k) => k !== '');
    const of = kinds.length > 0 ? ` (${kinds.join(', ')})` : '';
    parts.push(`${d.retransmissions} retransmissions${of} holding ${d.retransmissionDelayMs} ms`);
  }
  if (d.lostSegments > 0) parts.push(`${d.lostSegments} after unseen bytes`);
  if (d.outOfOrder > 0) parts.push(`${d.outOfOrder} out of order`);
  if (d.duplicateAcks > 0) parts.push(`${d.duplicateAcks} duplicate ACKs`);
  if (d.zeroWindows > 0) parts.push(`${d.zeroWindows} zero windows`);
  if (d.windowFull >= WINDOW_FULL_TROUBLE) parts.push(`${d.windowFull} segments filled the peer's window`);
  if (d.dsacks > 0) parts.push(`${d.dsacks} D-SACK${d.dsacks === 1 ? '' : 's'}`);
  if (parts.length === 0) return null;
  const rtt = d.ackRtt === null ? '' : `, ACK RTT ${d.ackRtt.avgMs} ms avg ${d.ackRtt.maxMs} max`;
  return `${r} ${parts.join(', ')}${rtt}`;
}

/**
 * Trouble as tcp.retransmission judges it (3 retransmissions, or 100 ms held up), or any zero window or
 * unseen bytes, or a sender filling the peer's TCP window again and again: a lone quick retransmission (a tail loss probe on loopback) leaves the report unchanged.
 */
function troubled(d: TcpDirectionAnalysis): boolean {
  return (
    d.retransmissions >= 3 ||
    d.retransmissionDelayMs >= 100 ||
    d.zeroWindows > 0 ||
    d.lostSegments > 0 ||
    d.windowFull >= WINDOW_FULL_TROUBLE
  );
}

export function tcpSummaryLine(c: ConnectionRecord): string | null {
  const t = c.tcp;
  if (t === undefined || !(troubled(t.client) || troubled(t.server))) return null;
  const sides = [side('client', t.client), side('server', t.server)].filter((s): s is string => s !== null);
  if (sides.length === 0) return null;
  const hs = t.handshake?.initialRttMs;
  return `${hs === null || hs === undefined ? '' : `handshake RTT ${hs} ms; `}${sides.join('; ')}`;
}
