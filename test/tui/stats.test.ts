/**
 * The Stats screen (6) on real samples: its numbers are --summary's (one aggregation, src/model/
 * call-stats.ts), its tables sort, Enter lands on the filtered Calls or Frames list, and the sums follow a
 * capture as it streams in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { selectEndpointRows } from '../../src/model/select-stats-endpoints.js';
import { selectIoSeries } from '../../src/model/select-stats-io.js';
import {
  selectFrameTypeRows,
  selectMethodRows,
  StatsIndex,
  statsIndexOf,
} from '../../src/model/select-stats.js';
import { CaptureStore } from '../../src/model/store.js';
import { formatMs } from '../../src/output/table.js';
import { methodsTable } from '../../src/tui/stats-methods.js';
import { loadStore, SAMPLES, summaryOf } from './load-store.js';
import { KEY, renderApp, type Rendered } from './render.js';

let app: Rendered | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

/** The rows of --summary's "gRPC calls by method" table: method -> its cells. */
function summaryMethods(text: string): Map<string, string[]> {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('gRPC calls by method'));
  const rows = new Map<string, string[]>();
  for (const l of lines.slice(at + 2)) {
    if (!l.startsWith('  /') && !l.startsWith('  (')) break;
    const cells = l.trim().split(/ {2,}/);
    rows.set(cells[0]!, cells.slice(1));
  }
  return rows;
}

const cursorLine = (frame: string): string => frame.split('\n').find((l) => l.startsWith('>')) ?? '';

describe('Stats numbers are the numbers of --summary', () => {
  for (const sample of [
    'grpc-js-status.pcap',
    'js-client-py-server.pcap',
    'showcase.pcapng',
    'late-start-grpcio.pcap',
  ]) {
    it(`${sample}: calls, errors, error rate and p50/p90/p99/max per method`, async () => {
      const [store, text] = await Promise.all([loadStore(sample), summaryOf(sample)]);
      const summary = summaryMethods(text);
      const rows = selectMethodRows(statsIndexOf(store), { column: 'calls', descending: true });
      expect(rows.map((r) => r.method)).toEqual([...summary.keys()]);
      for (const r of rows) {
        const cells = summary.get(r.method)!;
        const rate = `${((100 * r.stats.errors) / r.stats.calls).toFixed(1)}%`;
        const l = r.latency;
        const withUnknown = cells.length > 9;
        const lat = withUnknown ? cells.slice(-6, -2) : cells.slice(3, 7);
        expect([cells[0], cells[1], cells[2]]).toEqual([String(r.stats.calls), String(r.stats.errors), rate]);
        expect(lat).toEqual([l.p50, l.p90, l.p99, l.max].map(formatMs));
      }
      const statuses = /statuses: (.*)/.exec(text)![1]!;
      const total = statsIndexOf(store).methods.total;
      expect(
        statuses
          .split(', ')
          .map((s) => [s.slice(0, s.lastIndexOf(' ')), Number(s.slice(s.lastIndexOf(' ') + 1))]),
      ).toEqual([...total.statuses].sort((a, b) => b[1] - a[1]));
      expect(text).toContain(`${total.errors} not ok`);
    });
  }

  it('grpc-js-status: the Methods table shows them, with errors by status name', async () => {
    const store = await loadStore('grpc-js-status.pcap');
    app = await renderApp(store, { columns: 120, rows: 30 });
    const f = await app.keys('6');
    expect(f).toContain('Stats  2 methods · 18 calls · 17 not ok');
    const [first] = selectMethodRows(statsIndexOf(store), { column: 'calls', descending: true });
    const l = first!.latency;
    expect(cursorLine(f)).toMatch(
      new RegExp(
        `^>${first!.method.replace(/[./]/g, '\\$&')} +${first!.stats.calls} +${first!.stats.errors} .*` +
          // The percentiles in the text --summary prints for them (one duration format).
          [l.p50, l.p90, l.p99].map((ms) => formatMs(ms).replace('.', '\\.')).join(' +'),
      ),
    );
    expect(f).toMatch(/UNAVAILABLE \d|INVALID_ARGUMENT \d|NOT_FOUND \d/);
    expect(f).toContain('all methods ');
  });

  it('grpc-pinned: frames per type add up to each connection, calls and bytes per endpoint to the connections', async () => {
    const store = await loadStore('grpc-pinned.pcap');
    const index = statsIndexOf(store);
    const types = selectFrameTypeRows(index, { column: 'connection', descending: false });
    const frames = (conn: number): number =>
      types.filter((t) => t.connection === conn).reduce((n, t) => n + t.client.frames + t.server.frames, 0);
    expect(frames(-1)).toBe(store.frames.count);
    for (const entry of store.connections) expect(frames(entry.ordinal)).toBe(entry.record!.frameCount);
    const endpoints = selectEndpointRows(store, index, { column: 'role', descending: false });
    const servers = endpoints.filter((e) => e.role === 'server');
    expect(servers.reduce((n, e) => n + e.calls, 0)).toBe(store.callCount);
    for (const s of servers) {
      const conns = store.connections.filter((c) => c.record!.server === s.name);
      expect(s.calls).toBe(conns.reduce((n, c) => n + c.calls.length, 0));
      expect(s.sent).toBe(conns.reduce((n, c) => n + c.record!.bytes.server, 0));
      expect(s.received).toBe(conns.reduce((n, c) => n + c.record!.bytes.client, 0));
    }
    expect(servers.reduce((n, e) => n + e.share, 0)).toBeCloseTo(1);
  });

  it('showcase: the IO graph counts every call, error, RST_STREAM and GOAWAY once', async () => {
    const store = await loadStore('showcase.pcapng');
    const io = selectIoSeries(store, 160)!;
    const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
    const typed = (t: string): number => {
      let n = 0;
      for (let i = 0; i < store.frames.count; i++) if (store.frames.typeName(i) === t) n++;
      return n;
    };
    expect(sum(io.calls)).toBe(store.callCount);
    expect(sum(io.errors)).toBe(statsIndexOf(store).methods.total.errors);
    expect(sum(io.resets)).toBe(typed('RST_STREAM'));
    expect(sum(io.goaways)).toBe(typed('GOAWAY'));
    let bytes = 0;
    for (let i = 0; i < store.frames.count; i++) bytes += store.frames.length.get(i) + 9;
    expect(sum(io.bytes)).toBe(bytes);
  });
});

describe('Stats keys', () => {
  it('Tab goes through the five panes; s and S sort the table', async () => {
    app = await renderApp(await loadStore('grpc-js-status.pcap'));
    expect(await app.keys('6')).toContain(' Tab  Methods  Frame types  Endpoints  IO graph');
    expect(await app.keys(KEY.tab)).toMatch(/conn▲ type/);
    expect(await app.keys(KEY.tab)).toMatch(/role▲ +endpoint/);
    const io = await app.keys(KEY.tab);
    expect(io).toMatch(/>calls +18 total · peak \d+ per /);
    expect(io).toContain(' errors  17 total');
    expect(io).toMatch(/RST_STREAM \/ GOAWAY +\d+ total/);
    expect(await app.keys(KEY.tab)).toContain('share of call time per component');
    expect(await app.keys(KEY.tab)).toContain('▼calls');
    expect(await app.keys('S')).toContain('▲calls');
    const sorted = await app.keys('s');
    expect(sorted).toContain('sorted by errors descending');
    expect(sorted).toMatch(/ ▼errors +p50/);
  });

  it('Enter on a method lists its calls; Esc clears the filter', async () => {
    const store = await loadStore('grpc-js-status.pcap');
    app = await renderApp(store);
    await app.keys('6');
    const [first] = selectMethodRows(statsIndexOf(store), { column: 'calls', descending: true });
    const calls = await app.keys(KEY.enter);
    expect(calls).toContain(`Calls  ${first!.stats.calls} of 18 calls`);
    expect(calls).toContain(`filter: grpc.method == "${first!.method}"`);
    expect(await app.keys(KEY.esc)).toContain('Calls  18 of 18 calls');
  });

  it('Enter on a frame type lists those frames of that connection', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    app = await renderApp(store);
    await app.keys('6', KEY.tab);
    const f = await app.keys('j', 'j', 'j', 'j', KEY.enter);
    expect(f).toContain('filter: conn.id == "c1" && http2.type == HEADERS');
    expect(f).toContain('Frames  13 of 29 frames');
  });

  it('Enter on a server lists its calls; on the IO graph, errors lists the calls not ok', async () => {
    app = await renderApp(await loadStore('grpc-js-unary.pcap'));
    await app.keys('6', KEY.tab, KEY.tab);
    const server = await app.keys(KEY.enter);
    expect(server).toContain('filter: conn.server == "127.0.0.1:50101"');
    expect(server).toContain('Calls  5 of 5 calls');
    await app.keys('6', KEY.tab);
    const errors = await app.keys('j', KEY.enter);
    expect(errors).toContain('Calls  2 of 5 calls');
    expect(errors).toContain('filter: grpc.outcome != ok && grpc.outcome != status-unknown');
    await app.keys('6');
    const frames = await app.keys('j', 'j', KEY.enter);
    expect(frames).toContain('Frames  4 of 29 frames');
  });

  it('80x24: the tabs keep their labels and the Methods table fits', async () => {
    app = await renderApp(await loadStore('grpc-js-deadline.pcap'), { columns: 80, rows: 24 });
    expect(app.frame().split('\n')[0]).toMatch(
      /^h2scope {2}1 Overview {2}2 Calls {2}3 Conns {2}4 Frames {2}5 Diags {2}6 /,
    );
    const f = await app.keys('6');
    expect(f.split('\n')[0]).toContain('6 Stats');
    expect(f).toMatch(/>\/scope\.v1\.Lab\/\w+ +\d+ +\d+ /);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });
});

describe('Stats follow a capture as it streams in', () => {
  it('an index updated in steps equals one built on the whole capture', async () => {
    const events = await readCaptureFile(SAMPLES + 'showcase.pcapng');
    const store = new CaptureStore({ throttleMs: 0, spool: null });
    const engine = createEngine({ file: 'samples/showcase.pcapng' }, store);
    const stepped = new StatsIndex();
    const step = Math.ceil(events.length / 7);
    const seen: number[] = [];
    for (let at = 0; at < events.length; at += step) {
      engine.push(events.slice(at, at + step));
      stepped.update(store);
      seen.push(stepped.methods.total.calls);
    }
    engine.finish();
    stepped.update(store);
    expect(new Set(seen).size).toBeGreaterThan(1);
    const whole = new StatsIndex();
    whole.update(store);
    const sorted = { column: 'calls', descending: true } as const;
    expect(selectMethodRows(stepped, sorted)).toEqual(selectMethodRows(whole, sorted));
    const byConn = { column: 'connection', descending: false } as const;
    expect(selectFrameTypeRows(stepped, byConn)).toEqual(selectFrameTypeRows(whole, byConn));
  });

  it('the screen redraws as calls arrive', async () => {
    const events = await readCaptureFile(SAMPLES + 'grpc-js-status.pcap');
    const store = new CaptureStore({ throttleMs: 0, spool: null });
    const engine = createEngine({ file: 'samples/grpc-js-status.pcap' }, store);
    engine.push(events.slice(0, Math.floor(events.length / 2)));
    app = await renderApp(store);
    const half = await app.keys('6');
    const before = Number(/Stats {2}\d+ methods? · (\d+) calls/.exec(half)![1]);
    expect(before).toBeLessThan(18);
    engine.push(events.slice(Math.floor(events.length / 2)));
    engine.finish();
    store.setLoad({ phase: 'done' });
    expect(await app.keys()).toContain('18 calls · 17 not ok');
  });
});

describe('Stats Methods table layout', () => {
  it('count columns are as wide as what they hold: 43,152/43,152 messages are never cut at 200 columns', async () => {
    const index = statsIndexOf(await loadStore('grpc-js-status.pcap'));
    const sort = { column: 'calls', descending: true } as const;
    for (const [, s] of index.methods.sorted()) {
      s.requestMessages = 43152;
      s.responseMessages = 43152;
    }
    const table = methodsTable(index, sort, 200);
    const text = (i: number): string =>
      table
        .line(i)
        .map((x) => x.text)
        .join('');
    expect(table.count).toBeGreaterThan(0);
    for (let i = 0; i < table.count; i++) {
      // Whole, and grouped as the calls column is (the statuses after it may be cut: the detail line has them).
      expect(text(i)).toMatch(/ 43,152\/43,152 [A-Z]/);
    }
  });
});
