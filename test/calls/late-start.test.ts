/**
 * Captures that start on an established gRPC channel (samples/late-start-*: tcpdump started 3 s after the
 * first call of a client calling every 200 ms; scripts/samples/grpc/late-start.sh). The peers' HPACK tables
 * already hold grpc-status, content-type and the like: no call may be counted as failed for a status the
 * capture cannot show, in any report or screen. tshark-wrong.test.ts checks each status against the client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { summarizeConnection } from '../../src/model/store-selectors.js';
import { clockMicros } from '../../src/records/time-text.js';
import { CaptureStore } from '../../src/model/store.js';
import { formatCallDetail } from '../../src/output/calls.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { decodeFile } from '../helpers/decode.js';
import { renderApp, type Rendered } from '../tui/render.js';
import { loadStore } from '../tui/load-store.js';

const JS = 'samples/late-start-grpc-js.pcap';
const PY = 'samples/late-start-grpcio.pcap';

let app: Rendered | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

describe('late-start-grpc-js: grpc-js client and server, 52 calls, 7 of them NOT_FOUND', () => {
  it('--summary: no call is "not ok" for an unknown status; guesses are counted apart, with the reason', async () => {
    const r = await runCliCaptured([JS, '--summary']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe(
      '1 connection, 52 gRPC calls, 0 not ok, 52 status unknown (HPACK entries from before the capture; ' +
        '45 guessed OK, 7 guessed NOT_FOUND, not decoded)',
    );
    // Only info: joining a channel late is the normal case, not a fault (so --fail-on warning passes).
    // Per connection or direction, not per call: 2 TCP and 2 HTTP/2 mid-stream starts, 2 HPACK tables with
    // unknown entries, the session joined late, and one guessed-call for the 21 calls without request headers.
    expect(lines[3]).toBe('Diagnostics (8): 0 errors, 0 warnings, 8 info');
    const table = lines.indexOf('gRPC calls by method (1):');
    expect(lines[table + 1]).toMatch(
      /^ {2}METHOD +CALLS +ERRORS +ERR% +UNKNOWN +P50 +P90 +P99 +MAX +REQ B +RESP B$/,
    );
    expect(lines[table + 2]).toMatch(
      /^ {2}\/scope\.v1\.Lab\/Echo +52 +0 +0\.0% +52 \(45 guessed OK, 7 guessed NOT_FOUND\) /,
    );
    expect(lines[table + 3]).toBe(
      '  statuses: status unknown (guessed OK) 45, status unknown (guessed NOT_FOUND) 7',
    );
    expect(r.stdout).toMatch(/\n {2}c1 +127\.0\.0\.1:47262 -> 127\.0\.0\.1:50120 +h2c +52 +0 /);
    expect((await runCliCaptured([JS, '--summary', '--fail-on', 'warning'])).code).toBe(0);
  });

  it('one HPACK summary per direction instead of a warning per call; the client table turns over', async () => {
    const d = await decodeFile(JS);
    expect(d.diagnostics.filter((x) => x.code === 'grpc.headers-undecoded')).toEqual([]);
    expect(d.diagnostics.filter((x) => x.code === 'h2.hpack-lost')).toEqual([]);
    const summaries = d.diagnostics.filter((x) => x.code === 'h2.hpack.unknown-entries');
    expect(summaries.map((x) => x.evidence!.from)).toEqual(['client', 'server']);
    // Each request carries a new traceparent (about 100 octets): after 4,096 octets of new entries every
    // entry from before the capture is evicted (RFC 7541 §4.4), at a frame, with the time.
    const [client, server] = summaries;
    expect(client!.evidence).toMatchObject({ maxSize: 4096, maxSizeAssumed: true, entries: 7 });
    expect(client!.evidence!.inserted as number).toBeGreaterThan(4096 - 32);
    expect(client!.evidence!.untilFrame).toEqual(expect.any(Number));
    expect(client!.time).toBeGreaterThan(d.capture!.start!);
    expect(client!.message).toContain('until frame ');
    // When it recovered: the frame, its clock time and the time since the connection's first packet.
    const recovered = d.allFrames.find(
      (f) => f.connection === client!.connection && f.index === client!.evidence!.untilFrame,
    )!;
    expect(client!.evidence!.untilTime).toBe(recovered.time);
    expect(client!.time).toBe(recovered.time);
    const since = recovered.time - d.connections[0]!.start;
    expect(client!.evidence!.untilSeconds as number).toBeCloseTo(since, 6);
    expect(client!.message).toContain(
      `until frame ${recovered.index} (this block, at ${clockMicros(recovered.time)} UTC, ` +
        `${since.toFixed(3)} s after the connection's first captured packet)`,
    );
    // The server inserts less (a date header a second): still unknown when the capture ends, and it says how far off.
    expect(server!.evidence).toMatchObject({ untilFrame: null, untilTime: null, maxSizeAssumed: true });
    expect(server!.message).toMatch(/until the end of the capture: .* inserted \d+, \d+ short$/);
    // After the turnover, requests decode but for the name of the traceparent field (a name copied from an
    // entry from before the capture: its value shows).
    const last = d.allFrames.filter((f) => f.from === 'client' && f.type === 'HEADERS').at(-1)!;
    expect(last.headers!.filter(([n]) => n === '<unknown>')).toEqual([
      ['<unknown>', expect.stringMatching(/^00-[0-9a-f]{32}-/)],
    ]);
    expect(last.headers).toContainEqual(['content-type', 'application/grpc']);
  });

  it('--format markdown: nothing under "What failed", the unknown count in the head', async () => {
    const r = await runCliCaptured([JS, '--format', 'markdown']);
    expect(r.stdout).toContain(
      '- **gRPC calls**: 52, 0 not ok, 52 status unknown (HPACK entries from before the capture; ' +
        '45 guessed OK, 7 guessed NOT_FOUND, not decoded)',
    );
    expect(r.stdout).toContain('## What failed\n\nNo gRPC call failed.');
  });

  it('a guess is marked on the call line, and its basis is in the detail', async () => {
    const r = await runCliCaptured([JS, '--format', 'text']);
    expect(r.stdout).toMatch(/ c1 s=41 gRPC .* status-unknown status=unknown guess=NOT_FOUND req=1 resp=0 /);
    const call = (await decodeFile(JS)).connections[0]!.calls.find((c) => c.stream === 41)!;
    const detail = formatCallDetail(call);
    expect(detail).toContain('    status not decoded: HPACK entries from before the capture');
    expect(detail.at(-1)).toMatch(
      /^ {4}guessed status NOT_FOUND, not decoded: its trailers carry the literal value 5 under the name of entry \d+/,
    );
  });

  it('TUI Overview and Calls: 0 failed, the unknown ones counted with the reason', async () => {
    // 120 columns, as a user's terminal: the guesses and the reason do not fit beside the counts, so they wrap
    // onto the next line, never cut.
    app = await renderApp(await loadStore('late-start-grpc-js.pcap'), { columns: 120, rows: 40 });
    const f = app.frame();
    expect(f).toMatch(/^Diagnostics {2}0 errors · 0 warnings · 8 info$/m);
    expect(f).toMatch(
      /^Calls {8}52 · 0 failed · 52 status unknown\n {13}\(45 guessed OK, 7 guessed NOT_FOUND; HPACK entries from before the capture\)$/m,
    );
    const wide = await renderApp(await loadStore('late-start-grpc-js.pcap'), { columns: 200, rows: 40 });
    expect(wide.frame()).toContain(
      'Calls        52 · 0 failed · 52 status unknown (45 guessed OK, 7 guessed NOT_FOUND; HPACK entries from before the capture)',
    );
    wide.unmount();
    const calls = await app.keys('2');
    expect(calls).toContain('52 of 52 calls · 0 failed · 52 status unknown');
    expect(calls).toMatch(/ 41 .*NOT_FOUND\? \(guess\) +status-unknown /);
  });
});

describe('late-start-grpc-js read live (the capture has not ended)', () => {
  it('the open connection shows its endpoints and protocol, not "(open)"', async () => {
    const store = new CaptureStore({ throttleMs: 0 });
    const engine = createEngine({ file: JS, hpackReports: true }, store);
    engine.push(await readCaptureFile(JS)); // no finish(): the channel is still up
    const entry = store.connections[0]!;
    expect(entry.record).toBeNull();
    expect(summarizeConnection(store, entry)).toMatchObject({
      open: true,
      client: '127.0.0.1:47262',
      server: '127.0.0.1:50120',
      protocol: 'h2c',
    });
  });
});

describe('late-start-grpcio: grpcio client and server, literal NOT_FOUND statuses next to unknown OK ones', () => {
  it('--summary: the decoded errors count, the hidden OKs are status unknown guessed OK', async () => {
    const r = await runCliCaptured([PY, '--summary']);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe(
      '1 connection, 52 gRPC calls, 7 not ok, 45 status unknown (HPACK entries from before the capture; ' +
        '45 guessed OK, not decoded)',
    );
    const table = lines.indexOf('gRPC calls by method (1):');
    expect(lines[table + 2]).toMatch(/^ {2}\(unknown method\) +52 +7 +13\.5% +45 \(45 guessed OK\) /);
    expect(lines[table + 3]).toBe('  statuses: status unknown (guessed OK) 45, NOT_FOUND 7');
  });

  it('--filter knows the outcome status-unknown; markdown reproduces the failed calls without them', async () => {
    const failed = await runCliCaptured([
      PY,
      '--filter',
      'grpc.outcome != ok && grpc.outcome != status-unknown',
    ]);
    expect(failed.stdout.split('\n').filter((l) => l.startsWith('    call '))).toHaveLength(7);
    const unknown = await runCliCaptured([PY, '--filter', 'grpc.outcome == status-unknown']);
    expect(unknown.stdout.split('\n').filter((l) => l.startsWith('    call '))).toHaveLength(45);
    const md = await runCliCaptured([PY, '--format', 'markdown']);
    expect(md.stdout).toContain("--filter 'grpc.outcome != ok && grpc.outcome != status-unknown'");
  });

  it('TUI Overview: only the decoded errors are failed', async () => {
    app = await renderApp(await loadStore('late-start-grpcio.pcap'), { columns: 200, rows: 40 });
    expect(app.frame()).toContain(
      'Calls        52 · 7 failed · 45 status unknown (45 guessed OK; HPACK entries from before the capture)',
    );
  });
});
