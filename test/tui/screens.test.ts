/**
 * Every screen and key path on real samples, through ink-testing-library: what is on the screen after
 * these keys. The cursor row starts with ">" (LineView's gutter), so it shows without colours.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { selectDiagnosticGroups } from '../../src/model/store-selectors.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CaptureStore } from '../../src/model/store.js';
import { effectRunner, inputProblem } from '../../src/tui/run.js';
import { counted } from '../../src/tui/format.js';
import { KEY, renderApp, type Rendered } from './render.js';
import { loadStore, SAMPLES } from './load-store.js';

let app: Rendered | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

async function open(sample: string, size?: { columns?: number; rows: number }): Promise<Rendered> {
  app = await renderApp(await loadStore(sample), size);
  return app;
}

/** The line the cursor is on. */
function cursorLine(frame: string): string {
  return frame.split('\n').find((l) => l.startsWith('>')) ?? '';
}

describe('Overview', () => {
  it('grpc-js-deadline: what failed first: diagnoses by code, failing methods with statuses, then connections', async () => {
    const store = await loadStore('grpc-js-deadline.pcap');
    app = await renderApp(store);
    const f = app.frame();
    const c = store.severityCounts;
    expect(f).toContain('Capture      samples/grpc-js-deadline.pcap  pcap · 32 packets · 2.98 kB · 1.34s');
    expect(f).toContain(
      `Diagnostics  ${counted(c.error, 'error')} · ${counted(c.warning, 'warning')} · ${c.info} info    Calls 3 · 2 failed`,
    );
    expect(f).toContain('Diagnoses  Enter opens · 5 for all');
    expect(cursorLine(f)).toMatch(
      /^> +WARNING +×1 analysis\.deadline\.exceeded +Call ran out of its deadline/,
    );
    expect(f).toMatch(/^ +INFO +×1 analysis\.cancel\.client +Call cancelled by the client/m);
    expect(f).toContain('Failing methods  Enter lists the failed calls');
    expect(f).toMatch(/^ \/scope\.v1\.Lab\/Echo +1\/2 failed +DEADLINE_EXCEEDED 1$/m);
    expect(f).toMatch(/^ \/scope\.v1\.Lab\/Watch +1\/1 failed +CANCELLED 1$/m);
    expect(f).toMatch(/ c1 +127\.0\.0\.1:42358 +→ 127\.0\.0\.1:50105 +h2c +3 +\d+ /);
    expect(f.split('\n')[0]).toMatch(/^h2scope {2}1 Overview {2}2 Calls .* loaded · 32 pkts$/);
  });

  it('Enter on a diagnosis opens it in full; Enter there opens its call; Esc twice comes back', async () => {
    const store = await loadStore('grpc-js-deadline.pcap');
    app = await renderApp(store, { rows: 50 });
    const d = await app.keys(KEY.enter);
    expect(d).toContain('Diagnostic  analysis.deadline.exceeded');
    expect(d).toContain('WARNING Call ran out of its deadline  analysis.deadline.exceeded');
    expect(d).toMatch(/connection c1 · stream 1 · at \d+\.\d{6} s \(\d\d:\d\d:\d\d\.\d{6} UTC\)/);
    expect(d).toContain('What happened');
    expect(d).toContain('Evidence');
    expect(d).toMatch(/ {3}call {6}c1 stream 1 \/scope\.v1\.Lab\/Echo {2}4 DEADLINE_EXCEEDED/);
    const call = await app.keys(KEY.enter);
    expect(call).toContain('Call c1 stream 1  /scope.v1.Lab/Echo');
    expect(call).toContain('status 4 DEADLINE_EXCEEDED  outcome deadline-exceeded');
    expect(call).toContain('reset by the client with RST_STREAM CANCEL');
    expect(await app.keys(KEY.esc)).toContain('Diagnostic  analysis.deadline.exceeded');
    expect(await app.keys(KEY.esc)).toContain('Diagnoses');
  });

  it('Enter on a failing method lists its failed calls on Calls, filtered', async () => {
    const a = await open('grpc-js-unary.pcap');
    expect(a.frame()).toMatch(
      /^>\/scope\.v1\.Lab\/Echo +2\/5 failed +FAILED_PRECONDITION 1 · RESOURCE_EXHAUSTED 1/m,
    );
    const f = await a.keys(KEY.enter);
    expect(f).toContain('Calls  2 of 5 calls · 2 failed  filter: grpc.method == "/scope.v1.Lab/Echo"');
    expect(cursorLine(f)).toMatch(/ 7 \/scope\.v1\.Lab\/Echo +9 FAILED_PRECONDITION/);
  });

  it('plain HTTP/2: requests by :status, not "Calls 0"', async () => {
    const a = await open('h2-curl-prior-knowledge.pcap');
    expect(a.frame()).toContain('Requests 1 · :status 200 ×1');
    expect(a.frame()).not.toContain('Calls 0');
  });

  it('Enter on a connection opens its flow graph', async () => {
    const a = await open('grpc-js-unary.pcap', { rows: 50 });
    const f = await a.keys('j', KEY.enter);
    expect(f).toContain('Connection c1  127.0.0.1:49616 → 127.0.0.1:50101');
    expect(f).toMatch(/0\.059917 │◀─+ SETTINGS s=0 0 \(empty\) ─│/);
    expect(f).toMatch(/0\.097667 │─ GOAWAY s=0 8 NO_ERROR last_stream=0 ─+▶│/);
  });
});

describe('Calls', () => {
  it('grpc-js-unary: one row per call with status and outcome; e jumps to the first failure', async () => {
    const a = await open('grpc-js-unary.pcap');
    const f = await a.keys('2');
    expect(f).toContain('Calls  5 of 5 calls · 2 failed');
    expect(f).toMatch(/time conn +stream method +status +outcome +duration +msgs/);
    expect(cursorLine(f)).toMatch(
      /^> +0\.063515 c1 +1 \/scope\.v1\.Lab\/Echo +0 OK +ok +8\.29ms +1\/1 +227 B$/,
    );
    expect(cursorLine(await a.keys('e'))).toMatch(
      / 7 \/scope\.v1\.Lab\/Echo +9 FAILED_PRECONDITION +error +0\.563ms +1\/0/,
    );
    expect(cursorLine(await a.keys('e'))).toMatch(/ 9 .* 8 RESOURCE_EXHAUSTED +error/);
    expect(cursorLine(await a.keys('E'))).toMatch(/ 7 .* 9 FAILED_PRECONDITION/);
  });

  it('s sorts by the next column, S reverses', async () => {
    const a = await open('grpc-js-unary.pcap');
    await a.keys('2');
    const byDuration = await a.keys('ssssss');
    expect(byDuration).toContain('sorted by duration ascending');
    const order = (f: string): string[] => [...f.matchAll(/ c1 +(\d+) \/scope/g)].map((m) => m[1]!);
    expect(order(byDuration)).toEqual(['7', '5', '3', '9', '1']); // 0.563ms 1.05ms 1.86ms 5.81ms 8.29ms
    expect(order(await a.keys('S'))).toEqual(['1', '9', '3', '5', '7']);
  });

  it('/ filters with the display filter language, or plain words; errors are shown', async () => {
    const a = await open('grpc-js-unary.pcap');
    await a.keys('2');
    const f = await a.keys('/', 'grpc.status != 0', KEY.enter);
    expect(f).toContain('Calls  2 of 5 calls · 2 failed  filter: grpc.status != 0');
    const words = await a.keys('/', '\x15', 'quota', KEY.enter);
    expect(words).toContain('1 of 5 calls');
    expect(words).toContain('RESOURCE_EXHAUSTED');
    const bad = await a.keys('/', '\x15', 'grpc.status ==', KEY.enter);
    expect(bad).toMatch(/filter error at column \d+: /);
    expect(bad).toContain('5 of 5 calls');
    expect(await a.keys(KEY.esc)).toContain('Calls  5 of 5 calls · 2 failed\n');
  });

  it('the filter prompt shows what is typed', async () => {
    const a = await open('grpc-js-unary.pcap');
    const f = await a.keys('2', '/', 'Echo');
    expect(f.split('\n').at(-1)).toMatch(/^filter \/Echo +Enter apply · Esc cancel/);
  });
});

describe('HTTP/2 requests', () => {
  it('h2-nghttp-h2c: requests that are not gRPC are rows too; Enter opens their frames', async () => {
    const a = await open('h2-nghttp-h2c.pcap');
    const f = await a.keys('2');
    expect(f).toContain('Calls  4 of 4 calls (0 gRPC, 4 HTTP) · 0 failed');
    expect(cursorLine(f)).toMatch(/^> +0\.000216 c1 +13 GET \/index\.html +HTTP 200 +ok +0\.431ms +- +76 B$/);
    expect(f).toMatch(/ c2 +13 POST \/echo +HTTP 200 +ok /);
    const flow = await a.keys('jj', KEY.enter);
    expect(flow).toContain('Connection c1');
    expect(cursorLine(flow)).toMatch(/│─ HEADERS s=17 \[ES,EH,PAD,PRIO\] 29 GET \/big\.txt/);
  });
});

describe('Call detail', () => {
  it('shows grpcurl, headers, messages (expandable), trailers, status and the frame timeline', async () => {
    const a = await open('grpc-js-unary.pcap', { rows: 60 });
    const f = await a.keys('2', 'jjj', KEY.enter);
    expect(f).toContain('Call c1 stream 7  /scope.v1.Lab/Echo');
    expect(f).toContain("grpcurl -plaintext -H 'x-trace-id: trace-0004' 127.0.0.1:50101 scope.v1.Lab/Echo");
    expect(f).toContain('Trailers (trailers-only response)  5');
    expect(f).toContain('9 FAILED_PRECONDITION  résumé ✓ failed'); // grpc-message percent-decoded
    expect(f).toMatch(/Timeline {2}3 frames/);
    expect(f).toMatch(/\+0\.563ms S→C HEADERS +38 ES,EH/);
    // Tab to "Request messages", down to message #1, Enter expands its schema-less tree
    const msgs = await a.keys(KEY.tab, KEY.tab, KEY.tab, 'j');
    expect(cursorLine(msgs)).toMatch(/^> +▸ #1 36 B · \+0ms · raw/);
    const open1 = await a.keys(KEY.enter);
    expect(cursorLine(open1)).toMatch(/▾ #1/);
    // protoc --decode_raw style (the sample's EchoRequest: text, code, detail)
    expect(open1).toContain(
      '▾ #1 36 B · +0ms · raw\n       1: "fail please"\n       12: 9\n       13: "résumé ✓ failed"',
    );
    expect(await a.keys(KEY.enter)).not.toContain('"fail please"');
  });

  it('x shows the DATA bytes; the status details of a rich error are decoded', async () => {
    const a = await open('grpc-js-unary.pcap', { rows: 80 });
    const f = await a.keys('2', 'G', KEY.enter, 'x');
    expect(f).toContain('status 8 RESOURCE_EXHAUSTED');
    expect(f).toContain('details: google.rpc.Status 8 RESOURCE_EXHAUSTED "quota exceeded for tenant lab"');
    expect(f).toContain('google.rpc.ErrorInfo');
    expect(f).toContain('reason: "QUOTA_EXCEEDED"');
    expect(f).toContain('Raw bytes  DATA frames, first 512 bytes each');
    expect(f).toMatch(/frame 24 client DATA 50 bytes\n +0000 {2}00 00 00 00 2d /);
  });

  it('/ in a document highlights and n jumps to matching lines', async () => {
    const a = await open('grpc-js-unary.pcap', { rows: 30 });
    await a.keys('2', KEY.enter);
    const f = await a.keys('/', 'x-served-by', KEY.enter, 'n');
    expect(cursorLine(f)).toMatch(/x-served-by: grpc-js/);
  });
});

describe('Connections and connection detail', () => {
  it('grpc-conn-per-call: ten connections; the detail has a flow graph, a summary and window charts', async () => {
    const a = await open('grpc-conn-per-call.pcap', { rows: 40 });
    const list = await a.keys('3');
    expect(list).toContain('Connections  10 of 10 connections');
    expect(list.match(/ h2c +1 +0 /g)).toHaveLength(10);
    const flow = await a.keys('G', KEY.enter);
    expect(flow).toContain('Connection c10');
    expect(flow).toMatch(/HEADERS s=1 \[EH\] \d+ POST \/scope\.v1\.Lab\/Echo {2}:authority/);
    const summary = await a.keys(KEY.tab);
    expect(summary).toMatch(/SETTINGS\n/);
    expect(summary).toMatch(/client {2}in force: /);
    expect(summary).toContain('RST_STREAM  none');
    const charts = await a.keys(KEY.tab);
    expect(charts).toMatch(/client → server connection window {2}min [\d,]+ · final [\d,]+ · 0 stalls/);
    expect(charts).toMatch(/server → client connection window/);
    expect(await a.keys(']')).toMatch(/client → server stream 1 {2}min/);
  });

  it("grpc-small-window: the server's stalls are in the summary and under the chart", async () => {
    const a = await open('grpc-small-window.pcap', { rows: 40 });
    const charts = await a.keys('3', KEY.enter, KEY.tab, KEY.tab);
    // the stream window held the DATA back, not the connection window: the connection chart says so
    expect(charts).toMatch(
      /server → client connection window {2}min 29,355 · final 63,525 · 0 stalls \(0ms\) · 3 on stream windows/,
    );
    const stream = await a.keys(']');
    expect(stream).toMatch(/server → client stream 1 {2}min -?[\d,]+ · final [\d,]+ · 3 stalls \(1\.96s\)/);
    expect(stream).toMatch(/ stalls .*▀/);
    const summary = await a.keys(KEY.backtab);
    expect(summary).toContain('analysis.flow.starvation');
    expect(summary).toMatch(/server sent [\d.]+ kB in \d+ DATA · .* · 3 stalls/);
  });

  it('grpc-too-many-pings: GOAWAY ENHANCE_YOUR_CALM with its debug data, PINGs with RTT', async () => {
    const a = await open('grpc-too-many-pings.pcap', { rows: 60 });
    const summary = await a.keys('3', KEY.enter, KEY.tab);
    expect(summary).toMatch(/from server {2}ENHANCE_YOUR_CALM {2}last stream 1 {2}"too_many_pings"/);
    expect(summary).toMatch(/client {2}\d+ sent · \d+ acked · 0 unanswered · RTT min/);
    expect(summary).toContain('analysis.goaway.too-many-pings');
  });
});

describe('Frames', () => {
  it('a packet list with details and bytes panes', async () => {
    const a = await open('grpc-js-unary.pcap', { rows: 50 });
    const f = await a.keys('4', 'jjj');
    expect(f).toContain('Frames  29 of 29 frames');
    expect(cursorLine(f)).toMatch(
      /^> +4 +0\.063515 c1 +C→S HEADERS +1 +140 EH +POST \/scope\.v1\.Lab\/Echo {2}:authority: 127…$/,
    );
    expect(f).toContain('Frame 4  c1 #3 · packet 8');
    expect(f).toContain('header list (11 fields)');
    expect(f).toContain(':path: /scope.v1.Lab/Echo');
    expect(f).toContain('call               /scope.v1.Lab/Echo');
    // the hex pane: the frame header rebuilt (len 140 = 0x8c, type 0x1, END_HEADERS 0x4, stream 1), then the
    // HPACK block (0x41: literal with incremental indexing, name index 1 :authority, RFC 7541 §6.2.1)
    const hex = await a.keys('x');
    expect(hex).toContain('── Bytes');
    expect(hex).toContain('frame header 9 bytes + HEADERS payload 140 bytes');
    // ASCII column: '.' for anything not printable (0x5c is a backslash)
    expect(hex).toContain(' 0000  00 00 8c 01 04 00 00 00 01 41 8b 08 9d 5c 0b 81  .........A...\\..');
    expect(hex).not.toContain('not kept');
    const data = await a.keys(KEY.tab, 'j', 'x');
    expect(data).toContain('frame header 9 bytes + DATA payload 106 bytes');
    expect(data).toMatch(/0000 {2}00 00 6a 00 01 00 00 00 01 00 00 00 00 65 0a 05 /);
    expect(data).toMatch(/0070 {2}[0-9a-f ]+ {2}\S+ *\n/); // 9 + 106 = 115 bytes: the last row holds 3
  });

  it('the hex pane says how many bytes were not kept beyond the per-frame cap', async () => {
    const store = await loadStore('grpc-js-unary.pcap', {}, { frameBytes: 16, spool: null });
    app = await renderApp(store, { rows: 50 });
    const f = await app.keys('4', 'jjjj', KEY.tab, 'x');
    expect(f).toContain('frame header 9 bytes + DATA payload 106 bytes');
    expect(f).toMatch(/0000 {2}00 00 6a 00 01 00 00 00 01 00 00 00 00 65 0a 05 {2}/);
    expect(f).toMatch(/0010 {2}[0-9a-f]{2}( [0-9a-f]{2}){8} +\S/); // 25 bytes kept: 16 + 9
    expect(f).toContain('… 90 more bytes not kept (h2scope keeps 16 per frame)');
  });

  it('H opens the HPACK inspector on a HEADERS frame', async () => {
    const a = await open('grpc-js-unary.pcap', { rows: 50 });
    const f = await a.keys('4', 'jjj', 'H');
    expect(f).toContain('Header block of frame 4  c1 stream 1 · HEADERS from the client');
    expect(f).toContain('block 140 bytes on the wire · 11 fields');
    // 5 + 18 + 32 (RFC 7541 §4.1); 0x04 with a Huffman value: without indexing, name index 4 (§6.2.2).
    expect(f).toMatch(/ 3 noidx name 4 H +:path +55 {2}\/scope\.v1\.Lab\/Echo/);
    expect(f).toMatch(/ 2 idx 3 +:method +43 {2}POST/);
    expect(f).toMatch(/ 5 \+idx new H +x-trace-id +52 {2}trace-0001/);
    expect(f).toMatch(/client encoder's dynamic table after this block.*\n +443 of 4,096 octets used\n/);
    expect(f).toMatch(/ 62 te +42 {2}trailers\n +63 content-type +60 {2}application\/grpc\n/);
    expect(f).toMatch(
      /server encoder's dynamic table at this point\n +0 of 4,096 octets used\n[^\n]*\n +\(empty\)/,
    );
    expect(f).not.toContain('not exposed');
  });

  it('filters by type, jumps to errors, and opens the connection', async () => {
    const a = await open('grpc-too-many-pings.pcap', { rows: 40 });
    const goaways = await a.keys('4', '/', 'http2.type == GOAWAY', KEY.enter);
    expect(goaways).toContain('3 of 24 frames');
    await a.keys(KEY.esc);
    const err = await a.keys('e');
    expect(cursorLine(err)).toMatch(
      /^> +22 +4\.024371 c1 +S→C GOAWAY +0 +22 +ENHANCE_YOUR_CALM last_stream=1/,
    );
    expect(err).toContain('debugData          too_many_pings');
    expect(await a.keys('c')).toContain('Connection c1');
  });
});

describe('Diagnostics', () => {
  it('grouped by code, most severe first; Enter opens one in full, its links lead to the frame', async () => {
    const store = await loadStore('grpc-too-many-pings.pcap');
    const a = (app = await renderApp(store, { rows: 40 }));
    const f = await a.keys('5');
    const c = store.severityCounts;
    const n = store.diagnostics.length;
    expect(f).toContain(
      `Diagnostics  ${n} of ${n} in 2 codes · ${counted(c.error, 'error')} · ${counted(c.warning, 'warning')} · ${c.info} info`,
    );
    expect(cursorLine(f)).toMatch(/^> +ERROR +×1 analysis\.goaway\.too-many-pings +GOAWAY too_many_pings/);
    const d = await a.keys(KEY.enter);
    expect(d).toContain('Diagnostic  analysis.goaway.too-many-pings');
    expect(d).toMatch(/^ +debug +too_many_pings *$/m);
    expect(d).toMatch(/frame {5}#22 in Frames {2}GOAWAY s=0 \d+ ENHANCE_YOUR_CALM/);
    // Tab to the links, then the second link (the frame)
    const frames = await a.keys(KEY.tab, 'j', KEY.enter);
    expect(frames).toContain('Frames  24 of 24 frames');
    // the details pane is focused on the frame; the list keeps a mark on its row
    expect(cursorLine(frames)).toMatch(/^>Frame 22 {2}c1 #21 · packet 25 · 4\.\d{6} s *$/);
    expect(frames).toMatch(/^▸ +22 .*GOAWAY/m);
    expect(frames).toContain('errorCode          ENHANCE_YOUR_CALM (0xb)');
  });

  it('a group of many expands in place; f filters by its code', async () => {
    // abuse-rapid-reset-grpc-js: the server refused 30 calls of the reset flood (grpc.call-refused x30)
    const store = await loadStore('abuse-rapid-reset-grpc-js.pcap');
    const a = (app = await renderApp(store, { rows: 60 }));
    const list = await a.keys('5');
    const groups = selectDiagnosticGroups(store, null);
    const big = groups.findIndex((g) => g.code === 'grpc.call-refused');
    const g = groups[big]!;
    expect(g.rows.length).toBe(30);
    expect(list).toMatch(/▸ [A-Z]+ +×30 grpc\.call-refused /);
    const open = await a.keys(...Array<string>(big).fill('j'), KEY.enter);
    expect(cursorLine(open)).toMatch(/^>▾ [A-Z]+ +×30 grpc\.call-refused /);
    expect(open.split('\n').filter((l) => /^ {5}c\d+ s\d+ /.test(l)).length).toBeGreaterThanOrEqual(20);
    const one = await a.keys('j', KEY.enter);
    expect(one).toContain('Diagnostic  1 of 30 grpc.call-refused');
    const filtered = await a.keys(KEY.esc, 'f');
    expect(filtered).toContain(`filter: diag.code == "${g.code}"`);
  });
});

describe('Actions and the time format', () => {
  it('t cycles the times of every list: capture-relative, UTC time of day, delta from the row above', async () => {
    const a = await open('grpc-js-unary.pcap');
    await a.keys('2');
    const utc = await a.keys('t');
    expect(utc).toMatch(/ +▲UTC conn/);
    expect(cursorLine(utc)).toMatch(/^> *\d\d:\d\d:\d\d\.\d{6} c1 +1 \/scope/);
    const delta = await a.keys('t');
    expect(delta).toMatch(/▲delta conn/);
    expect(cursorLine(delta)).toMatch(/^> +0\.000000 c1 +1 /);
    expect(delta).toMatch(/^ +0\.010656 c1 +3 /m);
    // the flow graph reads the same clock
    const flow = await a.keys('3', KEY.enter);
    expect(flow).toMatch(/ +delta 127\.0\.0\.1:49616/);
    expect(await a.keys('t')).toMatch(/ +time 127\.0\.0\.1:49616/);
  });

  it('f filters by the selected value; T follows the stream in Frames, both directions in order', async () => {
    const a = await open('grpc-js-unary.pcap');
    const f = await a.keys('2', 'f');
    expect(f).toContain('Calls  5 of 5 calls · 2 failed  filter: grpc.method == "/scope.v1.Lab/Echo"');
    const frames = await a.keys(KEY.esc, 'jj', 'T');
    expect(frames).toContain('filter: conn.id == "c1" && http2.stream == 5');
    const rows = frames.split('\n').filter((l) => / c1 +[CS]→[CS] /.test(l));
    expect(rows.map((l) => / (C→S|S→C) (\w+) /.exec(l)!.slice(1).join(' '))).toEqual([
      'C→S HEADERS',
      'C→S DATA',
      'S→C HEADERS',
      'S→C DATA',
      'S→C HEADERS',
    ]);
  });

  it('y on a call queues its grpcurl command for exit; w without a runner says so', async () => {
    const a = await open('grpc-js-unary.pcap');
    const y = await a.keys('2', KEY.enter, 'y');
    expect(y.split('\n').at(-1)).toContain('the grpcurl command: not available here');
    const w = await a.keys('w');
    expect(w.split('\n').at(-1)).toContain("connection c1 (the call's): not available here");
    // T follows the call's stream in Frames; w there names the stream, not the connection.
    const t = await a.keys('T');
    expect(t).toContain('conn.id == "c1" && http2.stream == 1');
    const ws = await a.keys('w');
    expect(ws.split('\n').at(-1)).toMatch(/stream 1 of c1 \(\d+ frames\): not available here/);
  });

  it('the effect runner writes a connection to a new pcap file and prints on exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h2scope-w-'));
    try {
      const printed: string[] = [];
      const run = effectRunner(`${SAMPLES}grpc-js-unary.pcap`, printed, dir);
      expect(await run({ kind: 'write-pcap', connection: 'c1', what: 'connection c1' })).toBe(
        `connection c1: 31 packets written to ${join(dir, 'h2scope-c1.pcap')}`,
      );
      expect(await run({ kind: 'write-pcap', connection: 'c1', what: 'connection c1' })).toContain(
        'h2scope-c1-2.pcap',
      );
      // The Follow stream view: only the packets that completed the stream's frames, to a file named so.
      const store = await loadStore('grpc-js-unary.pcap');
      const packets = new Set<number>();
      for (let f = 0; f < store.frames.count; f++)
        if (store.frames.stream.get(f) === 1) packets.add(store.frames.packet.get(f));
      expect(
        await run({
          kind: 'write-pcap',
          connection: 'c1',
          what: 'stream 1',
          packets: [...packets],
          name: 'c1-stream1',
        }),
      ).toBe(`stream 1: ${packets.size} packets written to ${join(dir, 'h2scope-c1-stream1.pcap')}`);
      const written = await readCaptureFile(join(dir, 'h2scope-c1-stream1.pcap'));
      const records = written.filter((e) => e.kind === 'packet');
      expect(records.length).toBe(packets.size);
      const copy = await loadStore('grpc-js-unary.pcap');
      const again = new CaptureStore({ throttleMs: 0 });
      const engine = createEngine({ file: 'x' }, again);
      engine.push(await readCaptureFile(join(dir, 'h2scope-c1.pcap')));
      engine.finish();
      expect(again.callCount).toBe(copy.callCount);
      expect(await run({ kind: 'print', text: 'grpcurl x', what: 'the grpcurl command' })).toContain(
        'printed',
      );
      expect(printed).toEqual(['grpcurl x']);
      expect(
        await effectRunner('-', [], dir)({ kind: 'write-pcap', connection: 'c1', what: 'c1' }),
      ).toContain('pipe');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Help, errors and input problems', () => {
  it('a missing file is one line, before the full-screen UI', () => {
    expect(inputProblem('/nonexistent/x.pcap')).toBe(
      'Cannot open /nonexistent/x.pcap: no such file or directory (ENOENT).',
    );
    expect(inputProblem(SAMPLES)).toContain('it is a directory');
    expect(inputProblem('-')).toBeNull();
  });

  it('a connection without HTTP/2 frames (TLS handshake failure) says why, with its diagnostics', async () => {
    const a = await open('tls-handshake-failure.pcap', { rows: 40 });
    const f = await a.keys('3', KEY.enter);
    expect(f).toContain('No HTTP/2 frames on this connection');
    expect(f).toMatch(/ERROR tls\./);
  });

  it('? lists every key; / searches it', async () => {
    const a = await open('grpc-js-unary.pcap', { rows: 40 });
    const f = await a.keys('?');
    for (const k of [
      'j k  ↓ ↑',
      'PgDn PgUp',
      'g G  Home End',
      'Enter',
      'Esc',
      'Tab',
      '/',
      'n N',
      'e E',
      's S',
      'x',
      'H',
      'q',
    ])
      expect(f).toContain(k);
    expect(cursorLine(await a.keys('/', 'HPACK', KEY.enter, 'n'))).toMatch(/H +HPACK inspector/);
    expect(await a.keys(KEY.esc)).toContain('Capture      ');
  });

  it('damaged-notacapture: an error screen, then what was decoded (nothing) is browsable', async () => {
    const a = await open('damaged-notacapture.pcap');
    const f = await a.keys(); // the error screen is pushed after the first render
    expect(f).toContain('The input could not be read.');
    expect(f).toMatch(/not a (pcap or pcapng )?capture/i);
    expect(f).toContain('Decoded before the problem: 0 packets, 0 connections, 0 frames, 0 calls.');
    expect(f.split('\n')[0]).toMatch(/input error · 0 pkts$/);
    const back = await a.keys(KEY.esc);
    expect(back).toMatch(/Input error {2}/);
  });

  it('damaged-truncated: the overview says the input ended early', async () => {
    const a = await open('damaged-truncated.pcap');
    expect(a.frame()).toMatch(/Input {8}The capture ends inside record 11 at byte offset 50794/);
  });

  it('q asks to quit', async () => {
    const a = await open('grpc-js-unary.pcap');
    await a.keys('q');
    expect(a.quit.count).toBe(1);
  });
});
