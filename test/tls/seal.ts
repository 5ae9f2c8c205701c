/**
 * Test-side record encryption with node:crypto, written independently of src/tls/record-protection.ts
 * from the RFC text, so round trips check the decryptor against the specification, not against itself.
 */
import { createCipheriv } from 'node:crypto';
import type { AeadAlgorithm } from '../../src/tls/cipher-suites.js';

function seal(aead: AeadAlgorithm, key: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const options = { authTagLength: 16 };
  const cipher =
    aead === 'chacha20-poly1305'
      ? createCipheriv(aead, key, nonce, options)
      : createCipheriv(aead, key, nonce, options);
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** RFC 8446 §5.3: 64-bit big-endian sequence number, left-padded with zeros to 12 bytes, XOR iv. */
function perRecordNonce(iv: Buffer, seq: number): Buffer {
  const padded = Buffer.alloc(12);
  padded.writeBigUInt64BE(BigInt(seq), 4);
  return Buffer.from(iv.map((b, i) => b ^ padded[i]!));
}

/** RFC 8446 §5.2: TLSInnerPlaintext = content || type || zeros, sealed with AAD = the record header. */
export function sealTls13(
  aead: AeadAlgorithm,
  keys: { key: Buffer; iv: Buffer },
  seq: number,
  type: number,
  content: Buffer,
  padding = 0,
): Buffer {
  const inner = Buffer.concat([content, Buffer.from([type]), Buffer.alloc(padding)]);
  const header = Buffer.from([23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff]);
  return Buffer.concat([header, seal(aead, keys.key, perRecordNonce(keys.iv, seq), header, inner)]);
}

/**
 * RFC 5246 §6.2.3.3 with RFC 5288 §3 (GCM: salt || explicit nonce, sent) or RFC 7905 §2 (ChaCha20:
 * iv XOR seq, nothing sent). AAD = seq_num || type || version || plaintext length.
 */
export function sealTls12(
  aead: AeadAlgorithm,
  keys: { key: Buffer; iv: Buffer },
  seq: number,
  type: number,
  content: Buffer,
  explicitNonce: bigint = BigInt(seq),
): Buffer {
  const aad = Buffer.alloc(13);
  aad.writeBigUInt64BE(BigInt(seq));
  aad.writeUInt8(type, 8);
  aad.writeUInt16BE(0x0303, 9);
  aad.writeUInt16BE(content.length, 11);
  let fragment: Buffer;
  if (aead === 'chacha20-poly1305') {
    fragment = seal(aead, keys.key, perRecordNonce(keys.iv, seq), aad, content);
  } else {
    const explicit = Buffer.alloc(8);
    explicit.writeBigUInt64BE(explicitNonce);
    fragment = Buffer.concat([
      explicit,
      seal(aead, keys.key, Buffer.concat([keys.iv, explicit]), aad, content),
    ]);
  }
  const header = Buffer.from([type, 3, 3, fragment.length >> 8, fragment.length & 0xff]);
  return Buffer.concat([header, fragment]);
}
