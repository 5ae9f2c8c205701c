/**
 * tcp.analysis.* fields: a connection's TCP analysis (ConnectionRecord.tcp, src/tcp/tcp-analysis.ts), named
 * after tshark's per-packet fields but counted per connection, both sides together. A count of zero is
 * absent, so the bare field (`tcp.analysis.retransmission`) finds the connections that have any, as in
 * tshark; `tcp.analysis.retransmission > 10` compares the count. Frames, calls and diagnostics read them
 * from their connection.
 */
import type { TcpDirectionAnalysis } from '../records/records.js';
import type { ConnectionContext, FieldDef } from './field-types.js';

type Counter = keyof Pick<
  TcpDirectionAnalysis,
  | 'retransmissions'
  | 'fastRetransmissions'
  | 'spuriousRetransmissions'
  | 'outOfOrder'
  | 'lostSegments'
  | 'duplicateAcks'
  | 'zeroWindows'
  | 'keepAlives'
  | 'retransmissionDelayMs'
  | 'windowUpdates'
  | 'windowFull'
  | 'ackedUnseen'
  | 'keepAliveAcks'
  | 'zeroWindowProbeAcks'
  | 'zeroWindowProbes'
  | 'sackSegments'
  | 'dsacks'
>;

function count(description: string, key: Counter): Omit<FieldDef, 'name'> {
  return {
    number: true,
    string: false,
    description,
    conn: (c: ConnectionContext) => {
      const t = c.tcp;
      if (t === undefined) return null;
      const n = t.client[key] + t.server[key];
      return n === 0 ? null : Math.round(n * 1000) / 1000;
    },
  };
}

const defs: Record<string, Omit<FieldDef, 'name'>> = {
  'tcp.analysis.retransmission': count(
    'retransmitted segments (fast and spurious included)',
    'retransmissions',
  ),
  'tcp.analysis.fast_retransmission': count(
    'fast retransmissions (after 2+ duplicate ACKs)',
    'fastRetransmissions',
  ),
  'tcp.analysis.spurious_retransmission': count(
    'retransmissions of bytes already acknowledged',
    'spuriousRetransmissions',
  ),
  'tcp.analysis.out_of_order': count('segments out of order', 'outOfOrder'),
  'tcp.analysis.lost_segment': count('segments after bytes the capture never saw', 'lostSegments'),
  'tcp.analysis.duplicate_ack': count('duplicate ACKs', 'duplicateAcks'),
  'tcp.analysis.zero_window': count('segments advertising a zero receive window', 'zeroWindows'),
  'tcp.analysis.keep_alive': count('TCP keep-alives', 'keepAlives'),
  'tcp.analysis.zero_window_probe': count(
    'zero-window probes (1 byte into a closed window)',
    'zeroWindowProbes',
  ),
  'tcp.analysis.zero_window_probe_ack': count('ACKs of zero-window probes', 'zeroWindowProbeAcks'),
  'tcp.analysis.keep_alive_ack': count('ACKs of TCP keep-alives', 'keepAliveAcks'),
  'tcp.analysis.window_update': count('pure ACKs that only change the receive window', 'windowUpdates'),
  'tcp.analysis.window_full': count(
    'segments that fill the receive window the peer advertised (the sender must wait)',
    'windowFull',
  ),
  'tcp.analysis.ack_lost_segment': count('ACKs of bytes the capture never saw', 'ackedUnseen'),
  'tcp.options.sack': count(
    'segments carrying SACK blocks (the receiver holds data past a hole)',
    'sackSegments',
  ),
  'tcp.options.sack.dsack': count('SACKs reporting duplicate data (D-SACK, RFC 2883)', 'dsacks'),
  'tcp.analysis.bytes_in_flight': {
    number: true,
    string: false,
    description: 'largest bytes in flight (sent, not yet acknowledged) of either side',
    conn: (c) => {
      const t = c.tcp;
      if (t === undefined) return null;
      const m = Math.max(t.client.maxBytesInFlight, t.server.maxBytesInFlight);
      return m === 0 ? null : m;
    },
  },
  'tcp.analysis.retransmission_delay': count(
    'ms the streams stood still for retransmissions, both directions',
    'retransmissionDelayMs',
  ),
  'tcp.analysis.initial_rtt': {
    number: true,
    string: false,
    description: 'ms from SYN to the ACK completing the handshake (absent without a handshake)',
    conn: (c) => c.tcp?.handshake?.initialRttMs ?? null,
  },
  'tcp.analysis.ack_rtt': {
    number: true,
    string: false,
    description: 'largest ACK round trip (ms) of either side',
    conn: (c) => {
      const t = c.tcp;
      if (t === undefined) return null;
      const m = Math.max(t.client.ackRtt?.maxMs ?? -1, t.server.ackRtt?.maxMs ?? -1);
      return m < 0 ? null : m;
    },
  },
};

export const TCP_FIELDS: FieldDef[] = Object.entries(defs).map(([name, def]) => ({ ...def, name }));
