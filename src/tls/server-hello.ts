import type { DiagnosticWhere } from '../diagnostics/types.js';
import { ByteCursor } from './byte-cursor.js';
import { ExtensionType, extensionName, ProtocolVersion } from './constants.js';
import {
  decodeAlpn,
  decodeSelectedIdentity,
  decodeSelectedVersion,
  decodeServerKeyShare,
  readExtensionBlock,
  type TlsExtension,
} from './extensions.js';
import { type DecodeResult, ExtensionProblems, malformed } from './hello-result.js';

/** RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

/** RFC 8446 §4.1.3: last 8 bytes of ServerHello.random when a TLS 1.3 server negotiates an older version. */
const DOWNGRADE_TLS12 = Buffer.from('444f574e47524401', 'hex');
const DOWNGRADE_TLS11 = Buffer.from('444f574e47524400', 'hex');

/** RFC 8446 §4.1.3 ServerHello (and HelloRetryRequest), RFC 5246 §7.4.1.3. */
export interface ServerHello {
  legacyVersion: number;
  /** The negotiated version: supported_versions.selected_version (TLS 1.3) or legacy_version. */
  version: number;
  random: Buffer;
  sessionId: Buffer;
  cipherSuite: number;
  compressionMethod: number;
  extensions: TlsExtension[];
  isHelloRetryRequest: boolean;
  /** The ALPN protocol selected in the ServerHello (TLS 1.2; TLS 1.3 sends it in EncryptedExtensions). */
  alpn?: string;
  /** key_share: the server's group, or the group a HelloRetryRequest asks for. */
  keyShareGroup?: number;
  /** pre_shared_key: the PSK identity the server accepted (resumption). */
  selectedPskIdentity?: number;
  /** RFC 8446 §4.1.3 downgrade sentinel in the random. */
  downgradeSentinel?: 'tls1.2' | 'tls1.1';
}

/** RFC 8446 §4.3.1 EncryptedExtensions: where a TLS 1.3 server says which ALPN protocol it selected. */
export interface EncryptedExtensions {
  extensions: TlsExtension[];
  alpn?: string;
  /** early_data present: the server accepted 0-RTT data. */
  earlyDataAccepted: boolean;
}

/** Decodes a ServerHello or HelloRetryRequest body. Never throws. */
export function decodeServerHello(body: Buffer, where: DiagnosticWhere = {}): DecodeResult<ServerHello> {
  const cur = new ByteCursor(body);
  const legacyVersion = cur.u16();
  const random = cur.bytes(32);
  const sessionId = cur.vector(1).rest();
  const cipherSuite = cur.u16();
  const compressionMethod = cur.u8();
  const isHelloRetryRequest = random.equals(HELLO_RETRY_REQUEST_RANDOM);
  const type = isHelloRetryRequest ? 'hello_retry_request' : 'server_hello';
  if (!cur.ok) return malformed(type, 'fixed fields overrun the message', where);
  if (sessionId.length > 32)
    return malformed(type, `legacy_session_id of ${sessionId.length} bytes (max 32)`, where);
  const block = cur.atEnd ? { extensions: [], duplicates: [] } : readExtensionBlock(cur);
  if (block === undefined) return malformed(type, 'extensions overrun the message', where);
  if (!cur.atEnd) return malformed(type, `${cur.remaining} bytes after the extensions`, where);

  const hello: ServerHello = {
    legacyVersion,
    version: legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions: block.extensions,
    isHelloRetryRequest,
  };
  const problems = new ExtensionProblems(type, where);
  problems.duplicates(block.duplicates, extensionName);
  for (const ext of block.extensions) applyExtension(hello, ext, problems);
  const tail = random.subarray(24);
  if (hello.version !== ProtocolVersion.TLS1_3) {
    if (tail.equals(DOWNGRADE_TLS12)) hello.downgradeSentinel = 'tls1.2';
    else if (tail.equals(DOWNGRADE_TLS11)) hello.downgradeSentinel = 'tls1.1';
  }
  return { ok: true, value: hello, diagnostics: problems.diagnostics };
}

function applyExtension(hello: ServerHello, ext: TlsExtension, problems: ExtensionProblems): void {
  switch (ext.type) {
    case ExtensionType.supported_versions: {
      const version = problems.take(ext, decodeSelectedVersion(ext.data));
      if (version !== undefined) hello.version = version;
      break;
    }
    case ExtensionType.application_layer_protocol_negotiation:
      hello.alpn = selectedAlpn(ext, problems);
      break;
    case ExtensionType.key_share:
      hello.keyShareGroup = problems.take(ext, decodeServerKeyShare(ext.data, hello.isHelloRetryRequest));
      break;
    case ExtensionType.pre_shared_key:
      hello.selectedPskIdentity = problems.take(ext, decodeSelectedIdentity(ext.data));
      break;
  }
}

/** RFC 7301 §3.1: the server's ProtocolNameList contains exactly one name. */
function selectedAlpn(ext: TlsExtension, problems: ExtensionProblems): string | undefined {
  const names = problems.take(ext, decodeAlpn(ext.data));
  if (names === undefined) return undefined;
  if (names.length !== 1) problems.add(ext.name, `server selected ${names.length} protocols (must be 1)`);
  return names[0];
}

/** Decodes an EncryptedExtensions body (TLS 1.3, available once decrypted). Never throws. */
export function decodeEncryptedExtensions(
  body: Buffer,
  where: DiagnosticWhere = {},
): DecodeResult<EncryptedExtensions> {
  const type = 'encrypted_extensions';
  const cur = new ByteCursor(body);
  const block = readExtensionBlock(cur);
  if (block === undefined) return malformed(type, 'extensions overrun the message', where);
  if (!cur.atEnd) return malformed(type, `${cur.remaining} bytes after the extensions`, where);
  const value: EncryptedExtensions = { extensions: block.extensions, earlyDataAccepted: false };
  const problems = new ExtensionProblems(type, where);
  problems.duplicates(block.duplicates, extensionName);
  for (const ext of block.extensions) {
    if (ext.type === ExtensionType.application_layer_protocol_negotiation)
      value.alpn = selectedAlpn(ext, problems);
    if (ext.type === ExtensionType.early_data) value.earlyDataAccepted = true;
  }
  return { ok: true, value, diagnostics: problems.diagnostics };
}
