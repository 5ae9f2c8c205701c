// h2scope diff on real sample pairs, and several captures merged into one report.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DiffReport } from '../../src/output/diff.js';
import { runCliCaptured } from './run-cli.js';

// A client that reads slowly: the server waits for stream window three times (meta.json expect.wire stalls,
// found by tshark), about 2 s in all.
const SMALL_WINDOW = 'samples/grpc-small-window.pcap';
const LARGE = 'samples/grpc-js-large.pcap'; // the same Bulk method with grpc-js's default windows
const CONN_PER_CALL = 'samples/grpc-conn-per-call.pcap';
const BURST = 'samples/grpc-burst.pcap';
const STATUS = 'samples/grpc-js-status.pcap';

async function diffJson(...argv: string[]): Promise<DiffReport> {
  const r = await runCliCaptured(['diff', ...argv, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as DiffReport;
}

describe('h2scope diff', () => {
  it('small window -> default window: starvation gone, p99 down, same method side by side', async () => {
    const r = await diffJson(SMALL_WINDOW, LARGE);
    expect(r.before).toMatchObject({ files: [SMALL_WINDOW], connections: 1, calls: 1, errors: 0 });
    expect(r.after).toMatchObject({ files: [LARGE], connections: 1, calls: 1, errors: 0 });
    const v = Object.fromEntries(r.verdicts.map((x) => [x.incident, x]));
    expect(v['window-starvation']).toMatchObject({ change: 'better' });
    const stalls = (
      JSON.parse(readFileSync('samples/grpc-small-window.meta.json', 'utf8')) as {
        expect: { wire: { stalls: { waitedMs: number }[] }[] };
      }
    ).expect.wire[0]!.stalls;
    expect(v['window-starvation']!.beforeText).toMatch(
      new RegExp(`^${stalls.length} stalls \\(1\\.9\\ds waited\\)$`),
    );
    const waited = stalls.reduce((n, s) => n + s.waitedMs, 0);
    expect(Math.abs(v['window-starvation']!.before! - waited)).toBeLessThan(1);
    expect(v['window-starvation']!.after!).toBeLessThan(50);
    expect(v['analysis.flow.starvation']).toMatchObject({ before: 1, after: 0, change: 'gone' });
    expect(v['latency-p99']).toMatchObject({ change: 'better' });
    expect(v['errors']).toMatchObject({ before: 0, after: 0, change: 'same' });
    expect(r.methods.map((m) => m.method)).toEqual(['/scope.v1.Lab/Bulk']);
    expect(r.methods[0]!.before).toMatchObject({ calls: 1, errors: 0, statuses: { OK: 1 } });
    expect(r.methods[0]!.before!.p99!).toBeGreaterThan(1900);
    expect(r.methods[0]!.after!.p99!).toBeLessThan(200);
    // Different servers (ports 50110 and 50103): one row each, the other side empty.
    expect(r.endpoints.map((e) => [e.server, e.before?.stalls ?? null, e.after === null])).toEqual([
      ['127.0.0.1:50110', 3, true],
      ['127.0.0.1:50103', null, false],
    ]);
  });

  it('connection churn: a connection per call -> reused connections', async () => {
    const r = await diffJson(CONN_PER_CALL, BURST);
    const v = Object.fromEntries(r.verdicts.map((x) => [x.incident, x]));
    expect(v['connection-churn']).toMatchObject({ before: 1, after: 0.5, change: 'better' });
    expect(v['connection-churn']!.beforeText).toBe('10 HTTP/2 connections for 10 calls');
    expect(v['analysis.churn.connection-per-call']).toMatchObject({ before: 1, after: 0, change: 'gone' });
    expect(r.endpoints[0]!.before).toMatchObject({
      connections: 10,
      calls: 10,
      goaways: { 'client NO_ERROR': 10 },
    });
  });

  it('error mix per method, both ways', async () => {
    const r = await diffJson(STATUS, LARGE);
    const v = Object.fromEntries(r.verdicts.map((x) => [x.incident, x]));
    expect(v['errors']!.before!).toBeGreaterThan(0);
    expect(v['errors']).toMatchObject({ after: 0, change: 'gone' });
    const echo = r.methods.find((m) => m.method === '/scope.v1.Lab/Echo')!;
    expect(echo.after).toBeNull();
    expect(Object.keys(echo.before!.statuses).length).toBeGreaterThan(1);
    const back = await diffJson(LARGE, STATUS);
    expect(back.verdicts.find((x) => x.incident === 'errors')!.change).toBe('new');
  });

  it('text and markdown: verdict lines first, escaped, every section', async () => {
    const text = await runCliCaptured(['diff', SMALL_WINDOW, LARGE]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^Before: samples\/grpc-small-window\.pcap: 213 packets/);
    expect(lines[1]).toMatch(/^After: {2}samples\/grpc-js-large\.pcap: /);
    expect(text.stdout).toMatch(
      /^ {2}window starvation: 3 stalls \(1\.9\ds waited\) -> \d+ stalls \(.*\) {2}\[better\]$/m,
    );
    expect(text.stdout).toMatch(
      /^ {2}Flow-control starvation \(analysis\.flow\.starvation\): 1 -> 0 {2}\[gone\]$/m,
    );
    for (const section of [
      'Verdict:',
      'Calls by method (1):',
      'Connections by server (2):',
      'Diagnostics by code (1):',
    ])
      expect(lines).toContain(section);
    const md = await runCliCaptured(['diff', '-f', 'markdown', SMALL_WINDOW, LARGE]);
    expect(md.stdout).toMatch(/^- window starvation: .* \*\*better\*\*$/m);
    expect(md.stdout).toContain('| /scope.v1.Lab/Bulk | 1 | 0 | 0.0% |');
  });

  it('several captures on a side are merged by time', async () => {
    const r = await diffJson('--before', CONN_PER_CALL, '--before', BURST, '--after', LARGE);
    expect(r.before).toMatchObject({ files: [`${CONN_PER_CALL} + ${BURST}`], connections: 20, calls: 30 });
  });

  it('a side that is not a capture: its problem on stderr, exit 1, the comparison still written', async () => {
    const r = await runCliCaptured(['diff', 'samples/damaged-notacapture.pcap', LARGE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^h2scope: samples\/damaged-notacapture\.pcap: /);
    expect(r.stdout).toMatch(/^Before: /);
  });

  it('--help says how to use it', async () => {
    const r = await runCliCaptured(['diff', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^h2scope diff - compare two captures/);
  });
});

describe('several captures, one analysis', () => {
  it('merges them by time into one report: every connection, ids unique, the files named', async () => {
    const r = await runCliCaptured([SMALL_WINDOW, CONN_PER_CALL, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      capture: { file: string; packets: number };
      connections: { id: string }[];
    };
    expect(doc.capture).toMatchObject({ file: `${SMALL_WINDOW} + ${CONN_PER_CALL}`, packets: 213 + 200 });
    expect(doc.connections.map((c) => c.id)).toEqual(Array.from({ length: 11 }, (_, i) => `c${i + 1}`));
  });

  it('a terminal gets a text report, not the TUI (which reads one capture)', async () => {
    let tui = false;
    const r = await runCliCaptured([SMALL_WINDOW, LARGE], {
      stdoutIsTTY: true,
      interactive: () => {
        tui = true;
        return Promise.resolve(0);
      },
    });
    expect(tui).toBe(false);
    expect(r.stdout).toMatch(/^Capture samples\/grpc-small-window\.pcap \+ samples\/grpc-js-large\.pcap: /);
  });
});
