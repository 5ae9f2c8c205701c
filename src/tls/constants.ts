/**
 * TLS registry values, spelled as in the RFCs (RFC 8446 §B.1-§B.3, RFC 5246 §A, IANA TLS registries), and
 * their display names. Unknown values are displayed as hex so nothing is hidden.
 */

/** RFC 8446 §B.1, RFC 6520 (heartbeat), RFC 9146 (tls12_cid). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  heartbeat: 24,
  tls12_cid: 25,
} as const;

/** RFC 8446 §B.3, RFC 5246 §7.4, RFC 6066 §8 (certificate_status), RFC 8879 (compressed_certificate). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_url: 21,
  certificate_status: 22,
  supplemental_data: 23,
  key_update: 24,
  compressed_certificate: 25,
  message_hash: 254,
} as const;

/** IANA "TLS ExtensionType Values" (RFC 8446 §4.2 and the RFCs each entry cites). */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  compress_certificate: 27,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  quic_transport_parameters: 57,
  application_settings: 17513,
  encrypted_client_hello: 0xfe0d,
  renegotiation_info: 0xff01,
} as const;

/** RFC 8446 §6. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

/** RFC 8446 §6 (names as there, including the _RESERVED ones kept for TLS 1.2 and older). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed_RESERVED: 21,
  record_overflow: 22,
  decompression_failure_RESERVED: 30,
  handshake_failure: 40,
  no_certificate_RESERVED: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction_RESERVED: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation_RESERVED: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable_RESERVED: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value_RESERVED: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

/** IANA "TLS Supported Groups" (RFC 8446 §4.2.7, RFC 7919, draft-ietf-tls-ecdhe-mlkem). */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
  SecP256r1MLKEM768: 0x11eb,
  X25519MLKEM768: 0x11ec,
  SecP384r1MLKEM1024: 0x11ed,
  X25519Kyber768Draft00: 0x6399,
} as const;

/** ProtocolVersion values (RFC 8446 §B.1 legacy_version, §4.2.1 supported_versions). */
export const ProtocolVersion = {
  SSL3_0: 0x0300,
  TLS1_0: 0x0301,
  TLS1_1: 0x0302,
  TLS1_2: 0x0303,
  TLS1_3: 0x0304,
} as const;

function invert(table: Record<string, number>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name]));
}

const CONTENT_TYPE_NAMES = invert(ContentType);
const HANDSHAKE_TYPE_NAMES = invert(HandshakeType);
const EXTENSION_NAMES = invert(ExtensionType);
const ALERT_LEVEL_NAMES = invert(AlertLevel);
const ALERT_DESCRIPTION_NAMES = invert(AlertDescription);
const GROUP_NAMES = invert(NamedGroup);

export function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}

/**
 * RFC 8701 GREASE: 0x0a0a, 0x1a1a, ... 0xfafa, reserved so peers learn to ignore unknown values.
 * Used for cipher suites, extensions, groups, versions and ALPN.
 */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

function named(map: ReadonlyMap<number, string>, value: number, width: 2 | 4): string {
  const name = map.get(value);
  if (name !== undefined) return name;
  if (width === 4 && isGrease(value)) return `GREASE ${hex16(value)}`;
  return width === 4 ? hex16(value) : `0x${value.toString(16).padStart(2, '0')}`;
}

export function contentTypeName(type: number): string {
  return named(CONTENT_TYPE_NAMES, type, 2);
}

export function handshakeTypeName(type: number): string {
  return named(HANDSHAKE_TYPE_NAMES, type, 2);
}

export function extensionName(type: number): string {
  return named(EXTENSION_NAMES, type, 4);
}

export function alertLevelName(level: number): string {
  return named(ALERT_LEVEL_NAMES, level, 2);
}

export function alertDescriptionName(description: number): string {
  return named(ALERT_DESCRIPTION_NAMES, description, 2);
}

export function groupName(group: number): string {
  return named(GROUP_NAMES, group, 4);
}

/** "TLS 1.2", "TLS 1.3", "TLS 1.3 draft 28" (0x7f1c, pre-RFC implementations), GREASE, or hex. */
export function versionName(version: number): string {
  switch (version) {
    case ProtocolVersion.SSL3_0:
      return 'SSL 3.0';
    case ProtocolVersion.TLS1_0:
      return 'TLS 1.0';
    case ProtocolVersion.TLS1_1:
      return 'TLS 1.1';
    case ProtocolVersion.TLS1_2:
      return 'TLS 1.2';
    case ProtocolVersion.TLS1_3:
      return 'TLS 1.3';
  }
  if (version >> 8 === 0x7f) return `TLS 1.3 draft ${version & 0xff}`;
  if (isGrease(version)) return `GREASE ${hex16(version)}`;
  return hex16(version);
}
