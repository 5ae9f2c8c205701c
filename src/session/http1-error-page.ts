/**
 * An HTTP/1.x server's bare error page: some servers answer a request line they cannot parse without a
 * status line, HTTP/0.9 style. Python's http.server does so for the HTTP/2 preface "PRI * HTTP/2.0": its
 * send_error() writes only the body when the request version is not understood, an HTML page with
 * "Error code: 505" and "Message: Invalid HTTP version (2.0).". Reads the code and message from such a page
 * (Python's layout, or a `<title>NNN Reason</title>` as nginx and Apache write them); null when the bytes are
 * not an HTML page that names an HTTP status.
 */
export interface ErrorPage {
  code: number;
  /** The server's own words, when the page has them. */
  message: string | null;
}

/** How much of the page is read: the code and message are near the top. */
const READ = 4096;

export function parseHttp1ErrorPage(data: Buffer): ErrorPage | null {
  const text = data.subarray(0, READ).toString('latin1');
  if (!/^\s*<(!doctype html|html)/i.test(text)) return null;
  const python = /Error code:\s*([1-5]\d\d)\b/i.exec(text);
  if (python) {
    const message = /Message:\s*([^<\r\n]+)/i.exec(text)?.[1]?.trim() ?? null;
    return { code: Number(python[1]), message: message || null };
  }
  const title = /<title>\s*([1-5]\d\d)\b\s*([^<]*)<\/title>/i.exec(text);
  if (title) return { code: Number(title[1]), message: title[2]!.trim() || null };
  return null;
}
