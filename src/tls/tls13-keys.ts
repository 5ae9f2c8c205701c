import { createHash, createHmac } from 'node:crypto';
import type { AeadCipherSuite, TlsHash } from './cipher-suites.js';

/** RFC 8446 §7.1: Hash.length of the suite's hash. */
export function hashLength(hash: TlsHash): 32 | 48 {
  return hash === 'sha256' ? 32 : 48;
}

/** RFC 5869 §2.2 HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM). */
export function hkdfExtract(hash: TlsHash, salt: Buffer, ikm: Buffer): Buffer {
  return createHmac(hash, salt).update(ikm).digest();
}

/**
 * RFC 5869 §2.3 HKDF-Expand(PRK, info, L): T(i) = HMAC(PRK, T(i-1) | info | i). Written out because
 * node:crypto's hkdf always extracts first, and TLS 1.3 expands traffic secrets directly.
 */
export function hkdfExpand(hash: TlsHash, prk: Buffer, info: Buffer, length: number): Buffer {
  if (length > 255 * hashLength(hash)) throw new Error(`HKDF-Expand length ${length} too large`); // programmer error
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1, total = 0; total < length; i++) {
    previous = createHmac(hash, prk)
      .update(previous)
      .update(info)
      .update(Buffer.from([i]))
      .digest();
    blocks.push(previous);
    total += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * RFC 8446 §7.1 HKDF-Expand-Label(Secret, Label, Context, Length), where
 * HkdfLabel = uint16 length || opaque label<7..255> = "tls13 " + Label || opaque context<0..255>.
 */
export function hkdfExpandLabel(
  hash: TlsHash,
  secret: Buffer,
  label: string,
  context: Buffer,
  length: number,
): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([context.length]),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 §7.1 Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages). */
export function deriveSecret(hash: TlsHash, secret: Buffer, label: string, transcriptHash: Buffer): Buffer {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashLength(hash));
}

/** Transcript-Hash of no messages, the context of the "derived" secrets (RFC 8446 §7.1). */
export function emptyHash(hash: TlsHash): Buffer {
  return createHash(hash).update(Buffer.alloc(0)).digest();
}

/** Record-protection key and IV of one direction and epoch. */
export interface TrafficKeys {
  key: Buffer;
  iv: Buffer;
}

/**
 * RFC 8446 §7.3: [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length),
 * [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length).
 */
export function tls13TrafficKeys(suite: AeadCipherSuite, trafficSecret: Buffer): TrafficKeys {
  const empty = Buffer.alloc(0);
  return {
    key: hkdfExpandLabel(suite.hash, trafficSecret, 'key', empty, suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, trafficSecret, 'iv', empty, 12),
  };
}

/**
 * RFC 8446 §7.2: after a KeyUpdate, application_traffic_secret_N+1 =
 * HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length).
 */
export function tls13NextTrafficSecret(hash: TlsHash, trafficSecret: Buffer): Buffer {
  return hkdfExpandLabel(hash, trafficSecret, 'traffic upd', Buffer.alloc(0), hashLength(hash));
}
