/**
 * A TLS connection through ConnectionSession and its TLS layer (src/session/tls-layer.ts): real node:tls
 * bytes carrying an HTTP/2 connection preface and SETTINGS (RFC 9113 §3.4), replayed as TCP chunks.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/records/records.js';
import { ConnectionSession, type SessionEvent } from '../../src/session/connection-session.js';
import type { TcpConnectionInfo, TcpConnectionStats } from '../../src/tcp/types.js';
import { KeyLog } from '../../src/tls/keylog.js';
import { liveSession } from './live-session.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** RFC 9113 §6.5: an empty SETTINGS frame (length 0, type 4, flags 0, stream 0) and its ACK (flags 1). */
const SETTINGS = Buffer.from('000000040000000000', 'hex');
const SETTINGS_ACK = Buffer.from('000000040100000000', 'hex');

const SERVER = { ip: '10.0.0.1', port: 443 };
const CLIENT = { ip: '10.0.0.2', port: 40000 };

/** No SYN seen and the port heuristic wrong: endpoint a is the server. */
const conn: TcpConnectionInfo = {
  id: 'c9',
  a: SERVER,
  b: CLIENT,
  clientRule: 'port',
  synSeen: false,
  start: 100,
  firstPacketIndex: 0,
};

function stats(aToB: number, bToA: number): TcpConnectionStats {
  const pair = (x: number, y: number): [number, number] => [x, y];
  return {
    packets: pair(aToB, bToA),
    wireBytes: pair(aToB * 100, bToA * 100),
    bytes: pair(aToB * 100, bToA * 100),
    retransmissions: pair(0, 0),
    outOfOrder: pair(0, 0),
    lostBytes: pair(0, 0),
  };
}

async function run(
  keyLog: KeyLog | 'from-session',
): Promise<{ events: SessionEvent[]; record: ConnectionRecord }> {
  const live = await liveSession({
    version: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    clientPayload: Buffer.concat([PREFACE, SETTINGS]),
    serverPayload: Buffer.concat([SETTINGS, SETTINGS_ACK]),
  });
  const keys = keyLog === 'from-session' ? new KeyLog() : keyLog;
  if (keyLog === 'from-session') keys.addText(live.keyLog);
  const session = new ConnectionSession(conn, { keyLog: keys });
  // The client is endpoint b: its bytes travel in direction 1.
  const events = live.order.flatMap((w, i) =>
    session.data(w.from === 'client' ? 1 : 0, w.data, 0, 101 + i, i),
  );
  events.push(...session.end(200, 'fin', stats(7, 5)));
  const last = events[events.length - 1];
  if (last?.kind !== 'connection') throw new Error('no connection record');
  return { events, record: last.record };
}

describe('ConnectionSession over TLS', () => {
  it('decrypts and decodes the HTTP/2 inside: protocol h2, roles from the handshake, stats turned round', async () => {
    const { events, record } = await run('from-session');
    const frames = events.flatMap((e) =>
      e.kind === 'frame' ? [[e.frame.from, e.frame.type, e.frame.flagBits]] : [],
    );
    expect(frames).toEqual([
      ['client', 'SETTINGS', 0],
      ['server', 'SETTINGS', 0],
      ['server', 'SETTINGS', 1],
    ]);
    expect(record).toMatchObject({
      id: 'c9',
      client: '10.0.0.2:40000',
      server: '10.0.0.1:443',
      clientRule: 'preface',
      protocol: 'h2',
      preface: true,
      h2Detection: 'preface',
      packets: { client: 5, server: 7 },
      frameCount: 3,
      tls: { version: 'TLS 1.3', sni: 'h2scope.test', alpnSelected: 'h2', decryption: 'decrypted' },
    });
    expect(record.summary).toBeUndefined();
  });

  it('without keys: protocol tls, the ClientHello names the client, the summary says what is known', async () => {
    const { events, record } = await run(new KeyLog());
    expect(events.filter((e) => e.kind === 'frame')).toEqual([]);
    expect(record).toMatchObject({
      client: '10.0.0.2:40000',
      server: '10.0.0.1:443',
      clientRule: 'client-hello',
      protocol: 'tls',
      preface: false,
      h2Detection: null,
      frameCount: 0,
      summary: 'TLS 1.3, SNI h2scope.test, ALPN offered h2,http/1.1, encrypted, no keys',
    });
    const diagnostics = events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
    expect(diagnostics.map((d) => [d.code, d.connection])).toEqual([['tls.encrypted-no-keys', 'c9']]);
  });
});
