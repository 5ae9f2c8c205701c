import type { Diagnostic } from '../diagnostics/types.js';
import type { TlsDecryptor } from './decrypt.js';
import { HandshakeReader } from './handshake.js';
import { type TlsRecord, TlsRecordReader } from './record-reader.js';

/** A TCP direction: 0 from endpoint a to b, 1 back (the tcp layer's Dir). */
export type WireDir = 0 | 1;

export type TlsConnectionEvent =
  | { kind: 'plaintext'; dir: WireDir; data: Buffer; time: number; packetIndex: number; gapBefore: number }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };

export const diagnosticEvent = (diagnostic: Diagnostic): TlsConnectionEvent => ({
  kind: 'diagnostic',
  diagnostic,
});

/**
 * One direction of a TLS connection: its record and handshake readers, its decryptor once keys are known,
 * and how much application data it lost since it last delivered some (so the HTTP/2 layer hears of gaps).
 */
export class TlsDirection {
  readonly reader: TlsRecordReader;
  readonly handshake: HandshakeReader;
  decryptor: TlsDecryptor | undefined;
  /** A ChangeCipherSpec was seen: in TLS 1.2 every later record of this direction is encrypted. */
  ccs = false;
  /** A decryption failure was reported (once per direction; the record counts say how many). */
  failureReported = false;
  private lost = 0;
  private delivered = false;
  private started = false;

  constructor(
    readonly dir: WireDir,
    connection: string | undefined,
  ) {
    this.reader = new TlsRecordReader({ connection });
    this.handshake = new HandshakeReader({ connection });
  }

  /** A record arrives: bytes lost before it break handshake reassembly and lose application data. */
  arrive(rec: TlsRecord): void {
    if (rec.gapBefore !== 0) {
      this.handshake.reset();
      if (this.started) this.lose(Math.max(rec.gapBefore, 1));
    }
    this.started = true;
  }

  /** Application data that will never be delivered (a record that did not decrypt, a TCP gap). */
  lose(bytes: number): void {
    this.lost += bytes;
  }

  /** Loss before the first delivery means the plaintext stream's start was never seen (-1, as TCP says). */
  deliver(plaintext: Buffer, rec: TlsRecord): TlsConnectionEvent {
    const gapBefore = this.delivered ? this.lost : this.lost > 0 ? -1 : 0;
    this.lost = 0;
    this.delivered = true;
    const { time, packetIndex } = rec;
    return { kind: 'plaintext', dir: this.dir, data: plaintext, time, packetIndex, gapBefore };
  }

  /** End of the direction: a partial record or handshake message. */
  finish(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const ev of [...this.reader.finish(), ...this.handshake.finish()])
      if (ev.kind === 'diagnostic') out.push(ev.diagnostic);
    return out;
  }
}

/**
 * RFC 8446 §4.2.10: 0-RTT records follow the ClientHello, and their keys are known only after the
 * ServerHello: they wait here, up to a byte limit.
 */
export class HeldRecords {
  private records: TlsRecord[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.records.length;
  }

  /** False when the record does not fit: it is then treated as undecryptable. */
  hold(rec: TlsRecord): boolean {
    if (this.bytes + rec.fragment.length > this.maxBytes) return false;
    this.records.push(rec);
    this.bytes += rec.fragment.length;
    return true;
  }

  take(): TlsRecord[] {
    const out = this.records;
    this.records = [];
    this.bytes = 0;
    return out;
  }
}
