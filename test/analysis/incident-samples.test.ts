/**
 * The incident diagnostics that had only hand-built tests, each against a real capture
 * (scripts/samples/incidents/, issue 4): the diagnostic with its code, connection, stream and key evidence,
 * and none of the other incident diagnostics. Numbers were checked against tshark (meta `verified`).
 */
import { describe, expect, it } from 'vitest';
import { sample } from './decode-sample.js';

describe('analysis on the incident samples of scripts/samples/incidents', () => {
  it('h2-refused-concurrency: h2load waits at nghttpd MAX_CONCURRENT_STREAMS 1, nothing refused', async () => {
    const s = await sample('h2-refused-concurrency.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.stream.concurrency-limit']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', undefined, 'info']);
    expect(d.evidence).toEqual({ initiator: 'client', peer: 'server', peak: 1, limit: 1 });
    // h2load honours the limit (meta verified: one stream open at a time, no RST_STREAM).
    const c = s.conn('c1');
    expect(c.streams!.map((x) => x.id)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i + 1));
    expect(c.streams!.every((x) => x.reset === null && x.refused === null)).toBe(true);
  });

  it('grpc-burst: ten grpc-js channels open at once to one server', async () => {
    const s = await sample('grpc-burst.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.churn.burst']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', undefined, 'warning']);
    expect(d.evidence).toMatchObject({
      client: '127.0.0.1',
      server: '127.0.0.1:50402',
      connections: 10,
      connectionIds: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10'],
    });
    expect(d.evidence!.windowMs).toBeLessThan(1000);
    // Two calls per connection: a burst, not connection-per-call.
    const perConnection = new Map<string, number>();
    for (const c of s.calls) perConnection.set(c.connection, (perConnection.get(c.connection) ?? 0) + 1);
    expect([...perConnection.values()]).toEqual(Array(10).fill(2));
    // A storm, not a pool: every connection closed young after two calls.
    expect(d.evidence).toMatchObject({ short: 10, reconnected: 0 });
  });

  it('grpc-pool: eight grpc-js channels opened at once and then carrying every call are not a storm', async () => {
    const s = await sample('grpc-pool.pcap');
    expect(s.analysis).toEqual([]);
    // Opened as close together as grpc-burst's, and closed as young: only the calls they carried differ.
    const conns = s.connections.filter((c) => c.protocol === 'h2c');
    expect(conns).toHaveLength(8);
    const starts = conns.map((c) => c.start);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(1);
    expect(conns.every((c) => c.endReason === 'fin' && c.end - c.start < 10)).toBe(true);
    const perConnection = new Map<string, number>();
    for (const c of s.calls) perConnection.set(c.connection, (perConnection.get(c.connection) ?? 0) + 1);
    expect([...perConnection.values()]).toEqual(Array(8).fill(8));
  });

  it('grpc-pool-restart: the pool reconnecting at once after a server restart is a storm', async () => {
    const s = await sample('grpc-pool-restart.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.churn.burst']);
    const d = s.analysis[0]!;
    // Not the pool's opening (c1-c8, four calls each, as the wave's): the wave after they closed.
    expect(d.connection).toBe('c9');
    expect(d.evidence).toMatchObject({
      connections: 8,
      short: 0,
      reconnected: 8,
      connectionIds: ['c9', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15', 'c16'],
    });
    const lastClose = Math.max(...s.connections.slice(0, 8).map((c) => c.end));
    expect(lastClose).toBeLessThanOrEqual(s.conn('c16').start);
  });

  it('grpc-pinned: two connections to one address, all 12 calls on c1', async () => {
    const s = await sample('grpc-pinned.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.imbalance.pinned']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', undefined, 'warning']);
    expect(d.evidence).toEqual({
      service: 'scope.v1.Lab',
      server: '127.0.0.1:50403',
      connections: 2,
      busiest: 'c1',
      share: 100,
      calls: 12,
      shares: 'c1 12 (100%), c2 0 (0%)',
      ratio: 'infinite',
    });
  });

  it('grpc-deadline-overrun: the Python handler streams on ~400 ms past grpc-timeout 300m', async () => {
    const s = await sample('grpc-deadline-overrun.pcap');
    expect(s.analysis.map((d) => d.code)).toEqual(['analysis.deadline.overrun']);
    const d = s.analysis[0]!;
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', 1, 'warning']);
    expect(d.evidence).toMatchObject({
      stream: 1,
      method: '/scope.v1.Lab/Watch',
      deadlineMs: 300,
      clientNote: '', // the client (deadline checking off) never reset the stream
    });
    const overrun = d.evidence!.overrunMs as number;
    // 8 events 100 ms apart: the last leaves ~700 ms after the start, ~400 ms after the deadline.
    expect(overrun).toBeGreaterThan(300);
    expect(overrun).toBeLessThan(500);
    expect(s.calls).toHaveLength(1);
    expect([s.calls[0]!.status, s.calls[0]!.responseCount]).toEqual([0, 8]);
  });
});
