/**
 * Every incident diagnostic against the real capture that shows it (samples/*.meta.json says what each
 * generator did; numbers below were checked against tshark's view in the meta `expect.wire` sections), and
 * the clean captures that must raise none of them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { sample } from './decode-sample.js';

function only(list: Diagnostic[], code: string): Diagnostic {
  const found = list.filter((d) => d.code === code);
  expect(found, `${code} in ${list.map((d) => d.code).join(', ')}`).toHaveLength(1);
  return found[0]!;
}

describe('analysis on the incident samples', () => {
  it('grpc-small-window: the server waits 559/704/697 ms for WINDOW_UPDATE at the 65,535 default', async () => {
    const s = await sample('grpc-small-window.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.flow.starvation']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', 1, 'warning']);
    expect(d.evidence).toMatchObject({
      sender: 'server',
      receiver: 'client',
      bytes: 241_200, // 120 messages x (5-byte prefix + 2005 bytes)
      stalls: 3,
      window: 'stream',
      initialWindow: 65_535,
      waitsMs: [559.174, 703.837, 697.296], // meta expect.wire.stalls (tshark)
      stalledMs: 1960.307,
      longestMs: 703.837,
      suggestedWindow: 262_144, // the whole 241,200-byte response fits: next power of two
    });
    expect(d.message).toContain('the RFC 9113 default, never raised');
  });

  it('grpc-too-many-pings: GOAWAY ENHANCE_YOUR_CALM too_many_pings names the keepalive settings of both sides', async () => {
    const s = await sample('grpc-too-many-pings.pcap');
    // The keepalive cadence is judged at the third idle PING, seconds before the server's GOAWAY.
    expect(s.analysis.map((d) => d.code)).toEqual([
      'analysis.keepalive.too-frequent',
      'analysis.goaway.too-many-pings',
    ]);
    const d = only(s.analysis, 'analysis.goaway.too-many-pings');
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', undefined, 'error']);
    expect(d.evidence).toMatchObject({
      from: 'server',
      peer: 'client',
      debug: 'too_many_pings',
      lastStreamId: 1,
      peerPings: 4,
      idlePings: 4,
      intervalMs: 1004.566,
    });
    for (const knob of ['EnforcementPolicy.MinTime', 'grpc.keepalive_time_ms', 'PermitWithoutStream'])
      expect(d.message).toContain(knob);
    // The server's GOAWAY is the evidence time (packet 25 of the capture, 1-based).
    expect(s.conn('c1').goaway![0]).toMatchObject({
      from: 'server',
      errorCode: 'ENHANCE_YOUR_CALM',
      time: d.time,
    });
  });

  it('grpc-keepalive: idle PINGs about every second, all acknowledged', async () => {
    const s = await sample('grpc-keepalive.pcap');
    const d = only(s.analysis, 'analysis.keepalive.too-frequent');
    expect([d.connection, d.severity]).toEqual(['c1', 'warning']);
    // Raised at the third idle PING, with the evidence then (docs/analysis.md, "When diagnostics are
    // raised"); the connection record has all five.
    expect(d.evidence).toEqual({ from: 'client', pings: 3, intervalMs: 1000.685, limitS: 10 });
    expect(s.analysis).toHaveLength(1);
    const p = s.conn('c1').pings!.client;
    expect([p.sent, p.acked, p.unanswered]).toEqual([5, 5, 0]);
    expect(p.list.every((x) => x.activeStreams === 0 && x.rttMs !== null)).toBe(true);
    expect(p.intervalMs.active).toBeNull();
  });

  it('grpc-goaway-graceful: the in-flight call finishes, the next connection is refused', async () => {
    const s = await sample('grpc-goaway-graceful.pcap');
    expect(s.analysis.map((d) => d.code).sort()).toEqual([
      'analysis.connection.refused',
      'analysis.goaway.graceful-in-flight',
    ]);
    const g = only(s.analysis, 'analysis.goaway.graceful-in-flight');
    expect([g.connection, g.stream, g.severity]).toEqual(['c1', 3, 'info']);
    expect(g.evidence).toMatchObject({ from: 'server', lastStreamId: 3, count: 1, outcomes: '1 completed' });
    expect(s.conn('c1').goaway![0]).toMatchObject({
      from: 'server',
      lastStreamId: 3,
      errorCode: 'NO_ERROR',
      refused: [],
      inFlight: [{ stream: 3, outcome: 'completed' }],
      phase: null,
    });
    const r = only(s.analysis, 'analysis.connection.refused');
    expect([r.connection, r.severity]).toEqual(['c2', 'warning']);
    expect(r.evidence).toMatchObject({ server: '127.0.0.1:50108', count: 1, goawayConnection: 'c1' });
  });

  it('grpc-js-deadline: DEADLINE_EXCEEDED by a client RST_STREAM CANCEL, and an application cancel', async () => {
    const s = await sample('grpc-js-deadline.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.deadline.exceeded', 'analysis.cancel.client']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream]).toEqual(['c1', 1]);
    // grpc-timeout "51m" on the wire: grpc-js sends what is left of its 200 ms deadline.
    expect(d.evidence).toMatchObject({ method: '/scope.v1.Lab/Echo', deadlineMs: 51, durationMs: 128.233 });
    expect(d.message).toContain('RST_STREAM CANCEL 128.233 ms after it started, before any response');
    const c = s.analysis[1]!;
    expect([c.connection, c.stream, c.severity]).toEqual(['c1', 3, 'info']);
    expect(c.evidence).toMatchObject({
      method: '/scope.v1.Lab/Watch',
      responses: 3,
      deadlineNote: 'it had no deadline',
    });
  });

  it('grpc-conn-per-call: ten connections with one call each', async () => {
    const s = await sample('grpc-conn-per-call.pcap');
    const d = only(s.analysis, 'analysis.churn.connection-per-call');
    expect([d.connection, d.severity]).toEqual(['c1', 'warning']);
    // Raised when the fifth connection ended: five one-call connections are the evidence by then.
    expect(d.evidence).toMatchObject({ server: '127.0.0.1:50111', connections: 5, single: 5, calls: 5 });
    expect(s.analysis).toHaveLength(1); // sequential: no burst
  });

  it('grpc-imbalance: 18/1/1 calls over three server ports', async () => {
    const s = await sample('grpc-imbalance.pcap');
    const d = only(s.analysis, 'analysis.imbalance.endpoints');
    expect([d.connection, d.severity]).toEqual(['c1', 'warning']);
    expect(d.evidence).toMatchObject({
      service: 'scope.v1.Lab',
      endpoints: 3,
      calls: 20,
      ratio: 18,
      shares: '127.0.0.1:50115 18 (90%), 127.0.0.1:50116 1 (5%), 127.0.0.1:50117 1 (5%)',
    });
    expect(s.analysis).toHaveLength(1);
  });

  it('grpc-imbalance-live: 80 s of open channels, raised over the minute that shows it, before they close', async () => {
    const s = await sample('grpc-imbalance-live.pcap');
    const d = only(s.analysis, 'analysis.imbalance.endpoints');
    // The window's calls (58 of the 80), not the capture's: the first 20 were spread evenly.
    expect(d.evidence).toMatchObject({ service: 'scope.v1.Lab', endpoints: 3, calls: 58, windowMs: 60_000 });
    const start = s.capture!.start!;
    const windowEnd = Number(d.evidence?.['windowEnd']);
    // Windows are whole 5 s slices of capture time: the first starts before the first call.
    expect(windowEnd - start).toBeGreaterThan(55);
    expect(windowEnd).toBeLessThan(Math.min(...s.connections.map((c) => c.end)));
    expect(s.analysis).toHaveLength(1);
  });

  it('h2-client-http1-server: curl GOAWAY PROTOCOL_ERROR, caused by the HTML reply to its preface', async () => {
    const s = await sample('h2-client-http1-server.pcap');
    expect(s.diagnostics.map((d) => d.code)).toContain('session.preface-http1-error-page');
    const d = only(s.analysis, 'analysis.goaway.protocol-error');
    expect(d.evidence).toMatchObject({ from: 'client', debug: 'SETTINGS expected', lastStreamId: 0 });
    expect(d.message).toContain('session.preface-http1-error-page');
  });

  it('grpc-http1-server: the client GOAWAY INTERNAL_ERROR after the HTTP/1.1 400 is linked to it', async () => {
    const s = await sample('grpc-http1-server.pcap');
    expect(s.diagnostics.map((d) => d.code)).toContain('session.preface-http1-reply');
    const d = only(s.analysis, 'analysis.goaway.error');
    expect(d.evidence).toMatchObject({ from: 'client', errorCode: 'INTERNAL_ERROR' });
    expect(d.message).toContain('session.preface-http1-reply');
    // Not the generic meaning of INTERNAL_ERROR: the client reports the server, it did not crash.
    expect(d.message).not.toContain('internal fault');
    expect(d.message).toContain('INTERNAL_ERROR is how this client reports that, not a fault of its own');
  });

  it('handshake failures stay the session layer diagnostics (no analysis duplicate)', async () => {
    const none = await sample('grpc-no-server-handshake.pcap');
    expect(none.diagnostics.map((d) => d.code)).toEqual(['session.no-server-settings']);
    const http1 = await sample('h2-http1-client.pcap');
    expect(http1.diagnostics.map((d) => d.code)).toEqual([
      'session.http1-client-h2-server',
      'session.http1-client-h2-server',
    ]);
  });

  it('damaged-dropped and h2-mid-connection: gaps and lost HPACK are reported, windows become estimates', async () => {
    const dropped = await sample('damaged-dropped.pcap');
    // The hole began inside a DATA frame and ended on a frame boundary: the table is kept, on evidence.
    expect(dropped.diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['tcp.gap', 'h2.gap', 'h2.hpack-kept', 'h2.hpack-kept-settled']),
    );
    expect(dropped.diagnostics.map((d) => d.code)).not.toContain('h2.hpack-lost');
    expect(dropped.analysis).toEqual([]);
    expect(dropped.conn('c1').flowControl).toMatchObject({ exact: false, note: 'bytes were lost' });
    expect(dropped.conn('c2').flowControl!.exact).toBe(true);
    const mid = await sample('h2-mid-connection.pcap');
    // Entries from before the capture are not a loss (no h2.hpack-lost): one summary per direction says
    // what they hid.
    expect(mid.diagnostics.filter((d) => d.code === 'h2.hpack-lost')).toHaveLength(0);
    expect(mid.diagnostics.filter((d) => d.code === 'h2.hpack.unknown-entries').length).toBeGreaterThan(0);
    expect(mid.analysis).toEqual([]);
    expect(mid.conn('c1').flowControl).toMatchObject({
      exact: false,
      note: 'the capture starts mid-connection',
    });
    expect(mid.conn('c1').hpack!.client.known).toBe(false);
  });
});

describe('analysis on clean captures', () => {
  for (const name of ['grpc-js-unary.pcap', 'h2-nghttp-h2c.pcap', 'grpc-js-streaming.pcap'])
    it(`${name} raises no incident diagnostic`, async () => {
      const s = await sample(name);
      expect(s.analysis).toEqual([]);
      expect(s.connections.every((c) => c.flowControl?.exact === true)).toBe(true);
    });

  it('h2-curl-upgrade raises none; its windows are estimates (HTTP2-Settings are not applied)', async () => {
    const s = await sample('h2-curl-upgrade.pcap');
    expect(s.analysis).toEqual([]);
    const c = s.conn('c1');
    expect(c.flowControl).toMatchObject({ exact: false, note: expect.stringContaining('h2c upgrade') });
    // RFC 7540 §3.2: the upgrade request is stream 1, half-closed (local) before any frame.
    expect(c.streams![0]!.states[0]).toMatchObject({
      state: 'half-closed-local',
      cause: 'HTTP/1.1 Upgrade: h2c',
    });
    expect(c.streams![0]!.state).toBe('closed');
  });
});

interface WireExpect {
  tcpStream: number;
  goaway: Array<{ from: string; lastStreamId: number; errorCode: number; debugData: string }>;
  pings: { client: { sent: number; acks: number }; server: { sent: number; acks: number } };
  windowUpdates: { client: number; server: number };
  stalls: Array<{ from: 'client' | 'server'; stream: number; window: string; waitedMs: number }>;
}

/** The generators' tshark replay (scripts/samples/grpc/lib/wire-summary.ts) against the analysis records. */
describe('connection records agree with the tshark view of every gRPC sample', () => {
  const names = [
    'grpc-conn-per-call',
    'grpc-goaway-graceful',
    'grpc-imbalance',
    'grpc-js-deadline',
    'grpc-js-large',
    'grpc-js-status',
    'grpc-js-streaming',
    'grpc-js-unary',
    'grpc-keepalive',
    'grpc-small-window',
    'grpc-too-many-pings',
    'js-client-py-server',
    'py-client-js-server',
  ];
  for (const name of names)
    it(name, async () => {
      const meta = JSON.parse(readFileSync(`samples/${name}.meta.json`, 'utf8')) as {
        expect: { wire: WireExpect[] };
      };
      const s = await sample(`${name}.pcap`);
      for (const w of meta.expect.wire) {
        const c = s.connections[w.tcpStream]!;
        if (c.flowControl === undefined) continue; // refused TCP connection: no HTTP/2
        const goaway = c.goaway!.map((g) => [g.from, g.lastStreamId, g.errorCodeValue, g.debugData]);
        expect(goaway).toEqual(w.goaway.map((g) => [g.from, g.lastStreamId, g.errorCode, g.debugData]));
        const p = c.pings!;
        expect({
          client: { sent: p.client.sent, acks: p.server.acked },
          server: { sent: p.server.sent, acks: p.client.acked },
        }).toEqual(w.pings);
        // flowControl is keyed by the DATA sender: WINDOW_UPDATEs the client sends grant the server.
        const fc = c.flowControl;
        expect({ client: fc.server.windowUpdates, server: fc.client.windowUpdates }).toEqual(w.windowUpdates);
        const stalls = [...fc.client.stalls, ...fc.server.stalls].map((x) => x.waitedMs);
        expect(stalls).toEqual(w.stalls.map((x) => x.waitedMs));
        // The replay names the stream window when both ran out; the analysis says 'both'.
        const kinds = [...fc.client.stalls, ...fc.server.stalls].map((x) => x.window);
        kinds.forEach((k, i) => expect([w.stalls[i]!.window, 'both']).toContain(k));
      }
    });
});
