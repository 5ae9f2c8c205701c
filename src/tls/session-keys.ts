import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import { aeadCipherSuite, cipherSuiteName } from './cipher-suites.js';
import type { ClientHello } from './client-hello.js';
import { ProtocolVersion } from './constants.js';
import { type DecryptFailure, TlsDecryptor, type TlsDecryptorInit } from './decrypt.js';
import type { KeyLog, TlsSecrets } from './keylog.js';
import type { ServerHello } from './server-hello.js';
import { tls12KeyBlock } from './tls12-keys.js';

export type Side = 'client' | 'server';

export interface SessionDecryptors {
  /** Undefined when that direction cannot be decrypted at all (the diagnostics say why). */
  client?: TlsDecryptor;
  server?: TlsDecryptor;
  diagnostics: Diagnostic[];
}

export interface SessionDecryptorOptions {
  /** TLS 1.2: sides whose ChangeCipherSpec was not seen (lost in a gap) but whose records are encrypted. */
  alreadyEncrypting?: readonly Side[];
}

/**
 * Builds both directions' decryptors for a connection from its ClientHello, its final ServerHello (not a
 * HelloRetryRequest) and the key log, or says with diagnostics why it cannot.
 */
export function sessionDecryptors(
  hello: ClientHello,
  server: ServerHello,
  keyLog: KeyLog,
  where: DiagnosticWhere = {},
  options: SessionDecryptorOptions = {},
): SessionDecryptors {
  const clientRandom = hello.random.toString('hex');
  const suite = aeadCipherSuite(server.cipherSuite);
  if (suite === undefined) {
    return {
      diagnostics: [
        diag(
          TLS_DIAGNOSTICS,
          'tls.unsupported-cipher-suite',
          { suite: cipherSuiteName(server.cipherSuite) },
          where,
        ),
      ],
    };
  }
  const secrets = keyLog.get(hello.random);
  if (secrets === undefined)
    return { diagnostics: [diag(TLS_DIAGNOSTICS, 'tls.encrypted-no-keys', { clientRandom }, where)] };
  if (server.version === ProtocolVersion.TLS1_3) return tls13Decryptors(hello, server, secrets, where);
  if (secrets.masterSecret === undefined) {
    const params = {
      clientRandom,
      missing: 'CLIENT_RANDOM (the TLS 1.2 master secret)',
      what: 'this TLS 1.2 connection',
    };
    return { diagnostics: [diag(TLS_DIAGNOSTICS, 'tls.keys-incomplete', params, where)] };
  }
  const keys = tls12KeyBlock(suite, secrets.masterSecret, hello.random, server.random);
  const make = (side: Side) =>
    create({
      protocol: 'tls1.2',
      cipherSuite: suite.id,
      keys: keys[side],
      alreadyEncrypting: options.alreadyEncrypting?.includes(side) === true,
    });
  return { client: make('client'), server: make('server'), diagnostics: [] };
}

function tls13Decryptors(
  hello: ClientHello,
  server: ServerHello,
  s: TlsSecrets,
  where: DiagnosticWhere,
): SessionDecryptors {
  const clientRandom = hello.random.toString('hex');
  const diagnostics: Diagnostic[] = [];
  const missing: [Buffer | undefined, string, string][] = [
    [s.clientHandshakeTrafficSecret, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', "the client's encrypted handshake"],
    [
      s.serverHandshakeTrafficSecret,
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      "the server's encrypted handshake (and its ALPN)",
    ],
    [s.clientTrafficSecret0, 'CLIENT_TRAFFIC_SECRET_0', "the client's application data"],
    [s.serverTrafficSecret0, 'SERVER_TRAFFIC_SECRET_0', "the server's application data"],
  ];
  for (const [secret, label, what] of missing) {
    if (secret === undefined)
      diagnostics.push(
        diag(TLS_DIAGNOSTICS, 'tls.keys-incomplete', { clientRandom, missing: label, what }, where),
      );
  }
  if (hello.hasEarlyData && s.clientEarlyTrafficSecret === undefined) {
    diagnostics.push(diag(TLS_DIAGNOSTICS, 'tls.early-data-skipped', {}, where));
  }
  const base = { protocol: 'tls1.3', cipherSuite: server.cipherSuite } as const;
  const client = create({
    ...base,
    earlyTrafficSecret: s.clientEarlyTrafficSecret,
    handshakeTrafficSecret: s.clientHandshakeTrafficSecret,
    applicationTrafficSecret: s.clientTrafficSecret0,
    earlyDataOffered: hello.hasEarlyData,
  });
  const serverSide = create({
    ...base,
    handshakeTrafficSecret: s.serverHandshakeTrafficSecret,
    applicationTrafficSecret: s.serverTrafficSecret0,
  });
  if (client === undefined || serverSide === undefined) {
    const params = {
      clientRandom,
      missing: 'secrets of the size the cipher suite needs',
      what: 'this connection',
    };
    return { diagnostics: [...diagnostics, diag(TLS_DIAGNOSTICS, 'tls.keys-incomplete', params, where)] };
  }
  return { client, server: serverSide, diagnostics };
}

function create(init: TlsDecryptorInit): TlsDecryptor | undefined {
  const r = TlsDecryptor.create(init);
  return r.ok ? r.decryptor : undefined;
}

/** The diagnostic for a record that did not decrypt (not for 'no-keys', which keys-incomplete covers). */
export function decryptFailedDiagnostic(
  side: Side,
  offset: number,
  reason: DecryptFailure,
  where: DiagnosticWhere = {},
): Diagnostic {
  return diag(TLS_DIAGNOSTICS, 'tls.decrypt-failed', { side, offset, reason }, where);
}
