/**
 * Diagnostics no sample capture shows, on hand-built frame sequences (RFC 9113 examples of each rule). The
 * report of this work names the captures that would show them for real.
 */
import { describe, expect, it } from 'vitest';
import { diag } from '../../src/diagnostics/make.js';
import { H2_DIAGNOSTICS } from '../../src/diagnostics/h2.js';
import { analyse, callRecord, Frames } from './build.js';

const MAX = 0x7fffffff;

describe('GOAWAY', () => {
  it('refuses the streams above last-stream-id, lets the others finish (§6.8)', () => {
    const f = new Frames().handshake(0);
    for (const id of [1, 3, 5, 7]) f.request(id, 0.1, '/pkg.Svc/Get');
    f.goaway('server', 0.2, 3).response(1, 0.3, true).rst('server', 3, 0.4, 'INTERNAL_ERROR');
    const { diagnostics, record } = analyse(f);
    expect(record.goaway).toEqual([
      {
        from: 'server',
        time: 0.2,
        frame: 8,
        lastStreamId: 3,
        errorCode: 'NO_ERROR',
        errorCodeValue: -1,
        debugData: '',
        refused: [5, 7],
        inFlight: [
          { stream: 1, outcome: 'completed' },
          { stream: 3, outcome: 'reset' },
        ],
        phase: null,
      },
    ]);
    const refused = diagnostics.find((d) => d.code === 'analysis.goaway.refused-streams')!;
    expect([refused.stream, refused.evidence?.['count'], refused.evidence?.['streams']]).toEqual([
      5,
      2,
      '5 (POST /pkg.Svc/Get), 7 (POST /pkg.Svc/Get)',
    ]);
    const graceful = diagnostics.find((d) => d.code === 'analysis.goaway.graceful-in-flight')!;
    expect(graceful.evidence).toMatchObject({ count: 2, outcomes: '1 completed, 1 reset', twoStep: '' });
    const s5 = record.streams!.find((s) => s.id === 5)!;
    expect([s5.state, s5.refused, s5.states.at(-1)?.cause]).toEqual(['closed', 'goaway', 'GOAWAY']);
  });

  it('recognises the two-step graceful shutdown and repeated GOAWAYs', () => {
    const f = new Frames().handshake(0).request(1, 0.1);
    f.goaway('server', 0.2, MAX)
      .ping('server', 0.2, '0102030405060708')
      .ping('client', 0.21, '0102030405060708', true);
    f.goaway('server', 0.3, 1).goaway('server', 0.3, 1).response(1, 0.4, true);
    const { record, diagnostics } = analyse(f);
    expect(record.goaway!.map((g) => g.phase)).toEqual(['notice', 'final', 'repeat']);
    expect(diagnostics.map((d) => d.code)).toEqual(['analysis.goaway.graceful-in-flight']);
    expect(diagnostics[0]!.message).toContain('after a 2^31-1 notice: a two-step graceful shutdown');
    // Regression (incident samples work): the in-flight streams are judged against the final GOAWAY, not
    // against the 2^31-1 notice that came first.
    expect(diagnostics[0]!.evidence).toMatchObject({ lastStreamId: 1 });
    expect(record.pings!.server.rttMs).toEqual({ min: 10, median: 10, max: 10 });
  });

  it('PROTOCOL_ERROR: names the stream state violation it follows', () => {
    const f = new Frames().handshake(0).request(1, 0.1); // END_STREAM: the client's half is closed
    f.data('client', 1, 0.2, 10).goaway('server', 0.3, 1, 'PROTOCOL_ERROR');
    const { diagnostics } = analyse(f);
    expect(diagnostics.map((d) => d.code)).toEqual([
      'analysis.goaway.protocol-error',
      'analysis.stream.bad-state',
    ]);
    expect(diagnostics[0]!.evidence?.['cause']).toBe(
      'the client sent DATA on stream 1 in state half-closed-local (the client had already ended the stream with END_STREAM)',
    );
    expect(diagnostics[1]!.evidence).toMatchObject({ from: 'client', stream: 1, section: '§5.1', count: 1 });
  });

  it('PROTOCOL_ERROR: names the malformed frame the h2 layer found', () => {
    const bad = diag(
      H2_DIAGNOSTICS,
      'h2.frame.bad-padding',
      { from: 'client', type: 'DATA', stream: 1, padLength: 200, room: 9, length: 10 },
      { connection: 'c1', time: 0.2 },
    );
    const f = new Frames().handshake(0).diagnostic(bad).goaway('server', 0.3, 0, 'PROTOCOL_ERROR', 'padding');
    const d = analyse(f).diagnostics[0]!;
    expect(d.code).toBe('analysis.goaway.protocol-error');
    expect(d.evidence?.['cause']).toMatch(/^the client sent a malformed frame \(h2\.frame\.bad-padding: /);
  });

  it('PROTOCOL_ERROR without visible cause falls back to the debug data', () => {
    const f = new Frames().handshake(0).goaway('server', 0.3, 0, 'PROTOCOL_ERROR', 'invalid pseudo-header');
    expect(analyse(f).diagnostics[0]!.evidence?.['cause']).toBe(
      'the server\'s own explanation is "invalid pseudo-header"',
    );
  });

  it('COMPRESSION_ERROR: names the HPACK problem seen in the peer blocks', () => {
    const hpack = diag(
      H2_DIAGNOSTICS,
      'h2.hpack.decode-error',
      { from: 'client', stream: 1, reason: 'index 70 out of range' },
      { connection: 'c1', time: 0.1 },
    );
    const f = new Frames().handshake(0).diagnostic(hpack).goaway('server', 0.2, 0, 'COMPRESSION_ERROR');
    const d = analyse(f).diagnostics[0]!;
    expect(d.code).toBe('analysis.goaway.compression-error');
    expect(d.message).toContain('h2.hpack.decode-error');
  });

  it('ENHANCE_YOUR_CALM for something else than PINGs, and other error codes', () => {
    const calm = new Frames().handshake(0).goaway('server', 0.2, 0, 'ENHANCE_YOUR_CALM', 'too many resets');
    expect(analyse(calm).codes).toEqual(['analysis.goaway.enhance-your-calm']);
    const internal = analyse(new Frames().handshake(0).goaway('server', 0.2, 0, 'INTERNAL_ERROR'));
    expect(internal.codes).toEqual(['analysis.goaway.error']);
    expect(internal.diagnostics[0]!.message).toBe(
      'The server closed the connection with GOAWAY INTERNAL_ERROR ("", last-stream-id 0): the sender hit an ' +
        'internal fault (a crash in a handler, a proxy losing its upstream); see its logs.',
    );
  });
});

describe('PING and keepalive', () => {
  it('a PING without ACK while the connection went on (§6.7)', () => {
    const f = new Frames()
      .handshake(0)
      .ping('client', 1, '00000000000000aa')
      .ping('client', 4.5, '00000000000000bb');
    const { diagnostics, record } = analyse(f, { end: 5 });
    expect(diagnostics.map((d) => [d.code, d.evidence?.['opaque'], d.evidence?.['unanswered']])).toEqual([
      ['analysis.keepalive.ping-unanswered', '00000000000000aa', 1], // the second is only 0.5 s old
    ]);
    expect(record.pings!.client).toMatchObject({ sent: 2, acked: 0, unanswered: 1, rttMs: null });
  });

  it('classifies intervals with and without active streams', () => {
    const f = new Frames().handshake(0).request(1, 0.5, '/a', false);
    f.ping('client', 1, 'a1')
      .ping('server', 1.01, 'a1', true)
      .ping('client', 2, 'a2')
      .ping('server', 2.02, 'a2', true);
    f.data('client', 1, 2.5, 0, true).response(1, 2.6, true);
    f.ping('client', 12, 'a3')
      .ping('server', 12.01, 'a3', true)
      .ping('client', 32, 'a4')
      .ping('server', 32.01, 'a4', true);
    const p = analyse(f, { end: 40 }).record.pings!.client;
    expect(p.intervalMs).toEqual({ active: 1000, idle: 20_000 });
    expect(p.rttMs).toEqual({ min: 10, median: 10, max: 20 }); // 10, 20, 10, 10
    expect(p.list.map((x) => x.activeStreams)).toEqual([1, 1, 0, 0]);
  });

  it('an idle connection dropped by RST without GOAWAY', () => {
    const f = new Frames().handshake(0).request(1, 0.1).response(1, 0.2, true);
    f.ping('client', 30, 'b1').ping('server', 30.001, 'b1', true);
    const { diagnostics } = analyse(f, { end: 60.2 }, 'rst');
    expect(diagnostics.map((d) => [d.code, d.evidence?.['how'], d.evidence?.['idleMs']])).toEqual([
      ['analysis.keepalive.idle-dropped', 'RST', 60_000],
    ]);
    expect(diagnostics[0]!.message).toContain('although 1 keepalive PING(s) were answered');
    // Not when the connection ended with the capture, or had a GOAWAY.
    expect(analyse(f, { end: 60.2 }, 'capture-end').codes).toEqual([]);
  });
});

describe('streams', () => {
  it('follows the §5.1 states from the client point of view, PUSH_PROMISE included', () => {
    const f = new Frames().handshake(0).request(1, 0.1, '/index.html');
    f.pushPromise(1, 2, 0.2)
      .response(1, 0.3)
      .headers('server', 2, 0.4, [[':status', '200']]);
    f.data('server', 2, 0.5, 10, true).data('server', 1, 0.6, 10, true);
    const { record, codes } = analyse(f);
    expect(codes).toEqual([]);
    const states = (id: number) =>
      record.streams!.find((s) => s.id === id)!.states.map((t) => [t.state, t.by, t.cause]);
    expect(states(1)).toEqual([
      ['half-closed-local', 'client', 'HEADERS END_STREAM'],
      ['closed', 'server', 'DATA END_STREAM'],
    ]);
    expect(states(2)).toEqual([
      ['reserved-remote', 'server', 'PUSH_PROMISE on stream 1'],
      ['half-closed-local', 'server', 'HEADERS'], // reserved (remote) -> recv HEADERS -> half-closed (local)
      ['closed', 'server', 'DATA END_STREAM'],
    ]);
    expect(record.streams![0]!.request).toBe('POST /index.html');
    expect(record.concurrency!.server).toMatchObject({ opened: 1, peak: 1 });
  });

  it('RST_STREAM REFUSED_STREAM: safe to retry (§8.7)', () => {
    const f = new Frames().handshake(0).request(1, 0.1).request(3, 0.1).request(5, 0.1);
    f.rst('server', 3, 0.2, 'REFUSED_STREAM').rst('server', 5, 0.3, 'REFUSED_STREAM').response(1, 0.4, true);
    const { diagnostics, record } = analyse(f);
    expect(diagnostics.map((d) => [d.code, d.stream, d.evidence?.['count']])).toEqual([
      ['analysis.stream.refused', 3, 2],
    ]);
    expect(record.streams!.find((s) => s.id === 3)).toMatchObject({
      refused: 'rst-stream',
      reset: { by: 'server', errorCode: 'REFUSED_STREAM', time: 0.2 },
      state: 'closed',
    });
  });

  it('RST_STREAM with an error on a plain HTTP/2 stream, not on a gRPC call (grpc.call-reset covers those)', () => {
    const f = new Frames().handshake(0).request(1, 0.1, '/a').request(3, 0.1, '/b');
    f.rst('server', 1, 0.2, 'INTERNAL_ERROR').rst('server', 3, 0.2, 'INTERNAL_ERROR');
    f.call(callRecord({ stream: 3, outcome: 'reset', reset: { by: 'server', errorCode: 'INTERNAL_ERROR' } }));
    const { diagnostics } = analyse(f);
    expect(diagnostics.map((d) => [d.code, d.stream])).toEqual([['analysis.stream.reset', 1]]);
    expect(diagnostics[0]!.message).toContain('(POST /a) with RST_STREAM INTERNAL_ERROR: the sender hit');
  });

  it('reaching SETTINGS_MAX_CONCURRENT_STREAMS, then going over it (§5.1.2)', () => {
    const reach = new Frames().handshake(0, {}, { MAX_CONCURRENT_STREAMS: 2 });
    reach.request(1, 0.1, '/a', false).request(3, 0.2, '/a', false);
    const r = analyse(reach);
    expect(r.diagnostics.map((d) => [d.code, d.evidence?.['peak'], d.evidence?.['limit']])).toEqual([
      ['analysis.stream.concurrency-limit', 2, 2],
    ]);
    expect(r.record.concurrency!.client).toMatchObject({ opened: 2, limit: 2, peak: 2, peakTime: 0.2 });
    expect(r.record.concurrency!.client.series).toEqual([
      [0.1, 1],
      [0.2, 2],
    ]);
    reach.request(5, 0.3, '/a', false);
    const over = analyse(reach);
    expect(over.diagnostics.map((d) => [d.code, d.stream, d.evidence?.['active']])).toEqual([
      ['analysis.stream.concurrency-exceeded', 5, 2],
    ]);
  });

  it('a limit not yet acknowledged does not count', () => {
    const f = new Frames().settings('client', 0).settings('server', 0, { MAX_CONCURRENT_STREAMS: 1 });
    f.settingsAck('server', 0);
    f.request(1, 0.1, '/a', false).request(3, 0.1, '/a', false).settingsAck('client', 0.2);
    const { codes, record } = analyse(f);
    expect(codes).toEqual([]); // the client had not seen the limit when it opened stream 3
    expect(record.concurrency!.client).toMatchObject({ peak: 2, limit: 1 });
  });

  it('stream ids that go down, and a stream its owner never opened (§5.1.1)', () => {
    const down = new Frames().handshake(0).request(5, 0.1).request(3, 0.2);
    expect(analyse(down).diagnostics[0]!.evidence).toMatchObject({
      stream: 3,
      rule: 'stream ids must increase, but 5 was opened before',
      section: '§5.1.1',
    });
    const unopened = new Frames().handshake(0).response(1, 0.1, true);
    expect(analyse(unopened).diagnostics[0]!.evidence).toMatchObject({
      from: 'server',
      stream: 1,
      rule: 'the server used a stream id only the client may open, and the client never opened it',
    });
  });

  it('a response captured before its request is not a violation (capture order across directions)', () => {
    const f = new Frames().handshake(0).response(1, 0.1).request(1, 0.1).data('server', 1, 0.2, 5, true);
    expect(analyse(f).codes).toEqual([]);
  });

  it('state rules and windows are not judged on a mid-connection capture', () => {
    const f = new Frames().data('server', 3, 0.1, 70_000).data('client', 3, 0.1, 10);
    const { codes, record } = analyse(f, { h2Detection: 'mid-connection', preface: false });
    expect(codes).toEqual([]);
    expect(record.flowControl).toMatchObject({ exact: false, note: 'the capture starts mid-connection' });
  });
});

describe('SETTINGS', () => {
  it('a SETTINGS frame never acknowledged while the peer kept talking (§6.5.3)', () => {
    const f = new Frames()
      .settings('client', 0, { ENABLE_PUSH: 0 })
      .settings('server', 0)
      .settingsAck('client', 0);
    f.request(1, 0.1).response(1, 0.2, true);
    const { diagnostics, record } = analyse(f, { end: 2 });
    expect(diagnostics.map((d) => [d.code, d.evidence?.['from'], d.evidence?.['values']])).toEqual([
      ['analysis.settings.unacknowledged', 'client', 'ENABLE_PUSH=0'],
    ]);
    expect(record.settings!.client.frames[0]).toEqual({
      time: 0,
      frame: 0,
      values: { ENABLE_PUSH: 0 },
      ackTime: null,
      ackMs: null,
    });
    expect(record.settings!.server.frames[0]!.ackMs).toBe(0);
  });
});

describe('deadlines and cancellation (calls from the gRPC observer)', () => {
  it('a server that goes on after the deadline and after the client cancelled', () => {
    const f = new Frames().handshake(0).request(1, 0).rst('client', 1, 0.101, 'CANCEL');
    f.response(1, 0.5).data('server', 1, 0.6, 20);
    f.call(
      callRecord({
        stream: 1,
        start: 0,
        end: 0.101,
        durationMs: 101,
        deadlineMs: 100,
        status: 4,
        statusName: 'DEADLINE_EXCEEDED',
        statusSource: 'deadline',
        outcome: 'deadline-exceeded',
        reset: { by: 'client', errorCode: 'CANCEL' },
        firstResponseMs: null,
        responseCount: 0,
      }),
    );
    const { diagnostics } = analyse(f);
    expect(diagnostics.map((d) => d.code)).toEqual([
      'analysis.deadline.exceeded',
      'analysis.deadline.overrun',
    ]);
    expect(diagnostics[1]!.evidence).toMatchObject({ stream: 1, overrunMs: 500, deadlineMs: 100 });
    expect(diagnostics[1]!.message).toContain('499 ms after the client cancelled it');
    expect(diagnostics[0]!.evidence?.['how']).toBe(
      'the client cancelled it with RST_STREAM CANCEL 101 ms after it started, before any response',
    );
  });

  it('a DEADLINE_EXCEEDED sent by the server, compared with the OK calls of the method', () => {
    const f = new Frames().handshake(0);
    f.call(callRecord({ stream: 1, durationMs: 10 }));
    f.call(callRecord({ stream: 3, durationMs: 30 }));
    f.call(
      callRecord({
        stream: 5,
        durationMs: 250,
        deadlineMs: 200,
        status: 4,
        statusName: 'DEADLINE_EXCEEDED',
        outcome: 'error',
      }),
    );
    const d = analyse(f).diagnostics;
    expect(d.map((x) => [x.code, x.stream])).toEqual([['analysis.deadline.exceeded', 5]]);
    expect(d[0]!.message).toContain(
      '(grpc-timeout 200 ms): the server answered DEADLINE_EXCEEDED after 250 ms',
    );
    expect(d[0]!.evidence?.['reference']).toBe('successful calls to it took 20 ms here (median of 2)');
  });

  it('a client cancel before the deadline is the application cancelling', () => {
    const f = new Frames().handshake(0).request(1, 0, '/pkg.Svc/Watch').rst('client', 1, 0.3, 'CANCEL');
    f.call(
      callRecord({
        stream: 1,
        start: 0,
        end: 0.3,
        deadlineMs: 1000,
        status: 1,
        outcome: 'reset',
        responseCount: 2,
        reset: { by: 'client', errorCode: 'CANCEL' },
      }),
    );
    const d = analyse(f).diagnostics;
    expect(d.map((x) => [x.code, x.evidence?.['afterMs'], x.evidence?.['deadlineNote']])).toEqual([
      ['analysis.cancel.client', 300, '700 ms before its deadline'],
    ]);
  });
});

describe('HPACK occupancy', () => {
  it('keeps the size the h2 layer reports after each block, per encoder', () => {
    const f = new Frames().handshake(0, { HEADER_TABLE_SIZE: 8192 });
    f.request(1, 0.1).response(1, 0.2, true);
    const [req, resp] = f.events.filter((e) => e.kind === 'frame' && e.frame.type === 'HEADERS');
    if (req?.kind === 'frame') req.hpack = { size: 120, maxSize: 4096, known: true };
    if (resp?.kind === 'frame') resp.hpack = { size: 80, maxSize: 4096, known: true };
    const h = analyse(f).record.hpack!;
    expect(h.client).toMatchObject({
      blocks: 1,
      size: 120,
      peak: 120,
      maxSize: 4096,
      setting: null,
      series: [[0.1, 120]],
    });
    // The client's SETTINGS_HEADER_TABLE_SIZE bounds the server's encoder.
    expect(h.server).toMatchObject({ blocks: 1, size: 80, setting: 8192 });
  });
});
