import { describe, expect, it } from 'vitest';
import { decodeClientHello } from '../../src/tls/client-hello.js';
import { decodeServerHello } from '../../src/tls/server-hello.js';
import { newTlsFacts, type TlsFacts, tlsInfo, tlsSummary } from '../../src/tls/tls-info.js';
import { alpnExt, clientHelloBody, ext, serverHelloBody, sniExt, u16, vec8 } from './builders.js';

// RFC 8446 §4.1.2 / §4.1.3 bodies: a TLS 1.3 ClientHello with session id 0x01.. and a ServerHello.
const sessionId = Buffer.alloc(32, 1);
const ch = decodeClientHello(
  clientHelloBody({
    sessionId,
    suites: [0x0a0a, 0x1301, 0xc02f], // RFC 8701 GREASE first, as Chrome sends it
    extensions: [sniExt('api.test'), alpnExt('h2', 'http/1.1'), ext(43, vec8(u16(0x0304), u16(0x0303)))],
  }),
);
const sh12 = decodeServerHello(serverHelloBody({ sessionId, suite: 0xc02f, extensions: [alpnExt('h2')] }));
if (!ch.ok || !sh12.ok) throw new Error('fixture hellos do not decode');

function facts(over: Partial<TlsFacts> = {}): TlsFacts {
  return { ...newTlsFacts(), ...over };
}

describe('tlsInfo', () => {
  it('fills the record from the hellos; TLS 1.2 resumption by an echoed session id (RFC 5246 §7.4.1.3)', () => {
    const info = tlsInfo(
      facts({
        clientHello: ch.value,
        serverHello: sh12.value,
        version: 0x0303,
        alpnSelected: 'h2',
        counts: { encrypted: 4, decrypted: 4, failed: 0 },
      }),
    );
    expect(info).toEqual({
      version: 'TLS 1.2',
      sni: 'api.test',
      alpnOffered: ['h2', 'http/1.1'],
      alpnSelected: 'h2',
      cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      ciphersOffered: ['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
      resumed: true,
      decryption: 'decrypted',
      records: { encrypted: 4, decrypted: 4, failed: 0 },
    });
  });

  it.each([
    [{ encrypted: 0, decrypted: 0, failed: 0 }, {}, 'not-encrypted'],
    [{ encrypted: 5, decrypted: 3, failed: 2 }, {}, 'partial'],
    [{ encrypted: 5, decrypted: 0, failed: 5 }, {}, 'failed'],
    [{ encrypted: 5, decrypted: 0, failed: 0 }, {}, 'no-keys'],
    [
      { encrypted: 5, decrypted: 0, failed: 0 },
      { keyProblem: 'unsupported-cipher' as const },
      'unsupported-cipher',
    ],
    [{ encrypted: 5, decrypted: 0, failed: 0 }, { serverHello: undefined }, 'no-handshake'],
  ])('counts %j give decryption %s', (counts, over, want) => {
    const base = { clientHello: ch.value, serverHello: sh12.value, counts };
    expect(tlsInfo(facts({ ...base, ...over })).decryption).toBe(want);
  });

  it('says which version the client offered when no ServerHello was seen', () => {
    expect(tlsInfo(facts({ clientHello: ch.value })).version).toBe('TLS 1.3 offered');
  });
});

describe('tlsSummary', () => {
  it('reads as one line: version, SNI, ALPN, the first non-close alert, what became of the data', () => {
    expect(
      tlsSummary({
        version: 'TLS 1.3',
        sni: 'api.test',
        alpnOffered: ['h2'],
        alpnSelected: 'h2',
        decryption: 'no-keys',
        records: { encrypted: 3, decrypted: 0, failed: 0 },
      }),
    ).toBe('TLS 1.3, SNI api.test, ALPN h2, encrypted, no keys');
    expect(
      tlsSummary({
        version: 'TLS 1.2 offered',
        alpnOffered: ['h2', 'http/1.1'],
        decryption: 'not-encrypted',
        records: { encrypted: 0, decrypted: 0, failed: 0 },
        alerts: [{ from: 'server', level: 'fatal', description: 'handshake_failure' }],
      }),
    ).toBe('TLS 1.2 offered, ALPN offered h2,http/1.1, server alert handshake_failure, no encrypted data');
    expect(
      tlsSummary({ decryption: 'no-handshake', records: { encrypted: 1, decrypted: 0, failed: 0 } }),
    ).toBe('TLS, encrypted, handshake not captured');
  });
});
