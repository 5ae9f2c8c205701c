import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import { type ClientHello, decodeClientHello } from './client-hello.js';
import { groupName, HandshakeType, handshakeTypeName } from './constants.js';
import type { HandshakeMessage } from './handshake.js';
import {
  decodeEncryptedExtensions,
  decodeServerHello,
  type EncryptedExtensions,
  type ServerHello,
} from './server-hello.js';

/** The handshake messages h2scope interprets; the others keep their type name only. */
export type DecodedHandshake =
  | { type: 'client_hello'; hello: ClientHello }
  | { type: 'server_hello'; hello: ServerHello }
  | { type: 'encrypted_extensions'; value: EncryptedExtensions }
  /** RFC 8446 §4.6.3: request_update = update_requested (1) asks the peer to update its keys too. */
  | { type: 'key_update'; requestUpdate: boolean }
  | { type: 'other'; name: string };

/** Decodes one reassembled handshake message. Malformed bodies give no value and a diagnostic. */
export function decodeHandshakeMessage(
  message: HandshakeMessage,
  where: DiagnosticWhere = {},
): { decoded?: DecodedHandshake; diagnostics: Diagnostic[] } {
  const at = { ...where, time: where.time ?? message.time };
  switch (message.msgType) {
    case HandshakeType.client_hello: {
      const r = decodeClientHello(message.body, at);
      return r.ok ? { decoded: { type: 'client_hello', hello: r.value }, diagnostics: r.diagnostics } : r;
    }
    case HandshakeType.server_hello: {
      const r = decodeServerHello(message.body, at);
      if (!r.ok) return r;
      return {
        decoded: { type: 'server_hello', hello: r.value },
        diagnostics: [...r.diagnostics, ...serverHelloNotes(r.value, at)],
      };
    }
    case HandshakeType.encrypted_extensions: {
      const r = decodeEncryptedExtensions(message.body, at);
      return r.ok
        ? { decoded: { type: 'encrypted_extensions', value: r.value }, diagnostics: r.diagnostics }
        : r;
    }
    case HandshakeType.key_update: {
      const request = message.body.length === 1 ? message.body[0]! : undefined;
      if (request === undefined || request > 1) {
        const reason = `body of ${message.body.length} bytes${request === undefined ? '' : ` with request_update ${request}`}`;
        return {
          diagnostics: [diag(TLS_DIAGNOSTICS, 'tls.handshake-malformed', { type: 'key_update', reason }, at)],
        };
      }
      return { decoded: { type: 'key_update', requestUpdate: request === 1 }, diagnostics: [] };
    }
    default:
      return { decoded: { type: 'other', name: handshakeTypeName(message.msgType) }, diagnostics: [] };
  }
}

function serverHelloNotes(hello: ServerHello, where: DiagnosticWhere): Diagnostic[] {
  const notes: Diagnostic[] = [];
  if (hello.isHelloRetryRequest) {
    const group = hello.keyShareGroup === undefined ? 'none' : groupName(hello.keyShareGroup);
    notes.push(diag(TLS_DIAGNOSTICS, 'tls.hello-retry-request', { group }, where));
  }
  if (hello.downgradeSentinel !== undefined) {
    const version = hello.downgradeSentinel === 'tls1.2' ? 'TLS 1.2' : 'TLS 1.1 or older';
    notes.push(diag(TLS_DIAGNOSTICS, 'tls.downgrade-sentinel', { version }, where));
  }
  return notes;
}

/**
 * RFC 9113 §3.2: HTTP/2 over TLS is negotiated with ALPN "h2". The drafts before RFC 7540 used "h2-NN"
 * (draft-ietf-httpbis-http2-14 §3.3 "h2-14", up to "h2-17"), and old servers and clients still negotiate
 * them: the same framing, so HTTP/2 too.
 */
export function isHttp2Alpn(id: string | undefined): boolean {
  return id === 'h2' || (id !== undefined && /^h2-1[0-9]$/.test(id));
}

/**
 * Returns `tls.alpn-not-h2` when the handshake settled on anything but HTTP/2 (isHttp2Alpn), or on nothing
 * (selected undefined).
 */
export function alpnDiagnostic(
  offered: readonly string[] | undefined,
  selected: string | undefined,
  where: DiagnosticWhere = {},
): Diagnostic | undefined {
  if (isHttp2Alpn(selected)) return undefined;
  const params = {
    selected: selected ?? 'no protocol',
    offered: offered === undefined ? 'no ALPN' : offered.join(', '),
  };
  return diag(TLS_DIAGNOSTICS, 'tls.alpn-not-h2', params, where);
}
