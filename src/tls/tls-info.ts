/**
 * What a TLS connection shows in its connection record (ConnectionRecord.tls) and in one line of summary:
 * version, SNI, ALPN, cipher suite, and what became of its encrypted records.
 */
import type { ConnectionTls, TlsDecryption } from '../records/records.js';
import { cipherSuiteName } from './cipher-suites.js';
import { type ClientHello, maxOfferedVersion } from './client-hello.js';
import { isGrease, ProtocolVersion, versionName } from './constants.js';
import type { ServerHello } from './server-hello.js';

/** Why no record could be decrypted, when it is known before trying. */
export type KeyProblem = 'no-keys' | 'unsupported-cipher';

export interface TlsFacts {
  clientHello: ClientHello | undefined;
  serverHello: ServerHello | undefined;
  version: number | undefined;
  helloRetry: boolean;
  alpnSelected: string | undefined;
  keyProblem: KeyProblem | undefined;
  counts: { encrypted: number; decrypted: number; failed: number };
  alerts: NonNullable<ConnectionTls['alerts']>;
}

/** Facts before any handshake byte was seen. */
export function newTlsFacts(): TlsFacts {
  return {
    clientHello: undefined,
    serverHello: undefined,
    version: undefined,
    helloRetry: false,
    alpnSelected: undefined,
    keyProblem: undefined,
    counts: { encrypted: 0, decrypted: 0, failed: 0 },
    alerts: [],
  };
}

export function tlsInfo(f: TlsFacts): ConnectionTls {
  const { clientHello: ch, serverHello: sh } = f;
  const tls: ConnectionTls = { decryption: decryption(f), records: { ...f.counts } };
  if (f.version !== undefined) tls.version = versionName(f.version);
  else if (ch !== undefined) tls.version = `${versionName(maxOfferedVersion(ch))} offered`;
  if (ch?.serverName !== undefined) tls.sni = ch.serverName;
  if (ch?.alpn !== undefined) tls.alpnOffered = ch.alpn;
  if (f.alpnSelected !== undefined) tls.alpnSelected = f.alpnSelected;
  if (sh !== undefined) tls.cipher = cipherSuiteName(sh.cipherSuite);
  if (ch !== undefined) tls.ciphersOffered = ch.cipherSuites.filter((s) => !isGrease(s)).map(cipherSuiteName);
  if (ch !== undefined && sh !== undefined && resumed(ch, sh)) tls.resumed = true;
  if (f.helloRetry) tls.helloRetry = true;
  if (f.alerts.length > 0) tls.alerts = [...f.alerts];
  return tls;
}

function decryption(f: TlsFacts): TlsDecryption {
  const { encrypted, decrypted, failed } = f.counts;
  if (encrypted === 0) return 'not-encrypted';
  if (decrypted === encrypted) return 'decrypted';
  if (decrypted > 0) return 'partial';
  if (f.keyProblem !== undefined) return f.keyProblem;
  if (f.clientHello === undefined || f.serverHello === undefined) return 'no-handshake';
  return failed > 0 ? 'failed' : 'no-keys';
}

/**
 * TLS 1.3: the server accepted a PSK (RFC 8446 §4.2.11). TLS 1.2: the server echoed the client's session
 * id (RFC 5246 §7.4.1.3; a ticket resumption echoes the id the client made up, RFC 5077 §3.4).
 */
function resumed(ch: ClientHello, sh: ServerHello): boolean {
  if (sh.version === ProtocolVersion.TLS1_3) return sh.selectedPskIdentity !== undefined;
  return ch.sessionId.length > 0 && sh.sessionId.equals(ch.sessionId);
}

const DECRYPTION_TEXT: Record<TlsDecryption, string> = {
  decrypted: 'decrypted',
  partial: 'partly decrypted',
  failed: 'decryption failed (key log does not match)',
  'no-keys': 'encrypted, no keys',
  'unsupported-cipher': 'encrypted, cipher suite not decryptable',
  'no-handshake': 'encrypted, handshake not captured',
  'not-encrypted': 'no encrypted data',
};

/** One line, e.g. `TLS 1.3, SNI api.example.com, ALPN h2, encrypted, no keys`. */
export function tlsSummary(tls: ConnectionTls): string {
  const parts = [tls.version ?? 'TLS'];
  if (!parts[0]!.startsWith('TLS') && !parts[0]!.startsWith('SSL')) parts[0] = `TLS ${parts[0]}`;
  if (tls.sni !== undefined) parts.push(`SNI ${tls.sni}`);
  if (tls.alpnSelected !== undefined) parts.push(`ALPN ${tls.alpnSelected}`);
  else if (tls.alpnOffered !== undefined) parts.push(`ALPN offered ${tls.alpnOffered.join(',')}`);
  const fatal = tls.alerts?.find((a) => a.description !== 'close_notify');
  if (fatal !== undefined) parts.push(`${fatal.from} alert ${fatal.description}`);
  parts.push(DECRYPTION_TEXT[tls.decryption]);
  return parts.join(', ');
}
