import type { DiagnosticWhere } from '../diagnostics/types.js';
import { ByteCursor } from './byte-cursor.js';
import { ExtensionType, extensionName, isGrease } from './constants.js';
import {
  decodeAlpn,
  decodeClientKeyShares,
  decodePskModes,
  decodeServerName,
  decodeSupportedVersionsList,
  decodeU16Vector,
  readExtensionBlock,
  type TlsExtension,
} from './extensions.js';
import { type DecodeResult, ExtensionProblems, malformed } from './hello-result.js';

/** RFC 8446 §4.1.2 ClientHello (also the TLS 1.2 form, RFC 5246 §7.4.1.2, where extensions may be absent). */
export interface ClientHello {
  legacyVersion: number;
  /** 32 bytes: the key a key log is looked up by (NSS key log "client random"). */
  random: Buffer;
  sessionId: Buffer;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: TlsExtension[];
  /** server_name (RFC 6066 §3): the first host_name. */
  serverName?: string;
  /** application_layer_protocol_negotiation (RFC 7301): offered protocols in order. */
  alpn?: string[];
  /** supported_versions (RFC 8446 §4.2.1), GREASE included as sent. */
  supportedVersions?: number[];
  /** key_share (RFC 8446 §4.2.8): groups the client sent shares for. */
  keyShareGroups?: number[];
  supportedGroups?: number[];
  signatureAlgorithms?: number[];
  pskKeyExchangeModes?: number[];
  /** pre_shared_key present: the client tries resumption (RFC 8446 §4.2.11). */
  hasPreSharedKey: boolean;
  /** early_data present: the client sends 0-RTT data (RFC 8446 §4.2.10). */
  hasEarlyData: boolean;
  /** encrypted_client_hello present: SNI and ALPN above are the outer, public values. */
  hasEncryptedClientHello: boolean;
}

const TYPE = 'client_hello';

/** Decodes a ClientHello body (the handshake header already stripped). Never throws. */
export function decodeClientHello(body: Buffer, where: DiagnosticWhere = {}): DecodeResult<ClientHello> {
  const cur = new ByteCursor(body);
  const legacyVersion = cur.u16();
  const random = cur.bytes(32);
  const sessionId = cur.vector(1).rest();
  const suites = cur.vector(2);
  const compressionMethods = [...cur.vector(1).rest()];
  if (!cur.ok) return malformed(TYPE, 'fixed fields overrun the message', where);
  if (sessionId.length > 32)
    return malformed(TYPE, `legacy_session_id of ${sessionId.length} bytes (max 32)`, where);
  if (suites.remaining === 0 || suites.remaining % 2 !== 0) {
    return malformed(TYPE, `cipher_suites of ${suites.remaining} bytes`, where);
  }
  if (compressionMethods.length === 0) return malformed(TYPE, 'no compression methods', where);
  const cipherSuites: number[] = [];
  while (!suites.atEnd) cipherSuites.push(suites.u16());

  // RFC 5246 §7.4.1.2: a TLS 1.2 ClientHello may end here, without an extensions block.
  const block = cur.atEnd ? { extensions: [], duplicates: [] } : readExtensionBlock(cur);
  if (block === undefined) return malformed(TYPE, 'extensions overrun the message', where);
  if (!cur.atEnd) return malformed(TYPE, `${cur.remaining} bytes after the extensions`, where);

  const hello: ClientHello = {
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    compressionMethods,
    extensions: block.extensions,
    hasPreSharedKey: false,
    hasEarlyData: false,
    hasEncryptedClientHello: false,
  };
  const problems = new ExtensionProblems(TYPE, where);
  problems.duplicates(block.duplicates, extensionName);
  for (const ext of block.extensions) applyExtension(hello, ext, problems);
  return { ok: true, value: hello, diagnostics: problems.diagnostics };
}

function applyExtension(hello: ClientHello, ext: TlsExtension, problems: ExtensionProblems): void {
  switch (ext.type) {
    case ExtensionType.server_name:
      hello.serverName = problems.take(ext, decodeServerName(ext.data));
      break;
    case ExtensionType.application_layer_protocol_negotiation:
      hello.alpn = problems.take(ext, decodeAlpn(ext.data));
      break;
    case ExtensionType.supported_versions:
      hello.supportedVersions = problems.take(ext, decodeSupportedVersionsList(ext.data));
      break;
    case ExtensionType.key_share:
      hello.keyShareGroups = problems.take(ext, decodeClientKeyShares(ext.data));
      break;
    case ExtensionType.supported_groups:
      hello.supportedGroups = problems.take(ext, decodeU16Vector(ext.data));
      break;
    case ExtensionType.signature_algorithms:
      hello.signatureAlgorithms = problems.take(ext, decodeU16Vector(ext.data));
      break;
    case ExtensionType.psk_key_exchange_modes:
      hello.pskKeyExchangeModes = problems.take(ext, decodePskModes(ext.data));
      break;
    case ExtensionType.pre_shared_key:
      hello.hasPreSharedKey = true;
      break;
    case ExtensionType.early_data:
      hello.hasEarlyData = true;
      break;
    case ExtensionType.encrypted_client_hello:
      hello.hasEncryptedClientHello = true;
      break;
  }
}

/** The highest version the client offers: supported_versions (GREASE ignored) or else legacy_version. */
export function maxOfferedVersion(hello: ClientHello): number {
  const versions = (hello.supportedVersions ?? []).filter((v) => !isGrease(v));
  return versions.length > 0 ? Math.max(...versions) : hello.legacyVersion;
}
