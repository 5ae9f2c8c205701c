import { aeadCipherSuite, type AeadCipherSuite } from './cipher-suites.js';
import { ContentType, HandshakeType } from './constants.js';
import { MessageBoundaries } from './message-boundaries.js';
import {
  decryptTls12Record,
  decryptTls13Record,
  type DecryptFailure,
  type ProtectedRecord,
  type RecordDecryptResult,
  tls12ExplicitNonce,
} from './record-protection.js';
import { hashLength, tls13NextTrafficSecret, tls13TrafficKeys, type TrafficKeys } from './tls13-keys.js';

export {
  AEAD_TAG_LENGTH,
  aeadOpen,
  decryptTls12Record,
  decryptTls13Record,
  type DecryptFailure,
  type ProtectedRecord,
  type RecordDecryptResult,
  xorNonce,
} from './record-protection.js';

/** Which keys protect a record: TLS 1.3 phases (RFC 8446 §7.3), or TLS 1.2 after ChangeCipherSpec. */
export type KeyPhase = 'early' | 'handshake' | 'application';

/** One direction's secrets, from the key log, and the suite from the ServerHello. */
export type TlsDecryptorInit =
  | {
      protocol: 'tls1.3';
      cipherSuite: number;
      /** Client direction only: CLIENT_EARLY_TRAFFIC_SECRET. */
      earlyTrafficSecret?: Buffer;
      /** [sender]_handshake_traffic_secret. */
      handshakeTrafficSecret?: Buffer;
      /** [sender]_application_traffic_secret_0 (key log CLIENT_/SERVER_TRAFFIC_SECRET_0). */
      applicationTrafficSecret?: Buffer;
      /** The ClientHello offered early_data: unknown-key records may come before the handshake ones. */
      earlyDataOffered?: boolean;
    }
  | {
      protocol: 'tls1.2';
      cipherSuite: number;
      /** This direction's write key and IV from the key block. */
      keys?: TrafficKeys;
      /** The capture starts after this direction's ChangeCipherSpec. */
      alreadyEncrypting?: boolean;
    };

export interface TlsDecryptorOptions {
  /** After lost bytes, how many sequence numbers past the expected one to try (default 32). */
  maxSeqSkip?: number;
}

export type TlsDecryptOutcome =
  /** A record sent in the clear (before encryption, or a TLS 1.3 compatibility ChangeCipherSpec). */
  | { ok: true; encrypted: false; contentType: number; plaintext: Buffer }
  | {
      ok: true;
      encrypted: true;
      contentType: number;
      plaintext: Buffer;
      seq: bigint;
      phase: KeyPhase;
      generation: number;
    }
  | { ok: false; reason: DecryptFailure | 'no-keys'; phase: KeyPhase; generation: number };

export type CreateDecryptorResult =
  | { ok: true; decryptor: TlsDecryptor }
  | { ok: false; reason: 'unsupported-cipher-suite' | 'wrong-protocol' | 'secret-size' };

interface Epoch {
  phase: KeyPhase;
  generation: number;
  secret?: Buffer;
  keys?: TrafficKeys;
  seq: bigint;
}

const SEARCH_RECORDS = 4;

/**
 * Decrypts one direction's records in order, tracking sequence numbers and key changes: TLS 1.3
 * early -> handshake -> application secrets (on EndOfEarlyData / Finished) and KeyUpdate generations
 * (RFC 8446 §4.6.3, §7.2); TLS 1.2 from the ChangeCipherSpec on. After lost bytes it searches a window of
 * sequence numbers (and the next key phase) for a few records before giving up.
 */
export class TlsDecryptor {
  private epoch: Epoch;
  private readonly boundaries = new MessageBoundaries();
  private encrypting: boolean;
  /** Records left during which to search sequence numbers after a gap. */
  private searching = 0;
  /** Started past a phase whose keys are missing: failures before the first success mean "no keys". */
  private unconfirmed: boolean;
  private readonly maxSeqSkip: number;
  private next: { after: Epoch; epoch: Epoch } | undefined;

  private constructor(
    private readonly init: TlsDecryptorInit,
    private readonly suite: AeadCipherSuite,
    options: TlsDecryptorOptions,
  ) {
    this.maxSeqSkip = options.maxSeqSkip ?? 32;
    this.encrypting = init.protocol === 'tls1.2' ? init.alreadyEncrypting === true : true;
    this.epoch = this.firstEpoch();
    this.unconfirmed = this.startsPastMissingKeys();
  }

  static create(init: TlsDecryptorInit, options: TlsDecryptorOptions = {}): CreateDecryptorResult {
    const suite = aeadCipherSuite(init.cipherSuite);
    if (suite === undefined) return { ok: false, reason: 'unsupported-cipher-suite' };
    if (suite.protocol !== init.protocol) return { ok: false, reason: 'wrong-protocol' };
    if (init.protocol === 'tls1.3') {
      const size = hashLength(suite.hash);
      const secrets = [init.earlyTrafficSecret, init.handshakeTrafficSecret, init.applicationTrafficSecret];
      if (secrets.some((s) => s !== undefined && s.length !== size))
        return { ok: false, reason: 'secret-size' };
    }
    return { ok: true, decryptor: new TlsDecryptor(init, suite, options) };
  }

  /** The key phase and KeyUpdate generation the next record is expected in. */
  get phase(): { phase: KeyPhase; generation: number } {
    return { phase: this.epoch.phase, generation: this.epoch.generation };
  }

  /** Decrypts the next record of this direction (TlsRecord or any record with a gapBefore). */
  decrypt(record: ProtectedRecord & { gapBefore?: number }): TlsDecryptOutcome {
    if ((record.gapBefore ?? 0) !== 0) {
      this.searching = SEARCH_RECORDS;
      this.boundaries.reset();
    }
    if (!this.isProtected(record))
      return { ok: true, encrypted: false, contentType: record.contentType, plaintext: record.fragment };
    const where = { phase: this.epoch.phase, generation: this.epoch.generation };
    const found = this.search(record);
    if (found === 'no-keys') return { ok: false, reason: 'no-keys', ...where };
    if (found === undefined) {
      if (this.searching > 0) this.searching--;
      return { ok: false, reason: this.unconfirmed ? 'no-keys' : 'auth-failed', ...where };
    }
    const { epoch, seq, result } = found;
    if (!result.ok && result.reason === 'too-short') return { ok: false, reason: result.reason, ...where };
    // The record authenticated under (epoch, seq): that sequence number is used up.
    this.epoch = epoch;
    epoch.seq = seq + 1n;
    this.searching = 0;
    this.unconfirmed = false;
    if (!result.ok)
      return { ok: false, reason: result.reason, phase: epoch.phase, generation: epoch.generation };
    const { contentType, plaintext } = result;
    const outcome: TlsDecryptOutcome = {
      ok: true,
      encrypted: true,
      contentType,
      plaintext,
      seq,
      phase: epoch.phase,
      generation: epoch.generation,
    };
    this.afterRecord(contentType, plaintext);
    return outcome;
  }

  /** TLS 1.3: only application_data records are protected. TLS 1.2: everything after ChangeCipherSpec. */
  private isProtected(record: ProtectedRecord): boolean {
    if (this.init.protocol === 'tls1.3') return record.contentType === ContentType.application_data;
    if (this.encrypting) return true;
    if (record.contentType === ContentType.change_cipher_spec) this.encrypting = true;
    return false;
  }

  /**
   * Tries the expected (epoch, seq) and, while searching after a gap, later sequence numbers and the
   * next phase. Returns the first candidate that authenticates (or fails for a reason other than
   * authentication), undefined when none does, 'no-keys' when no candidate had keys.
   */
  private search(
    record: ProtectedRecord,
  ): { epoch: Epoch; seq: bigint; result: RecordDecryptResult } | 'no-keys' | undefined {
    let tried = 0;
    for (const [epoch, seq] of this.candidates(record)) {
      if (epoch.keys === undefined) continue;
      tried++;
      const result = this.open(epoch.keys, seq, record);
      if (result.ok || result.reason !== 'auth-failed') return { epoch, seq, result };
    }
    return tried === 0 ? 'no-keys' : undefined;
  }

  private *candidates(record: ProtectedRecord): Generator<[Epoch, bigint]> {
    const window = this.searching > 0 ? BigInt(this.maxSeqSkip) : 0n;
    const current = this.epoch;
    const hint = this.init.protocol === 'tls1.2' ? tls12ExplicitNonce(this.suite, record) : undefined;
    // TLS 1.2 GCM stacks (OpenSSL, Go, NSS) send the sequence number as explicit nonce: one cheap guess
    // that also recovers from gaps longer than the window.
    if (hint !== undefined && window > 0n && hint > current.seq + window) yield [current, hint];
    for (let s = current.seq; s <= current.seq + window; s++) yield [current, s];
    const next = this.implicitNext();
    if (next !== undefined) for (let s = 0n; s <= window; s++) yield [next, s];
  }

  private open(keys: TrafficKeys, seq: bigint, record: ProtectedRecord): RecordDecryptResult {
    return this.init.protocol === 'tls1.3'
      ? decryptTls13Record(this.suite.aead, keys, seq, record)
      : decryptTls12Record(this.suite, keys, seq, record);
  }

  /**
   * The phase a record may belong to without a key-change message seen: after a gap (the message may
   * have been lost), after early data the server rejected (no EndOfEarlyData, RFC 8446 §4.2.10), or
   * when this epoch has no keys at all.
   */
  private implicitNext(): Epoch | undefined {
    const early = this.epoch.phase === 'early';
    return this.searching > 0 || early || this.epoch.keys === undefined ? this.nextEpoch() : undefined;
  }

  private afterRecord(contentType: number, plaintext: Buffer): void {
    if (this.init.protocol === 'tls1.2') {
      // An encrypted ChangeCipherSpec is a renegotiation: its new keys were never logged.
      if (contentType === ContentType.change_cipher_spec)
        this.epoch = { ...this.epoch, keys: undefined, seq: 0n };
      return;
    }
    if (contentType !== ContentType.handshake) return;
    for (const type of this.boundaries.push(plaintext)) this.onHandshakeMessage(type);
  }

  /** RFC 8446 §4.4.4, §4.5, §4.6.3: the messages after which the sender's keys change. */
  private onHandshakeMessage(type: number): void {
    const { phase } = this.epoch;
    const changes =
      (type === HandshakeType.end_of_early_data && phase === 'early') ||
      (type === HandshakeType.finished && phase === 'handshake') ||
      (type === HandshakeType.key_update && phase === 'application');
    if (!changes) return;
    const next = this.nextEpoch();
    if (next !== undefined) this.epoch = next;
  }

  /** The epoch after the current one (TLS 1.3), derived once per epoch. */
  private nextEpoch(): Epoch | undefined {
    if (this.init.protocol === 'tls1.2') return undefined;
    if (this.next?.after === this.epoch) return this.next.epoch;
    const { phase, generation, secret } = this.epoch;
    let epoch: Epoch;
    if (phase === 'early') epoch = this.makeEpoch('handshake', 0, this.init.handshakeTrafficSecret);
    else if (phase === 'handshake')
      epoch = this.makeEpoch('application', 0, this.init.applicationTrafficSecret);
    else {
      const nextSecret = secret === undefined ? undefined : tls13NextTrafficSecret(this.suite.hash, secret);
      epoch = this.makeEpoch('application', generation + 1, nextSecret);
    }
    this.next = { after: this.epoch, epoch };
    return epoch;
  }

  private makeEpoch(phase: KeyPhase, generation: number, secret: Buffer | undefined): Epoch {
    const keys = secret === undefined ? undefined : tls13TrafficKeys(this.suite, secret);
    return { phase, generation, secret, keys, seq: 0n };
  }

  /** TLS 1.3 starts at the earliest phase with a secret; TLS 1.2 has one phase. */
  private firstEpoch(): Epoch {
    const init = this.init;
    if (init.protocol === 'tls1.2') return { phase: 'application', generation: 0, keys: init.keys, seq: 0n };
    if (init.earlyTrafficSecret !== undefined) return this.makeEpoch('early', 0, init.earlyTrafficSecret);
    if (init.handshakeTrafficSecret !== undefined || init.applicationTrafficSecret === undefined) {
      return this.makeEpoch('handshake', 0, init.handshakeTrafficSecret);
    }
    return this.makeEpoch('application', 0, init.applicationTrafficSecret);
  }

  private startsPastMissingKeys(): boolean {
    const init = this.init;
    if (init.protocol === 'tls1.2') return false;
    if (this.epoch.phase === 'application') return true;
    return this.epoch.phase === 'handshake' && init.earlyDataOffered === true;
  }
}
