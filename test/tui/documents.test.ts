import { describe, expect, it } from 'vitest';
import type {
  CallRecord,
  ConnectionRecord,
  FlowControlRecord,
  WindowRecord,
} from '../../src/records/records.js';
import { CaptureStore } from '../../src/model/store.js';
import { compileFilter } from '../../src/tui/filter-match.js';
import { grpcurlCommand, shellQuote } from '../../src/tui/grpcurl.js';
import { lineText } from '../../src/tui/lines.js';
import { messageTree } from '../../src/tui/message-tree.js';
import { windowChartLines } from '../../src/tui/window-charts.js';
import { callRows, loadStore } from './load-store.js';

describe('the / filter', () => {
  it('uses the display filter language when the text parses', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    const f = compileFilter('grpc.status != 0');
    expect(f.kind).toBe('expression');
    expect(
      callRows(store)
        .filter((c) => f.call(c))
        .map((c) => c.statusName),
    ).toEqual(['FAILED_PRECONDITION', 'RESOURCE_EXHAUSTED']);
  });

  it('matches plain words as text, case-insensitively', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    const f = compileFilter('resource_exh');
    expect(f.kind).toBe('text');
    expect(
      callRows(store)
        .filter((c) => f.call(c))
        .map((c) => c.stream),
    ).toEqual([9]);
    expect(f.line('8 RESOURCE_EXHAUSTED quota')).toBe(true);
  });

  it('reports a broken expression with its column and keeps every row', () => {
    const f = compileFilter('grpc.status == ');
    expect(f.kind).toBe('error');
    expect(f.error).toMatch(/^at column \d+:/);
    expect(f.line('anything')).toBe(true);
    expect(compileFilter('   ').kind).toBe('none');
  });
});

function call(overrides: Partial<CallRecord>): CallRecord {
  return {
    connection: 'c1',
    stream: 1,
    method: '/scope.v1.Lab/Echo',
    service: 'scope.v1.Lab',
    methodName: 'Echo',
    authority: '127.0.0.1:50101',
    status: 0,
    statusName: 'OK',
    statusSource: 'trailers',
    message: null,
    statusDetails: null,
    outcome: 'ok',
    reset: null,
    kind: 'unary',
    kindInferred: true,
    start: 100,
    end: 100.01,
    durationMs: 10,
    firstResponseMs: 5,
    deadlineMs: null,
    contentType: 'application/grpc',
    requestEncoding: null,
    responseEncoding: null,
    requestCount: 0,
    responseCount: 0,
    requests: [],
    responses: [],
    requestHeaders: [],
    responseHeaders: [],
    trailers: [],
    trailersOnly: false,
    metadata: { request: [], response: [], trailers: [] },
    httpStatus: 200,
    responseBody: null,
    guessed: false,
    guesses: [],
    ...overrides,
  };
}

describe('grpcurl', () => {
  const conn = { server: '10.0.0.7:50051', protocol: 'h2c' } as ConnectionRecord;

  it('replays method, metadata (-bin as base64), deadline and schema-decoded requests', () => {
    const c = call({
      authority: 'api.internal',
      deadlineMs: 1500,
      requestCount: 2,
      requests: [
        {
          length: 7,
          compressed: false,
          firstTime: 100,
          time: 100,
          packet: 1,
          decoded: { kind: 'schema', type: 'scope.v1.EchoRequest', value: { text: "it's" } },
        },
        {
          length: 7,
          compressed: false,
          firstTime: 100,
          time: 100,
          packet: 1,
          decoded: { kind: 'schema', type: 'scope.v1.EchoRequest', value: { n: 2 } },
        },
      ],
      metadata: {
        request: [
          { name: 'x-trace-id', value: 'trace-0001', binary: false },
          { name: 'x-blob-bin', value: '000aff8041', binary: true, encoding: 'base64' },
          { name: 'user-agent', value: 'grpc-node-js/1.14.7', binary: false },
        ],
        response: [],
        trailers: [],
      },
    });
    expect(grpcurlCommand(c, conn)).toEqual({
      command:
        "grpcurl -plaintext -authority api.internal -H 'x-trace-id: trace-0001' -H 'x-blob-bin: AAr/gEE=' " +
        `-max-time 1.5 -d '{"text":"it'\\''s"} {"n":2}' 10.0.0.7:50051 scope.v1.Lab/Echo`,
      note: null,
    });
  });

  it('says what is missing without a schema or without request headers', () => {
    const raw = call({
      requestCount: 1,
      requests: [
        {
          length: 3,
          compressed: false,
          firstTime: 1,
          time: 1,
          packet: 0,
          decoded: { kind: 'raw', fields: [] },
        },
      ],
    });
    expect(grpcurlCommand(raw, { ...conn, protocol: 'h2' }).command).toBe(
      'grpcurl -authority 127.0.0.1:50101 10.0.0.7:50051 scope.v1.Lab/Echo',
    );
    expect(grpcurlCommand(raw, conn).note).toMatch(/--proto/);
    expect(grpcurlCommand(call({ method: null }), conn).note).toMatch(/method unknown/);
  });

  it('quotes for the shell and escapes control characters', () => {
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('x\x1b]0;t\x07')).toBe("'x\\x1b]0;t\\x07'");
    expect(shellQuote('127.0.0.1:50051')).toBe('127.0.0.1:50051');
  });
});

describe('message trees', () => {
  it('shows schema-less fields like protoc --decode_raw, escaped', () => {
    const lines = messageTree({
      kind: 'raw',
      fields: [
        { field: 1, wire: 'varint', value: 150 },
        { field: 2, wire: 'len', value: { kind: 'string', text: 'hi\x1b[2J' } },
        {
          field: 3,
          wire: 'len',
          value: {
            kind: 'message',
            fields: [{ field: 1, wire: 'len', value: { kind: 'bytes', hex: '00ff' } }],
          },
        },
      ],
    });
    expect(lines).toEqual(['1: 150', '2: "hi\\x1b[2J"', '3 {', '  1: 0x00ff', '}']);
  });

  it('shows proto3 JSON with nested objects and arrays', () => {
    const lines = messageTree({
      kind: 'schema',
      type: 'scope.v1.Reply',
      value: { text: 'ok', tags: ['a'], inner: { n: 1 } },
    });
    expect(lines).toEqual([
      'scope.v1.Reply {',
      '  text: "ok"',
      '  tags: [',
      '    [0]: "a"',
      '  ]',
      '  inner: {',
      '    n: 1',
      '  }',
      '}',
    ]);
  });
});

describe('flow-control charts (constructed records)', () => {
  function window(initial: number, series: Array<[number, number]>): WindowRecord {
    const values = series.map((p) => p[1]);
    return {
      initial,
      final: values[values.length - 1] ?? initial,
      min: Math.min(initial, ...values),
      minTime: null,
      series,
      decimated: false,
    };
  }

  it('draws both directions with the stalls marked, scaled to the connection duration', () => {
    const store = new CaptureStore({ throttleMs: 0 });
    const empty = {
      initialWindow: 65535,
      connection: window(65535, []),
      streams: [],
      stalls: [],
      stalledMs: 0,
      bytes: 0,
      frames: 0,
      windowUpdates: 0,
      throughput: null,
      overruns: 0,
    };
    const flowControl: FlowControlRecord = {
      exact: true,
      client: empty,
      server: {
        ...empty,
        // the server's window falls to 0 at t=1 and the client's WINDOW_UPDATE reopens it at t=3
        connection: window(65535, [
          [1, 0],
          [3, 65535],
        ]),
        streams: [
          {
            stream: 1,
            window: window(65535, [
              [1, 0],
              [3, 65535],
            ]),
            bytes: 65535,
            frames: 4,
            first: 0.5,
            last: 3.5,
            stalls: 1,
            stalledMs: 2000,
          },
        ],
        stalls: [
          {
            stream: 1,
            window: 'both',
            start: 1,
            windowLeft: 0,
            needed: 16384,
            windowUpdate: 3,
            resume: 3,
            waitedMs: 2000,
          },
        ],
        stalledMs: 2000,
      },
    };
    store.connection({
      id: 'c1',
      client: '127.0.0.1:40000',
      server: '127.0.0.1:50051',
      clientRule: 'syn',
      protocol: 'h2c',
      start: 0,
      end: 4,
      preface: true,
      h2Detection: 'preface',
      packets: { client: 1, server: 1 },
      bytes: { client: 1, server: 1 },
      endReason: 'fin',
      frameCount: 0,
      flowControl,
    });
    // 50 columns: a 9-column axis, a space, 40 chart columns over 4 s (0.1 s each); height 10: 2 rows each
    const lines = windowChartLines(store.connectionById('c1')!, null, 50, 10).map(lineText);
    expect(lines[0]).toMatch(/^client → server connection window {2}min 65,535 · final 65,535 · 0 stalls/);
    expect(lines[1]).toBe('  65,535 ' + '⠉'.repeat(40)); // the client never sent DATA: full window
    const server = lines.findIndex((l) => l.startsWith('server → client'));
    expect(lines[server]).toContain('1 stalls (2.00s)');
    // 65,535 until t=1 (columns 0-9), 0 until the WINDOW_UPDATE at t=3 (columns 10-29), then 65,535 again
    expect(lines[server + 1]).toBe('  65,535 ' + '⠉'.repeat(10) + ' '.repeat(20) + '⠉'.repeat(10));
    expect(lines[server + 2]).toBe('       0 ' + ' '.repeat(10) + '⣀'.repeat(20) + ' '.repeat(10));
    expect(lines[server + 3]).toBe('  stalls ' + ' '.repeat(10) + '▀'.repeat(21) + ' '.repeat(9));
    expect(lines[lines.length - 1]).toMatch(/\+0s +\+4\.00s$/);
    // stream 1 is the same here; a stream without DATA says so
    expect(windowChartLines(store.connectionById('c1')!, 7, 50, 10).map(lineText)).toContain(
      '  no DATA in this direction',
    );
  });
});
