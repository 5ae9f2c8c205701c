import { hex16, isGrease } from './constants.js';

/** node:crypto cipher names of the AEADs TLS uses and h2scope can decrypt. */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
export type TlsHash = 'sha256' | 'sha384';

/** What record protection needs to know about a decryptable suite. */
export interface AeadCipherSuite {
  id: number;
  name: string;
  protocol: 'tls1.3' | 'tls1.2';
  aead: AeadAlgorithm;
  /** TLS 1.3: the HKDF hash (RFC 8446 §B.4). TLS 1.2: the PRF hash (RFC 5246 §5, RFC 5288 §3). */
  hash: TlsHash;
  keyLength: 16 | 32;
  /**
   * TLS 1.3: iv_length, always 12 (RFC 8446 §5.3). TLS 1.2: fixed_iv_length from the key block, 4 for
   * GCM (RFC 5288 §3, the "salt") and 12 for ChaCha20-Poly1305 (RFC 7905 §2).
   */
  ivLength: 4 | 12;
  /** TLS 1.2 GCM sends an 8-byte explicit nonce before each ciphertext (RFC 5288 §3); 0 otherwise. */
  explicitNonceLength: 0 | 8;
}

type Row = [id: number, name: string, aead: AeadAlgorithm, hash: TlsHash];

/** RFC 8446 §B.4. */
const TLS13_SUITES: Row[] = [
  [0x1301, 'TLS_AES_128_GCM_SHA256', 'aes-128-gcm', 'sha256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384', 'aes-256-gcm', 'sha384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305', 'sha256'],
];

/** RFC 5288 §3, RFC 5289 §3.2 (ECDHE GCM), RFC 7905 §2 (ChaCha20-Poly1305). */
const TLS12_AEAD_SUITES: Row[] = [
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'aes-128-gcm', 'sha256'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'aes-256-gcm', 'sha384'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'aes-128-gcm', 'sha256'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'aes-256-gcm', 'sha384'],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'aes-128-gcm', 'sha256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'aes-256-gcm', 'sha384'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'aes-128-gcm', 'sha256'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'aes-256-gcm', 'sha384'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305', 'sha256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305', 'sha256'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305', 'sha256'],
];

/** Common suites h2scope can name but not decrypt (CBC, CCM) and the signalling values. */
const OTHER_SUITE_NAMES: [number, string][] = [
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  [0x5600, 'TLS_FALLBACK_SCSV'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'],
];

function suite(row: Row, protocol: 'tls1.3' | 'tls1.2'): AeadCipherSuite {
  const [id, name, aead, hash] = row;
  const chacha = aead === 'chacha20-poly1305';
  return {
    id,
    name,
    protocol,
    aead,
    hash,
    keyLength: aead === 'aes-128-gcm' ? 16 : 32,
    ivLength: protocol === 'tls1.3' || chacha ? 12 : 4,
    explicitNonceLength: protocol === 'tls1.2' && !chacha ? 8 : 0,
  };
}

const AEAD_SUITES: ReadonlyMap<number, AeadCipherSuite> = new Map([
  ...TLS13_SUITES.map((row): [number, AeadCipherSuite] => [row[0], suite(row, 'tls1.3')]),
  ...TLS12_AEAD_SUITES.map((row): [number, AeadCipherSuite] => [row[0], suite(row, 'tls1.2')]),
]);

const SUITE_NAMES: ReadonlyMap<number, string> = new Map([
  ...[...AEAD_SUITES.values()].map((s): [number, string] => [s.id, s.name]),
  ...OTHER_SUITE_NAMES,
]);

/** IANA name for the common suites, `GREASE 0x?a?a` (RFC 8701), otherwise hex. */
export function cipherSuiteName(id: number): string {
  return SUITE_NAMES.get(id) ?? (isGrease(id) ? `GREASE ${hex16(id)}` : hex16(id));
}

/** Record-protection parameters of a suite h2scope can decrypt; undefined for the others. */
export function aeadCipherSuite(id: number): AeadCipherSuite | undefined {
  return AEAD_SUITES.get(id);
}
