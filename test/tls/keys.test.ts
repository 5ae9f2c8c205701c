import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aeadCipherSuite, type AeadCipherSuite } from '../../src/tls/cipher-suites.js';
import { pHash, tls12KeyBlock, tls12MasterSecret, tls12Prf } from '../../src/tls/tls12-keys.js';
import {
  deriveSecret,
  emptyHash,
  hkdfExpand,
  hkdfExpandLabel,
  hkdfExtract,
  tls13NextTrafficSecret,
  tls13TrafficKeys,
} from '../../src/tls/tls13-keys.js';
import * as rfc from './fixtures/rfc8448.js';

const hex = (b: Buffer) => b.toString('hex');
const suite = (id: number): AeadCipherSuite => {
  const s = aeadCipherSuite(id);
  if (s === undefined) throw new Error(`no suite ${id}`);
  return s;
};

describe('HKDF (RFC 5869)', () => {
  it('matches RFC 5869 §A.1 test case 1 and node:crypto hkdfSync', () => {
    const ikm = Buffer.alloc(22, 0x0b);
    const salt = Buffer.from('000102030405060708090a0b0c', 'hex');
    const info = Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex');
    const prk = hkdfExtract('sha256', salt, ikm);
    expect(hex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    const okm = hkdfExpand('sha256', prk, info, 42);
    expect(hex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
    // Multi-block output with SHA-384 against node's own HKDF (extract + expand).
    expect(okm.equals(Buffer.from(hkdfSync('sha256', ikm, salt, info, 42)))).toBe(true);
    expect(hkdfExpand('sha384', hkdfExtract('sha384', salt, ikm), info, 100)).toEqual(
      Buffer.from(hkdfSync('sha384', ikm, salt, info, 100)),
    );
  });
});

describe('TLS 1.3 key schedule against RFC 8448 §3 (Simple 1-RTT Handshake)', () => {
  const zeros = Buffer.alloc(32);

  it('derives early, handshake and master secrets', () => {
    const early = hkdfExtract('sha256', zeros, zeros);
    expect(early).toEqual(rfc.EARLY_SECRET);
    const derived = deriveSecret('sha256', early, 'derived', emptyHash('sha256'));
    expect(derived).toEqual(rfc.DERIVED_FOR_HANDSHAKE);
    const handshake = hkdfExtract('sha256', derived, rfc.SHARED_SECRET);
    expect(handshake).toEqual(rfc.HANDSHAKE_SECRET);
    const master = hkdfExtract(
      'sha256',
      deriveSecret('sha256', handshake, 'derived', emptyHash('sha256')),
      zeros,
    );
    expect(master).toEqual(rfc.MASTER_SECRET);
  });

  it('derives the four traffic secrets from the transcript hashes', () => {
    expect(deriveSecret('sha256', rfc.HANDSHAKE_SECRET, 'c hs traffic', rfc.HELLO_HASH)).toEqual(
      rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET,
    );
    expect(deriveSecret('sha256', rfc.HANDSHAKE_SECRET, 's hs traffic', rfc.HELLO_HASH)).toEqual(
      rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET,
    );
    expect(deriveSecret('sha256', rfc.MASTER_SECRET, 'c ap traffic', rfc.SERVER_FINISHED_HASH)).toEqual(
      rfc.CLIENT_APPLICATION_TRAFFIC_SECRET,
    );
    expect(deriveSecret('sha256', rfc.MASTER_SECRET, 's ap traffic', rfc.SERVER_FINISHED_HASH)).toEqual(
      rfc.SERVER_APPLICATION_TRAFFIC_SECRET,
    );
  });

  it('derives write keys and IVs for TLS_AES_128_GCM_SHA256 (RFC 8446 §7.3)', () => {
    const s = suite(0x1301);
    expect(tls13TrafficKeys(s, rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET)).toEqual({
      key: rfc.SERVER_HANDSHAKE_KEY,
      iv: rfc.SERVER_HANDSHAKE_IV,
    });
    expect(tls13TrafficKeys(s, rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET)).toEqual({
      key: rfc.CLIENT_HANDSHAKE_KEY,
      iv: rfc.CLIENT_HANDSHAKE_IV,
    });
    expect(tls13TrafficKeys(s, rfc.SERVER_APPLICATION_TRAFFIC_SECRET)).toEqual({
      key: rfc.SERVER_APPLICATION_KEY,
      iv: rfc.SERVER_APPLICATION_IV,
    });
    expect(tls13TrafficKeys(s, rfc.CLIENT_APPLICATION_TRAFFIC_SECRET)).toEqual({
      key: rfc.CLIENT_APPLICATION_KEY,
      iv: rfc.CLIENT_APPLICATION_IV,
    });
  });

  it('sizes keys by suite: 32-byte keys for AES-256-GCM (SHA-384) and ChaCha20-Poly1305', () => {
    const secret48 = Buffer.alloc(48, 7);
    const aes256 = tls13TrafficKeys(suite(0x1302), secret48);
    expect([aes256.key.length, aes256.iv.length]).toEqual([32, 12]);
    // No published SHA-384 trace: check the label encoding by hand (one HMAC block, RFC 5869 §2.3).
    const info = Buffer.concat([Buffer.from([0, 32, 9]), Buffer.from('tls13 key'), Buffer.from([0])]);
    const expected = createHmac('sha384', secret48)
      .update(info)
      .update(Buffer.from([1]))
      .digest()
      .subarray(0, 32);
    expect(aes256.key).toEqual(expected);
    const chacha = tls13TrafficKeys(suite(0x1303), rfc.SERVER_APPLICATION_TRAFFIC_SECRET);
    expect([chacha.key.length, chacha.iv.length]).toEqual([32, 12]);
    // The length is part of HkdfLabel, so the 32-byte key does not start with the 16-byte one; the
    // IV (same hash, label and length) is the one RFC 8448 derives for AES-128-GCM.
    expect(chacha.key.subarray(0, 16)).not.toEqual(rfc.SERVER_APPLICATION_KEY);
    expect(chacha.iv).toEqual(rfc.SERVER_APPLICATION_IV);
  });

  it('derives the KeyUpdate secret with label "traffic upd" (RFC 8446 §7.2)', () => {
    // No published vector: computed here independently as the single HMAC block of HKDF-Expand.
    const manual = (hash: 'sha256' | 'sha384', secret: Buffer, len: number) => {
      const label = Buffer.from('tls13 traffic upd');
      const info = Buffer.concat([Buffer.from([0, len, label.length]), label, Buffer.from([0])]);
      return createHmac(hash, secret)
        .update(info)
        .update(Buffer.from([1]))
        .digest();
    };
    const next = tls13NextTrafficSecret('sha256', rfc.CLIENT_APPLICATION_TRAFFIC_SECRET);
    expect(next).toEqual(manual('sha256', rfc.CLIENT_APPLICATION_TRAFFIC_SECRET, 32));
    expect(next).not.toEqual(rfc.CLIENT_APPLICATION_TRAFFIC_SECRET);
    const s48 = Buffer.alloc(48, 3);
    expect(tls13NextTrafficSecret('sha384', s48)).toEqual(manual('sha384', s48, 48));
    expect(hkdfExpandLabel('sha256', s48, 'traffic upd', Buffer.alloc(0), 32)).toHaveLength(32);
  });
});

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  // Published vectors: https://www.ietf.org/mail-archive/web/tls/current/msg03416.html
  it('matches the P_SHA256 test vector (100 bytes)', () => {
    const out = tls12Prf(
      'sha256',
      Buffer.from('9bbe436ba940f017b17652849a71db35', 'hex'),
      'test label',
      Buffer.from('a0ba9f936cda311827a6f796ffd5198c', 'hex'),
      100,
    );
    expect(hex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7' +
        '077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('matches the P_SHA384 test vector (148 bytes)', () => {
    const out = tls12Prf(
      'sha384',
      Buffer.from('b80b733d6ceefcdc71566ea48e5567df', 'hex'),
      'test label',
      Buffer.from('cd665cf6a8447dd6ff8b27555edb7465', 'hex'),
      148,
    );
    expect(hex(out)).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb40' +
        '0fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d' +
        '31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('a shorter output is a prefix of a longer one', () => {
    const secret = Buffer.alloc(48, 1);
    expect(pHash('sha256', secret, Buffer.from('seed'), 20)).toEqual(
      pHash('sha256', secret, Buffer.from('seed'), 70).subarray(0, 20),
    );
  });
});

describe('TLS 1.2 key block (RFC 5246 §6.3)', () => {
  // No published key-block vector for these suites: the expected block is computed here with an
  // independent P_hash written against node:crypto HMAC, and the slicing is checked against it.
  const independentPrf = (hash: string, secret: Buffer, label: string, seed: Buffer, length: number) => {
    const labelSeed = Buffer.concat([Buffer.from(label), seed]);
    let a = labelSeed;
    let out = Buffer.alloc(0);
    while (out.length < length) {
      a = createHmac(hash, secret).update(a).digest();
      out = Buffer.concat([
        out,
        createHmac(hash, secret)
          .update(Buffer.concat([a, labelSeed]))
          .digest(),
      ]);
    }
    return out.subarray(0, length);
  };
  const master = Buffer.alloc(48, 0x4d);
  const clientRandom = Buffer.alloc(32, 0xc1);
  const serverRandom = Buffer.alloc(32, 0x5e);

  it.each([
    [0xc02f, 'sha256', 16, 4],
    [0xc030, 'sha384', 32, 4],
    [0xcca8, 'sha256', 32, 12],
  ] as const)('slices suite 0x%s into client/server key and IV', (id, hash, k, v) => {
    const block = independentPrf(
      hash,
      master,
      'key expansion',
      Buffer.concat([serverRandom, clientRandom]),
      2 * (k + v),
    );
    const keys = tls12KeyBlock(suite(id), master, clientRandom, serverRandom);
    expect(keys.client.key).toEqual(block.subarray(0, k));
    expect(keys.server.key).toEqual(block.subarray(k, 2 * k));
    expect(keys.client.iv).toEqual(block.subarray(2 * k, 2 * k + v));
    expect(keys.server.iv).toEqual(block.subarray(2 * k + v));
  });

  it('derives the master secret from the pre-master secret (RFC 5246 §8.1)', () => {
    const pms = Buffer.alloc(48, 0x03);
    const expected = independentPrf(
      'sha256',
      pms,
      'master secret',
      Buffer.concat([clientRandom, serverRandom]),
      48,
    );
    expect(tls12MasterSecret('sha256', pms, clientRandom, serverRandom)).toEqual(expected);
  });
});
