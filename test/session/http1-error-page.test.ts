import { describe, expect, it } from 'vitest';
import { parseHttp1ErrorPage } from '../../src/session/http1-error-page.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('parseHttp1ErrorPage', () => {
  it("reads Python http.server's page (send_error without a status line for HTTP/0.9-style replies)", () => {
    const page =
      '<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <title>Error response</title>\n    </head>\n' +
      '    <body>\n        <h1>Error response</h1>\n        <p>Error code: 505</p>\n' +
      '        <p>Message: Invalid HTTP version (2.0).</p>\n';
    expect(parseHttp1ErrorPage(b(page))).toEqual({ code: 505, message: 'Invalid HTTP version (2.0).' });
  });

  it('reads a status from the title, as nginx and Apache write error pages', () => {
    const page = '<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>';
    expect(parseHttp1ErrorPage(b(page))).toEqual({ code: 400, message: 'Bad Request' });
  });

  it('is null for what is not an HTML page naming a status', () => {
    expect(parseHttp1ErrorPage(b('<html><title>Welcome</title></html>'))).toBeNull();
    expect(parseHttp1ErrorPage(b('Error code: 505'))).toBeNull(); // not HTML
    expect(parseHttp1ErrorPage(Buffer.from([0, 0, 18, 4, 0, 0, 0, 0, 0]))).toBeNull();
  });
});
