/**
 * One TCP connection above reassembly: decides what it carries (HTTP/2 by preface, h2c upgrade, a plausible
 * frame sequence mid-connection, or a forced port; else HTTP/1, TLS, unknown), corrects the client/server
 * roles when the preface proves the port heuristic wrong, strips the preface and HTTP/1 heads, and feeds the
 * rest of each direction to the HTTP/2 connection decoder. Until it has decided, chunks wait in arrival order
 * so both directions are replayed exactly as they happened (HPACK needs strict order).
 */
import { diag } from '../diagnostics/make.js';
import { SESSION_DIAGNOSTICS } from '../diagnostics/session.js';
import { H2ConnectionDecoder } from '../h2/connection-decoder.js';
import { findFrameSync } from '../h2/frame-sync.js';
import type { H2Event } from '../h2/types.js';
import type { ClientRuleName, ConnectionRecord, Protocol, Role, TunnelRecord } from '../records/records.js';
import { formatEndpoint, type Endpoint } from '../net/types.js';
import type { Dir, TcpConnectionInfo, TcpConnectionStats, TcpEndReason } from '../tcp/types.js';
import type { KeyLog } from '../tls/keylog.js';
import { describeHead, headerValue, isH2cUpgradeRequest, parseHttp1Head, type Http1Head } from './http1.js';
import { describeH2cUpgrade, type H2cUpgrade } from './h2c-upgrade.js';
import { parseHttp1ErrorPage } from './http1-error-page.js';
import { firstHeadersKind, streamOrderVote } from './role-hints.js';
import { CLIENT_PREFACE, sniff, startsWithPreface } from './sniff.js';
import { TlsLayer } from './tls-layer.js';

export type { SessionEvent, TcpCloseEvent } from './events.js';
import type { SessionEvent, TcpCloseEvent } from './events.js';
import { Http1MessageReader, type Http1Message } from './http1-messages.js';

export interface SessionOptions {
  /** Server ports whose traffic is HTTP/2 even without a preface (--port, --decode-as). */
  h2Ports?: ReadonlySet<number>;
  /** Attach HPACK representation reports to header frames (the TUI's inspector; see H2ConnectionOptions). */
  hpackReports?: boolean;
  /** How many bytes per direction to hold while deciding (default 64 KiB). */
  sniffLimit?: number;
  /** TLS secrets (--keylog, pcapng Decryption Secrets Blocks), shared by all connections. */
  keyLog?: KeyLog;
  /** The bytes are the plaintext inside TLS: HTTP/2 found here is "h2", not "h2c". */
  secure?: boolean;
}

interface Chunk {
  dir: Dir;
  data: Buffer;
  time: number;
  packetIndex: number;
  gapBefore: number;
}

/** Zero bytes, shared (nothing to mutate): one Buffer less per direction of every connection. */
const NO_BYTES = Buffer.alloc(0);

/**
 * What `pending` holds once the session has decided: shared, frozen, never pushed to (only a sniffing
 * session holds chunks), so a decided connection keeps no array of its own.
 */
const NO_CHUNKS = Object.freeze([]) as unknown as Chunk[];

/** What a connection is known to be before it ends (ConnectionSession.peers). */
export interface ConnectionPeers {
  id: string;
  client: string;
  server: string;
  protocol: Protocol;
}

/**
 * Streams by which the stream-order vote must lead before the roles are taken from it: the first stream of
 * a late capture may have lost its request, so one stream alone could point the wrong way.
 */
const MIN_STREAM_VOTES = 2;

interface DirSide {
  /** Bytes held while sniffing. */
  pendingBytes: number;
  /** Bytes to drop before frames start (HTTP/1 upgrade heads). */
  skip: number;
  /** The client preface is expected next: strip it once 24 bytes are there. */
  expectPreface: boolean;
  prefaceAcc: Buffer;
  started: boolean;
  midStart: boolean;
  bytesSeen: number;
}

function newDirSide(): DirSide {
  return {
    pendingBytes: 0,
    skip: 0,
    expectPreface: false,
    prefaceAcc: NO_BYTES,
    started: false,
    midStart: false,
    bytesSeen: 0,
  };
}

type State = 'sniffing' | 'h2' | 'http1' | 'tls' | 'unknown';

export class ConnectionSession {
  private clientDir: Dir;
  private clientRule: ClientRuleName;
  private state: State = 'sniffing';
  private pending: Chunk[] = [];
  /**
   * What is known of each direction (side(dir)): one small object per direction rather than a pair of
   * values per fact, seven pairs being a third of what an idle open connection's session cost; two
   * fields rather than an array of them, one array less per open connection.
   */
  private readonly side0: DirSide = newDirSide();
  private readonly side1: DirSide = newDirSide();
  private ignoreServer = false;
  private decoder: H2ConnectionDecoder | null = null;
  /** An accepted h2c upgrade: the request that is stream 1 and the client's HTTP2-Settings. */
  private upgrade: H2cUpgrade | null = null;
  /** An HTTP CONNECT tunnel: the proxy's 2xx made the rest of the bytes the tunnelled protocol's. */
  private tunnel: TunnelRecord | null = null;
  /**
   * HTTP/1.1 connections: each direction's messages, read for the layers above (gRPC-Web); the methods of
   * requests not answered yet, since a response to HEAD has no body.
   */
  private http1: { readers: [Http1MessageReader, Http1MessageReader]; methods: string[] } | null = null;
  /** TLS connections: everything goes through the TLS layer and its inner plaintext session. */
  private tls: TlsLayer | null = null;
  private preface = false;
  private h2Detection: ConnectionRecord['h2Detection'] = null;
  private protocol: Protocol = 'unknown';
  private summary: string | undefined;
  private frameCount = 0;
  private serverSettingsSeen = false;
  /** FINs and RSTs so far; made at the first (an open connection has none). */
  private closes: TcpCloseEvent[] | null = null;
  private readonly sniffLimit: number;

  constructor(
    private readonly conn: TcpConnectionInfo,
    private readonly opts: SessionOptions = {},
  ) {
    this.clientDir = 0;
    this.clientRule = conn.clientRule;
    this.sniffLimit = opts.sniffLimit ?? 64 * 1024;
  }

  get id(): string {
    return this.conn.id;
  }

  data(dir: Dir, data: Buffer, gapBefore: number, time: number, packetIndex: number): SessionEvent[] {
    this.side(dir).bytesSeen += data.length;
    if (gapBefore === -1 && this.side(dir).bytesSeen === data.length) this.side(dir).midStart = true;
    if (this.state === 'sniffing') {
      this.pending.push({ dir, data, time, packetIndex, gapBefore });
      this.side(dir).pendingBytes += data.length;
      return this.decide(false);
    }
    if (this.tls) return this.tls.data(dir, data, gapBefore, time, packetIndex);
    if (this.http1) return this.readHttp1(dir, data, gapBefore, time, packetIndex);
    return this.state === 'h2' ? this.feed(dir, data, time, packetIndex, gapBefore) : [];
  }

  /** A FIN or RST from one direction, with the role as this session knows it now. */
  close(dir: Dir, how: 'fin' | 'rst', time: number): SessionEvent[] {
    if (this.tls) return this.tls.close(dir, how, time);
    const ev: TcpCloseEvent = { kind: 'tcp-close', from: this.role(dir), how, time };
    (this.closes ??= []).push(ev);
    return [ev];
  }

  /** The TCP connection ended: decide with what there is, flush the decoder, emit the connection record. */
  end(time: number, reason: TcpEndReason, stats: TcpConnectionStats): SessionEvent[] {
    const out = this.state === 'sniffing' ? this.decide(true) : [];
    if (this.tls) return [...out, ...this.withTunnel(this.tls.end(time, reason, stats))];
    if (this.decoder) out.push(...this.track(this.decoder.finish()));
    if (this.http1)
      for (const dir of [this.clientDir, this.serverDir()])
        out.push(...this.http1Events(dir, this.http1.readers[dir].finish(time, -1)));
    if (this.preface && !this.serverSettingsSeen && !this.ignoreServer) {
      const serverBytes = this.side(this.serverDir()).bytesSeen;
      out.push(this.diagnostic('session.no-server-settings', { serverBytes }, time));
    }
    out.push({ kind: 'connection', record: this.record(time, reason, stats) });
    return out;
  }

  /**
   * The connection record as it stands, while the connection is open: the same fields as the final one,
   * `end` the given capture time, endReason "open" and `open: true`. Changes nothing (the decoder is not
   * flushed, a session still deciding stays undecided: it reads as protocol "unknown" until then).
   */
  snapshot(time: number, stats: TcpConnectionStats): ConnectionRecord {
    if (this.tls) {
      const inner = this.tls.snapshot(time, stats);
      if (this.tunnel) inner.tunnel = this.tunnel;
      return inner;
    }
    const rec = this.record(time, 'open', stats);
    rec.open = true;
    return rec;
  }

  private side(dir: Dir): DirSide {
    return dir === 0 ? this.side0 : this.side1;
  }

  /** TLS inside a CONNECT tunnel: the TLS layer's record says the tunnel too. */
  private withTunnel(events: SessionEvent[]): SessionEvent[] {
    if (this.tunnel) for (const ev of events) if (ev.kind === 'connection') ev.record.tunnel = this.tunnel;
    return events;
  }

  private serverDir(): Dir {
    return this.clientDir === 0 ? 1 : 0;
  }

  private role(dir: Dir): Role {
    return dir === this.clientDir ? 'client' : 'server';
  }

  /**
   * Who is who, once the session has decided what the connection carries (null while it sniffs): for
   * views of connections that have not ended yet (a live capture's TUI), which get the record only at the end.
   */
  get peers(): ConnectionPeers | null {
    if (this.state === 'sniffing') return null;
    return {
      id: this.id,
      client: formatEndpoint(this.endpoint('client')),
      server: formatEndpoint(this.endpoint('server')),
      // Inside TLS, HTTP/2 is known only from the decrypted bytes; the record says it at the end.
      protocol: this.tls ? 'tls' : this.protocol,
    };
  }

  private endpoint(role: Role): Endpoint {
    const clientIsA = this.clientDir === 0;
    return (role === 'client') === clientIsA ? this.conn.a : this.conn.b;
  }

  private diagnostic(
    code: keyof typeof SESSION_DIAGNOSTICS,
    params: Record<string, string | number>,
    time: number,
  ): H2Event {
    const all = {
      client: formatEndpoint(this.endpoint('client')),
      server: formatEndpoint(this.endpoint('server')),
      ...params,
    };
    return {
      kind: 'diagnostic',
      diagnostic: diag(SESSION_DIAGNOSTICS, code, all, { connection: this.id, time }),
    };
  }

  /** The first bytes of a direction, as held while sniffing. */
  private head(dir: Dir): Buffer {
    const parts = this.pending.filter((c) => c.dir === dir).map((c) => c.data);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private lastTime(): number {
    return this.pending[this.pending.length - 1]?.time ?? this.conn.start;
  }

  private decide(final: boolean): SessionEvent[] {
    const full = this.side(0).pendingBytes >= this.sniffLimit || this.side(1).pendingBytes >= this.sniffLimit;
    const done = final || full;
    let c = this.head(this.clientDir);
    let s = this.head(this.serverDir());
    // RFC 9113 §3.4: whoever sends the preface is the client, whatever the ports suggest.
    if (startsWithPreface(s) === true && startsWithPreface(c) !== true) {
      this.clientDir = this.serverDir();
      this.clientRule = 'preface';
      [c, s] = [s, c];
    }
    let cs = sniff(c);
    // Likewise an HTTP/1 request (an h2c upgrade whose SYN was not captured): its sender is the client.
    if (cs !== 'http1-request' && this.clientRule !== 'syn' && sniff(s) === 'http1-request') {
      this.clientDir = this.serverDir();
      this.clientRule = 'headers';
      [c, s] = [s, c];
      cs = 'http1-request';
    }
    if (cs === 'preface') {
      if (this.clientRule === 'port') this.clientRule = 'preface';
      this.preface = true;
      this.side(this.clientDir).expectPreface = true;
      return this.startH2('preface');
    }
    if (cs === 'tls' || sniff(s) === 'tls') return this.startTls();
    if (cs === 'http1-request') return this.decideHttp1(c, s, done);
    const forced = this.forcedPort();
    if (forced && (cs !== 'need-more' || done)) {
      // A forced port still gets its preface stripped when the client sends one after all.
      if (!this.side(this.clientDir).midStart) this.side(this.clientDir).expectPreface = true;
      return this.startH2('decode-as');
    }
    if (this.side(0).midStart || this.side(1).midStart) {
      const mid = this.decideMidConnection(c, s, done);
      if (mid) return mid;
    }
    if (cs === 'need-more' && !done) return [];
    if (c.length < 24 && !done) return [];
    return this.settle('unknown', describeBytes(c.length > 0 ? c : s));
  }

  /**
   * --port N names the HTTP/2 server's port: when it is the port the heuristic took for the client's,
   * the roles swap before anything is decoded.
   */
  private forcedPort(): boolean {
    const ports = this.opts.h2Ports;
    if (!ports || ports.size === 0) return false;
    if (ports.has(this.endpoint('server').port)) return true;
    if (!ports.has(this.endpoint('client').port) || this.clientRule === 'syn') return false;
    this.clientDir = this.serverDir();
    return true;
  }

  private decideMidConnection(c: Buffer, s: Buffer, done: boolean): SessionEvent[] | null {
    const syncs = [
      { dir: this.clientDir, sync: this.side(this.clientDir).midStart ? findFrameSync(c) : null, buf: c },
      {
        dir: this.serverDir(),
        sync: this.side(this.serverDir()).midStart ? findFrameSync(s) : null,
        buf: s,
      },
    ];
    const found = syncs.find((x) => x.sync && (x.sync.frames >= 3 || done));
    if (!found?.sync) return done ? null : [];
    if (!this.correctRolesFromHeaders(syncs) && !this.correctRolesFromStreamOrder(syncs, done)) return [];
    const direction = this.role(found.dir) === 'client' ? 'client-to-server' : 'server-to-client';
    const note = this.diagnostic(
      'session.mid-connection',
      { direction, offset: found.sync.offset },
      this.lastTime(),
    );
    return this.startH2('mid-connection', [note]);
  }

  /** Without SYN or preface the port heuristic may be wrong; request/response header blocks settle it. */
  /** True when the roles are settled (a SYN, or a header block that says it). */
  private correctRolesFromHeaders(
    syncs: Array<{ dir: Dir; sync: { offset: number } | null; buf: Buffer }>,
  ): boolean {
    if (this.clientRule === 'syn') return true;
    for (const { dir, sync, buf } of syncs) {
      const kind = sync ? firstHeadersKind(buf, sync.offset) : null;
      if (!kind) continue;
      const sender: Dir = kind === 'request' ? dir : dir === 0 ? 1 : 0;
      if (sender !== this.clientDir) this.clientDir = sender;
      this.clientRule = 'headers';
      return true;
    }
    return false;
  }

  /**
   * No header block said it (every field from the dynamic table): who spoke first on each stream does.
   * Waits, while sniffing allows, for two streams that agree; at the end it takes what there is (false
   * means "hold the chunks and ask again").
   */
  private correctRolesFromStreamOrder(
    syncs: Array<{ dir: Dir; sync: { offset: number } | null }>,
    done: boolean,
  ): boolean {
    const starts: [number | null, number | null] = [null, null];
    for (const { dir, sync } of syncs) starts[dir] = sync?.offset ?? null;
    const vote = streamOrderVote(this.pending, starts);
    if (vote === null || vote.agree - vote.disagree < MIN_STREAM_VOTES) return done;
    this.clientDir = vote.client;
    this.clientRule = 'stream-order';
    return true;
  }

  private decideHttp1(c: Buffer, s: Buffer, done: boolean): SessionEvent[] {
    const req = parseHttp1Head(c);
    if (!req.ok) return req.needMore && !done ? [] : this.settle('http1', 'HTTP/1 request (head not parsed)');
    const head = req.head;
    if (head.method === 'CONNECT') return this.decideConnect(head, c, s, done);
    const upgrade = isH2cUpgradeRequest(head);
    // RFC 7540 §3.2: the client sends the preface only after a 101. Seen after the upgrade request, it proves
    // the upgrade even when the 101 was not captured or its status line is damaged.
    if (upgrade && this.prefaceAfter(c, head) === true) {
      const resp = parseHttp1Head(s);
      if (resp.ok && resp.head.status === 101) return this.decideUpgrade(head, resp.head);
      if (s.length === 0 && !done) return [];
      return this.upgradeByPreface(head, s);
    }
    // Wait for the server's answer: it tells an upgrade (101), plain HTTP/1, and an h2-only server apart.
    if (s.length === 0 && !done) return [];
    const reply = sniff(s);
    if (reply === 'need-more' && !done) return [];
    // An HTTP/1 client may be talking to an h2-only server, which answers with SETTINGS/GOAWAY frames.
    if (reply === 'other' && findFrameSync(s)?.offset === 0) {
      // ...or the 101 to its upgrade was lost: its preface, still to come, would say so.
      if (upgrade && this.prefaceAfter(c, head) === 'need-more' && !done) return [];
      this.summary = describeHead(head);
      this.side(this.clientDir).skip = Number.MAX_SAFE_INTEGER; // the client's bytes are HTTP/1, not frames
      const note = this.diagnostic(
        'session.http1-client-h2-server',
        { requestLine: head.startLine },
        this.lastTime(),
      );
      return this.replay([note], 'http1');
    }
    if (upgrade) {
      const resp = parseHttp1Head(s);
      // Not a readable 101: a damaged one is told by the client's preface to come, so wait for it.
      const unreadable = !resp.ok || resp.head.status !== 101;
      if (unreadable && this.prefaceAfter(c, head) === 'need-more' && !done) return [];
      if (!resp.ok) return resp.needMore && !done ? [] : this.settle('http1', describeHead(head));
      return this.decideUpgrade(head, resp.head);
    }
    return this.settle('http1', describeHead(head));
  }

  /**
   * RFC 9110 §9.3.6: after CONNECT and the proxy's 2xx, both directions carry the tunnelled protocol's
   * bytes (gRPC through a forward proxy: grpc-js with http_proxy, curl -p -x). HTTP/2 inside starts with the
   * client preface; TLS inside goes to the TLS layer; anything else is listed as a tunnel with its first
   * bytes. A refused CONNECT is an HTTP/1.1 exchange.
   */
  private decideConnect(req: Http1Head, c: Buffer, s: Buffer, done: boolean): SessionEvent[] {
    const resp = parseHttp1Head(s);
    if (!resp.ok) return resp.needMore && !done ? [] : this.settle('http1', describeHead(req));
    const status = resp.head.status ?? 0;
    if (status < 200 || status > 299) return this.settle('http1', describeHead(req));
    const inner = c.subarray(req.headLength);
    const innerServer = s.subarray(resp.head.headLength);
    // The client speaks first in the tunnel (preface, ClientHello); the server's bytes may come before it
    // (an HTTP/2 server sends SETTINGS at once), so wait for the client's.
    if (inner.length === 0 && !done) return [];
    const kind = inner.length > 0 ? sniff(inner) : innerServer.length > 0 ? sniff(innerServer) : 'other';
    if (kind === 'need-more' && !done) return [];
    const target = req.target ?? '';
    const statusLine = resp.head.startLine;
    const carries =
      kind === 'preface'
        ? 'h2'
        : kind === 'tls'
          ? 'tls'
          : describeBytes(inner.length > 0 ? inner : innerServer);
    this.tunnel = { target, statusLine, carries };
    const what = carries === 'h2' ? 'HTTP/2 (client preface)' : carries === 'tls' ? 'TLS' : carries;
    const note = this.diagnostic(
      'session.connect-tunnel',
      { target, statusLine, carries: what },
      this.lastTime(),
    );
    if (kind === 'preface') {
      this.side(this.clientDir).skip = req.headLength;
      this.side(this.serverDir()).skip = resp.head.headLength;
      this.side(this.clientDir).expectPreface = true;
      return this.startH2('preface', [note]);
    }
    if (kind === 'tls') {
      this.dropHeld(this.clientDir, req.headLength);
      this.dropHeld(this.serverDir(), resp.head.headLength);
      return [note, ...this.startTls()];
    }
    return [note, ...this.settle('unknown', `CONNECT tunnel to ${target}: ${carries}`)];
  }

  /** Removes the first `n` held bytes of a direction (the HTTP/1 heads before a tunnel's TLS). */
  private dropHeld(dir: Dir, n: number): void {
    let left = n;
    this.pending = this.pending.flatMap((chunk) => {
      if (chunk.dir !== dir || left === 0) return [chunk];
      const cut = Math.min(left, chunk.data.length);
      left -= cut;
      return cut === chunk.data.length ? [] : [{ ...chunk, data: chunk.data.subarray(cut) }];
    });
  }

  /** Whether the client's bytes after the upgrade request (and its body) open with the preface. */
  private prefaceAfter(c: Buffer, req: Http1Head): boolean | 'need-more' {
    const bodyLength = Number(headerValue(req, 'content-length') ?? 0) || 0;
    const rest = c.subarray(req.headLength + bodyLength);
    return rest.length === 0 ? 'need-more' : startsWithPreface(rest);
  }

  /**
   * An upgrade proven by the client's preface while the server's 101 is missing (lost in a gap) or not a
   * readable 101 (damaged): the server's HTTP/1 head, if its bytes start with one, is skipped to its blank
   * line; frames are decoded from there.
   */
  private upgradeByPreface(req: Http1Head, s: Buffer): SessionEvent[] {
    const time = this.lastTime();
    const headEnd = damagedHeadEnd(s);
    const statusLine = headEnd > 0 ? s.toString('latin1', 0, s.indexOf('\r\n')) : '';
    const bodyLength = Number(headerValue(req, 'content-length') ?? 0) || 0;
    this.side(this.clientDir).skip = req.headLength + bodyLength;
    this.side(this.serverDir()).skip = headEnd;
    this.side(this.clientDir).expectPreface = true;
    const seen = headEnd > 0 ? `unreadable as a 101: "${statusLine}"` : 'not captured';
    const notes = [
      this.diagnostic('session.h2c-upgrade-inferred', { requestLine: req.startLine, seen }, time),
    ];
    this.upgrade = describeH2cUpgrade(req, headEnd > 0 ? statusLine : '(not captured)');
    const problem = this.upgrade.record.settingsError;
    if (problem !== undefined) notes.push(this.diagnostic('session.h2c-upgrade-settings', { problem }, time));
    return this.startH2('h2c-upgrade', notes);
  }

  private decideUpgrade(req: Http1Head, resp: Http1Head): SessionEvent[] {
    const time = this.lastTime();
    if (resp.status !== 101) {
      const declined = this.diagnostic('session.h2c-upgrade-declined', { statusLine: resp.startLine }, time);
      return [declined, ...this.settle('http1', describeHead(req))];
    }
    const bodyLength = Number(headerValue(req, 'content-length') ?? 0) || 0;
    this.side(this.clientDir).skip = req.headLength + bodyLength;
    this.side(this.serverDir()).skip = resp.headLength;
    this.side(this.clientDir).expectPreface = true;
    const note = this.diagnostic(
      'session.h2c-upgrade',
      { requestLine: req.startLine, statusLine: resp.startLine },
      time,
    );
    this.upgrade = describeH2cUpgrade(req, resp.startLine);
    const problem = this.upgrade.record.settingsError;
    const notes = [note];
    if (problem !== undefined) notes.push(this.diagnostic('session.h2c-upgrade-settings', { problem }, time));
    return this.startH2('h2c-upgrade', notes);
  }

  private settle(state: 'http1' | 'unknown', summary: string): SessionEvent[] {
    this.state = state;
    this.protocol = state === 'http1' ? 'http/1.1' : state;
    this.summary = summary;
    const held = this.pending;
    this.pending = NO_CHUNKS;
    if (state === 'http1' && sniff(this.head0(held, this.clientDir)) === 'http1-request') {
      // Read its messages from the first byte, both directions in arrival order.
      const methods: string[] = [];
      const keep = (head: Http1Head): boolean => isGrpcWebHead(head, methods);
      const noBody = (head: Http1Head): boolean => head.kind === 'response' && methods.shift() === 'HEAD';
      const reader = (): Http1MessageReader => new Http1MessageReader(keep, noBody);
      this.http1 = { readers: [reader(), reader()], methods };
      return held.flatMap((c) => this.readHttp1(c.dir, c.data, c.gapBefore, c.time, c.packetIndex));
    }
    if (state === 'http1' || this.side(0).bytesSeen + this.side(1).bytesSeen === 0) return [];
    const what = summary.length > 0 ? summary : 'no payload';
    return [this.diagnostic('session.unrecognised', { what }, this.lastTime())];
  }

  private head0(held: Chunk[], dir: Dir): Buffer {
    return held.find((c) => c.dir === dir && c.data.length > 0)?.data ?? NO_BYTES;
  }

  /** One chunk of an HTTP/1.1 connection: the messages it completes. */
  private readHttp1(
    dir: Dir,
    data: Buffer,
    gapBefore: number,
    time: number,
    packetIndex: number,
  ): SessionEvent[] {
    const reader = this.http1!.readers[dir];
    const out: SessionEvent[] = [];
    if (gapBefore !== 0) out.push(...this.http1Events(dir, reader.gap(time, packetIndex)));
    out.push(...this.http1Events(dir, reader.push(data, time, packetIndex)));
    return out;
  }

  private http1Events(dir: Dir, messages: Http1Message[]): SessionEvent[] {
    const from = this.role(dir);
    return messages.map((message) => ({ kind: 'http1-message', from, message }));
  }

  /** Hands the connection to the TLS layer, replaying the held chunks in arrival order. */
  private startTls(): SessionEvent[] {
    this.state = 'tls';
    const tls = new TlsLayer(
      this.conn,
      (conn) => new ConnectionSession(conn, { ...this.opts, secure: true }),
      this.opts.keyLog,
    );
    this.tls = tls;
    const held = this.pending;
    this.pending = NO_CHUNKS;
    return held.flatMap((c) => tls.data(c.dir, c.data, c.gapBefore, c.time, c.packetIndex));
  }

  private startH2(
    detection: NonNullable<ConnectionRecord['h2Detection']>,
    notes: SessionEvent[] = [],
  ): SessionEvent[] {
    this.protocol = this.opts.secure === true ? 'h2' : 'h2c';
    this.h2Detection = detection;
    return this.replay(notes, 'h2');
  }

  /** Creates the decoder and replays the held chunks of both directions in arrival order. */
  private replay(notes: SessionEvent[], state: 'h2' | 'http1'): SessionEvent[] {
    this.decoder = new H2ConnectionDecoder({
      connection: this.id,
      hpackReports: this.opts.hpackReports ?? false,
      connectionStart: this.conn.start,
    });
    if (this.upgrade) this.decoder.acknowledgedSettings('client', this.upgrade.settings);
    const held = this.pending;
    this.pending = NO_CHUNKS;
    this.state = 'h2';
    const out: SessionEvent[] = [...notes];
    for (const c of held) out.push(...this.feed(c.dir, c.data, c.time, c.packetIndex, c.gapBefore));
    if (state === 'http1') this.protocol = 'http/1.1';
    return out;
  }

  /** One chunk of an HTTP/2 connection (no Chunk object: this runs once per delivered segment). */
  private feed(
    dir: Dir,
    chunkData: Buffer,
    time: number,
    packetIndex: number,
    gapBefore: number,
  ): SessionEvent[] {
    const decoder = this.decoder!;
    const role = this.role(dir);
    const out: SessionEvent[] = [];
    let data = chunkData;
    if (!this.side(dir).started) {
      this.side(dir).started = true;
      if (this.side(dir).midStart && this.startsAtTheBeginning(role, data)) this.side(dir).midStart = false;
      if (this.side(dir).midStart) decoder.startMidStream(role);
      // Bytes lost before the first captured ones (an h2c upgrade's 101 and the server's SETTINGS): the
      // first frame boundary must be found, and what follows is no server preface to check.
      else if (gapBefore > 0) out.push(...this.track(decoder.gap(role, gapBefore, time)));
      if (role === 'server' && !this.side(dir).midStart && this.side(dir).skip === 0 && gapBefore <= 0)
        out.push(...this.checkServerPreface(data));
    } else if (gapBefore > 0) {
      out.push(...this.track(decoder.gap(role, gapBefore, time)));
    }
    if (role === 'server' && this.ignoreServer) return out;
    if (this.side(dir).skip > 0) {
      const n = Math.min(this.side(dir).skip, data.length);
      this.side(dir).skip -= n;
      data = data.subarray(n);
    }
    if (this.side(dir).expectPreface && data.length > 0) data = this.stripPreface(dir, data);
    if (data.length === 0) return out;
    const events = this.track(decoder.push(role, data, time, packetIndex));
    if (out.length === 0) return events; // the common case: no copy
    for (const ev of events) out.push(ev);
    return out;
  }

  /**
   * A direction whose SYN was not captured may still start at its first byte: the client's when its bytes
   * open with the preface or the h2c upgrade request, the server's when they open with the HTTP/1 response to
   * that upgrade or with its connection preface (a SETTINGS frame, RFC 9113 §3.4). Then nothing was missed:
   * HPACK and flow control are exact, and no "starts mid-connection" is said.
   */
  private startsAtTheBeginning(role: Role, data: Buffer): boolean {
    if (this.h2Detection === 'h2c-upgrade') return true;
    if (this.h2Detection !== 'preface') return false;
    if (role === 'client') return true;
    // A frame header: length (3), type SETTINGS (4), flags without ACK, stream 0.
    return data.length >= 9 && data[3] === 0x4 && (data[4]! & 0x1) === 0 && data.readUInt32BE(5) === 0;
  }

  /** Holds the first bytes of the client until the 24-byte preface can be checked and removed. */
  private stripPreface(dir: Dir, data: Buffer): Buffer {
    const acc = Buffer.concat([this.side(dir).prefaceAcc, data]);
    const match = startsWithPreface(acc);
    if (match === 'need-more') {
      this.side(dir).prefaceAcc = acc;
      return NO_BYTES;
    }
    this.side(dir).expectPreface = false;
    this.side(dir).prefaceAcc = NO_BYTES;
    if (match) this.preface = true;
    return match ? acc.subarray(CLIENT_PREFACE.length) : acc;
  }

  /**
   * RFC 9113 §3.4: the server connection preface is a SETTINGS frame. When the server's first bytes are
   * anything else (an HTTP/1 status line, an HTML page), its direction is not HTTP/2 and is not decoded.
   */
  private checkServerPreface(data: Buffer): SessionEvent[] {
    if (!this.preface || data.length < 9) return [];
    const settingsFirst = data[3] === 0x4 && data.readUIntBE(5, 4) === 0 && (data[4]! & 0x1) === 0;
    if (settingsFirst) return [];
    this.ignoreServer = true;
    const time = this.lastTime();
    if (sniff(data) === 'http1-response') {
      const head = parseHttp1Head(data);
      const statusLine = head.ok
        ? head.head.startLine
        : data.subarray(0, 80).toString('latin1').split('\r\n')[0]!;
      this.summary = `HTTP/2 preface answered with HTTP/1: ${statusLine}`;
      return [this.diagnostic('session.preface-http1-reply', { statusLine }, time)];
    }
    const page = parseHttp1ErrorPage(data);
    if (page !== null) {
      const message = page.message ?? '(no message)';
      this.summary = `HTTP/2 preface rejected by an HTTP/1.x server: error page ${page.code} ${message}`;
      const params = { code: page.code, message };
      return [this.diagnostic('session.preface-http1-error-page', params, time)];
    }
    const what = describeBytes(data);
    this.summary = `HTTP/2 preface answered with non-HTTP/2 bytes: ${what}`;
    return [this.diagnostic('session.bad-server-preface', { what }, time)];
  }

  private track(events: H2Event[]): H2Event[] {
    for (const ev of events) {
      if (ev.kind !== 'frame') continue;
      this.frameCount++;
      if (ev.frame.from === 'server' && ev.frame.type === 'SETTINGS') this.serverSettingsSeen = true;
    }
    return events;
  }

  private record(end: number, endReason: TcpEndReason | 'open', stats: TcpConnectionStats): ConnectionRecord {
    const c = this.clientDir;
    const s = this.serverDir();
    const rec: ConnectionRecord = {
      id: this.id,
      client: formatEndpoint(this.endpoint('client')),
      server: formatEndpoint(this.endpoint('server')),
      clientRule: this.clientRule,
      protocol: this.protocol,
      start: this.conn.start,
      end,
      preface: this.preface,
      h2Detection: this.h2Detection,
      packets: { client: stats.packets[c], server: stats.packets[s] },
      bytes: { client: stats.bytes[c], server: stats.bytes[s] },
      endReason,
      frameCount: this.frameCount,
    };
    if (this.summary !== undefined) rec.summary = this.summary;
    if (this.upgrade) rec.upgrade = this.upgrade.record;
    if (this.tunnel) rec.tunnel = this.tunnel;
    const tcp = stats.analysis?.record();
    if (tcp) rec.tcp = { handshake: tcp.handshake, client: tcp.dirs[c], server: tcp.dirs[s] };
    if (this.closes !== null) rec.closes = this.closes.map(({ from, how, time }) => ({ from, how, time }));
    return rec;
  }
}

/** A short printable description of unrecognised bytes. */
/**
 * Where an HTTP/1 response head that may be damaged ends (after its blank line), or 0 when the bytes do not
 * start like one: printable text up to CRLF CRLF within the first KiB, as a server writes a 101.
 */
function damagedHeadEnd(s: Buffer): number {
  const end = s.subarray(0, 1024).indexOf('\r\n\r\n');
  if (end <= 0) return 0;
  for (let i = 0; i < end; i++) {
    const b = s[i]!;
    if (b !== 0x0d && b !== 0x0a && b !== 0x09 && (b < 0x20 || b > 0x7e)) return 0;
  }
  return end + 4;
}

/**
 * Whether a message's body is wanted: gRPC-Web requests (grpc/grpc doc/PROTOCOL-WEB.md), and the responses
 * to them (the n-th response answers the n-th request). Records request methods for the HEAD rule as well.
 */
function isGrpcWebHead(head: Http1Head, methods: string[]): boolean {
  if (head.kind === 'request') methods.push(head.method ?? '');
  const type = head.headers.find(([n]) => n === 'content-type')?.[1]?.toLowerCase() ?? '';
  return type.startsWith('application/grpc-web');
}

function describeBytes(buf: Buffer): string {
  if (buf.length === 0) return 'no payload';
  const head = buf.subarray(0, 16);
  const printable = head.every((b) => b === 0x0d || b === 0x0a || (b >= 0x20 && b < 0x7f));
  const shown = printable ? JSON.stringify(head.toString('latin1')) : head.toString('hex');
  return `unknown payload starting ${shown}`;
}
