import { describe, expect, it } from 'vitest';
import { decodeClientHello, maxOfferedVersion } from '../../src/tls/client-hello.js';
import { alpnExt, clientHelloBody, ext, sniExt, u16, u8, vec16, vec8 } from './builders.js';
import { CLIENT_HELLO_RECORD, CLIENT_RANDOM } from './fixtures/rfc8448.js';

/** RFC 8448 §3 ClientHello body: record header (5) and handshake header (4) stripped. */
const RFC8448_BODY = CLIENT_HELLO_RECORD.subarray(9);

const codes = (d: { code: string }[]): string[] => d.map((x) => x.code);

describe('decodeClientHello', () => {
  it('decodes the RFC 8448 §3 ClientHello', () => {
    const r = decodeClientHello(RFC8448_BODY);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.diagnostics).toEqual([]);
    const h = r.value;
    expect(h.legacyVersion).toBe(0x0303);
    expect(h.random.equals(CLIENT_RANDOM)).toBe(true);
    expect(h.sessionId.length).toBe(0);
    expect(h.cipherSuites).toEqual([0x1301, 0x1303, 0x1302]);
    expect(h.compressionMethods).toEqual([0]);
    expect(h.extensions.map((e) => e.name)).toEqual([
      'server_name',
      'renegotiation_info',
      'supported_groups',
      'session_ticket',
      'key_share',
      'supported_versions',
      'signature_algorithms',
      'psk_key_exchange_modes',
      'record_size_limit',
    ]);
    expect(h.serverName).toBe('server');
    expect(h.alpn).toBeUndefined();
    expect(h.supportedVersions).toEqual([0x0304]);
    expect(h.keyShareGroups).toEqual([0x001d]);
    expect(h.supportedGroups).toEqual([
      0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
    ]);
    expect(h.signatureAlgorithms?.slice(0, 3)).toEqual([0x0403, 0x0503, 0x0603]);
    expect(h.signatureAlgorithms).toHaveLength(15);
    expect(h.pskKeyExchangeModes).toEqual([1]);
    expect(h).toMatchObject({ hasPreSharedKey: false, hasEarlyData: false, hasEncryptedClientHello: false });
    expect(maxOfferedVersion(h)).toBe(0x0304);
  });

  it('decodes ALPN, GREASE and the resumption / 0-RTT / ECH flags', () => {
    const body = clientHelloBody({
      sessionId: Buffer.alloc(32, 5),
      suites: [0x3a3a, 0x1301, 0xc02f],
      extensions: [
        ext(0x0a0a, Buffer.alloc(0)),
        sniExt('api.example.com'),
        alpnExt('h2', 'http/1.1'),
        ext(43, vec8(u16(0x7a7a), u16(0x0304), u16(0x0303))),
        ext(51, vec16(u16(0x11ec), vec16(Buffer.alloc(4)), u16(0x001d), vec16(Buffer.alloc(32)))),
        ext(42, Buffer.alloc(0)),
        ext(0xfe0d, Buffer.alloc(3)),
        ext(41, Buffer.alloc(10)),
      ],
    });
    const r = decodeClientHello(body);
    expect(r.ok && r.diagnostics).toEqual([]);
    if (!r.ok) return;
    expect(r.value.sessionId.length).toBe(32);
    expect(r.value.cipherSuites).toEqual([0x3a3a, 0x1301, 0xc02f]);
    expect(r.value.extensions[0]!.name).toBe('GREASE 0x0a0a');
    expect(r.value.serverName).toBe('api.example.com');
    expect(r.value.alpn).toEqual(['h2', 'http/1.1']);
    expect(r.value.keyShareGroups).toEqual([0x11ec, 0x001d]);
    expect(maxOfferedVersion(r.value)).toBe(0x0304);
    expect(r.value).toMatchObject({
      hasPreSharedKey: true,
      hasEarlyData: true,
      hasEncryptedClientHello: true,
    });
  });

  it('accepts a TLS 1.2 ClientHello without an extensions block (RFC 5246 §7.4.1.2)', () => {
    const r = decodeClientHello(clientHelloBody({ suites: [0xc02f, 0x009c] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.extensions).toEqual([]);
    expect(maxOfferedVersion(r.value)).toBe(0x0303);
  });

  it('rejects malformed fixed fields with a reason', () => {
    const reasons = (body: Buffer) => {
      const r = decodeClientHello(body, { connection: 'c1' });
      return r.ok ? 'ok' : r.diagnostics.map((d) => `${d.code}: ${String(d.evidence?.reason)}`).join();
    };
    expect(reasons(clientHelloBody({ sessionId: Buffer.alloc(33) }))).toBe(
      'tls.handshake-malformed: legacy_session_id of 33 bytes (max 32)',
    );
    expect(reasons(clientHelloBody({ suites: [] }))).toBe(
      'tls.handshake-malformed: cipher_suites of 0 bytes',
    );
    expect(reasons(clientHelloBody({ compression: [] }))).toBe(
      'tls.handshake-malformed: no compression methods',
    );
    expect(reasons(Buffer.concat([clientHelloBody({ extensions: [] }), u8(0)]))).toBe(
      'tls.handshake-malformed: 1 bytes after the extensions',
    );
    expect(reasons(Buffer.alloc(20))).toBe('tls.handshake-malformed: fixed fields overrun the message');
  });

  it('keeps the hello when one extension is malformed, and says which', () => {
    const body = clientHelloBody({
      extensions: [
        alpnExt('h2', ''),
        sniExt('a.b'),
        sniExt('c.d'),
        ext(0, vec16(u8(1), vec16(Buffer.from('x')))),
      ],
    });
    const r = decodeClientHello(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.alpn).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'Malformed server_name extension in client_hello: appears more than once (RFC 8446 §4.2)',
      'Malformed server_name extension in client_hello: appears more than once (RFC 8446 §4.2)',
      'Malformed application_layer_protocol_negotiation extension in client_hello: empty protocol name',
      'Malformed server_name extension in client_hello: no host_name entry',
    ]);
    // Each server_name overwrites the previous one; the last, malformed one leaves none.
    expect(r.value.serverName).toBeUndefined();
  });

  it('flags an odd supported_versions list and leftover bytes in an extension', () => {
    const body = clientHelloBody({
      extensions: [ext(43, vec8(u16(0x0304), u8(3))), ext(45, Buffer.from('010100', 'hex'))],
    });
    const r = decodeClientHello(body);
    expect(r.ok && r.diagnostics.map((d) => d.evidence?.reason)).toEqual([
      'odd list length',
      '1 bytes left over',
    ]);
  });

  it('never throws on any prefix of a real ClientHello; only the whole body or the pre-extension cut is ok', () => {
    const oks: number[] = [];
    for (let n = 0; n <= RFC8448_BODY.length; n++) {
      const r = decodeClientHello(RFC8448_BODY.subarray(0, n));
      if (r.ok) oks.push(n);
      else expect(codes(r.diagnostics)).toEqual(['tls.handshake-malformed']);
    }
    // 2 + 32 + 1 + (2 + 6) + (1 + 1) = 45: a hello that ends before extensions is a TLS 1.2 hello.
    expect(oks).toEqual([45, RFC8448_BODY.length]);
  });

  it('on bit flips of a real ClientHello returns a value with extension problems, or one malformed diagnostic', () => {
    let seed = 1;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff);
    let failures = 0;
    for (let i = 0; i < 2000; i++) {
      const body = Buffer.from(RFC8448_BODY);
      for (let k = 0; k < 3; k++) {
        const at = rand() % body.length;
        body[at] = body[at]! ^ (1 << (rand() % 8));
      }
      const r = decodeClientHello(body);
      if (r.ok) {
        expect(r.value.random.length).toBe(32);
        for (const c of codes(r.diagnostics)) expect(c).toBe('tls.extension-malformed');
      } else {
        failures++;
        expect(codes(r.diagnostics)).toEqual(['tls.handshake-malformed']);
      }
    }
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(2000);
  });
});
