/**
 * Just enough HTTP/1.x to classify a connection and to follow an h2c upgrade (RFC 9113 §3.1 is gone, but
 * RFC 7540 §3.2 upgrades are still what curl --http2 does on plaintext). Pure: bytes in, values out.
 */

const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

/** Cap on how far we look for the end of a message head; beyond it the bytes are not HTTP/1 we care about. */
export const MAX_HEAD_BYTES = 64 * 1024;

export interface Http1Head {
  kind: 'request' | 'response';
  startLine: string;
  method?: string;
  target?: string;
  status?: number;
  version: string;
  headers: Array<[string, string]>;
  /** Length of the head including the blank line that ends it. */
  headLength: number;
}

export type HeadResult = { ok: true; head: Http1Head } | { ok: false; needMore: boolean };

/** True when the bytes could be the start of an HTTP/1 request (method followed by a space). */
export function looksLikeHttp1Request(buf: Buffer): boolean | 'need-more' {
  const prefix = buf.subarray(0, 8).toString('latin1');
  for (const m of METHODS) {
    const want = m + ' ';
    if (prefix.length >= want.length ? prefix.startsWith(want) : want.startsWith(prefix)) {
      return prefix.length >= want.length ? true : 'need-more';
    }
  }
  return false;
}

/** True when the bytes could be the start of an HTTP/1 response ("HTTP/1.1 400 ..."). */
export function looksLikeHttp1Response(buf: Buffer): boolean | 'need-more' {
  const want = 'HTTP/1.';
  const prefix = buf.subarray(0, want.length).toString('latin1');
  if (prefix.length < want.length) return want.startsWith(prefix) ? 'need-more' : false;
  return prefix === want;
}

/** Parses a request or response head ending in CRLF CRLF. */
export function parseHttp1Head(buf: Buffer): HeadResult {
  const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
  if (end < 0) return { ok: false, needMore: buf.length < MAX_HEAD_BYTES };
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const startLine = lines[0] ?? '';
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const headLength = end + 4;
  const resp = /^(HTTP\/\d\.\d) (\d{3})/.exec(startLine);
  if (resp) {
    return {
      ok: true,
      head: { kind: 'response', startLine, version: resp[1]!, status: Number(resp[2]), headers, headLength },
    };
  }
  const req = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(startLine);
  if (req) {
    const head: Http1Head = {
      kind: 'request',
      startLine,
      method: req[1]!,
      target: req[2]!,
      version: req[3]!,
      headers,
      headLength,
    };
    return { ok: true, head };
  }
  return { ok: false, needMore: false };
}

export function headerValue(head: Http1Head, name: string): string | undefined {
  return head.headers.find(([n]) => n === name)?.[1];
}

/** RFC 7540 §3.2: an upgrade request names h2c in Upgrade and carries exactly one HTTP2-Settings header. */
export function isH2cUpgradeRequest(head: Http1Head): boolean {
  const upgrade = headerValue(head, 'upgrade');
  return (
    head.kind === 'request' &&
    upgrade !== undefined &&
    upgrade
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .includes('h2c')
  );
}

/**
 * Decodes the base64url SETTINGS payload of an HTTP2-Settings header into [id, value] pairs (RFC 7540
 * §3.2.1: token68, padding omitted). Null when it is not base64url or not whole 6-octet settings.
 */
export function decodeHttp2SettingsHeader(value: string): Array<[number, number]> | null {
  const text = value.trim();
  // Buffer.from skips characters outside the alphabet silently: check them first.
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length % 6 !== 0) return null;
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 6 <= bytes.length; i += 6) out.push([bytes.readUInt16BE(i), bytes.readUInt32BE(i + 2)]);
  return out;
}

/** A one-line printable description of a head, for connection summaries. */
export function describeHead(head: Http1Head): string {
  const line = head.startLine.length > 120 ? head.startLine.slice(0, 117) + '...' : head.startLine;
  return `${head.kind === 'request' ? 'HTTP/1 request' : 'HTTP/1 response'} ${line}`;
}
