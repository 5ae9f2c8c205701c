import { describe, expect, it } from 'vitest';
import {
  callFailed,
  FrameFilterIndex,
  frameIsError,
  selectCallFrames,
  selectCallRows,
  CALL_COLUMNS,
  CallRowIndex,
  selectConnectionRows,
  selectDiagnosticRows,
  selectDiagnosticTarget,
  selectFramesOfType,
  selectInputError,
  selectInputTruncated,
  selectTopDiagnostics,
  selectDiagnosticGroups,
  selectDiagnosticLinks,
} from '../../src/model/store-selectors.js';
import { selectFailingMethods, selectRequestStatuses } from '../../src/model/store-failures.js';
import { diagnosticDocument } from '../../src/tui/diagnostic-document.js';
import { callRows, loadStore } from './load-store.js';

describe('calls', () => {
  it('grpc-js-deadline: sorted by duration descending, ties by start; failed calls found', async () => {
    const store = await loadStore('grpc-js-deadline.pcap');
    const streams = (rows: Uint32Array): number[] => [...rows].map((i) => store.callRow(i).stream);
    expect(streams(selectCallRows(store, { column: 'time', descending: false }, null))).toEqual([1, 3, 5]);
    // meta: stream 1 DEADLINE_EXCEEDED after 128.2 ms, stream 3 cancelled after 126.7 ms, stream 5 OK in 25.5 ms
    expect(streams(selectCallRows(store, { column: 'duration', descending: true }, null))).toEqual([1, 3, 5]);
    expect(streams(selectCallRows(store, { column: 'status', descending: false }, null))).toEqual([5, 3, 1]);
    expect(
      streams(selectCallRows(store, { column: 'time', descending: false }, (c) => c.outcome !== 'ok')),
    ).toEqual([1, 3]);
    expect(
      callRows(store)
        .filter(callFailed)
        .map((c) => c.statusName),
    ).toEqual(['DEADLINE_EXCEEDED', 'CANCELLED']);
  });

  it("a call's frames are the frames of its stream, in order", async () => {
    const store = await loadStore('grpc-js-deadline.pcap');
    const first = store.callRow(0);
    const types = selectCallFrames(store, first).map((n) => store.frames.typeName(n));
    // HEADERS + DATA from the client, then the client's RST_STREAM CANCEL when the deadline passed
    expect(types).toEqual(['HEADERS', 'DATA', 'RST_STREAM']);
  });
});

describe('connections', () => {
  it('grpc-conn-per-call: ten connections, one call each; sort by calls keeps the order of appearance', async () => {
    const store = await loadStore('grpc-conn-per-call.pcap');
    const rows = selectConnectionRows(store, { column: 'calls', descending: true }, null);
    expect(rows.map((r) => r.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']);
    expect(rows.every((r) => r.calls === 1 && !r.open && r.protocol === 'h2c')).toBe(true);
    const byId = selectConnectionRows(store, { column: 'id', descending: true }, null);
    expect(byId[0]!.id).toBe('c10'); // numeric, not "c9" > "c10"
  });

  it('counts failed calls and error diagnostics as errors', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    const [c1] = selectConnectionRows(store, { column: 'id', descending: false }, null);
    // grpc-js-unary: calls 4 (FAILED_PRECONDITION) and 5 (RESOURCE_EXHAUSTED) fail; no error diagnostics
    expect(c1).toMatchObject({ id: 'c1', calls: 5, failedCalls: 2, errors: 2, bytes: 786 + 1041 });
  });
});

describe('frames', () => {
  it('FrameFilterIndex tests only new frames as they arrive and maps rows to frames', () => {
    let tested = 0;
    const index = new FrameFilterIndex((n) => {
      tested++;
      return n % 3 === 0;
    });
    expect(index.update(10)).toBe(4); // 0 3 6 9
    expect(index.update(13)).toBe(5); // + 12
    expect(tested).toBe(13);
    expect([index.frameAt(0), index.frameAt(4), index.frameAt(5)]).toEqual([0, 12, -1]);
    expect(index.rowOf(7)).toBe(3); // the first match at or after frame 7 is 9, row 3
    const all = new FrameFilterIndex(null);
    expect(all.update(5)).toBe(5);
    expect([all.frameAt(4), all.frameAt(5), all.rowOf(9)]).toEqual([4, -1, 4]);
  });

  it('grpc-too-many-pings: the GOAWAY ENHANCE_YOUR_CALM is an error frame, the NO_ERROR ones are not', async () => {
    const store = await loadStore('grpc-too-many-pings.pcap');
    const entry = store.connectionById('c1')!;
    const goaways = selectFramesOfType(store, entry, ['GOAWAY']);
    expect(goaways.map((n) => store.frames.record(n).errorCode)).toEqual([
      'ENHANCE_YOUR_CALM',
      'NO_ERROR',
      'NO_ERROR',
    ]);
    expect(goaways.map((n) => frameIsError(store, n))).toEqual([true, false, false]);
    expect(selectFramesOfType(store, entry, ['PING']).length).toBeGreaterThanOrEqual(8);
  });
});

describe('diagnostics', () => {
  it('most severe first, and each leads to its call, frame or connection', async () => {
    const store = await loadStore('grpc-too-many-pings.pcap');
    const rows = selectDiagnosticRows(store, null);
    expect(store.diagnostics[rows[0]!]!.code).toBe('analysis.goaway.too-many-pings');
    // No stream and no frame in the evidence: the frame at its time. The server's PING ACK and its GOAWAY
    // share that packet; the code names GOAWAY, so the GOAWAY (frame #21 of c1) it is.
    const t = selectDiagnosticTarget(store, store.diagnostics[rows[0]!]!);
    expect(t).toMatchObject({ kind: 'frame', connection: 0 });
    const f = store.frames.record(t!.kind === 'frame' ? t!.frame : -1);
    expect([f.type, f.index, f.errorCode]).toEqual(['GOAWAY', 21, 'ENHANCE_YOUR_CALM']);
  });

  it('selectTopDiagnostics gives the same first rows as the full sort', async () => {
    for (const sample of ['damaged-dropped.pcap', 'h2-mid-connection.pcap', 'grpc-too-many-pings.pcap']) {
      const store = await loadStore(sample);
      expect(selectTopDiagnostics(store, 5)).toEqual([...selectDiagnosticRows(store, null)].slice(0, 5));
    }
  });

  it('grpc-js-deadline: a diagnostic about stream 1 opens the call on stream 1', async () => {
    const store = await loadStore('grpc-js-deadline.pcap');
    const d = store.diagnostics.find((x) => x.connection === 'c1' && x.stream === 1)!;
    expect(d.code).toMatch(/deadline/);
    const target = selectDiagnosticTarget(store, d);
    expect(target).toEqual({ kind: 'call', call: store.callAt('c1', 1) });
    expect(store.callRow(store.callAt('c1', 1)!).statusName).toBe('DEADLINE_EXCEEDED');
  });

  it('damaged-dropped: the gap leads to the first frame after it', async () => {
    const store = await loadStore('damaged-dropped.pcap');
    const gap = store.diagnostics.find((x) => x.code === 'h2.gap')!;
    const target = selectDiagnosticTarget(store, gap);
    // the first frame the server delivered after the 16,779 lost bytes: DATA, frame #23 of c1
    expect(target?.kind).toBe('frame');
    const f = store.frames.record(target!.kind === 'frame' ? target!.frame : -1);
    expect([f.connection, f.index, f.type]).toEqual(['c1', 23, 'DATA']);
  });

  it('input problems: not a capture is an error, a truncated file a warning', async () => {
    const bad = await loadStore('damaged-notacapture.pcap');
    expect(selectInputError(bad)?.code).toBe('capture.not-a-capture');
    const cut = await loadStore('damaged-truncated.pcap');
    expect(selectInputError(cut)).toBeNull();
    expect(selectInputTruncated(cut)?.evidence).toMatchObject({ record: 11, missing: 8164 });
  });
});

describe('CallRowIndex: rows kept sorted as calls arrive', () => {
  it('merging calls in batches gives the order a full sort gives, for every column and direction', async () => {
    const store = await loadStore('js-client-py-server.pcap');
    expect(store.callCount).toBeGreaterThan(3);
    for (const column of CALL_COLUMNS)
      for (const descending of [false, true]) {
        const sort = { column, descending };
        const index = new CallRowIndex(sort, null);
        let rows: Uint32Array = new Uint32Array();
        // The store as it was after 0, 1, 3, ... calls (a capture still loading).
        for (let n = 0; n <= store.callCount; n = n === 0 ? 1 : Math.min(store.callCount + 1, n * 3)) {
          const partial = Object.create(store, { callCount: { value: Math.min(n, store.callCount) } });
          rows = index.update(partial as typeof store);
        }
        rows = index.update(store);
        expect([...rows], `${column} ${descending ? 'desc' : 'asc'}`).toEqual([
          ...selectCallRows(store, sort, null),
        ]);
      }
  });
});

describe('what failed (issue #15)', () => {
  it('diagnostics grouped by code: severity first, then count; every diagnostic in exactly one group', async () => {
    const store = await loadStore('showcase.pcapng');
    const groups = selectDiagnosticGroups(store, null);
    expect(groups.reduce((n, g) => n + g.rows.length, 0)).toBe(store.diagnostics.length);
    const rank = { error: 0, warning: 1, info: 2 };
    for (let i = 1; i < groups.length; i++) {
      const a = groups[i - 1]!;
      const b = groups[i]!;
      expect(rank[a.severity] < rank[b.severity] || a.rows.length >= b.rows.length).toBe(true);
    }
    for (const g of groups) for (const r of g.rows) expect(store.diagnostics[r]!.code).toBe(g.code);
    const late = selectDiagnosticGroups(await loadStore('late-start-grpc-js.pcap'), null);
    // one guessed-call per connection (the calls carry `guessed` themselves), not one per call
    expect(late.find((g) => g.code === 'grpc.guessed-call')).toMatchObject({ connections: 1 });
    expect(late.find((g) => g.code === 'grpc.guessed-call')!.rows).toHaveLength(1);
  });

  it('failing methods with their statuses, as --summary counts them (showcase: Echo 3 of 21, Watch 1 of 1)', async () => {
    const store = await loadStore('showcase.pcapng');
    const methods = selectFailingMethods(store);
    expect(methods.map((m) => [m.method, m.failed, m.calls])).toEqual([
      ['/scope.v1.Lab/Echo', 3, 21],
      ['/scope.v1.Lab/Watch', 1, 1],
    ]);
    expect(methods[0]!.statuses.map(([s]) => s).sort()).toEqual([
      'DEADLINE_EXCEEDED',
      'FAILED_PRECONDITION',
      'RESOURCE_EXHAUSTED',
    ]);
    expect(selectFailingMethods(await loadStore('grpc-js-large.pcap'))).toEqual([]);
  });

  it('plain HTTP/2 requests by :status', async () => {
    const store = await loadStore('h2-nghttp-h2c.pcap');
    expect(selectRequestStatuses(store)).toEqual({ requests: 4, statuses: [['200', 4]] });
  });

  it('diagnostic links: the call, the evidence frame and its row in the flow graph, the connection', async () => {
    const store = await loadStore('grpc-too-many-pings.pcap');
    const d = store.diagnostics.find((x) => x.code === 'analysis.goaway.too-many-pings')!;
    const links = selectDiagnosticLinks(store, d);
    expect(links.connection).toBe(0);
    expect(store.frames.typeName(links.frame!.frame)).toBe('GOAWAY');
    expect(store.connectionByOrdinal(0)!.frames.get(links.frame!.row)).toBe(links.frame!.frame);
    const target = selectDiagnosticTarget(store, d);
    expect(target).toEqual({ kind: 'frame', connection: 0, frame: links.frame!.frame });
  });

  it('the detail page shows the catalogue fix under What to do, and the message without it above', async () => {
    const store = await loadStore('grpc-too-many-pings.pcap');
    const i = store.diagnostics.findIndex((x) => x.code === 'analysis.goaway.too-many-pings');
    const d = store.diagnostics[i]!;
    expect(d.fix).toMatch(/^The keepalive settings of both sides must agree/);
    expect(d.message.endsWith(d.fix!)).toBe(true);
    const text = diagnosticDocument(store, i, 100).map((l) => l.line.map((x) => x.text).join(''));
    const happened = text.indexOf('What happened');
    const todo = text.indexOf('What to do');
    expect(happened).toBeGreaterThan(0);
    expect(todo).toBeGreaterThan(happened);
    const between = text.slice(happened, todo).join(' ');
    expect(between).toContain('Calls still open on this connection fail with UNAVAILABLE.');
    expect(between).not.toContain('must agree');
    expect(text.slice(todo).join(' ')).toContain('The keepalive settings of both sides must agree');
  });
});
