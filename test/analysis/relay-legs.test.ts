/**
 * Calls relayed by an L7 proxy (src/analysis/relay-legs.ts): the client's call to the proxy and the proxy's
 * call to a backend are one call, counted once by the reports, and a proxy's endpoint is not one of its
 * service's backends for load imbalance. The real nginx and HAProxy samples are in test/samples/peers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../src/analysis/capture-analyzer.js';
import { RelayMatcher, type RelayCallFacts } from '../../src/analysis/relay-legs.js';
import { callRecord, connectionRecord } from './build.js';

const PROXY = '10.0.0.5:8080';
const BACKENDS = ['10.0.1.1:50051', '10.0.1.2:50051', '10.0.1.3:50051', '10.0.1.4:50051'];

function facts(over: Partial<RelayCallFacts>): RelayCallFacts {
  return {
    connection: 'c1',
    stream: 1,
    method: '/pkg.Svc/Get',
    start: 0,
    end: 1,
    requestCount: 1,
    requestBytes: 9,
    ...over,
  };
}

describe('RelayMatcher', () => {
  it('pairs the backend leg with the frontend call that contains it, and counts each call once', () => {
    const m = new RelayMatcher<string>();
    m.opened({ id: 'c1', client: '10.0.0.9:40000', server: PROXY });
    m.opened({ id: 'c2', client: '10.0.0.5:41000', server: BACKENDS[0]! });
    // The backend leg ends first: held (its client host is the proxy's).
    expect(m.call(facts({ connection: 'c2', start: 10.001, end: 10.004 }), 'leg')).toEqual({
      count: [],
      relayed: null,
    });
    const front = m.call(facts({ connection: 'c1', start: 10, end: 10.005 }), 'front');
    expect(front.count).toEqual(['front']);
    expect(front.relayed).toMatchObject({ proxy: PROXY, backend: BACKENDS[0], legPayload: 'leg' });
    expect(m.drain()).toEqual([]);
  });

  it('does not pair calls that only look alike: other request bytes, not inside the frontend, other client host', () => {
    const m = new RelayMatcher<string>();
    m.opened({ id: 'c1', client: '10.0.0.9:40000', server: PROXY });
    m.opened({ id: 'c2', client: '10.0.0.5:41000', server: BACKENDS[0]! });
    m.opened({ id: 'c3', client: '10.0.0.7:41000', server: BACKENDS[1]! });
    m.call(facts({ connection: 'c2', start: 10.001, end: 10.004, requestBytes: 8 }), 'other bytes');
    m.call(facts({ connection: 'c2', start: 9.9, end: 10.004 }), 'started before');
    // Not held at all: its client 10.0.0.7 serves nothing here.
    expect(m.call(facts({ connection: 'c3', start: 10.001, end: 10.004 }), 'direct').count).toEqual([
      'direct',
    ]);
    expect(m.call(facts({ connection: 'c1', start: 10, end: 10.005 }), 'front')).toEqual({
      count: ['front'],
      relayed: null,
    });
    expect(m.drain().sort()).toEqual(['other bytes', 'started before']);
  });

  it('lets a held call go after the window of capture time, so memory stays bounded', () => {
    const m = new RelayMatcher<string>(10, 2);
    m.opened({ id: 'c1', client: '10.0.0.9:40000', server: PROXY });
    m.opened({ id: 'c2', client: '10.0.0.5:41000', server: BACKENDS[0]! });
    m.call(facts({ connection: 'c2', start: 1, end: 2 }), 'a');
    expect(m.call(facts({ connection: 'c2', start: 13, end: 14 }), 'b').count).toEqual(['a']);
    m.call(facts({ connection: 'c2', start: 14, end: 15 }), 'c');
    // At most two held: the oldest goes on as a call of its own.
    expect(m.call(facts({ connection: 'c2', start: 15, end: 16 }), 'd').count).toEqual(['b']);
  });
});

describe('load imbalance behind a proxy', () => {
  /** A proxy relaying 40 calls evenly over four backends; `fromProxy` false: the same calls, from elsewhere. */
  function run(fromProxy: boolean): string[] {
    const a = new CaptureAnalyzer();
    a.opened({ id: 'c1', client: '10.0.0.9:40000', server: PROXY, protocol: 'h2c' });
    BACKENDS.forEach((server, i) =>
      a.opened({
        id: `c${i + 2}`,
        client: `${fromProxy ? '10.0.0.5' : '10.0.0.6'}:4100${i}`,
        server,
        protocol: 'h2c',
      }),
    );
    const codes: string[] = [];
    for (let n = 0; n < 40; n++) {
      const t = 100 + n;
      const leg = callRecord({
        connection: `c${(n % 4) + 2}`,
        stream: 1 + 2 * Math.floor(n / 4),
        service: 'pkg.Svc',
      });
      const front = callRecord({ connection: 'c1', stream: 1 + 2 * n, service: 'pkg.Svc' });
      for (const d of a.call({ ...leg, start: t + 0.001, end: t + 0.004 })) codes.push(d.code);
      for (const d of a.call({ ...front, start: t, end: t + 0.005 })) codes.push(d.code);
    }
    ['c1', 'c2', 'c3', 'c4', 'c5'].forEach((id, i) => {
      const server = i === 0 ? PROXY : BACKENDS[i - 1]!;
      const client = i === 0 ? '10.0.0.9:40000' : `${fromProxy ? '10.0.0.5' : '10.0.0.6'}:4100${i - 1}`;
      for (const d of a.connection(connectionRecord({ id, client, server, start: 99, end: 141 })))
        codes.push(d.code);
    });
    for (const d of a.finish()) codes.push(d.code);
    return codes;
  }

  it('a proxy taking 40 calls it relays evenly to four backends (10 each) is not a hot backend', () => {
    expect(run(true)).not.toContain('analysis.imbalance.endpoints');
  });

  it('the same counts without the relay (another client host) are still judged, and raised', () => {
    expect(run(false)).toContain('analysis.imbalance.endpoints');
  });
});
