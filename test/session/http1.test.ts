import { describe, expect, it } from 'vitest';
import {
  decodeHttp2SettingsHeader,
  isH2cUpgradeRequest,
  looksLikeHttp1Request,
  looksLikeHttp1Response,
  parseHttp1Head,
} from '../../src/session/http1.js';
import { looksLikeTls, sniff, startsWithPreface } from '../../src/session/sniff.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('HTTP/1 heads', () => {
  it('parses the upgrade request curl --http2 sends (RFC 7540 §3.2)', () => {
    const req = b(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1:50201\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n' +
        'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n',
    );
    const r = parseHttp1Head(req);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.head).toMatchObject({ kind: 'request', method: 'GET', target: '/', version: 'HTTP/1.1' });
    expect(r.head.headLength).toBe(req.length);
    expect(isH2cUpgradeRequest(r.head)).toBe(true);
    // AAMAAABkAAQCAAAAAAIAAAAA = MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 33554432, ENABLE_PUSH 0
    expect(decodeHttp2SettingsHeader('AAMAAABkAAQCAAAAAAIAAAAA')).toEqual([
      [3, 100],
      [4, 33554432],
      [2, 0],
    ]);
  });

  it('parses a response head and reports need-more until CRLF CRLF', () => {
    expect(parseHttp1Head(b('HTTP/1.1 400 Bad Request\r\nContent-'))).toEqual({ ok: false, needMore: true });
    const r = parseHttp1Head(b('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\nrest'));
    expect(r.ok && r.head).toMatchObject({ kind: 'response', status: 400, headLength: 47 });
  });

  it('rejects a head that is not HTTP', () => {
    expect(parseHttp1Head(b('hello world\r\n\r\n'))).toEqual({ ok: false, needMore: false });
    expect(decodeHttp2SettingsHeader('AAM')).toBeNull();
  });

  it('recognises request and response starts, with need-more on short prefixes', () => {
    expect(looksLikeHttp1Request(b('POST /x'))).toBe(true);
    expect(looksLikeHttp1Request(b('PO'))).toBe('need-more');
    expect(looksLikeHttp1Request(b('PRI * HTTP/2.0'))).toBe(false);
    expect(looksLikeHttp1Response(b('HTTP/1.0 200'))).toBe(true);
    expect(looksLikeHttp1Response(b('HTT'))).toBe('need-more');
    expect(looksLikeHttp1Response(b('\x00\x00\x12\x04'))).toBe(false);
  });
});

describe('sniff', () => {
  it('tells the preface, TLS, HTTP/1 and other bytes apart', () => {
    expect(sniff(b('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00'))).toBe('preface');
    expect(sniff(b('PRI * HTTP/2'))).toBe('need-more');
    expect(startsWithPreface(b('PRI * HTTP/1.1\r\n'))).toBe(false);
    // RFC 8446 §5.1 record header + ClientHello type.
    expect(sniff(Buffer.from('160301020001', 'hex'))).toBe('tls');
    expect(looksLikeTls(Buffer.from('1603', 'hex'))).toBe('need-more');
    expect(sniff(b('GET / HTTP/1.1\r\n'))).toBe('http1-request');
    expect(sniff(b('HTTP/1.1 101 Switching Protocols\r\n'))).toBe('http1-response');
    expect(sniff(Buffer.from('000012040000000000', 'hex'))).toBe('other');
  });
});
