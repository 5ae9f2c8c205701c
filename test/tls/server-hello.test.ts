import { describe, expect, it } from 'vitest';
import { decodeHandshakeMessage, alpnDiagnostic } from '../../src/tls/handshake-message.js';
import {
  decodeEncryptedExtensions,
  decodeServerHello,
  HELLO_RETRY_REQUEST_RANDOM,
} from '../../src/tls/server-hello.js';
import { alpnExt, ext, serverHelloBody, u16, vec16 } from './builders.js';
import { SERVER_FLIGHT_PLAINTEXT, SERVER_HELLO_RECORD, SERVER_RANDOM } from './fixtures/rfc8448.js';

const message = (msgType: number, body: Buffer) => ({
  msgType,
  length: body.length,
  body,
  time: 4,
  packetIndex: 2,
});

describe('decodeServerHello', () => {
  it('decodes the RFC 8448 §3 ServerHello as TLS 1.3 through supported_versions', () => {
    const r = decodeServerHello(SERVER_HELLO_RECORD.subarray(9));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toMatchObject({
      legacyVersion: 0x0303,
      version: 0x0304,
      cipherSuite: 0x1301,
      compressionMethod: 0,
      isHelloRetryRequest: false,
      keyShareGroup: 0x001d,
    });
    expect(r.value.random.equals(SERVER_RANDOM)).toBe(true);
    expect(r.value.extensions.map((e) => e.name)).toEqual(['key_share', 'supported_versions']);
    expect(r.value.alpn).toBeUndefined();
    expect(r.value.downgradeSentinel).toBeUndefined();
  });

  it('detects a HelloRetryRequest by its random and reads selected_group (RFC 8446 §4.1.3, §4.2.8)', () => {
    const body = serverHelloBody({
      random: HELLO_RETRY_REQUEST_RANDOM,
      extensions: [ext(43, u16(0x0304)), ext(51, u16(0x0017))],
    });
    const r = decodeHandshakeMessage(message(2, body), { connection: 'c9' });
    expect(r.decoded?.type === 'server_hello' && r.decoded.hello).toMatchObject({
      isHelloRetryRequest: true,
      keyShareGroup: 0x0017,
      version: 0x0304,
    });
    expect(r.diagnostics.map((d) => [d.code, d.message, d.connection, d.time])).toEqual([
      [
        'tls.hello-retry-request',
        'The server sent a HelloRetryRequest (selected group secp256r1); the client must send a second ClientHello',
        'c9',
        4,
      ],
    ]);
  });

  it('reads the ALPN a TLS 1.2 server selects', () => {
    const r = decodeServerHello(
      serverHelloBody({ suite: 0xc02f, extensions: [alpnExt('h2'), ext(0xff01, Buffer.from([0]))] }),
    );
    expect(r.ok && r.value).toMatchObject({ version: 0x0303, alpn: 'h2', cipherSuite: 0xc02f });
  });

  it('accepts a ServerHello without extensions (RFC 5246 §7.4.1.3)', () => {
    const r = decodeServerHello(serverHelloBody({ suite: 0x009c }));
    expect(r.ok && r.value.extensions).toEqual([]);
  });

  it('flags a server ALPN list that is not exactly one name and keeps the first', () => {
    const r = decodeServerHello(serverHelloBody({ extensions: [alpnExt('h2', 'http/1.1')] }));
    expect(r.ok && r.value.alpn).toBe('h2');
    expect(r.diagnostics.map((d) => d.evidence?.reason)).toEqual(['server selected 2 protocols (must be 1)']);
  });

  it('reports the RFC 8446 §4.1.3 downgrade sentinel', () => {
    const random = Buffer.concat([Buffer.alloc(24, 9), Buffer.from('444f574e47524401', 'hex')]);
    const r = decodeHandshakeMessage(message(2, serverHelloBody({ random })));
    expect(r.decoded?.type === 'server_hello' && r.decoded.hello.downgradeSentinel).toBe('tls1.2');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['tls.downgrade-sentinel']);
    const older = Buffer.concat([Buffer.alloc(24, 9), Buffer.from('444f574e47524400', 'hex')]);
    const r2 = decodeServerHello(serverHelloBody({ random: older }));
    expect(r2.ok && r2.value.downgradeSentinel).toBe('tls1.1');
  });

  it('rejects truncated bodies as malformed and never throws on any prefix', () => {
    const body = SERVER_HELLO_RECORD.subarray(9);
    const oks: number[] = [];
    for (let n = 0; n <= body.length; n++) {
      const r = decodeServerHello(body.subarray(0, n));
      if (r.ok) oks.push(n);
      else expect(r.diagnostics.map((d) => d.code)).toEqual(['tls.handshake-malformed']);
    }
    // 2 + 32 + 1 + 2 + 1 = 38: the TLS 1.2 form without extensions.
    expect(oks).toEqual([38, body.length]);
  });

  it('flags a key_share with a trailing byte', () => {
    const r = decodeServerHello(
      serverHelloBody({
        extensions: [ext(51, Buffer.concat([u16(0x1d), vec16(Buffer.alloc(32)), Buffer.from([0])]))],
      }),
    );
    expect(r.ok && r.value.keyShareGroup).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'Malformed key_share extension in server_hello: 1 bytes left over',
    ]);
  });
});

describe('decodeEncryptedExtensions', () => {
  it('decodes the RFC 8448 §3 EncryptedExtensions (no ALPN)', () => {
    // First message of the server flight: 08 000024, then the body.
    const r = decodeEncryptedExtensions(SERVER_FLIGHT_PLAINTEXT.subarray(4, 40));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.extensions.map((e) => e.name)).toEqual([
      'supported_groups',
      'record_size_limit',
      'server_name',
    ]);
    expect(r.value.alpn).toBeUndefined();
    expect(r.value.earlyDataAccepted).toBe(false);
  });

  it('reads ALPN and accepted early data (RFC 8446 §4.3.1)', () => {
    const r = decodeEncryptedExtensions(vec16(alpnExt('h2'), ext(42, Buffer.alloc(0))));
    expect(r.ok && r.value).toMatchObject({ alpn: 'h2', earlyDataAccepted: true });
    expect(decodeEncryptedExtensions(Buffer.from('0005ff', 'hex')).ok).toBe(false);
  });
});

describe('decodeHandshakeMessage', () => {
  it('decodes KeyUpdate and rejects a bad request_update (RFC 8446 §4.6.3)', () => {
    expect(decodeHandshakeMessage(message(24, Buffer.from([1]))).decoded).toEqual({
      type: 'key_update',
      requestUpdate: true,
    });
    expect(decodeHandshakeMessage(message(24, Buffer.from([0]))).decoded).toEqual({
      type: 'key_update',
      requestUpdate: false,
    });
    const bad = decodeHandshakeMessage(message(24, Buffer.from([2])));
    expect(bad.decoded).toBeUndefined();
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      'Malformed key_update handshake message: body of 1 bytes with request_update 2',
    ]);
    expect(decodeHandshakeMessage(message(24, Buffer.alloc(0))).diagnostics[0]!.evidence?.reason).toBe(
      'body of 0 bytes',
    );
  });

  it('names the messages it does not interpret', () => {
    expect(decodeHandshakeMessage(message(11, Buffer.alloc(3))).decoded).toEqual({
      type: 'other',
      name: 'certificate',
    });
    expect(decodeHandshakeMessage(message(99, Buffer.alloc(0))).decoded).toEqual({
      type: 'other',
      name: '0x63',
    });
  });
});

describe('alpnDiagnostic', () => {
  it('is silent for h2 and says what was negotiated otherwise (RFC 9113 §3.2)', () => {
    expect(alpnDiagnostic(['h2', 'http/1.1'], 'h2')).toBeUndefined();
    // The draft identifiers (draft-ietf-httpbis-http2-14 §3.3 "h2-14", ... "h2-17") are HTTP/2 framing too.
    expect(alpnDiagnostic(['h2-14'], 'h2-14')).toBeUndefined();
    expect(alpnDiagnostic(['h2-16', 'h2-14'], 'h2-16')).toBeUndefined();
    expect(alpnDiagnostic(['h2c'], 'h2c')?.code).toBe('tls.alpn-not-h2');
    expect(alpnDiagnostic(['h2', 'http/1.1'], 'http/1.1')?.message).toBe(
      'TLS ALPN selected http/1.1 (client offered h2, http/1.1): this connection does not carry HTTP/2 (RFC 9113 §3.2 needs ALPN "h2")',
    );
    expect(alpnDiagnostic(undefined, undefined)).toMatchObject({
      code: 'tls.alpn-not-h2',
      evidence: { selected: 'no protocol', offered: 'no ALPN' },
    });
  });
});
