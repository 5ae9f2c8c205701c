import type { DiagnosticSpec } from './types.js';

/** How to get secrets; shared by every message that needs them. */
const HOW_TO_KEYLOG =
  'Capture again with a key log: set SSLKEYLOGFILE=/path/keys.log for curl, Go programs that set ' +
  'tls.Config.KeyLogWriter from it, Python 3.8+ and Firefox/Chrome; run Node with `node --tls-keylog=/path/keys.log`; ' +
  'for Java, load a key log agent (e.g. -javaagent:jSSLKeyLog.jar=/path/keys.log); ' +
  'then give that file to h2scope, or embed it with `editcap --inject-secrets tls,keys.log in.pcap out.pcapng`.';

/** Diagnostics raised by the tls layer. Codes are stable: tests, filters and docs refer to them. */
export const TLS_DIAGNOSTICS = {
  // Record layer (RFC 8446 §5.1, RFC 5246 §6.2).
  'tls.not-tls': {
    severity: 'warning',
    title: 'Not TLS',
    text:
      'Bytes at stream offset {offset} are not a TLS record header ({bytes}); stopped reading TLS in this ' +
      'direction',
  },
  'tls.record-garbage': {
    severity: 'warning',
    title: 'TLS framing lost',
    text: 'Bytes at stream offset {offset} are not a TLS record header ({bytes}); looking for the next record',
  },
  'tls.record-overflow': {
    severity: 'warning',
    title: 'TLS record too long',
    text: 'TLS record at stream offset {offset} is {length} bytes, more than the {max} bytes TLS allows (record_overflow)',
  },
  'tls.record-truncated': {
    severity: 'warning',
    title: 'TLS record truncated',
    text: 'The capture ends inside a TLS record at stream offset {offset}: {have} of {need} bytes seen',
  },
  'tls.resync': {
    severity: 'info',
    title: 'TLS record boundary recovered',
    text:
      'After lost bytes, TLS record boundaries were found again at stream offset {offset} ({skipped} bytes ' +
      'skipped)',
  },
  // Handshake layer (RFC 8446 §4).
  'tls.handshake-truncated': {
    severity: 'warning',
    title: 'TLS handshake message truncated',
    text: 'The stream ends inside a {type} handshake message: {have} of {need} bytes seen',
  },
  'tls.handshake-too-long': {
    severity: 'warning',
    title: 'TLS handshake message too long',
    text: 'A {type} handshake message of {length} bytes is larger than the {limit}-byte limit; skipped',
  },
  'tls.handshake-interleaved': {
    severity: 'warning',
    title: 'TLS handshake message interrupted',
    text:
      'A record of type {contentType} arrived inside a fragmented {type} handshake message (RFC 8446 §5.1 forbids ' +
      'it); the partial message was dropped',
  },
  'tls.handshake-malformed': {
    severity: 'error',
    title: 'Malformed TLS handshake message',
    text: 'Malformed {type} handshake message: {reason}',
  },
  'tls.extension-malformed': {
    severity: 'warning',
    title: 'Malformed TLS extension',
    text: 'Malformed {extension} extension in {type}: {reason}',
  },
  'tls.hello-retry-request': {
    severity: 'info',
    title: 'TLS HelloRetryRequest',
    text: 'The server sent a HelloRetryRequest (selected group {group}); the client must send a second ClientHello',
  },
  'tls.downgrade-sentinel': {
    severity: 'warning',
    title: 'TLS downgrade sentinel',
    text:
      'ServerHello.random ends with the RFC 8446 §4.1.3 downgrade sentinel for {version}: a TLS 1.3 ' +
      'server negotiated an older version',
  },
  'tls.alpn-not-h2': {
    severity: 'warning',
    title: 'ALPN is not h2',
    text:
      'TLS ALPN selected {selected} (client offered {offered}): this connection does not carry HTTP/2 ' +
      '(RFC 9113 §3.2 needs ALPN "h2")',
  },
  // Alerts (RFC 8446 §6).
  'tls.handshake-alert': {
    severity: 'error',
    title: 'TLS alert during handshake',
    text: 'The {side} sent a {level} {description} alert during the TLS handshake; the connection failed',
  },
  'tls.fatal-alert': {
    severity: 'error',
    title: 'TLS fatal alert',
    text: 'The {side} sent a fatal {description} alert; the TLS connection is closed',
  },
  'tls.close-notify': {
    severity: 'info',
    title: 'TLS close_notify',
    text: 'The {side} closed the TLS connection (close_notify)',
  },
  'tls.alert-malformed': {
    severity: 'warning',
    title: 'Malformed TLS alert',
    text: 'Alert record of {length} bytes is not a whole number of 2-byte alerts',
  },
  // Decryption.
  'tls.encrypted-no-keys': {
    severity: 'warning',
    title: 'TLS without keys',
    text: 'This connection is TLS-encrypted and no key log has secrets for client random {clientRandom}.',
    fix: HOW_TO_KEYLOG,
  },
  'tls.keys-incomplete': {
    severity: 'warning',
    title: 'TLS key log incomplete',
    text:
      'The key log has secrets for client random {clientRandom} but not {missing}, so {what} cannot be ' +
      'decrypted.',
    fix: HOW_TO_KEYLOG,
  },
  'tls.unsupported-cipher-suite': {
    severity: 'warning',
    title: 'TLS cipher suite not decryptable',
    text:
      'Cannot decrypt cipher suite {suite}: only AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 suites are ' +
      'supported',
  },
  'tls.decrypt-failed': {
    severity: 'error',
    title: 'TLS decryption failed',
    text:
      'The {side} record at stream offset {offset} could not be decrypted ({reason}): the key log does not ' +
      'match this session, or bytes were lost',
  },
  'tls.handshake-not-seen': {
    severity: 'warning',
    title: 'TLS handshake not captured',
    text: 'The {missing} of this TLS connection is not in the capture (it starts after the handshake, or those packets were lost): its records cannot be matched to key log secrets, so they stay encrypted.',
    fix: 'Capture from before the connection opens.',
  },
  'tls.early-data-skipped': {
    severity: 'info',
    title: 'TLS 0-RTT data not decrypted',
    text: 'The client sent 0-RTT early data and the key log has no CLIENT_EARLY_TRAFFIC_SECRET for it',
  },
  // Key log (NSS key log format).
  'tls.keylog-bad-line': {
    severity: 'warning',
    title: 'Bad key log line',
    text: '{source} line {line}: {reason}; the line was ignored',
  },
  'tls.keylog-unsupported-label': {
    severity: 'info',
    title: 'Key log label not used',
    text: '{source} line {line}: label {label} is not used by h2scope; the line was ignored',
  },
  'tls.keylog-conflict': {
    severity: 'warning',
    title: 'Conflicting key log lines',
    text: '{source} line {line}: a different {label} for client random {clientRandom} was already logged; kept the first',
  },
  'tls.keylog-unreadable': {
    severity: 'error',
    title: 'Key log not readable',
    text: 'Cannot read the key log {path}: {error}. TLS connections stay encrypted.',
  },
  'tls.keylog-unsupported-secrets': {
    severity: 'info',
    title: 'Secrets block not a TLS key log',
    text: 'pcapng Decryption Secrets Block of type {secretsType} is not a TLS key log; ignored',
  },
} as const satisfies Record<string, DiagnosticSpec>;

export type TlsDiagnosticCode = keyof typeof TLS_DIAGNOSTICS;
