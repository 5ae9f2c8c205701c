/**
 * One TLS connection above TCP reassembly: cuts both directions into records (RFC 8446 §5.1), follows the
 * handshake (ClientHello, ServerHello, and EncryptedExtensions once decrypted), builds both directions'
 * decryptors from the key log when the final ServerHello arrives, and hands back each direction's
 * application data in order. Alerts and problems become diagnostics. Pure: bytes in, events out.
 */
import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { ConnectionTls } from '../records/records.js';
import { alertDiagnostic, decodeAlerts } from './alert.js';
import { maxOfferedVersion } from './client-hello.js';
import { ContentType, ProtocolVersion } from './constants.js';
import type { TlsDecryptOutcome } from './decrypt.js';
import type { HandshakeMessage } from './handshake.js';
import { alpnDiagnostic, decodeHandshakeMessage } from './handshake-message.js';
import { KeyLog } from './keylog.js';
import type { TlsRecord } from './record-reader.js';
import type { ServerHello } from './server-hello.js';
import { decryptFailedDiagnostic, sessionDecryptors, type Side } from './session-keys.js';
import {
  diagnosticEvent as event,
  HeldRecords,
  type TlsConnectionEvent,
  TlsDirection,
  type WireDir,
} from './tls-direction.js';
import { newTlsFacts, type TlsFacts, tlsInfo } from './tls-info.js';

export type { TlsConnectionEvent, WireDir } from './tls-direction.js';

export interface TlsConnectionOptions {
  /** Connection id for diagnostics. */
  connection?: string;
  /** Shared secrets; looked up when the ServerHello arrives, so secrets added before then count. */
  keyLog?: KeyLog;
  /** The direction taken for the client's until a ClientHello or ServerHello says (default 0). */
  clientDir?: WireDir;
  /** Client records held while the ServerHello is awaited (0-RTT early data), in bytes (default 1 MiB). */
  maxHeldBytes?: number;
}

const other = (dir: WireDir): WireDir => (dir === 0 ? 1 : 0);

export class TlsConnection {
  /** tls.encrypted-no-keys, held until the first encrypted record (see onServerHello). */
  private noKeys: Diagnostic | null = null;
  private readonly dirs: [TlsDirection, TlsDirection];
  private readonly keyLog: KeyLog;
  private client: WireDir;
  private clientKnown = false;
  /** What the handshake said and what became of the records: ConnectionRecord.tls is made from it. */
  private readonly facts: TlsFacts = newTlsFacts();
  private missingReported = false;
  private appDataSeen = false;
  private readonly held: HeldRecords;

  constructor(private readonly options: TlsConnectionOptions = {}) {
    this.dirs = [new TlsDirection(0, options.connection), new TlsDirection(1, options.connection)];
    this.keyLog = options.keyLog ?? new KeyLog();
    this.client = options.clientDir ?? 0;
    this.held = new HeldRecords(options.maxHeldBytes ?? 1 << 20);
  }

  /** The client's direction: from the hellos once seen, else the option given. */
  get clientDir(): WireDir {
    return this.client;
  }

  /** True once a ClientHello or ServerHello has said which side is the client. */
  get clientDirKnown(): boolean {
    return this.clientKnown;
  }

  push(
    dir: WireDir,
    data: Buffer,
    gapBefore: number,
    time: number,
    packetIndex: number,
  ): TlsConnectionEvent[] {
    const out: TlsConnectionEvent[] = [];
    for (const ev of this.dirs[dir].reader.push(data, time, packetIndex, gapBefore)) {
      if (ev.kind === 'diagnostic') out.push(ev);
      else this.record(dir, ev.record, out);
    }
    return out;
  }

  /** End of the connection: partial records and messages, early data never matched to a ServerHello. */
  finish(): Diagnostic[] {
    const out = [...this.dirs[0].finish(), ...this.dirs[1].finish()];
    const held = this.held.take();
    if (held.length > 0) {
      this.facts.counts.encrypted += held.length;
      const time = held[0]!.time;
      const events: TlsConnectionEvent[] = [];
      this.reportMissing(time, events);
      for (const ev of events) if (ev.kind === 'diagnostic') out.push(ev.diagnostic);
    }
    return out;
  }

  /** What the connection record shows (ConnectionRecord.tls). */
  info(): ConnectionTls {
    return tlsInfo(this.facts);
  }

  private record(dir: WireDir, rec: TlsRecord, out: TlsConnectionEvent[]): void {
    this.dirs[dir].arrive(rec);
    this.dispatch(dir, rec, out);
  }

  private dispatch(dir: WireDir, rec: TlsRecord, out: TlsConnectionEvent[]): void {
    const d = this.dirs[dir];
    if (d.decryptor !== undefined) {
      this.encryptingWithoutCcs(dir, rec);
      this.decrypted(dir, rec, d.decryptor.decrypt(rec), out);
    } else if (this.isOpaque(dir, rec)) {
      this.opaque(dir, rec, out);
    } else {
      this.content(dir, rec.contentType, rec.fragment, rec, out);
    }
  }

  /**
   * Without a decryptor: application data is always protected, and in TLS 1.2 everything after the
   * ChangeCipherSpec (RFC 5246 §7.1). A TLS 1.3 ChangeCipherSpec is a compatibility no-op (RFC 8446 §D.4),
   * after which a second ClientHello may still come in the clear.
   */
  private isOpaque(dir: WireDir, rec: TlsRecord): boolean {
    if (rec.contentType === ContentType.application_data) return true;
    if (rec.contentType === ContentType.change_cipher_spec) return false;
    return this.dirs[dir].ccs && this.facts.version !== ProtocolVersion.TLS1_3;
  }

  /**
   * TLS 1.2 application data while no ChangeCipherSpec was seen in that direction: it was lost in a gap.
   * The direction is encrypting already, so its decryptor is rebuilt to say so.
   */
  private encryptingWithoutCcs(dir: WireDir, rec: TlsRecord): void {
    const d = this.dirs[dir];
    const { clientHello, serverHello } = this.facts;
    if (d.ccs || rec.contentType !== ContentType.application_data) return;
    if (clientHello === undefined || serverHello === undefined) return;
    if (serverHello.version === ProtocolVersion.TLS1_3) return;
    d.ccs = true;
    const side = this.side(dir);
    const keys = sessionDecryptors(clientHello, serverHello, this.keyLog, {}, { alreadyEncrypting: [side] });
    d.decryptor = keys[side];
  }

  private opaque(dir: WireDir, rec: TlsRecord, out: TlsConnectionEvent[]): void {
    if (this.holdEarlyData(dir, rec)) return;
    this.facts.counts.encrypted++;
    if (this.noKeys !== null) {
      out.push(event(this.noKeys));
      this.noKeys = null;
    }
    if (this.facts.clientHello === undefined || this.facts.serverHello === undefined)
      this.reportMissing(rec.time, out);
  }

  /** Client records after the ClientHello and before the ServerHello wait for their keys (0-RTT). */
  private holdEarlyData(dir: WireDir, rec: TlsRecord): boolean {
    const { clientHello, serverHello } = this.facts;
    return (
      serverHello === undefined && clientHello !== undefined && dir === this.client && this.held.hold(rec)
    );
  }

  private reportMissing(time: number, out: TlsConnectionEvent[]): void {
    if (this.missingReported) return;
    this.missingReported = true;
    const missing =
      this.facts.clientHello === undefined
        ? this.facts.serverHello === undefined
          ? 'handshake (ClientHello and ServerHello)'
          : 'ClientHello'
        : 'ServerHello';
    out.push(event(diag(TLS_DIAGNOSTICS, 'tls.handshake-not-seen', { missing }, this.where(time))));
  }

  private decrypted(
    dir: WireDir,
    rec: TlsRecord,
    outcome: TlsDecryptOutcome,
    out: TlsConnectionEvent[],
  ): void {
    const d = this.dirs[dir];
    if (outcome.ok) {
      if (outcome.encrypted) {
        this.facts.counts.encrypted++;
        this.facts.counts.decrypted++;
      }
      this.content(dir, outcome.contentType, outcome.plaintext, rec, out);
      return;
    }
    this.facts.counts.encrypted++;
    // Only records protected with application keys can carry application data.
    if (outcome.phase === 'application') d.lose(rec.fragment.length);
    if (outcome.reason === 'no-keys') return; // tls.keys-incomplete said which secret is missing
    this.facts.counts.failed++;
    if (d.failureReported) return;
    d.failureReported = true;
    const where = this.where(rec.time);
    out.push(event(decryptFailedDiagnostic(this.side(dir), rec.offset, outcome.reason, where)));
  }

  private content(
    dir: WireDir,
    type: number,
    plaintext: Buffer,
    rec: TlsRecord,
    out: TlsConnectionEvent[],
  ): void {
    const d = this.dirs[dir];
    if (type !== ContentType.handshake)
      for (const ev of d.handshake.interrupt(type, rec.time)) if (ev.kind === 'diagnostic') out.push(ev);
    switch (type) {
      case ContentType.handshake:
        for (const ev of d.handshake.push(plaintext, rec.time, rec.packetIndex)) {
          if (ev.kind === 'diagnostic') out.push(ev);
          else this.handshakeMessage(dir, ev.message, out);
        }
        break;
      case ContentType.change_cipher_spec:
        d.ccs = true;
        break;
      case ContentType.alert:
        this.alert(dir, plaintext, rec.time, out);
        break;
      case ContentType.application_data:
        this.appDataSeen = true;
        if (plaintext.length > 0) out.push(d.deliver(plaintext, rec));
        break;
    }
  }

  private alert(dir: WireDir, plaintext: Buffer, time: number, out: TlsConnectionEvent[]): void {
    const where = this.where(time);
    const { alerts, diagnostics } = decodeAlerts(plaintext, where);
    out.push(...diagnostics.map(event));
    const side = this.side(dir);
    for (const alert of alerts) {
      this.facts.alerts.push({ from: side, level: alert.levelName, description: alert.descriptionName });
      const d = alertDiagnostic(alert, side, !this.appDataSeen, where);
      if (d !== undefined) out.push(event(d));
    }
  }

  private handshakeMessage(dir: WireDir, message: HandshakeMessage, out: TlsConnectionEvent[]): void {
    const where = this.where(message.time);
    const { decoded, diagnostics } = decodeHandshakeMessage(message, where);
    // RFC 8446 §4.1.3: a TLS 1.3 server always marks a TLS 1.2 ServerHello; only a client that offered
    // TLS 1.3 (and was downgraded) makes that worth a warning.
    const expected =
      decoded?.type === 'server_hello' && this.facts.clientHello !== undefined && !this.offersTls13();
    for (const d of diagnostics) if (!(expected && d.code === 'tls.downgrade-sentinel')) out.push(event(d));
    switch (decoded?.type) {
      case 'client_hello':
        this.learnClient(dir);
        // After a HelloRetryRequest the second ClientHello keeps the random (RFC 8446 §4.1.2).
        this.facts.clientHello = decoded.hello;
        break;
      case 'server_hello':
        this.learnClient(other(dir));
        this.onServerHello(decoded.hello, where, out);
        break;
      case 'encrypted_extensions':
        this.facts.alpnSelected = decoded.value.alpn;
        this.checkAlpn(where, out);
        break;
    }
  }

  private offersTls13(): boolean {
    return (
      this.facts.clientHello !== undefined &&
      maxOfferedVersion(this.facts.clientHello) >= ProtocolVersion.TLS1_3
    );
  }

  private learnClient(dir: WireDir): void {
    if (this.clientKnown) return;
    this.client = dir;
    this.clientKnown = true;
  }

  private onServerHello(hello: ServerHello, where: DiagnosticWhere, out: TlsConnectionEvent[]): void {
    this.facts.version = hello.version;
    if (hello.isHelloRetryRequest) {
      this.facts.helloRetry = true;
      return;
    }
    if (this.facts.serverHello !== undefined) return; // a renegotiation: its keys are never logged
    this.facts.serverHello = hello;
    // RFC 7301 §3.1: TLS 1.2 selects ALPN in the ServerHello; TLS 1.3 in EncryptedExtensions (§4.3.1).
    if (hello.version !== ProtocolVersion.TLS1_3) {
      this.facts.alpnSelected = hello.alpn;
      this.checkAlpn(where, out);
    }
    const clientHello = this.facts.clientHello;
    if (clientHello === undefined) {
      this.reportMissing(where.time ?? 0, out);
      return;
    }
    // TLS 1.2: a direction whose ChangeCipherSpec was already seen (its records arrived before the
    // ServerHello in the capture) is encrypting from its first record on.
    const alreadyEncrypting = (['client', 'server'] as const).filter(
      (side) => this.dirs[this.dirOf(side)].ccs,
    );
    const keys = sessionDecryptors(clientHello, hello, this.keyLog, where, { alreadyEncrypting });
    // "No keys, capture with a key log" only once there is something encrypted to decrypt: a capture that
    // ends inside the handshake has nothing a key log would show (its decryption is 'not-encrypted').
    for (const d of keys.diagnostics) {
      if (d.code === 'tls.encrypted-no-keys') this.noKeys = d;
      else out.push(event(d));
    }
    if (keys.diagnostics.some((d) => d.code === 'tls.unsupported-cipher-suite'))
      this.facts.keyProblem = 'unsupported-cipher';
    else if (keys.client === undefined && keys.server === undefined) this.facts.keyProblem = 'no-keys';
    this.dirs[this.client].decryptor = keys.client;
    this.dirs[other(this.client)].decryptor = keys.server;
    for (const rec of this.held.take()) this.dispatch(this.client, rec, out);
  }

  private checkAlpn(where: DiagnosticWhere, out: TlsConnectionEvent[]): void {
    const d = alpnDiagnostic(this.facts.clientHello?.alpn, this.facts.alpnSelected, where);
    if (d !== undefined) out.push(event(d));
  }

  private dirOf(side: Side): WireDir {
    return side === 'client' ? this.client : other(this.client);
  }

  private side(dir: WireDir): Side {
    return dir === this.client ? 'client' : 'server';
  }

  private where(time: number): DiagnosticWhere {
    return this.options.connection === undefined ? { time } : { connection: this.options.connection, time };
  }
}
