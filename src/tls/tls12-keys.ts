import { createHmac } from 'node:crypto';
import type { AeadCipherSuite, TlsHash } from './cipher-suites.js';
import type { TrafficKeys } from './tls13-keys.js';

/**
 * RFC 5246 §5 P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...,
 * A(0) = seed, A(i) = HMAC(secret, A(i-1)); truncated to `length`.
 */
export function pHash(hash: TlsHash, secret: Buffer, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let a = seed;
  for (let total = 0; total < length;) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * RFC 5246 §5 PRF(secret, label, seed) = P_<hash>(secret, label + seed). TLS 1.2 uses SHA-256 unless
 * the suite names another hash (the *_SHA384 GCM suites, RFC 5288 §3, RFC 5289 §3.2).
 */
export function tls12Prf(hash: TlsHash, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  return pHash(hash, secret, Buffer.concat([Buffer.from(label, 'ascii'), seed]), length);
}

/** RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
export function tls12MasterSecret(
  hash: TlsHash,
  preMasterSecret: Buffer,
  clientRandom: Buffer,
  serverRandom: Buffer,
): Buffer {
  return tls12Prf(hash, preMasterSecret, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}

/** Write keys of both directions of a TLS 1.2 AEAD connection. */
export interface Tls12Keys {
  client: TrafficKeys;
  server: TrafficKeys;
}

/**
 * RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random), cut
 * into client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key, client_write_IV,
 * server_write_IV. AEAD suites have no MAC keys (RFC 5246 §6.2.3.3); the IV is the 4-byte GCM salt
 * (RFC 5288 §3) or the 12-byte ChaCha20-Poly1305 nonce mask (RFC 7905 §2).
 */
export function tls12KeyBlock(
  suite: AeadCipherSuite,
  masterSecret: Buffer,
  clientRandom: Buffer,
  serverRandom: Buffer,
): Tls12Keys {
  const k = suite.keyLength;
  const v = suite.ivLength;
  const block = tls12Prf(
    suite.hash,
    masterSecret,
    'key expansion',
    Buffer.concat([serverRandom, clientRandom]),
    2 * (k + v),
  );
  return {
    client: { key: block.subarray(0, k), iv: block.subarray(2 * k, 2 * k + v) },
    server: { key: block.subarray(k, 2 * k), iv: block.subarray(2 * k + v, 2 * k + 2 * v) },
  };
}
