import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFile } from '../helpers/decode.js';
import { runCliCaptured } from './run-cli.js';

const UNARY = 'samples/grpc-js-unary.pcap';
const H2C = 'samples/h2-nghttp-h2c.pcap';

describe('--format json', () => {
  it('is the document the pipeline builds, connections with their calls and frames', async () => {
    const r = await runCliCaptured([UNARY, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const expected = await decodeFile(UNARY);
    const { allFrames: _all, ...doc } = expected;
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(doc.connections[0]!.calls.map((c) => c.status)).toEqual([0, 0, 0, 9, 8]);
  });

  it('without a usable temporary directory: the same document from memory, and a note on stderr', async () => {
    const spooled = await runCliCaptured([UNARY, '--format', 'json']);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/h2scope-test';
    try {
      for (const format of ['json', 'har']) {
        const r = await runCliCaptured([UNARY, '--format', format]);
        expect(r.code).toBe(0);
        expect(r.stderr).toMatch(
          new RegExp(
            `^h2scope: cannot use the temporary directory /nonexistent/h2scope-test \\(.*ENOENT.*\\): the ${format} document is held in memory until it is written\n$`,
          ),
        );
        if (format === 'json') expect(r.stdout).toBe(spooled.stdout);
      }
      expect((await runCliCaptured([UNARY, '--format', 'json', '--quiet'])).stderr).toBe('');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});

describe('--format ndjson', () => {
  it('writes one record per line, the capture record last', async () => {
    const r = await runCliCaptured([UNARY, '--format', 'ndjson']);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    const count = (t: string): number => lines.filter((l) => l.type === t).length;
    expect([count('frame'), count('call'), count('connection'), count('capture')]).toEqual([29, 5, 1, 1]);
    expect(lines.at(-1)!.type).toBe('capture');
  });

  it('with --filter keeps the matching records and the connections they belong to', async () => {
    const r = await runCliCaptured([UNARY, '-f', 'ndjson', '--filter', 'grpc.status != 0']);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['call', 'call', 'connection', 'capture']);
    expect(lines.slice(0, 2).map((l) => [l.call.stream, l.call.statusName])).toEqual([
      [7, 'FAILED_PRECONDITION'],
      [9, 'RESOURCE_EXHAUSTED'],
    ]);
  });

  it('holds records until their connection is known when the filter reads conn.*', async () => {
    const r = await runCliCaptured([
      'samples/grpc-conn-per-call.pcap',
      '-f',
      'ndjson',
      '--filter',
      'conn.client.port == 43842 && http2.type == HEADERS',
    ]);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    // c5 (client port 43842, grpc-conn-per-call.meta.json): request HEADERS, response HEADERS, trailers.
    expect(lines.map((l) => (l.type === 'frame' ? `${l.frame.connection} ${l.frame.from}` : l.type))).toEqual(
      ['c5 client', 'c5 server', 'c5 server', 'connection', 'capture'],
    );
  });
});

describe('--format har', () => {
  it('has one entry per gRPC call with base64 gRPC bodies, timings and _grpc', async () => {
    const r = await runCliCaptured([UNARY, '--format', 'har']);
    const har = JSON.parse(r.stdout);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('h2scope');
    const entries = har.log.entries;
    expect(entries.map((e: { _stream: number }) => e._stream)).toEqual([1, 3, 5, 7, 9]);
    expect(entries.map((e: { _grpc: { status: number } }) => e._grpc.status)).toEqual([0, 0, 0, 9, 8]);
    const first = entries[0];
    expect(first.request.method).toBe('POST');
    expect(first.request.url).toBe('http://127.0.0.1:50101/scope.v1.Lab/Echo');
    expect(first.request.headers).toContainEqual({ name: 'x-trace-id', value: 'trace-0001' });
    expect(first.request.postData.encoding).toBe('base64');
    // One Length-Prefixed-Message: flag 0, length 101 (meta.json requests[0].size), then the message.
    const body = Buffer.from(first.request.postData.text, 'base64');
    expect([body.length, body[0], body.readUInt32BE(1)]).toEqual([106, 0, 101]);
    expect(first.response.status).toBe(200);
    expect(first.response.content.size).toBe(131);
    expect(first.response._trailers).toContainEqual({ name: 'grpc-status', value: '0' });
    for (const e of entries) {
      const t = e.timings;
      expect(t.send).toBeGreaterThanOrEqual(0);
      expect(t.wait).toBeGreaterThanOrEqual(0);
      expect(t.receive).toBeGreaterThanOrEqual(0);
      expect(e.time).toBeCloseTo(t.send + t.wait + t.receive, 6);
    }
    // Trailers-Only (stream 7): one HEADERS block, no body, no separate trailers.
    expect(entries[3].response.content).toEqual({ size: 0, mimeType: 'application/grpc+proto' });
    expect(entries[3].response._trailers).toBeUndefined();
  });

  it('keeps text bodies as text and applies --filter per entry', async () => {
    const all = JSON.parse((await runCliCaptured([H2C, '--format', 'har'])).stdout).log.entries;
    expect(all.map((e: { request: { url: string } }) => e.request.url)).toEqual([
      'http://127.0.0.1:50200/index.html',
      'http://127.0.0.1:50200/data.json',
      'http://127.0.0.1:50200/big.txt',
      'http://127.0.0.1:50200/echo',
    ]);
    expect(all[1].response.content).toEqual({
      size: 38,
      mimeType: 'application/json',
      text: '{"sample":"h2scope","values":[1,2,3]}\n',
    });
    expect(all[2].response.content.size).toBe(102400);
    const r = await runCliCaptured([H2C, '--format', 'har', '--filter', 'http2.header.:path == "/echo"']);
    const echo = JSON.parse(r.stdout).log.entries;
    expect(echo.map((e: { request: { method: string } }) => e.request.method)).toEqual(['POST']);
  });
});

describe('--summary', () => {
  it('gives counts, error rates, nearest-rank percentiles and message bytes per method', async () => {
    const r = await runCliCaptured([UNARY, '--summary']);
    expect(r.code).toBe(0);
    const calls = (await decodeFile(UNARY)).connections[0]!.calls;
    const sorted = calls.map((c) => c.durationMs).sort((a, b) => a - b);
    // Five calls: p50 is the 3rd value (rank ceil(0.5*5)), p90 and p99 the 5th, which is also the max.
    expect(sorted[2]).toBeCloseTo(1.86, 2);
    expect(sorted[4]).toBeCloseTo(8.29, 2);
    // Request bytes 101+44+49+36+45, response bytes 126+69+74 (grpc-js-unary.meta.json sizes).
    expect(r.stdout).toBe(
      [
        'Summary of samples/grpc-js-unary.pcap: pcap, 31 packets, 3.89 kB, 99.5ms (22:50:29.785 - 22:50:29.884 UTC)',
        '1 connection, 5 gRPC calls, 2 not ok',
        '',
        'Diagnostics: none',
        '',
        'gRPC calls by method (1):',
        '  METHOD              CALLS  ERRORS   ERR%     P50     P90     P99     MAX  REQ B  RESP B',
        '  /scope.v1.Lab/Echo      5       2  40.0%  1.86ms  8.29ms  8.29ms  8.29ms  275 B   269 B',
        '  statuses: OK 3, FAILED_PRECONDITION 1, RESOURCE_EXHAUSTED 1',
        '',
        // The slowest call (8.29 ms): 4.66 ms between the request's END_STREAM and the response HEADERS.
        'Where the time went (share of call time per method; docs/analysis.md "Latency breakdown"):',
        '  METHOD              CALLS  REQUEST  SERVER  RESPONSE  C-WINDOW  S-WINDOW  RETRANS  OTHER  P99 CALLS DOMINATED BY',
        '  /scope.v1.Lab/Echo      5        -     72%       28%         -         -        -      -  server 4.66ms of 8.29ms',
        '',
        'Connections (1):',
        '  ID  CLIENT -> SERVER                    PROTO  CALLS  ERRORS  FRAMES      BYTES C/S  DURATION  END',
        '  c1  127.0.0.1:49616 -> 127.0.0.1:50101  h2c        5       2      29  786 B/1.04 kB    99.5ms  fin',
        '',
      ].join('\n'),
    );
  });

  it('lists diagnostics first, grouped by code and most severe first', async () => {
    const r = await runCliCaptured(['samples/damaged-truncated.pcap', '--summary']);
    const lines = r.stdout.split('\n');
    expect(lines[3]).toBe('Diagnostics (1): 0 errors, 1 warning, 0 info');
    expect(lines[4]).toBe(
      '  WARNING capture.truncated: The capture ends inside record 11 at byte offset 50794: 8164 more bytes were needed to complete its record data. Everything before it was read.',
    );
  });
});

describe('--format markdown', () => {
  it('starts with what failed, then diagnostics, methods, connections and commands', async () => {
    const r = await runCliCaptured([UNARY, '--format', 'markdown', '-p', '50101']);
    const md = r.stdout;
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# h2scope report: samples/grpc-js-unary.pcap',
      '## What failed',
      '## Diagnostics',
      '## Calls by method',
      '## Connections',
      '## Reproduce',
      '# the overview, then the failed calls, then the problems h2scope found',
      '# everything about the connection of the earliest failed call',
      '# browse interactively',
    ]);
    expect(md).toContain(
      '| 22:50:29.864 | c1 s7 | /scope.v1.Lab/Echo | error | 9 FAILED_PRECONDITION | résumé ✓ failed | 0.563ms |',
    );
    expect(md).toContain(
      '| 22:50:29.875 | c1 s9 | /scope.v1.Lab/Echo | error | 8 RESOURCE_EXHAUSTED | quota exceeded for tenant lab | 5.81ms |',
    );
    expect(md).toContain("h2scope samples/grpc-js-unary.pcap --port 50101 --filter 'grpc.outcome != ok'\n");
  });
});

describe('--format text', () => {
  it('reports the connection and, with --filter, only matching frames', async () => {
    const r = await runCliCaptured([UNARY, '--filter', 'http2.type == GOAWAY']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('127.0.0.1:49616');
    const frameLines = r.stdout.split('\n').filter((l) => / c1 [CS]->[CS] /.test(l));
    expect(frameLines.every((l) => l.includes(' GOAWAY '))).toBe(true);
  });
});

describe('--output', () => {
  it('writes the report to a file and nothing to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h2scope-out-'));
    try {
      const file = join(dir, 'report.ndjson');
      const r = await runCliCaptured([UNARY, '-f', 'ndjson', '-o', file]);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
      const direct = await runCliCaptured([UNARY, '-f', 'ndjson']);
      expect(readFileSync(file, 'utf8')).toBe(direct.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
