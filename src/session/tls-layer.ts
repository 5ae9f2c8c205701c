/**
 * TLS between TCP and HTTP/2 for one connection. The TLS connection (src/tls/) turns both directions'
 * bytes into records, follows the handshake and, with keys, decrypts; the application data it hands back
 * goes to an inner plaintext session, the same recognition and HTTP/2 path as a cleartext connection
 * (preface stripping, HTTP/1 inside TLS, ...). At the end the inner session's connection record gets the
 * TLS facts: protocol "h2" when HTTP/2 was decoded inside, else "tls".
 */
import type { ConnectionRecord } from '../records/records.js';
import type { Dir, TcpConnectionInfo, TcpConnectionStats, TcpEndReason } from '../tcp/types.js';
import type { KeyLog } from '../tls/keylog.js';
import { TlsConnection } from '../tls/tls-connection.js';
import { tlsSummary } from '../tls/tls-info.js';
import type { SessionEvent } from './events.js';

/** What the TLS layer feeds plaintext to (a ConnectionSession; an interface so the import is one-way). */
export interface PlaintextSession {
  snapshot(time: number, stats: TcpConnectionStats): ConnectionRecord;
  data(dir: Dir, data: Buffer, gapBefore: number, time: number, packetIndex: number): SessionEvent[];
  end(time: number, reason: TcpEndReason, stats: TcpConnectionStats): SessionEvent[];
  close(dir: Dir, how: 'fin' | 'rst', time: number): SessionEvent[];
}

export class TlsLayer {
  private readonly tls: TlsConnection;
  private inner: PlaintextSession | undefined;
  /** The ClientHello came from endpoint b: the inner session sees the connection the other way round. */
  private flipped = false;

  constructor(
    private readonly conn: TcpConnectionInfo,
    private readonly makeInner: (conn: TcpConnectionInfo) => PlaintextSession,
    keyLog?: KeyLog,
  ) {
    this.tls = new TlsConnection({ connection: conn.id, keyLog, clientDir: 0 });
  }

  data(dir: Dir, data: Buffer, gapBefore: number, time: number, packetIndex: number): SessionEvent[] {
    const out: SessionEvent[] = [];
    for (const ev of this.tls.push(dir, data, gapBefore, time, packetIndex)) {
      if (ev.kind === 'diagnostic') out.push(ev);
      else
        out.push(
          ...this.session().data(this.innerDir(ev.dir), ev.data, ev.gapBefore, ev.time, ev.packetIndex),
        );
    }
    return out;
  }

  close(dir: Dir, how: 'fin' | 'rst', time: number): SessionEvent[] {
    return this.session().close(this.innerDir(dir), how, time);
  }

  end(time: number, reason: TcpEndReason, stats: TcpConnectionStats): SessionEvent[] {
    const out: SessionEvent[] = this.tls.finish().map((diagnostic) => ({ kind: 'diagnostic', diagnostic }));
    for (const ev of this.session().end(time, reason, this.flipped ? flipStats(stats) : stats))
      out.push(ev.kind === 'connection' ? { kind: 'connection', record: this.record(ev.record) } : ev);
    return out;
  }

  /**
   * The record of the open connection with the TLS facts so far. Before any plaintext there is no inner
   * session yet, and none is made here (making it decides the roles): a throwaway one gives the record.
   */
  snapshot(time: number, stats: TcpConnectionStats): ConnectionRecord {
    const inner = this.inner ?? this.makeInner(this.conn);
    const flip = this.inner !== undefined && this.flipped;
    return this.record(inner.snapshot(time, flip ? flipStats(stats) : stats));
  }

  /** Created on first use: by then the hellos (if captured) have said which side is the client. */
  private session(): PlaintextSession {
    if (this.inner === undefined) {
      this.flipped = this.tls.clientDir === 1;
      const c = this.conn;
      this.inner = this.makeInner(this.flipped ? { ...c, a: c.b, b: c.a } : c);
    }
    return this.inner;
  }

  private innerDir(dir: Dir): Dir {
    return this.flipped ? (dir === 0 ? 1 : 0) : dir;
  }

  private record(inner: ConnectionRecord): ConnectionRecord {
    const tls = this.tls.info();
    const rec: ConnectionRecord = { ...inner, tls };
    if (rec.protocol === 'unknown') rec.protocol = 'tls';
    if (this.tls.clientDirKnown && rec.clientRule === 'port') rec.clientRule = 'client-hello';
    const summary = tlsSummary(tls);
    if (rec.protocol === 'tls') rec.summary = summary;
    else if (inner.summary !== undefined) rec.summary = `${summary}: ${inner.summary}`;
    return rec;
  }
}

function flipStats(s: TcpConnectionStats): TcpConnectionStats {
  const swap = <T>([x, y]: [T, T]): [T, T] => [y, x];
  const out: TcpConnectionStats = {
    packets: swap(s.packets),
    wireBytes: swap(s.wireBytes),
    bytes: swap(s.bytes),
    retransmissions: swap(s.retransmissions),
    outOfOrder: swap(s.outOfOrder),
    lostBytes: swap(s.lostBytes),
  };
  if (s.beforeStart !== undefined) out.beforeStart = swap(s.beforeStart);
  return out;
}
