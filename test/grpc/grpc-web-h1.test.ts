/**
 * gRPC-Web over HTTP/1.1 (issue #12 item 5): the real capture of @protobuf-ts/grpcweb-transport calling
 * @grpc-web/proxy (samples/h1-grpc-web, scripts/samples/grpc-web/), and the HTTP/1.1 message reader on
 * hand-built bodies (RFC 9112 §6-§7).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCallLine } from '../../src/output/calls.js';
import { Http1MessageReader, type Http1Message } from '../../src/session/http1-messages.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

interface Meta {
  ports: number[];
  expect: {
    calls: Array<{
      format: 'binary' | 'text';
      method: string;
      request: { size: number };
      responses: number;
      status: number;
      message: string;
    }>;
  };
}

describe('h1-grpc-web: a gRPC-Web client and proxy over HTTP/1.1', () => {
  const meta = JSON.parse(readFileSync(join(SAMPLES, 'h1-grpc-web.meta.json'), 'utf8')) as Meta;
  const webPort = meta.ports[1]!;

  it('makes every HTTP/1.1 exchange a call: messages, trailers frame, status, binary and text', async () => {
    const d = await decodeFile(join(SAMPLES, 'h1-grpc-web.pcap'));
    const web = d.connections.filter((c) => c.server.endsWith(`:${webPort}`));
    expect(web.every((c) => c.protocol === 'http/1.1')).toBe(true);
    const calls = web.flatMap((c) => c.calls).sort((a, b) => a.start - b.start);
    expect(
      calls.map((c) => [c.method, c.status, c.message, c.requestCount, c.responseCount, c.transport]),
    ).toEqual(meta.expect.calls.map((c) => [c.method, c.status, c.message, 1, c.responses, 'http/1.1']));
    expect(calls.map((c) => c.requests[0]!.length)).toEqual(meta.expect.calls.map((c) => c.request.size));
    expect(calls.map((c) => c.contentType)).toEqual(
      meta.expect.calls.map((c) =>
        c.format === 'text' ? 'application/grpc-web-text' : 'application/grpc-web+proto',
      ),
    );
    // The NOT_FOUND call is trailers-only: its status is in the HTTP/1.1 response head.
    const failed = calls.find((c) => c.status === 5)!;
    expect(failed.trailersOnly).toBe(true);
    expect(formatCallLine(failed)).toMatch(/ gRPC-Web over http\/1\.1 \/scope\.v1\.Lab\/Echo /);
    // The proxy forwarded each call over HTTP/2: the same statuses and message counts there.
    const h2 = d.connections.filter((c) => c.server.endsWith(`:${meta.ports[0]}`)).flatMap((c) => c.calls);
    expect(h2.map((c) => [c.method, c.status, c.responseCount]).sort()).toEqual(
      calls.map((c) => [c.method, c.status, c.responseCount]).sort(),
    );
  });
});

function readAll(chunks: Buffer[], keep = true): Http1Message[] {
  const r = new Http1MessageReader(() => keep);
  const out = chunks.flatMap((c, i) => r.push(c, i, i));
  return [...out, ...r.finish(99, 99)];
}

describe('Http1MessageReader', () => {
  const chunked = Buffer.from(
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nx-t: 1\r\n\r\n',
    'latin1',
  );

  it('removes the chunked coding, whatever the split points', () => {
    for (let i = 1; i < chunked.length; i++) {
      const [m, ...more] = readAll([chunked.subarray(0, i), chunked.subarray(i)]);
      expect(more).toEqual([]);
      expect(m!.body!.toString()).toBe('hello world');
      expect(m!.complete).toBe(true);
    }
  });

  it('reads content-length bodies back to back (keep-alive), and drops the unwanted', () => {
    const two = Buffer.from(
      'POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nde',
      'latin1',
    );
    const kept = readAll([two]);
    expect(kept.map((m) => [m.head.target, m.body?.toString(), m.complete])).toEqual([
      ['/a', 'abc', true],
      ['/b', 'de', true],
    ]);
    expect(readAll([two], false).map((m) => [m.body, m.bodyBytes])).toEqual([
      [null, 3],
      [null, 2],
    ]);
  });

  it('ends a close-delimited response at the end, and an unfinished body as incomplete', () => {
    const closed = readAll([Buffer.from('HTTP/1.1 200 OK\r\n\r\nall of it', 'latin1')]);
    expect(closed.map((m) => [m.body?.toString(), m.complete])).toEqual([['all of it', true]]);
    const cut = readAll([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 'latin1')]);
    expect(cut.map((m) => [m.body?.toString(), m.complete])).toEqual([['abc', false]]);
  });

  it('gives a response to HEAD no body, and stops reading after a gap', () => {
    const r = new Http1MessageReader(
      () => true,
      () => true,
    );
    const m = r.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'latin1'), 1, 1);
    expect(m.map((x) => x.bodyBytes)).toEqual([0]);
    const g = new Http1MessageReader(() => true);
    g.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab', 'latin1'), 1, 1);
    expect(g.gap(2, 2).map((x) => x.complete)).toEqual([false]);
    expect(g.push(Buffer.from('cde'), 3, 3)).toEqual([]);
  });
});
