/**
 * Protocol sniffing on the first bytes of each direction of a TCP connection. Gopacket and Wireshark both
 * decide by content, never by port alone: gRPC runs on any port, and port 443 is not always TLS.
 */
import { looksLikeHttp1Request, looksLikeHttp1Response } from './http1.js';

/** RFC 9113 §3.4: the client connection preface. */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type Sniffed = 'preface' | 'http1-request' | 'http1-response' | 'tls' | 'other' | 'need-more';

/** True/false when decided, 'need-more' when the bytes are a strict prefix of the preface. */
export function startsWithPreface(buf: Buffer): boolean | 'need-more' {
  const n = Math.min(buf.length, CLIENT_PREFACE.length);
  if (buf.subarray(0, n).equals(CLIENT_PREFACE.subarray(0, n))) {
    return n === CLIENT_PREFACE.length ? true : 'need-more';
  }
  return false;
}

/**
 * RFC 8446 §5.1: a TLS record starts with content type 22 (handshake) and a legacy version 3.x; the first
 * handshake message of a client is a ClientHello (type 1).
 */
export function looksLikeTls(buf: Buffer): boolean | 'need-more' {
  if (buf.length < 6) {
    if (buf.length >= 1 && buf[0] !== 0x16) return false;
    if (buf.length >= 2 && buf[1] !== 0x03) return false;
    return 'need-more';
  }
  return buf[0] === 0x16 && buf[1] === 0x03 && (buf[2] ?? 9) <= 0x04 && (buf[5] === 0x01 || buf[5] === 0x02);
}

/** Classifies the first bytes of a direction. */
export function sniff(buf: Buffer): Sniffed {
  if (buf.length === 0) return 'need-more';
  const checks: Array<[Sniffed, boolean | 'need-more']> = [
    ['preface', startsWithPreface(buf)],
    ['tls', looksLikeTls(buf)],
    ['http1-request', looksLikeHttp1Request(buf)],
    ['http1-response', looksLikeHttp1Response(buf)],
  ];
  for (const [name, r] of checks) if (r === true) return name;
  return checks.some(([, r]) => r === 'need-more') ? 'need-more' : 'other';
}
