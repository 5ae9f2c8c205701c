import { createDecipheriv } from 'node:crypto';
import type { AeadAlgorithm, AeadCipherSuite } from './cipher-suites.js';
import type { TrafficKeys } from './tls13-keys.js';

/** Every AEAD TLS uses here has a 16-byte tag (RFC 5116 §5.1, RFC 8439 §2.8). */
export const AEAD_TAG_LENGTH = 16;

/** The record fields protection depends on (a TlsRecord fits). */
export interface ProtectedRecord {
  contentType: number;
  version: number;
  fragment: Buffer;
}

export type DecryptFailure =
  /** The tag did not verify: wrong keys, wrong sequence number, or damaged bytes. */
  | 'auth-failed'
  /** Shorter than the tag (plus explicit nonce / inner type). */
  | 'too-short'
  /** TLS 1.3 plaintext of only zeros: no inner content type (RFC 8446 §5.4). */
  | 'no-content-type';

export type RecordDecryptResult =
  { ok: true; contentType: number; plaintext: Buffer } | { ok: false; reason: DecryptFailure };

/** AEAD-open; undefined when authentication fails. */
export function aeadOpen(
  aead: AeadAlgorithm,
  key: Buffer,
  nonce: Buffer,
  aad: Buffer,
  sealed: Buffer,
): Buffer | undefined {
  const tagAt = sealed.length - AEAD_TAG_LENGTH;
  const options = { authTagLength: AEAD_TAG_LENGTH };
  // Two calls because node's typings overload createDecipheriv per AEAD family.
  const decipher =
    aead === 'chacha20-poly1305'
      ? createDecipheriv(aead, key, nonce, options)
      : createDecipheriv(aead, key, nonce, options);
  decipher.setAAD(aad, { plaintextLength: tagAt });
  decipher.setAuthTag(sealed.subarray(tagAt));
  const head = decipher.update(sealed.subarray(0, tagAt));
  try {
    return Buffer.concat([head, decipher.final()]);
  } catch {
    // node:crypto reports a tag mismatch by throwing; here it is an outcome, not an error.
    return undefined;
  }
}

/** RFC 8446 §5.3 (and RFC 7905 §2 for TLS 1.2 ChaCha20): the 64-bit sequence number, left-padded, XOR iv. */
export function xorNonce(iv: Buffer, seq: bigint): Buffer {
  const nonce = Buffer.from(iv);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(seq);
  for (let i = 0; i < 8; i++) nonce[nonce.length - 8 + i]! ^= s[i]!;
  return nonce;
}

/** The 5-byte record header, which is the TLS 1.3 AAD (RFC 8446 §5.2). */
function recordHeader(record: ProtectedRecord): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt8(record.contentType, 0);
  h.writeUInt16BE(record.version, 1);
  h.writeUInt16BE(record.fragment.length, 3);
  return h;
}

/**
 * RFC 8446 §5.2: decrypts TLSCiphertext into TLSInnerPlaintext and strips the zero padding; the last
 * non-zero byte is the real content type.
 */
export function decryptTls13Record(
  aead: AeadAlgorithm,
  keys: TrafficKeys,
  seq: bigint,
  record: ProtectedRecord,
): RecordDecryptResult {
  if (record.fragment.length < AEAD_TAG_LENGTH + 1) return { ok: false, reason: 'too-short' };
  const inner = aeadOpen(aead, keys.key, xorNonce(keys.iv, seq), recordHeader(record), record.fragment);
  if (inner === undefined) return { ok: false, reason: 'auth-failed' };
  let end = inner.length;
  while (end > 0 && inner[end - 1] === 0) end--;
  if (end === 0) return { ok: false, reason: 'no-content-type' };
  return { ok: true, contentType: inner[end - 1]!, plaintext: inner.subarray(0, end - 1) };
}

/** RFC 5246 §6.2.3.3: additional_data = seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length. */
function tls12Aad(seq: bigint, record: ProtectedRecord, plaintextLength: number): Buffer {
  const aad = Buffer.alloc(13);
  aad.writeBigUInt64BE(seq, 0);
  aad.writeUInt8(record.contentType, 8);
  aad.writeUInt16BE(record.version, 9);
  aad.writeUInt16BE(plaintextLength, 11);
  return aad;
}

/**
 * TLS 1.2 AEAD record. GCM (RFC 5288 §3): nonce = salt(4) + explicit nonce(8) sent before the
 * ciphertext. ChaCha20-Poly1305 (RFC 7905 §2): nonce = iv XOR padded sequence number, nothing sent.
 */
export function decryptTls12Record(
  suite: AeadCipherSuite,
  keys: TrafficKeys,
  seq: bigint,
  record: ProtectedRecord,
): RecordDecryptResult {
  const explicit = suite.explicitNonceLength;
  const plaintextLength = record.fragment.length - explicit - AEAD_TAG_LENGTH;
  if (plaintextLength < 0) return { ok: false, reason: 'too-short' };
  const nonce =
    explicit > 0 ? Buffer.concat([keys.iv, record.fragment.subarray(0, explicit)]) : xorNonce(keys.iv, seq);
  const plaintext = aeadOpen(
    suite.aead,
    keys.key,
    nonce,
    tls12Aad(seq, record, plaintextLength),
    record.fragment.subarray(explicit),
  );
  if (plaintext === undefined) return { ok: false, reason: 'auth-failed' };
  return { ok: true, contentType: record.contentType, plaintext };
}

/** TLS 1.2 GCM: the explicit nonce, which most stacks set to the sequence number (a resync hint). */
export function tls12ExplicitNonce(suite: AeadCipherSuite, record: ProtectedRecord): bigint | undefined {
  if (suite.explicitNonceLength !== 8 || record.fragment.length < 8) return undefined;
  return record.fragment.readBigUInt64BE(0);
}
