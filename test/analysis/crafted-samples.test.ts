/**
 * The diagnostics well-behaved peers never trigger, each against a real capture of a real client (grpc-js,
 * nghttp) talking to a CRAFTED misbehaving server (scripts/samples/crafted/peer.mjs, hand-built frames):
 * the diagnostic with its exact code, connection, stream and key evidence. meta.json says what the server did.
 * One scenario is the other way round: a CRAFTED client against a real nghttpd.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sample } from './decode-sample.js';

const meta = (name: string): { crafted: boolean; expect: Record<string, unknown> } =>
  JSON.parse(readFileSync(`samples/${name}.meta.json`, 'utf8')) as {
    crafted: boolean;
    expect: Record<string, unknown>;
  };

describe('analysis on the crafted samples of scripts/samples/crafted', () => {
  it('crafted-refused-streams: GOAWAY last-stream-id 1 refuses grpc-js streams 3, 5, 7', async () => {
    const s = await sample('crafted-refused-streams.pcap');
    expect(meta('crafted-refused-streams').crafted).toBe(true);
    expect(s.analysis.map((d) => d.code)).toEqual([
      'analysis.goaway.refused-streams',
      'analysis.goaway.graceful-in-flight',
    ]);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', 3, 'warning']);
    expect(d.evidence).toEqual({
      from: 'server',
      peer: 'client',
      errorCode: 'NO_ERROR',
      lastStreamId: 1,
      count: 3,
      streams: '3 (POST /scope.v1.Lab/Echo), 5 (POST /scope.v1.Lab/Echo), 7 (POST /scope.v1.Lab/Echo)',
    });
    // Stream 1, at the last-stream-id, was allowed to finish.
    expect(s.analysis[1]!.evidence).toMatchObject({ lastStreamId: 1, count: 1, outcomes: '1 completed' });
    // The gRPC layer names the refused calls; grpc-js retried them on c2, where all four ended OK.
    const refused = s.diagnostics.filter((x) => x.code === 'grpc.call-refused');
    expect(refused.map((x) => [x.connection, x.stream])).toEqual([
      ['c1', 3],
      ['c1', 5],
      ['c1', 7],
    ]);
    expect(s.connections.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(meta('crafted-refused-streams').expect.callResults).toEqual(['OK', 'OK', 'OK', 'OK']);
  });

  it('crafted-ping-unanswered: the server never ACKs the grpc-js keepalive PING', async () => {
    const s = await sample('crafted-ping-unanswered.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.keepalive.ping-unanswered']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', undefined, 'warning']);
    expect(d.evidence).toMatchObject({ from: 'client', peer: 'server', unanswered: 1 });
    expect(d.evidence!.opaque).toMatch(/^[0-9a-f]{16}$/);
    // grpc-js keepalive_timeout_ms 1500: it hangs up about 1.5 s after the PING.
    const after = d.evidence!.afterMs as number;
    expect(after).toBeGreaterThan(1400);
    expect(after).toBeLessThan(2500);
    const pings = s.conn('c1').pings!;
    expect([pings.client.sent, pings.server.sent]).toEqual([1, 0]);
  });

  it('crafted-window-overrun: 16384 bytes of DATA into nghttp -w 14 window of 16383', async () => {
    const s = await sample('crafted-window-overrun.pcap');
    const stream = meta('crafted-window-overrun').expect.stream;
    expect(stream).toBe(13); // nghttp's streams 3..11 are idle PRIORITY groups (RFC 7540 §5.3)
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.flow.window-overrun']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', 13, 'error']);
    expect(d.evidence).toMatchObject({
      sender: 'server',
      receiver: 'client',
      length: 16384,
      stream: 13,
      available: 16383,
      window: 'stream',
      overruns: 2, // the 4000-byte DATA after it is beyond the window too
    });
  });

  it('crafted-settings-unacknowledged: the server never ACKs the nghttp SETTINGS', async () => {
    const s = await sample('crafted-settings-unacknowledged.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.settings.unacknowledged']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream]).toEqual(['c1', undefined]);
    expect(d.evidence).toMatchObject({
      from: 'client',
      peer: 'server',
      frame: 0,
      values: 'MAX_CONCURRENT_STREAMS=100 INITIAL_WINDOW_SIZE=65535',
    });
    // The crafted server answers after 1.2 s, then nghttp closes.
    expect(d.evidence!.afterMs as number).toBeGreaterThan(1200);
  });

  it('crafted-goaway-compression: GOAWAY COMPRESSION_ERROR on a sound header block', async () => {
    const s = await sample('crafted-goaway-compression.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual([
      'analysis.goaway.compression-error',
      'analysis.goaway.refused-streams',
    ]);
    const [d, refused] = [s.analysis[0]!, s.analysis[1]!];
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', undefined, 'error']);
    expect(d.evidence).toEqual({
      from: 'server',
      peer: 'client',
      debug: 'crafted: header block rejected',
      lastStreamId: 0,
      // No HPACK problem in the client's blocks: only the server's own words explain it.
      cause: 'the server\'s own explanation is "crafted: header block rejected"',
    });
    expect(s.diagnostics.filter((x) => x.code.startsWith('h2.hpack'))).toEqual([]);
    // last-stream-id 0 also refuses the request stream 13 (RFC 9113 §6.8).
    expect([refused.connection, refused.stream]).toEqual(['c1', 13]);
    expect(refused.evidence).toMatchObject({
      errorCode: 'COMPRESSION_ERROR',
      count: 1,
      streams: '13 (GET /)',
    });
  });

  it('crafted-bad-state: DATA on stream 13 after the server ended it', async () => {
    const s = await sample('crafted-bad-state.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.stream.bad-state']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream]).toEqual(['c1', 13]);
    expect(d.evidence).toEqual({
      from: 'server',
      frame: 'DATA',
      stream: 13,
      state: 'closed',
      rule: 'the server had already ended the stream with END_STREAM',
      section: '§5.1',
      count: 1,
    });
  });
  it('crafted-idle-dropped: a bare FIN after 31 s of silence, no GOAWAY, no keepalive', async () => {
    const s = await sample('crafted-idle-dropped.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.keepalive.idle-dropped']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', undefined, 'warning']);
    expect(d.evidence).toMatchObject({ how: 'FIN', pingNote: ', and no keepalive PING was sent' });
    // The crafted server waits 31 s after its response; the last HTTP/2 frame comes a little later.
    expect(d.evidence!.idleMs as number).toBeGreaterThan(30_000);
    expect(d.evidence!.idleMs as number).toBeLessThan(31_500);
  });
  it("crafted-goaway-flow-control and crafted-goaway-calm: GOAWAY errors with the server's own debug text", async () => {
    for (const [file, code, debug] of [
      ['crafted-goaway-flow-control.pcap', 'analysis.goaway.flow-control-error', 'crafted: window exceeded'],
      ['crafted-goaway-calm.pcap', 'analysis.goaway.enhance-your-calm', 'crafted: rate limited'],
    ] as const) {
      const s = await sample(file);
      expect(s.analysis.map((d) => d.code)).toEqual([code, 'analysis.goaway.refused-streams']);
      expect(s.analysis[0]!).toMatchObject({ connection: 'c1', severity: 'error' });
      expect(s.analysis[0]!.evidence).toMatchObject({ from: 'server', lastStreamId: 0, debug });
      expect(s.analysis[1]!).toMatchObject({ stream: 13, evidence: { count: 1, streams: '13 (GET /)' } });
    }
  });

  it('crafted-refused-stream: RST_STREAM REFUSED_STREAM, explained once, and the call retried OK', async () => {
    const s = await sample('crafted-refused-stream.pcap');
    expect(s.analysis.map((d) => [d.code, d.stream])).toEqual([['analysis.stream.refused', 1]]);
    expect(s.analysis[0]!.evidence).toMatchObject({ from: 'server', count: 1 });
  });

  it("crafted-window-overflow: WINDOW_UPDATE past 2^31-1, and the client's FLOW_CONTROL_ERROR", async () => {
    const s = await sample('crafted-window-overflow.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual([
      'analysis.goaway.flow-control-error',
      'analysis.flow.window-overflow',
    ]);
    const overflow = s.analysis[1]!;
    expect([overflow.connection, overflow.stream, overflow.severity]).toEqual(['c1', 0, 'error']);
    // 65,535 initial + 2,147,483,647 = 2,147,549,182 > 2^31-1 (RFC 9113 §6.9.1).
    expect(overflow.evidence).toMatchObject({
      increment: 2147483647,
      window: 'connection',
      value: 2147549182,
    });
    expect(s.analysis[0]!.evidence).toMatchObject({ from: 'client', lastStreamId: 0 });
  });
  it('crafted-stream-reset: RST_STREAM INTERNAL_ERROR on a plain HTTP/2 request', async () => {
    const s = await sample('crafted-stream-reset.pcap');
    expect(s.analysis.map((d) => [d.code, d.connection, d.stream])).toEqual([
      ['analysis.stream.reset', 'c1', 13],
    ]);
    expect(s.analysis[0]!.evidence).toMatchObject({
      from: 'server',
      errorCode: 'INTERNAL_ERROR',
      request: ' (GET /)',
    });
  });
  it("crafted-concurrency-exceeded: a client over nghttpd's MAX_CONCURRENT_STREAMS 1, answered by GOAWAY", async () => {
    const m = meta('crafted-concurrency-exceeded');
    expect(m.expect).toMatchObject({
      limit: 1,
      requests: [1, 3, 5],
      goaways: [
        { lastStreamId: 1, errorCode: 1, debugData: 'request HEADERS: max concurrent streams exceeded' },
      ],
    });
    const s = await sample('crafted-concurrency-exceeded.pcap');
    expect(s.analysis.map((d) => [d.code, d.connection, d.stream, d.severity])).toEqual([
      ['analysis.goaway.protocol-error', 'c1', undefined, 'error'],
      ['analysis.goaway.refused-streams', 'c1', 3, 'warning'],
      ['analysis.stream.concurrency-exceeded', 'c1', 3, 'error'],
    ]);
    // Stream 3 opened while stream 1 was still open, against the limit the client had acknowledged.
    expect(s.analysis[2]!.evidence).toEqual({
      initiator: 'client',
      peer: 'server',
      stream: 3,
      active: 1,
      limit: 1,
    });
    // The GOAWAY diagnostic names the cause from the stream analysis, next to nghttp2's own debug data.
    expect(s.analysis[0]!.evidence).toMatchObject({
      debug: 'request HEADERS: max concurrent streams exceeded',
      cause: 'the client opened stream 3 above the concurrency limit 1',
    });
    expect(s.analysis[1]!.evidence).toMatchObject({ count: 2, streams: '3 (GET /), 5 (GET /)' });
  });
});
