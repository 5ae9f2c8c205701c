/** A ConnectionSession's inputs for tests that feed it bytes by hand: the connection and empty TCP stats. */
import type { TcpConnectionInfo, TcpConnectionStats } from '../../src/tcp/types.js';

/** Client 10.0.0.1:40000 to 10.0.0.2:`serverPort`, opened by a SYN at capture time 100. */
export function handConnection(serverPort: number): TcpConnectionInfo {
  return {
    id: 'c1',
    a: { ip: '10.0.0.1', port: 40000 },
    b: { ip: '10.0.0.2', port: serverPort },
    clientRule: 'syn',
    synSeen: true,
    start: 100,
    firstPacketIndex: 0,
  };
}

/** Stats of a connection that exchanged its handshake packets only. */
export const HANDSHAKE_STATS: TcpConnectionStats = {
  packets: [3, 3],
  wireBytes: [0, 0],
  bytes: [0, 0],
  retransmissions: [0, 0],
  outOfOrder: [0, 0],
  lostBytes: [0, 0],
};
