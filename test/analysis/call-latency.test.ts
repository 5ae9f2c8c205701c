/**
 * The per-call latency breakdown (src/analysis/call-latency.ts, latency-observer.ts): hand-built intervals
 * for the rules, then real captures where the generator's own log says what happened: real TCP loss
 * (tcp-loss-grpc-js: the calls the client timed over 150 ms are exactly the ones held by a retransmission), a
 * small flow-control window (grpc-small-window), MAX_CONCURRENT_STREAMS 2 (grpc-stream-limit), TLS.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callLatency, type LatencyInput } from '../../src/analysis/call-latency.js';
import type { CallRecord } from '../../src/records/call.js';
import { decodeFile } from '../helpers/decode.js';

function input(over: Partial<LatencyInput>): LatencyInput {
  return {
    start: 100,
    end: 101,
    requestEnd: 100.1,
    responseHeaders: 100.6,
    retransmissions: [],
    clientStalls: [],
    serverStalls: [],
    setup: null,
    streamLimit: null,
    ...over,
  };
}

function sum(c: CallRecord): number {
  const l = c.latency!;
  return (
    l.requestMs +
    l.serverMs +
    l.responseMs +
    l.clientFlowWaitMs +
    l.serverFlowWaitMs +
    l.retransmissionMs +
    l.unaccountedMs
  );
}

describe('callLatency rules', () => {
  it('cuts the call at request end and response headers', () => {
    const l = callLatency(input({}));
    expect([l.requestMs, l.serverMs, l.responseMs, l.unaccountedMs]).toEqual([100, 500, 400, 0]);
    expect(l.dominant).toBe('server');
  });

  it('takes retransmissions first, then flow-control waits, out of the phases they overlap', () => {
    const l = callLatency(
      input({
        retransmissions: [{ start: 100.5, end: 100.7 }],
        serverStalls: [{ start: 100.65, end: 100.9 }],
        clientStalls: [{ start: 99, end: 100.05 }],
      }),
    );
    expect(l.retransmissionMs).toBe(200);
    expect(l.serverFlowWaitMs).toBe(200);
    expect(l.clientFlowWaitMs).toBe(50);
    expect([l.requestMs, l.serverMs, l.responseMs]).toEqual([50, 400, 100]);
    expect(l.requestMs + l.serverMs + l.responseMs + 450).toBe(1000);
  });

  it('a response that starts before the request ends has no server phase', () => {
    const l = callLatency(input({ requestEnd: 100.8, responseHeaders: 100.2 }));
    expect([l.requestMs, l.serverMs, l.responseMs]).toEqual([800, 0, 200]);
  });

  it('says what it cannot account for', () => {
    const l = callLatency(input({ requestEnd: null, responseHeaders: 100.4 }));
    expect(l.unaccountedMs).toBe(400);
    expect(l.responseMs).toBe(600);
    expect(l.unaccountedReason).toBe('the request end (END_STREAM) was not seen');
  });
});

describe('latency breakdown on real captures', () => {
  it('tcp-loss-grpc-js: the calls the client saw take over 150 ms are those held by a retransmission (lost data or ACK)', async () => {
    const doc = await decodeFile('samples/tcp-loss-grpc-js.pcap');
    const calls = doc.connections.flatMap((c) => c.calls);
    const meta = JSON.parse(readFileSync('samples/tcp-loss-grpc-js.meta.json', 'utf8')) as {
      expect: { client: { clientMs: number[] } };
    };
    expect(calls).toHaveLength(30);
    for (const c of calls) expect(Math.abs(sum(c) - c.durationMs)).toBeLessThan(0.01);
    // The first round of 4 calls (first to complete) also waited for the connection and the client's
    // start-up, which the client's clock includes; the others are compared.
    const slowOnClient = meta.expect.client.clientMs.slice(4).filter((ms) => ms > 150).length;
    const held = calls.filter((c) => c.latency!.setup === null && c.latency!.retransmissionMs > 150);
    expect(slowOnClient).toBeGreaterThan(0);
    expect(held.length).toBe(slowOnClient);
    for (const c of held) expect(c.latency!.dominant).toBe('retransmission');
    // The connection's first calls waited for its setup; the handshake RTT is the TCP analysis's.
    const tcp = doc.connections[0]!.tcp!;
    expect(calls[0]!.latency!.setup!.tcpConnectMs).toBe(tcp.handshake!.initialRttMs);
    expect(calls.filter((c) => c.latency!.setup !== null).map((c) => c.stream)).toEqual([1, 3, 5, 7]);
  });

  it('grpc-small-window: the server flow-control wait is the connection analysis stall time', async () => {
    const doc = await decodeFile('samples/grpc-small-window.pcap');
    const conn = doc.connections[0]!;
    const call = conn.calls[0]!;
    expect(call.latency!.dominant).toBe('serverFlowWait');
    expect(call.latency!.serverFlowWaitMs).toBe(conn.flowControl!.server.stalledMs);
    expect(Math.abs(sum(call) - call.durationMs)).toBeLessThan(0.01);
  });

  it('grpc-stream-limit: calls sent when a stream freed under MAX_CONCURRENT_STREAMS 2 say so', async () => {
    const doc = await decodeFile('samples/grpc-stream-limit.pcap');
    const calls = doc.connections[0]!.calls;
    expect(calls).toHaveLength(7);
    const limited = calls.filter((c) => c.latency!.streamLimit !== null);
    // The warm-up and the first two of the burst got a slot at once; the other four waited for one.
    expect(limited.map((c) => c.stream)).toEqual([7, 9, 11, 13]);
    for (const c of limited) {
      expect(c.latency!.streamLimit!.limit).toBe(2);
      expect(c.latency!.streamLimit!.fullMs).toBeGreaterThan(40); // the server sleeps 40 ms per call
    }
  });

  it('TLS: the first call waited for the TLS handshake; on h2c there is none to speak of', async () => {
    const tls = await decodeFile('samples/tls-grpc-js-13.pcap', { keylog: 'samples/tls-grpc-js-13.keys' });
    const setup = tls.connections[0]!.calls[0]!.latency!.setup!;
    expect(setup.tlsMs).toBeGreaterThan(1);
    const h2c = await decodeFile('samples/grpc-js-unary.pcap');
    expect(h2c.connections[0]!.calls[0]!.latency!.setup!.tlsMs).toBeLessThan(1);
  });
});
