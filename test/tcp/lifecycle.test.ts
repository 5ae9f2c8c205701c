import { describe, expect, it } from 'vitest';
import type { TcpEvent } from '../../src/tcp/types.js';
import {
  CLIENT,
  SERVER,
  Wire,
  type SegOpts,
  dataEvents,
  diagnostics,
  endOf,
  run,
  text,
  trace,
} from './builder.js';

function openInfo(events: TcpEvent[], id = 'c1') {
  const e = events.find((x) => x.kind === 'open' && x.conn.id === id);
  return e?.kind === 'open' ? e.conn : undefined;
}

describe('mid-connection start', () => {
  it('both directions: the first seen byte is offset 0 with gapBefore -1, one info diagnostic each', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 7000, ack: 9000, flags: 'PA', data: 'abc' }), // #0
      w.s2c({ seq: 9000, ack: 7003, flags: 'PA', data: 'xy' }), // #1
      w.c2s({ seq: 7003, ack: 9002, flags: 'PA', data: 'd' }), // #2
    ]);
    expect(trace(events)).toEqual([
      'open c1',
      'packet c1 0 #0',
      'diag tcp.mid-stream-start',
      'data c1 0 @0+3 gap-1 #0',
      'packet c1 1 #1',
      'diag tcp.mid-stream-start',
      'data c1 1 @0+2 gap-1 #1',
      'packet c1 0 #2',
      'data c1 0 @3+1 gap0 #2',
      'end c1 capture-end',
    ]);
    expect(openInfo(events)).toMatchObject({ a: CLIENT, b: SERVER, clientRule: 'port', synSeen: false });
    const [first, second] = diagnostics(events, 'tcp.mid-stream-start');
    expect(first).toMatchObject({ severity: 'info', connection: 'c1', time: 1000 });
    expect(first?.evidence).toMatchObject({ direction: 'client->server', seq: 7000 });
    expect(second?.message).toBe(
      'c1: no SYN seen from 10.0.0.2:80 -> 10.0.0.1:50000; the connection started before the ' +
        'capture or its SYN was not captured. Stream offset 0 is seq 9000, the first byte seen.',
    );
  });

  it('does not pin the start on a bare ACK or a zero-length keepalive', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 6999, ack: 9000, flags: 'A' }), // keepalive: seq = next-1
      w.c2s({ seq: 7000, ack: 9000, flags: 'PA', data: 'abc' }),
    ]);
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @0+3 gap-1 #1']);
  });

  it('ignores and counts segments before the first byte seen, reporting once per direction', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 7000, flags: 'PA', data: 'abc' }),
      w.c2s({ seq: 6990, flags: 'PA', data: '0123456789' }), // [-10, 0): entirely before
      w.c2s({ seq: 6995, flags: 'PA', data: '56789' }),
      w.c2s({ seq: 6998, flags: 'PA', data: '89abcd' }), // straddles: "89" before, "abc" old, "d" new
    ]);
    expect(text(events, 0)).toBe('abcd');
    const before = diagnostics(events, 'tcp.before-start');
    expect(before.map((d) => d.evidence)).toEqual([
      expect.objectContaining({ bytes: 10, seq: 6990, baseSeq: 7000, direction: 'client->server' }),
    ]);
    expect(endOf(events).stats).toMatchObject({
      beforeStart: [3, 0],
      retransmissions: [1, 0],
      bytes: [4, 0],
    });
  });

  it('SYN-ACK only: the client is its receiver and the client stream start is known from its ACK', () => {
    const w = new Wire();
    const events = run([
      w.s2c({ seq: 5000, ack: 1001, flags: 'SA' }),
      w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'GET' }),
      w.s2c({ seq: 5001, ack: 1004, flags: 'PA', data: 'OK' }),
    ]);
    expect(openInfo(events)).toMatchObject({ a: CLIENT, b: SERVER, clientRule: 'syn', synSeen: true });
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @0+3 gap0 #1', 'data c1 1 @0+2 gap0 #2']);
    expect(diagnostics(events, 'tcp.mid-stream-start')).toEqual([]);
  });

  it('SYN only (SYN-ACK not captured): the server direction starts unknown', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 1000, flags: 'S' }),
      w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'GET' }),
      w.s2c({ seq: 5001, ack: 1004, flags: 'PA', data: 'OK' }),
    ]);
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @0+3 gap0 #1', 'data c1 1 @0+2 gap-1 #2']);
    expect(diagnostics(events, 'tcp.mid-stream-start').map((d) => d.evidence?.direction)).toEqual([
      'server->client',
    ]);
  });
});

describe('port reuse', () => {
  it('a SYN with a new ISN on a live connection ends it (port-reuse, buffered bytes flushed) and opens c2', () => {
    const w = new Wire();
    const events = run(
      [
        w.c2s({ seq: 1000, flags: 'S' }),
        w.s2c({ seq: 5000, ack: 1001, flags: 'SA' }),
        w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'ab' }),
        w.c2s({ seq: 1005, ack: 5001, flags: 'PA', data: 'ef' }), // #3 buffered behind a hole
        w.c2s({ seq: 3000000000, flags: 'S' }), // #4
        w.s2c({ seq: 8000, ack: 3000000001, flags: 'SA' }), // #5 belongs to c2
      ],
      {},
      false,
    );
    expect(trace(events).slice(6)).toEqual([
      'diag tcp.gap',
      'data c1 0 @4+2 gap2 #3',
      'end c1 port-reuse',
      'open c2',
      'diag tcp.port-reuse',
      'packet c2 0 #4',
      'packet c2 1 #5',
    ]);
    expect(diagnostics(events, 'tcp.gap')[0]?.evidence?.cause).toBe('port-reuse');
    expect(diagnostics(events, 'tcp.port-reuse')[0]?.message).toBe(
      'c2: new SYN from 10.0.0.1:50000 to 10.0.0.2:80 reuses the 4-tuple of c1 (still open)',
    );
    expect(endOf(events).time).toBe(1003);
  });

  it('a SYN on a connection seen only mid-stream is a new connection', () => {
    const w = new Wire();
    const events = run(
      [w.c2s({ seq: 7000, ack: 9000, flags: 'PA', data: 'x' }), w.c2s({ seq: 1, flags: 'S' })],
      {},
      false,
    );
    expect(trace(events).filter((t) => !t.startsWith('packet') && !t.startsWith('data'))).toEqual([
      'open c1',
      'diag tcp.mid-stream-start',
      'end c1 port-reuse',
      'open c2',
      'diag tcp.port-reuse',
    ]);
  });

  it('a retransmitted SYN (same ISN) and a simultaneous open stay in one connection', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 1000, flags: 'S' }),
      w.c2s({ seq: 1000, flags: 'S' }), // RFC 9293 §3.8.1 retransmission
      w.s2c({ seq: 5000, flags: 'S' }), // RFC 9293 §3.5 figure 8: simultaneous open
      w.s2c({ seq: 5000, ack: 1001, flags: 'SA' }),
      w.c2s({ seq: 1000, ack: 5001, flags: 'SA' }),
    ]);
    expect(events.filter((e) => e.kind === 'open').length).toBe(1);
    expect(endOf(events).stats.packets).toEqual([3, 2]);
  });
});

describe('idle eviction', () => {
  it('ends connections idle longer than the timeout, in capture time, before the packet that reveals it', () => {
    const w1 = new Wire();
    const other = { ip: '10.0.0.3', port: 40000 };
    const w2 = { c2s: (o: SegOpts) => w1.seg(other, SERVER, o) }; // one packet numbering for both flows
    const events = run(
      [
        w1.c2s({ seq: 1000, flags: 'S', time: 1000 }),
        w2.c2s({ seq: 3000, flags: 'S', time: 1020 }),
        w1.c2s({ seq: 1000, flags: 'S', time: 1025 }), // c1 active again: moves to the back
        w2.c2s({ seq: 3001, flags: 'A', time: 1040 }),
        w2.c2s({ seq: 3001, flags: 'A', time: 1056 }), // c1 idle 31 s > 30: evicted first
        w1.c2s({ seq: 1001, flags: 'PA', data: 'resumed', time: 1057 }), // no tombstone: c3, mid-stream
      ],
      { idleTimeoutSeconds: 30 },
    );
    expect(trace(events).filter((t) => !t.startsWith('packet') && !t.startsWith('diag'))).toEqual([
      'open c1',
      'open c2',
      'end c1 idle-evicted',
      'open c3',
      'data c3 0 @0+7 gap-1 #5',
      'end c2 capture-end',
      'end c3 capture-end',
    ]);
    expect(endOf(events, 'c1').time).toBe(1025);
  });

  it('never evicts without the option', () => {
    const w = new Wire();
    const events = run([w.c2s({ seq: 1, flags: 'S', time: 0 }), w.c2s({ seq: 2, flags: 'A', time: 1e6 })]);
    expect(trace(events).filter((t) => t.startsWith('end'))).toEqual(['end c1 capture-end']);
  });
});
