import { describe, expect, it } from 'vitest';
import { aeadCipherSuite, type AeadCipherSuite } from '../../src/tls/cipher-suites.js';
import {
  decryptTls12Record,
  decryptTls13Record,
  TlsDecryptor,
  type TlsDecryptorInit,
  type TlsDecryptOutcome,
} from '../../src/tls/decrypt.js';
import { HandshakeReader } from '../../src/tls/handshake.js';
import { type TlsRecord, TlsRecordReader } from '../../src/tls/record-reader.js';
import { tls12KeyBlock } from '../../src/tls/tls12-keys.js';
import { tls13NextTrafficSecret, tls13TrafficKeys } from '../../src/tls/tls13-keys.js';
import { handshake, record } from './builders.js';
import * as rfc from './fixtures/rfc8448.js';
import { sealTls12, sealTls13 } from './seal.js';

/** Cuts a direction's bytes into records with the real reader. */
function records(...chunks: Buffer[]): TlsRecord[] {
  const r = new TlsRecordReader();
  return chunks.flatMap((c, i) => r.push(c, i, i)).flatMap((e) => (e.kind === 'record' ? [e.record] : []));
}
const one = (bytes: Buffer, gapBefore = 0): TlsRecord => ({ ...records(bytes)[0]!, gapBefore });

function decryptor(init: TlsDecryptorInit): TlsDecryptor {
  const r = TlsDecryptor.create(init);
  if (!r.ok) throw new Error(r.reason);
  return r.decryptor;
}

/** [ok, contentType or reason, phase, generation, seq] of each outcome, for compact assertions. */
const summary = (o: TlsDecryptOutcome) =>
  o.ok
    ? o.encrypted
      ? [o.contentType, o.phase, o.generation, Number(o.seq)]
      : [o.contentType, 'clear']
    : [o.reason, o.phase, o.generation];

const suiteOf = (id: number): AeadCipherSuite => aeadCipherSuite(id)!;
const hsKeys = { key: rfc.SERVER_HANDSHAKE_KEY, iv: rfc.SERVER_HANDSHAKE_IV };

describe('decryptTls13Record on the RFC 8448 §3 records', () => {
  it('decrypts the server flight and strips the inner content type', () => {
    const r = decryptTls13Record('aes-128-gcm', hsKeys, 0n, one(rfc.SERVER_FLIGHT_RECORD));
    expect(r).toEqual({ ok: true, contentType: 22, plaintext: rfc.SERVER_FLIGHT_PLAINTEXT });
  });

  it('decrypts client Finished, NewSessionTicket, application data and alerts at their sequence numbers', () => {
    const cHs = { key: rfc.CLIENT_HANDSHAKE_KEY, iv: rfc.CLIENT_HANDSHAKE_IV };
    const cAp = { key: rfc.CLIENT_APPLICATION_KEY, iv: rfc.CLIENT_APPLICATION_IV };
    const sAp = { key: rfc.SERVER_APPLICATION_KEY, iv: rfc.SERVER_APPLICATION_IV };
    expect(decryptTls13Record('aes-128-gcm', cHs, 0n, one(rfc.CLIENT_FINISHED_RECORD))).toEqual({
      ok: true,
      contentType: 22,
      plaintext: rfc.CLIENT_FINISHED,
    });
    expect(decryptTls13Record('aes-128-gcm', sAp, 0n, one(rfc.NEW_SESSION_TICKET_RECORD))).toEqual({
      ok: true,
      contentType: 22,
      plaintext: rfc.NEW_SESSION_TICKET,
    });
    expect(decryptTls13Record('aes-128-gcm', cAp, 0n, one(rfc.CLIENT_APPLICATION_RECORD))).toEqual({
      ok: true,
      contentType: 23,
      plaintext: rfc.APPLICATION_PAYLOAD,
    });
    expect(decryptTls13Record('aes-128-gcm', sAp, 1n, one(rfc.SERVER_APPLICATION_RECORD))).toEqual({
      ok: true,
      contentType: 23,
      plaintext: rfc.APPLICATION_PAYLOAD,
    });
    expect(decryptTls13Record('aes-128-gcm', cAp, 1n, one(rfc.CLIENT_ALERT_RECORD))).toEqual({
      ok: true,
      contentType: 21,
      plaintext: Buffer.from('0100', 'hex'),
    });
    expect(decryptTls13Record('aes-128-gcm', sAp, 2n, one(rfc.SERVER_ALERT_RECORD))).toEqual({
      ok: true,
      contentType: 21,
      plaintext: Buffer.from('0100', 'hex'),
    });
  });

  it('reports a wrong sequence number, a flipped bit and a short record as values', () => {
    expect(decryptTls13Record('aes-128-gcm', hsKeys, 1n, one(rfc.SERVER_FLIGHT_RECORD))).toEqual({
      ok: false,
      reason: 'auth-failed',
    });
    const damaged = Buffer.from(rfc.SERVER_FLIGHT_RECORD);
    damaged[100] = damaged[100]! ^ 0x01;
    expect(decryptTls13Record('aes-128-gcm', hsKeys, 0n, one(damaged))).toEqual({
      ok: false,
      reason: 'auth-failed',
    });
    expect(decryptTls13Record('aes-128-gcm', hsKeys, 0n, one(record(23, Buffer.alloc(16))))).toEqual({
      ok: false,
      reason: 'too-short',
    });
  });

  it('strips zero padding and rejects a plaintext of only zeros (RFC 8446 §5.4)', () => {
    const padded = sealTls13('aes-128-gcm', hsKeys, 0, 23, Buffer.from('hi'), 40);
    expect(decryptTls13Record('aes-128-gcm', hsKeys, 0n, one(padded))).toEqual({
      ok: true,
      contentType: 23,
      plaintext: Buffer.from('hi'),
    });
    const zeros = sealTls13('aes-128-gcm', hsKeys, 0, 0, Buffer.alloc(0), 10);
    expect(decryptTls13Record('aes-128-gcm', hsKeys, 0n, one(zeros))).toEqual({
      ok: false,
      reason: 'no-content-type',
    });
  });
});

describe('TlsDecryptor on the RFC 8448 §3 connection', () => {
  const serverStream = [
    rfc.SERVER_HELLO_RECORD,
    rfc.SERVER_FLIGHT_RECORD,
    rfc.NEW_SESSION_TICKET_RECORD,
    rfc.SERVER_APPLICATION_RECORD,
    rfc.SERVER_ALERT_RECORD,
  ];
  const server13 = (secrets: Partial<Record<'hs' | 'ap', Buffer>>) =>
    decryptor({
      protocol: 'tls1.3',
      cipherSuite: 0x1301,
      handshakeTrafficSecret: secrets.hs,
      applicationTrafficSecret: secrets.ap,
    });

  it('follows the server from handshake to application keys at Finished', () => {
    const d = server13({
      hs: rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET,
      ap: rfc.SERVER_APPLICATION_TRAFFIC_SECRET,
    });
    const out = records(Buffer.concat(serverStream)).map((r) => d.decrypt(r));
    expect(out.map(summary)).toEqual([
      [22, 'clear'],
      [22, 'handshake', 0, 0],
      [22, 'application', 0, 0],
      [23, 'application', 0, 1],
      [21, 'application', 0, 2],
    ]);
    // The decrypted handshake content reassembles into the server's messages.
    const hs = new HandshakeReader();
    const types = out
      .flatMap((o) => (o.ok && o.contentType === 22 ? hs.push(o.plaintext, 0, 0) : []))
      .map((e) => e.kind === 'message' && e.message.msgType);
    expect(types).toEqual([2, 8, 11, 15, 20, 4]);
  });

  it('follows the client, passing the ClientHello through', () => {
    const d = decryptor({
      protocol: 'tls1.3',
      cipherSuite: 0x1301,
      handshakeTrafficSecret: rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET,
      applicationTrafficSecret: rfc.CLIENT_APPLICATION_TRAFFIC_SECRET,
    });
    const stream = [
      rfc.CLIENT_HELLO_RECORD,
      record(20, Buffer.from([1])),
      rfc.CLIENT_FINISHED_RECORD,
      rfc.CLIENT_APPLICATION_RECORD,
      rfc.CLIENT_ALERT_RECORD,
    ];
    expect(records(...stream).map((r) => summary(d.decrypt(r)))).toEqual([
      [22, 'clear'],
      [20, 'clear'], // middlebox-compatibility ChangeCipherSpec (RFC 8446 §D.4) is not counted
      [22, 'handshake', 0, 0],
      [23, 'application', 0, 0],
      [21, 'application', 0, 1],
    ]);
  });

  it('without handshake secrets reports the handshake records as "no-keys" and decrypts the rest', () => {
    const d = server13({ ap: rfc.SERVER_APPLICATION_TRAFFIC_SECRET });
    expect(records(Buffer.concat(serverStream)).map((r) => summary(d.decrypt(r)))).toEqual([
      [22, 'clear'],
      ['no-keys', 'application', 0],
      [22, 'application', 0, 0],
      [23, 'application', 0, 1],
      [21, 'application', 0, 2],
    ]);
  });

  it('without application secrets decrypts the handshake and then reports "no-keys"', () => {
    const d = server13({ hs: rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET });
    expect(
      records(Buffer.concat(serverStream))
        .slice(1, 3)
        .map((r) => summary(d.decrypt(r))),
    ).toEqual([
      [22, 'handshake', 0, 0],
      ['no-keys', 'application', 0],
    ]);
  });

  it('reports "auth-failed" when the logged secret is wrong', () => {
    const d = server13({
      hs: rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET,
      ap: rfc.CLIENT_APPLICATION_TRAFFIC_SECRET,
    });
    expect(
      records(Buffer.concat(serverStream))
        .slice(1, 3)
        .map((r) => summary(d.decrypt(r))),
    ).toEqual([
      [22, 'handshake', 0, 0],
      ['auth-failed', 'application', 0],
    ]);
  });

  it('after a lost record finds the sequence number again', () => {
    const d = server13({
      hs: rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET,
      ap: rfc.SERVER_APPLICATION_TRAFFIC_SECRET,
    });
    d.decrypt(one(rfc.SERVER_FLIGHT_RECORD));
    // NewSessionTicket lost: the application record arrives with a gap and is seq 1.
    expect(summary(d.decrypt(one(rfc.SERVER_APPLICATION_RECORD, 227)))).toEqual([23, 'application', 0, 1]);
    expect(summary(d.decrypt(one(rfc.SERVER_ALERT_RECORD)))).toEqual([21, 'application', 0, 2]);
  });

  it('after losing the record with Finished moves on to the application keys', () => {
    const d = server13({
      hs: rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET,
      ap: rfc.SERVER_APPLICATION_TRAFFIC_SECRET,
    });
    expect(summary(d.decrypt(one(rfc.SERVER_APPLICATION_RECORD, 906)))).toEqual([23, 'application', 0, 1]);
  });

  it('joins a capture that starts mid-connection', () => {
    const d = server13({ ap: rfc.SERVER_APPLICATION_TRAFFIC_SECRET });
    const recs = records(Buffer.concat([rfc.SERVER_APPLICATION_RECORD, rfc.SERVER_ALERT_RECORD]));
    expect(summary(d.decrypt({ ...recs[0]!, gapBefore: -1 }))).toEqual([23, 'application', 0, 1]);
    expect(summary(d.decrypt(recs[1]!))).toEqual([21, 'application', 0, 2]);
  });

  it('refuses suites it cannot decrypt and secrets of the wrong size', () => {
    expect(TlsDecryptor.create({ protocol: 'tls1.3', cipherSuite: 0x1304 })).toEqual({
      ok: false,
      reason: 'unsupported-cipher-suite',
    });
    expect(TlsDecryptor.create({ protocol: 'tls1.3', cipherSuite: 0xc02f })).toEqual({
      ok: false,
      reason: 'wrong-protocol',
    });
    expect(
      TlsDecryptor.create({
        protocol: 'tls1.3',
        cipherSuite: 0x1301,
        handshakeTrafficSecret: Buffer.alloc(48),
      }),
    ).toEqual({ ok: false, reason: 'secret-size' });
  });
});

describe('TlsDecryptor round trips with records sealed by node:crypto', () => {
  it.each([0x1301, 0x1302, 0x1303])(
    'TLS 1.3 suite 0x%s: handshake, application data, KeyUpdate, padding',
    (id) => {
      const suite = suiteOf(id);
      const size = suite.hash === 'sha256' ? 32 : 48;
      const hsSecret = Buffer.alloc(size, 0x11);
      const ap0 = Buffer.alloc(size, 0x22);
      const ap1 = tls13NextTrafficSecret(suite.hash, ap0);
      const [hs, k0, k1] = [hsSecret, ap0, ap1].map((s) => tls13TrafficKeys(suite, s)) as [
        typeof hsKeys,
        typeof hsKeys,
        typeof hsKeys,
      ];
      const finished = handshake(20, Buffer.alloc(size, 0xf1));
      const keyUpdate = handshake(24, Buffer.from([1]));
      const ticket = handshake(4, Buffer.alloc(30, 0x44));
      const stream = [
        sealTls13(suite.aead, hs, 0, 22, handshake(8, Buffer.from('0000', 'hex'))),
        sealTls13(suite.aead, hs, 1, 22, finished.subarray(0, 10)), // Finished split across records
        sealTls13(suite.aead, hs, 2, 22, finished.subarray(10)),
        sealTls13(suite.aead, k0, 0, 23, Buffer.from('request'), 5),
        sealTls13(suite.aead, k0, 1, 22, Buffer.concat([ticket, keyUpdate])), // KeyUpdate ends the record
        sealTls13(suite.aead, k1, 0, 23, Buffer.from('after update')),
        sealTls13(suite.aead, k1, 1, 21, Buffer.from('0100', 'hex')),
      ];
      const d = decryptor({
        protocol: 'tls1.3',
        cipherSuite: id,
        handshakeTrafficSecret: hsSecret,
        applicationTrafficSecret: ap0,
      });
      const out = records(Buffer.concat(stream)).map((r) => d.decrypt(r));
      expect(out.map(summary)).toEqual([
        [22, 'handshake', 0, 0],
        [22, 'handshake', 0, 1],
        [22, 'handshake', 0, 2],
        [23, 'application', 0, 0],
        [22, 'application', 0, 1],
        [23, 'application', 1, 0],
        [21, 'application', 1, 1],
      ]);
      expect(out[3]!.ok && out[3]!.plaintext.toString()).toBe('request');
      expect(out[5]!.ok && out[5]!.plaintext.toString()).toBe('after update');
      expect(d.phase).toEqual({ phase: 'application', generation: 1 });
    },
  );

  it('TLS 1.3 0-RTT: early keys until EndOfEarlyData, then handshake keys', () => {
    const suite = suiteOf(0x1301);
    const [early, hs, ap] = [0x0e, 0x11, 0x22].map((b) => Buffer.alloc(32, b)) as [Buffer, Buffer, Buffer];
    const [ke, kh, ka] = [early, hs, ap].map((s) => tls13TrafficKeys(suite, s)) as [
      typeof hsKeys,
      typeof hsKeys,
      typeof hsKeys,
    ];
    const stream = [
      sealTls13(suite.aead, ke, 0, 23, Buffer.from('GET / early')),
      sealTls13(suite.aead, ke, 1, 22, handshake(5, Buffer.alloc(0))),
      sealTls13(suite.aead, kh, 0, 22, handshake(20, Buffer.alloc(32))),
      sealTls13(suite.aead, ka, 0, 23, Buffer.from('later')),
    ];
    const withEarly = decryptor({
      protocol: 'tls1.3',
      cipherSuite: 0x1301,
      earlyTrafficSecret: early,
      handshakeTrafficSecret: hs,
      applicationTrafficSecret: ap,
    });
    expect(records(...stream).map((r) => summary(withEarly.decrypt(r)))).toEqual([
      [23, 'early', 0, 0],
      [22, 'early', 0, 1],
      [22, 'handshake', 0, 0],
      [23, 'application', 0, 0],
    ]);
    // Without the early secret, the early records are "no-keys" and the handshake still decrypts.
    const noEarly = decryptor({
      protocol: 'tls1.3',
      cipherSuite: 0x1301,
      handshakeTrafficSecret: hs,
      applicationTrafficSecret: ap,
      earlyDataOffered: true,
    });
    expect(records(...stream).map((r) => summary(noEarly.decrypt(r)))).toEqual([
      ['no-keys', 'handshake', 0],
      ['no-keys', 'handshake', 0],
      [22, 'handshake', 0, 0],
      [23, 'application', 0, 0],
    ]);
  });

  it('TLS 1.3 early data the server rejected: the client goes to handshake keys without EndOfEarlyData', () => {
    const suite = suiteOf(0x1301);
    const [early, hs] = [Buffer.alloc(32, 0x0e), Buffer.alloc(32, 0x11)];
    const stream = [
      sealTls13(suite.aead, tls13TrafficKeys(suite, early), 0, 23, Buffer.from('GET / early')),
      sealTls13(suite.aead, tls13TrafficKeys(suite, hs), 0, 22, handshake(20, Buffer.alloc(32))),
    ];
    const d = decryptor({
      protocol: 'tls1.3',
      cipherSuite: 0x1301,
      earlyTrafficSecret: early,
      handshakeTrafficSecret: hs,
    });
    expect(records(...stream).map((r) => summary(d.decrypt(r)))).toEqual([
      [23, 'early', 0, 0],
      [22, 'handshake', 0, 0],
    ]);
  });

  it.each([0xc02b, 0xc030, 0xcca9])(
    'TLS 1.2 suite 0x%s: clear until ChangeCipherSpec, then AEAD with sequence numbers',
    (id) => {
      const suite = suiteOf(id);
      const keys = tls12KeyBlock(
        suite,
        Buffer.alloc(48, 0x4d),
        Buffer.alloc(32, 1),
        Buffer.alloc(32, 2),
      ).client;
      const stream = [
        record(22, handshake(16, Buffer.alloc(33, 9))), // ClientKeyExchange in the clear
        record(20, Buffer.from([1])),
        sealTls12(suite.aead, keys, 0, 22, handshake(20, Buffer.alloc(12, 0xf1))),
        sealTls12(suite.aead, keys, 1, 23, Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')),
        sealTls12(suite.aead, keys, 2, 23, Buffer.from('x'), 0x1234n), // explicit nonce need not be the seq
        sealTls12(suite.aead, keys, 3, 21, Buffer.from('0100', 'hex')),
      ];
      const d = decryptor({ protocol: 'tls1.2', cipherSuite: id, keys });
      const out = records(Buffer.concat(stream)).map((r) => d.decrypt(r));
      expect(out.map(summary)).toEqual([
        [22, 'clear'],
        [20, 'clear'],
        [22, 'application', 0, 0],
        [23, 'application', 0, 1],
        [23, 'application', 0, 2],
        [21, 'application', 0, 3],
      ]);
      expect(out[3]!.ok && out[3]!.plaintext.toString()).toBe('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      // The same record decrypted out of order fails authentication: the sequence number is in the AAD.
      expect(decryptTls12Record(suite, keys, 5n, records(stream[3]!)[0]!)).toEqual({
        ok: false,
        reason: 'auth-failed',
      });
    },
  );

  it('TLS 1.2 GCM after a long gap uses the explicit nonce as the sequence number', () => {
    const suite = suiteOf(0xc02f);
    const keys = tls12KeyBlock(suite, Buffer.alloc(48, 7), Buffer.alloc(32, 1), Buffer.alloc(32, 2)).server;
    const d = decryptor({ protocol: 'tls1.2', cipherSuite: 0xc02f, keys, alreadyEncrypting: true });
    expect(summary(d.decrypt(one(sealTls12(suite.aead, keys, 0, 23, Buffer.from('a')))))).toEqual([
      23,
      'application',
      0,
      0,
    ]);
    // 100 records lost, beyond the 32-record search window.
    expect(summary(d.decrypt(one(sealTls12(suite.aead, keys, 101, 23, Buffer.from('b')), 5000)))).toEqual([
      23,
      'application',
      0,
      101,
    ]);
    // ChaCha20 has no explicit nonce: within the window it is found by search.
    const cs = suiteOf(0xcca8);
    const ck = tls12KeyBlock(cs, Buffer.alloc(48, 7), Buffer.alloc(32, 1), Buffer.alloc(32, 2)).server;
    const d2 = decryptor({ protocol: 'tls1.2', cipherSuite: 0xcca8, keys: ck, alreadyEncrypting: true });
    expect(summary(d2.decrypt(one(sealTls12(cs.aead, ck, 20, 23, Buffer.from('c')), -1)))).toEqual([
      23,
      'application',
      0,
      20,
    ]);
    expect(summary(d2.decrypt(one(sealTls12(cs.aead, ck, 21, 23, Buffer.from('d')))))).toEqual([
      23,
      'application',
      0,
      21,
    ]);
  });

  it('TLS 1.2 renegotiation: after an encrypted ChangeCipherSpec the new keys are unknown', () => {
    const suite = suiteOf(0xc02f);
    const keys = tls12KeyBlock(suite, Buffer.alloc(48, 7), Buffer.alloc(32, 1), Buffer.alloc(32, 2)).client;
    const d = decryptor({ protocol: 'tls1.2', cipherSuite: 0xc02f, keys, alreadyEncrypting: true });
    const stream = [
      sealTls12(suite.aead, keys, 0, 20, Buffer.from([1])),
      sealTls12(suite.aead, keys, 1, 23, Buffer.from('x')),
    ];
    expect(records(...stream).map((r) => summary(d.decrypt(r)))).toEqual([
      [20, 'application', 0, 0],
      ['no-keys', 'application', 0],
    ]);
  });
});
