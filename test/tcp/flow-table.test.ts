import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/tcp/flow-table.js';
import { CLIENT, SERVER, Wire, diagnostics, endOf, run, text, trace } from './builder.js';

/** Client ISN 1000, server ISN 5000: the first data byte is seq 1001 one way, 5001 the other. */
function conversation(w = new Wire()) {
  return [
    w.c2s({ seq: 1000, flags: 'S' }),
    w.s2c({ seq: 5000, ack: 1001, flags: 'SA' }),
    w.c2s({ seq: 1001, ack: 5001 }),
    w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'hello' }),
    w.s2c({ seq: 5001, ack: 1006, flags: 'PA', data: 'world!' }),
    w.c2s({ seq: 1006, ack: 5007, flags: 'FA' }),
    w.s2c({ seq: 5007, ack: 1007, flags: 'FA' }),
    w.c2s({ seq: 1007, ack: 5008 }), // the final ACK: after the end, a stray
  ];
}

describe('FlowTable: a clean connection', () => {
  it('emits open, packet, data, fin and end in causal order', () => {
    const table = new FlowTable();
    const events = conversation().flatMap((s) => table.push(s));
    expect(trace(events)).toEqual([
      'open c1',
      'packet c1 0 #0',
      'packet c1 1 #1',
      'packet c1 0 #2',
      'packet c1 0 #3',
      'data c1 0 @0+5 gap0 #3',
      'packet c1 1 #4',
      'data c1 1 @0+6 gap0 #4',
      'packet c1 0 #5',
      'fin c1 0 #5',
      'packet c1 1 #6',
      'fin c1 1 #6',
      'end c1 fin',
    ]);
    expect(table.counters).toEqual({ connections: 1, strayPackets: 1 });
    expect(table.finish()).toEqual([]);
  });

  it('describes the connection and counts per direction', () => {
    const events = run(conversation());
    const open = events[0];
    expect(open).toEqual({
      kind: 'open',
      conn: {
        id: 'c1',
        a: CLIENT,
        b: SERVER,
        clientRule: 'syn',
        synSeen: true,
        start: 1000,
        firstPacketIndex: 0,
      },
    });
    expect(text(events, 0)).toBe('hello');
    expect(text(events, 1)).toBe('world!');
    const end = endOf(events);
    expect(end.time).toBe(1006);
    expect(end.stats).toEqual({
      packets: [4, 3],
      wireBytes: [5, 6],
      bytes: [5, 6],
      retransmissions: [0, 0],
      outOfOrder: [0, 0],
      lostBytes: [0, 0],
      beforeStart: [0, 0],
    });
    expect(diagnostics(events)).toEqual([]);
  });

  it('emits the in-order payload itself, without a copy', () => {
    const w = new Wire();
    const table = new FlowTable();
    table.push(w.c2s({ seq: 1000, flags: 'S' }));
    const seg = w.c2s({ seq: 1001, flags: 'PA', data: 'zero-copy' });
    const data = table.push(seg).find((e) => e.kind === 'data');
    expect(data?.kind === 'data' && data.data).toBe(seg.payload);
  });

  it('gives each connection its id in order of first packet, IPv4 and IPv6 alike', () => {
    const w4 = new Wire();
    const w6 = new Wire({ ip: '2001:db8::1', port: 40000 }, { ip: '2001:db8::2', port: 50051 });
    const events = run([
      w4.c2s({ seq: 1, flags: 'S' }),
      w6.c2s({ seq: 7, flags: 'S' }),
      w4.s2c({ seq: 9, ack: 2, flags: 'SA' }),
    ]);
    expect(trace(events)).toEqual([
      'open c1',
      'packet c1 0 #0',
      'open c2',
      'packet c2 0 #0',
      'packet c1 1 #1',
      'end c1 capture-end',
      'end c2 capture-end',
    ]);
  });
});

describe('FlowTable: closing', () => {
  it('delivers the FIN after buffered data before it, at its sequence position', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 1000, flags: 'S' }),
      w.c2s({ seq: 1004, flags: 'FPA', data: 'def' }), // #1: FIN after "def", ahead of a hole
      w.c2s({ seq: 1001, flags: 'PA', data: 'abc' }), // #2 fills it
    ]);
    // #2 came more than the out-of-order threshold after #1: TCP analysis calls it a retransmission.
    expect(trace(events).slice(0, 8)).toEqual([
      'open c1',
      'packet c1 0 #0',
      'packet c1 0 #1',
      'packet c1 0 #2',
      'diag tcp.retransmission',
      'data c1 0 @0+3 gap0 #2',
      'data c1 0 @3+3 gap0 #2',
      'fin c1 0 #2',
    ]);
    expect(text(events, 0)).toBe('abcdef');
  });

  it('a FIN ahead of a hole waits; the peer ACK of the FIN declares the hole lost', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 1000, flags: 'S' }),
      w.s2c({ seq: 5000, ack: 1001, flags: 'SA' }),
      w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'abc' }),
      // "def" at 1004 never captured
      w.c2s({ seq: 1007, ack: 5001, flags: 'FA', data: 'ghi' }), // #3
      w.s2c({ seq: 5001, ack: 1011, flags: 'FA' }), // #4 acks the FIN (1010) and FINs
      w.c2s({ seq: 1011, ack: 5002, flags: 'A' }), // stray after end
    ]);
    expect(trace(events).slice(5)).toEqual([
      'packet c1 0 #3',
      'packet c1 1 #4',
      'diag tcp.gap',
      'data c1 0 @6+3 gap3 #4',
      'fin c1 0 #4',
      'fin c1 1 #4',
      'end c1 fin',
    ]);
    const [gap] = diagnostics(events, 'tcp.gap');
    expect(gap?.evidence).toMatchObject({
      bytes: 3,
      offsetStart: 3,
      offsetEnd: 6,
      seqStart: 1004,
      seqEnd: 1007,
      cause: 'ack',
    });
    expect(endOf(events).stats.lostBytes).toEqual([3, 0]);
  });

  it('RST: delivers what is buffered (holes lost), then rst, then end', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 1000, flags: 'S' }),
      w.c2s({ seq: 1005, flags: 'PA', data: 'late' }), // #1 ahead of 4 missing bytes
      w.s2c({ seq: 7000, ack: 1001, flags: 'RA' }), // #2
      w.c2s({ seq: 1009, flags: 'PA', data: 'after reset' }), // #3 stray
    ]);
    expect(trace(events)).toEqual([
      'open c1',
      'packet c1 0 #0',
      'packet c1 0 #1',
      'packet c1 1 #2',
      'diag tcp.gap',
      'data c1 0 @4+4 gap4 #2',
      'rst c1 1 #2',
      'end c1 rst',
    ]);
    expect(diagnostics(events, 'tcp.gap')[0]?.evidence).toMatchObject({ cause: 'rst', bytes: 4 });
  });

  it('keeps a tombstone: late packets within 60 s are absorbed and counted, later ones open a connection', () => {
    const w = new Wire();
    const table = new FlowTable();
    const segs = conversation(w).slice(0, 7); // #7, the final ACK, is built but not pushed
    for (const s of segs) table.push(s);
    expect(table.push(w.c2s({ seq: 1001, ack: 5008, flags: 'PA', data: 'hello', time: 1030 }))).toEqual([]);
    expect(table.push(w.s2c({ seq: 5008, ack: 1007, time: 1066 }))).toEqual([]);
    expect(table.counters.strayPackets).toBe(2);
    const late = table.push(w.s2c({ seq: 5008, ack: 1007, flags: 'PA', data: 'x', time: 1067 }));
    expect(trace(late)).toEqual([
      'open c2',
      'packet c2 1 #10',
      'diag tcp.mid-stream-start',
      'data c2 1 @0+1 gap-1 #10',
    ]);
    expect(late[0]?.kind === 'open' && late[0].conn.clientRule).toBe('port'); // 50000 is ephemeral
  });

  it('a retransmitted SYN of the ended connection is a stray, a new ISN opens c2', () => {
    const w = new Wire();
    const table = new FlowTable();
    for (const s of conversation(w)) table.push(s);
    expect(table.push(w.c2s({ seq: 1000, flags: 'S' }))).toEqual([]);
    const next = table.push(w.c2s({ seq: 90000, flags: 'S' }));
    expect(trace(next)).toEqual(['open c2', 'diag tcp.port-reuse', 'packet c2 0 #9']);
    const d = next[1]?.kind === 'diagnostic' ? next[1].diagnostic : undefined;
    expect(d?.message).toBe(
      'c2: new SYN from 10.0.0.1:50000 to 10.0.0.2:80 reuses the 4-tuple of c1 (ended 3 s earlier)',
    );
  });
});
