import { describe, expect, it } from 'vitest';
import { decodeClientHello } from '../../src/tls/client-hello.js';
import { KeyLog } from '../../src/tls/keylog.js';
import { TlsRecordReader } from '../../src/tls/record-reader.js';
import { decodeServerHello } from '../../src/tls/server-hello.js';
import { decryptFailedDiagnostic, sessionDecryptors } from '../../src/tls/session-keys.js';
import { clientHelloBody, ext, serverHelloBody } from './builders.js';
import * as rfc from './fixtures/rfc8448.js';

const hello = (() => {
  const r = decodeClientHello(rfc.CLIENT_HELLO_RECORD.subarray(9));
  if (!r.ok) throw new Error('RFC 8448 ClientHello');
  return r.value;
})();
const serverHello = (body: Buffer) => {
  const r = decodeServerHello(body);
  if (!r.ok) throw new Error('ServerHello');
  return r.value;
};
const rfcServerHello = serverHello(rfc.SERVER_HELLO_RECORD.subarray(9));
const random = rfc.CLIENT_RANDOM.toString('hex');

/** The RFC 8448 §3 secrets as a key log would hold them. */
function rfcKeyLog(skip: string[] = []): KeyLog {
  const lines: [string, Buffer][] = [
    ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', rfc.CLIENT_HANDSHAKE_TRAFFIC_SECRET],
    ['SERVER_HANDSHAKE_TRAFFIC_SECRET', rfc.SERVER_HANDSHAKE_TRAFFIC_SECRET],
    ['CLIENT_TRAFFIC_SECRET_0', rfc.CLIENT_APPLICATION_TRAFFIC_SECRET],
    ['SERVER_TRAFFIC_SECRET_0', rfc.SERVER_APPLICATION_TRAFFIC_SECRET],
  ];
  const log = new KeyLog();
  log.addText(
    lines
      .filter(([l]) => !skip.includes(l))
      .map(([l, s]) => `${l} ${random} ${s.toString('hex')}`)
      .join('\n'),
  );
  return log;
}

const firstRecord = (bytes: Buffer) => {
  const e = new TlsRecordReader().push(bytes, 0, 0)[0];
  if (e?.kind !== 'record') throw new Error('record');
  return e.record;
};

describe('sessionDecryptors', () => {
  it('builds both TLS 1.3 decryptors from the RFC 8448 §3 hellos and secrets', () => {
    const s = sessionDecryptors(hello, rfcServerHello, rfcKeyLog());
    expect(s.diagnostics).toEqual([]);
    const flight = s.server?.decrypt(firstRecord(rfc.SERVER_FLIGHT_RECORD));
    expect(flight?.ok && flight.plaintext.equals(rfc.SERVER_FLIGHT_PLAINTEXT)).toBe(true);
    const finished = s.client?.decrypt(firstRecord(rfc.CLIENT_FINISHED_RECORD));
    expect(finished?.ok && finished.plaintext.equals(rfc.CLIENT_FINISHED)).toBe(true);
  });

  it('says which secrets are missing and still decrypts what it can', () => {
    const s = sessionDecryptors(hello, rfcServerHello, rfcKeyLog(['SERVER_TRAFFIC_SECRET_0']), {
      connection: 'c5',
    });
    expect(s.diagnostics.map((d) => [d.code, d.connection, d.message])).toEqual([
      [
        'tls.keys-incomplete',
        'c5',
        `The key log has secrets for client random ${random} but not SERVER_TRAFFIC_SECRET_0, so the server's application data cannot be decrypted. ` +
          'Capture again with a key log: set SSLKEYLOGFILE=/path/keys.log for curl, Go programs that set tls.Config.KeyLogWriter from it, ' +
          'Python 3.8+ and Firefox/Chrome; run Node with `node --tls-keylog=/path/keys.log`; ' +
          'for Java, load a key log agent (e.g. -javaagent:jSSLKeyLog.jar=/path/keys.log); then give that file to h2scope, or embed it ' +
          'with `editcap --inject-secrets tls,keys.log in.pcap out.pcapng`.',
      ],
    ]);
    expect(s.server?.decrypt(firstRecord(rfc.SERVER_FLIGHT_RECORD)).ok).toBe(true);
  });

  it('explains how to get a key log when there is none for this connection', () => {
    const s = sessionDecryptors(hello, rfcServerHello, new KeyLog());
    expect(s.client).toBeUndefined();
    expect(s.diagnostics.map((d) => d.code)).toEqual(['tls.encrypted-no-keys']);
    expect(s.diagnostics[0]!.message).toContain(`no key log has secrets for client random ${random}`);
    expect(s.diagnostics[0]!.message).toContain('SSLKEYLOGFILE');
    expect(s.diagnostics[0]!.message).toContain('node --tls-keylog=');
  });

  it('refuses a suite it cannot decrypt, by name', () => {
    const s = sessionDecryptors(hello, serverHello(serverHelloBody({ suite: 0xc014 })), rfcKeyLog());
    expect(s.diagnostics.map((d) => d.message)).toEqual([
      'Cannot decrypt cipher suite TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: only AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 suites are supported',
    ]);
  });

  it('needs CLIENT_RANDOM for TLS 1.2', () => {
    const s = sessionDecryptors(hello, serverHello(serverHelloBody({ suite: 0xc02f })), rfcKeyLog());
    expect(s.diagnostics.map((d) => d.evidence?.missing)).toEqual([
      'CLIENT_RANDOM (the TLS 1.2 master secret)',
    ]);
    const log = new KeyLog();
    log.addText(`CLIENT_RANDOM ${random} ${'ab'.repeat(48)}`);
    const ok = sessionDecryptors(hello, serverHello(serverHelloBody({ suite: 0xc02f })), log);
    expect([ok.diagnostics, ok.client !== undefined, ok.server !== undefined]).toEqual([[], true, true]);
  });

  it('notes 0-RTT data it cannot decrypt', () => {
    const body = clientHelloBody({ random: rfc.CLIENT_RANDOM, extensions: [ext(42, Buffer.alloc(0))] });
    const h = decodeClientHello(body);
    if (!h.ok) throw new Error('hello');
    const s = sessionDecryptors(h.value, rfcServerHello, rfcKeyLog());
    expect(s.diagnostics.map((d) => d.code)).toEqual(['tls.early-data-skipped']);
  });

  it('rejects secrets of the wrong size for the suite', () => {
    const log = new KeyLog();
    log.addText(
      `CLIENT_TRAFFIC_SECRET_0 ${random} ${'ab'.repeat(48)}\nSERVER_TRAFFIC_SECRET_0 ${random} ${'ab'.repeat(48)}`,
    );
    const s = sessionDecryptors(hello, rfcServerHello, log);
    expect(s.client).toBeUndefined();
    expect(s.diagnostics.map((d) => d.evidence?.missing)).toEqual([
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'secrets of the size the cipher suite needs',
    ]);
  });
});

describe('decryptFailedDiagnostic', () => {
  it('locates the record', () => {
    expect(decryptFailedDiagnostic('server', 1234, 'auth-failed', { connection: 'c1', time: 2 })).toEqual({
      severity: 'error',
      code: 'tls.decrypt-failed',
      connection: 'c1',
      time: 2,
      message:
        'The server record at stream offset 1234 could not be decrypted (auth-failed): the key log does not match this session, or bytes were lost',
      evidence: { side: 'server', offset: 1234, reason: 'auth-failed' },
    });
  });
});
