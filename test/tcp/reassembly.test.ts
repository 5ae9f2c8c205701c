import { describe, expect, it } from 'vitest';
import { Wire, dataEvents, diagnostics, endOf, run, text, trace } from './builder.js';

/** A client SYN with ISN `isn`: its first data byte is isn+1. */
function opened(w: Wire, isn = 1000) {
  return [w.c2s({ seq: isn, flags: 'S' }), w.s2c({ seq: 5000, ack: isn + 1, flags: 'SA' })];
}

describe('reassembly: reordering and retransmission', () => {
  it('buffers a segment ahead of a hole and delivers both when the hole fills (the filler is the trigger)', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1004, flags: 'PA', data: 'DEF' }), // #2 ahead
      w.c2s({ seq: 1007, flags: 'PA', data: 'GHI' }), // #3 ahead, appended
      w.c2s({ seq: 1001, flags: 'PA', data: 'ABC' }), // #4 fills
    ]);
    expect(trace(dataEvents(events))).toEqual([
      'data c1 0 @0+3 gap0 #4',
      'data c1 0 @3+3 gap0 #4',
      'data c1 0 @6+3 gap0 #4',
    ]);
    expect(text(events, 0)).toBe('ABCDEFGHI');
    const { stats } = endOf(events);
    expect(stats.outOfOrder).toEqual([1, 0]); // #4 arrived after higher sequence numbers
    expect(stats.retransmissions).toEqual([0, 0]);
    expect(stats.bytes).toEqual([9, 0]);
  });

  it('drops an exact duplicate, counting one retransmission', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1001, flags: 'PA', data: 'abc' }),
      w.c2s({ seq: 1001, flags: 'PA', data: 'abc' }),
      w.c2s({ seq: 1004, flags: 'PA', data: 'def' }),
    ]);
    expect(text(events, 0)).toBe('abcdef');
    expect(endOf(events).stats).toMatchObject({ retransmissions: [1, 0], wireBytes: [9, 0], bytes: [6, 0] });
  });

  it('delivers only the new tail of a partially overlapping retransmission', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1001, flags: 'PA', data: 'abcd' }),
      w.c2s({ seq: 1003, flags: 'PA', data: 'cdEFG' }), // #3: "cd" again, "EFG" new
    ]);
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @0+4 gap0 #2', 'data c1 0 @4+3 gap0 #3']);
    expect(text(events, 0)).toBe('abcdEFG');
    expect(endOf(events).stats.retransmissions).toEqual([1, 0]);
  });

  it('dedupes overlaps inside the buffer, keeping the first copy of each byte', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1005, flags: 'PA', data: 'efgh' }), // [4,8)
      w.c2s({ seq: 1003, flags: 'PA', data: 'cdXXij' }), // [2,8) overlaps: "XX" is dropped, only "cd" is new
      w.c2s({ seq: 1001, flags: 'PA', data: 'abcdef' }), // [0,6) fills, overlapping "cd" and "ef"
    ]);
    expect(text(events, 0)).toBe('abcdefgh');
    expect(endOf(events).stats).toMatchObject({ retransmissions: [2, 0], bytes: [8, 0] });
  });

  it('does not count keepalives (seq = next-1, 0 or 1 byte) or bare ACKs as retransmissions', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'abc' }),
      w.c2s({ seq: 1003, ack: 5001, flags: 'A' }), // RFC 9293 §3.8.4 keepalive, no data
      w.c2s({ seq: 1003, ack: 5001, flags: 'A', data: 'c' }), // keepalive with the last byte again
      w.c2s({ seq: 1004, ack: 5001, flags: 'A' }),
    ]);
    expect(text(events, 0)).toBe('abc');
    expect(endOf(events).stats.retransmissions).toEqual([0, 0]);
  });

  it('handles sequence wrap-around (client ISN 0xFFFFFFF0)', () => {
    const w = new Wire();
    const isn = 0xfffffff0;
    const events = run([
      ...opened(w, isn),
      w.c2s({ seq: 0xfffffff1, flags: 'PA', data: 'abcdefghij' }), // 0xfffffff1..0xfffffffa
      w.c2s({ seq: 0x00000005, flags: 'PA', data: 'uvwxyz' }), // #3: offset 20, ahead of a hole
      w.c2s({ seq: 0xfffffffb, flags: 'PA', data: 'klmnopqrst' }), // #4: 0xfffffffb..0x4, crosses 2^32
      w.c2s({ seq: 0xfffffffb, flags: 'PA', data: 'klmno' }), // retransmission across the wrap
    ]);
    expect(text(events, 0)).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(trace(dataEvents(events))).toEqual([
      'data c1 0 @0+10 gap0 #2',
      'data c1 0 @10+10 gap0 #4',
      'data c1 0 @20+6 gap0 #4',
    ]);
    expect(endOf(events).stats).toMatchObject({
      retransmissions: [1, 0],
      outOfOrder: [1, 0],
      lostBytes: [0, 0],
    });
  });

  it('carries SYN data (TCP Fast Open) from the byte after the SYN', () => {
    const w = new Wire();
    const events = run([
      w.c2s({ seq: 1000, flags: 'S', data: 'PRI * HTTP/2.0' }),
      w.c2s({ seq: 1015, flags: 'PA', data: '!' }),
    ]);
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @0+14 gap0 #0', 'data c1 0 @14+1 gap0 #1']);
  });
});

describe('reassembly: gaps', () => {
  it('a dropped segment detected via the peer ACK: lost after the grace, what follows carries gapBefore', () => {
    const w = new Wire();
    const events = run(
      [
        ...opened(w),
        w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'aaaa' }), // #2
        // [1005, 1009) lost by the capture
        w.c2s({ seq: 1009, ack: 5001, flags: 'PA', data: 'cccc' }), // #3 buffered
        w.s2c({ seq: 5001, ack: 1013, flags: 'PA', data: 'resp' }), // #4 acks everything: the grace starts
        w.s2c({ seq: 5005, ack: 1013, flags: 'A' }), // #5: 1 packet later
        w.s2c({ seq: 5005, ack: 1013, flags: 'A' }), // #6: 2 packets later, the grace is over
      ],
      { ackGracePackets: 2, ackGraceSeconds: 100 },
      false,
    );
    expect(trace(events).slice(-6)).toEqual([
      'packet c1 1 #4',
      'data c1 1 @0+4 gap0 #4',
      'packet c1 1 #5',
      'packet c1 1 #6',
      'diag tcp.gap',
      'data c1 0 @8+4 gap4 #6',
    ]);
    const [gap] = diagnostics(events, 'tcp.gap');
    expect(gap).toEqual({
      severity: 'warning',
      code: 'tcp.gap',
      connection: 'c1',
      time: 1006,
      message:
        'c1: lost 4 bytes client->server (10.0.0.1:50000 -> 10.0.0.2:80) at stream offsets [4, 8) ' +
        '(seq 1005 to 1009): the receiver acknowledged bytes the capture never saw',
      evidence: {
        conn: 'c1',
        direction: 'client->server',
        flow: '10.0.0.1:50000 -> 10.0.0.2:80',
        bytes: 4,
        offsetStart: 4,
        offsetEnd: 8,
        seqStart: 1005,
        seqEnd: 1009,
        cause: 'ack',
        reason: 'the receiver acknowledged bytes the capture never saw',
      },
    });
  });

  it('the ACK grace also ends after ackGraceSeconds of capture time', () => {
    const w = new Wire();
    const events = run(
      [
        w.c2s({ seq: 1000, flags: 'S', time: 10 }),
        w.s2c({ seq: 5000, ack: 1001, flags: 'SA', time: 10.1 }),
        w.c2s({ seq: 1005, flags: 'PA', data: 'efgh', time: 10.2 }), // #2 behind [0,4)
        w.s2c({ seq: 5001, ack: 1009, flags: 'A', time: 10.3 }), // #3 acks it all
        w.s2c({ seq: 5001, ack: 1009, flags: 'A', time: 10.7 }), // #4: 0.4 s, still waiting
        w.s2c({ seq: 5001, ack: 1009, flags: 'A', time: 10.8 }), // #5: 0.5 s
      ],
      { ackGracePackets: 100, ackGraceSeconds: 0.5 },
      false,
    );
    expect(trace(events).slice(-4)).toEqual([
      'packet c1 1 #4',
      'packet c1 1 #5',
      'diag tcp.gap',
      'data c1 0 @4+4 gap4 #5',
    ]);
  });

  it('bytes the capture shows after their ACK (reordered capture) are delivered, not lost', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1001, ack: 5001, flags: 'PA', data: 'abc' }), // #2
      w.s2c({ seq: 5001, ack: 1007, flags: 'A' }), // #3 acks "def" before the capture shows it
      w.c2s({ seq: 1004, ack: 5001, flags: 'PA', data: 'def' }), // #4
      w.c2s({ seq: 1007, ack: 5001, flags: 'PA', data: 'ghi' }),
    ]);
    expect(trace(dataEvents(events))).toEqual([
      'data c1 0 @0+3 gap0 #2',
      'data c1 0 @3+3 gap0 #4',
      'data c1 0 @6+3 gap0 #5',
    ]);
    expect(endOf(events).stats).toMatchObject({ lostBytes: [0, 0], retransmissions: [0, 0] });
    expect(diagnostics(events, 'tcp.gap')).toEqual([]);
  });

  it('an ACK past everything seen: the tail is lost; settled at capture end, the cause is still the ACK', () => {
    const w = new Wire();
    const events = run(
      [
        ...opened(w),
        w.s2c({ seq: 5001, ack: 1101, flags: 'A' }), // #2: 100 bytes acked, none seen
        w.c2s({ seq: 1101, flags: 'PA', data: 'next' }), // #3
      ],
      { ackGraceSeconds: 10 },
    );
    expect(trace(events).slice(3)).toEqual([
      'packet c1 1 #2',
      'packet c1 0 #3',
      'diag tcp.gap',
      'data c1 0 @100+4 gap100 #3',
      'end c1 capture-end',
    ]);
    expect(diagnostics(events, 'tcp.gap')[0]?.evidence).toMatchObject({ bytes: 100, cause: 'ack' });
    expect(endOf(events).stats.lostBytes).toEqual([100, 0]);
  });

  it('an ACK inside a hole declares lost only the part it covers', () => {
    const w = new Wire();
    const events = run(
      [
        ...opened(w),
        w.c2s({ seq: 1011, flags: 'PA', data: 'k' }), // #2 at offset 10
        w.s2c({ seq: 5001, ack: 1005, flags: 'A' }), // #3 covers [0,4)
        w.c2s({ seq: 1005, flags: 'PA', data: 'efghij' }), // #4 fills [4,10), ends the grace
      ],
      { ackGracePackets: 1 },
      false,
    );
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @4+6 gap4 #4', 'data c1 0 @10+1 gap0 #4']);
    expect(diagnostics(events, 'tcp.gap').map((d) => d.evidence?.bytes)).toEqual([4]);
  });

  it('a dropped segment detected via finish(): buffered bytes are delivered with their own packet', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1001, flags: 'PA', data: 'ab' }), // #2
      w.c2s({ seq: 1005, flags: 'PA', data: 'ef' }), // #3, [2,4) missing
      w.c2s({ seq: 1010, flags: 'PA', data: 'jk' }), // #4, [6,9) missing
    ]);
    expect(trace(events).slice(-7)).toEqual(
      [
        'data c1 0 @0+2 gap0 #2',
        'packet c1 0 #3',
        'packet c1 0 #4',
        'diag tcp.gap', // from here on, finish()
        'data c1 0 @4+2 gap2 #3',
        'diag tcp.gap',
        'data c1 0 @9+2 gap3 #4',
        'end c1 capture-end',
      ].slice(-7),
    );
    expect(diagnostics(events, 'tcp.gap').map((d) => d.evidence?.cause)).toEqual([
      'capture-end',
      'capture-end',
    ]);
    expect(endOf(events).stats).toMatchObject({ lostBytes: [5, 0], bytes: [6, 0] });
  });

  it('the buffer cap declares the first hole lost and keeps the rest flowing', () => {
    const w = new Wire();
    const events = run(
      [
        ...opened(w),
        w.c2s({ seq: 1011, flags: 'PA', data: '0123456789' }), // #2 [10,20): 10 buffered
        w.c2s({ seq: 1031, flags: 'PA', data: 'abcdefghij' }), // #3 [30,40): 20 buffered
        w.c2s({ seq: 1041, flags: 'PA', data: 'K' }), // #4 [40,41): 21 > 20
      ],
      { maxBufferedBytesPerDirection: 20 },
      false,
    );
    expect(trace(events).slice(-4)).toEqual([
      'packet c1 0 #4',
      'diag tcp.buffer-overflow',
      'diag tcp.gap',
      'data c1 0 @10+10 gap10 #4',
    ]);
    // After the first hole the buffer holds 11 bytes: under the cap, so [20,30) still waits.
    expect(diagnostics(events, 'tcp.gap')[0]?.evidence).toMatchObject({
      offsetStart: 0,
      offsetEnd: 10,
      cause: 'buffer-overflow',
    });
    const overflow = diagnostics(events, 'tcp.buffer-overflow');
    expect(overflow.length).toBe(1);
    expect(overflow[0]?.evidence).toMatchObject({ buffered: 21, limit: 20, offsetEnd: 10 });
  });
  it('the segment cap bounds the number of buffered pieces the same way', () => {
    const w = new Wire();
    const events = run(
      [
        ...opened(w),
        w.c2s({ seq: 1011, flags: 'PA', data: 'k' }), // #2 offset 10
        w.c2s({ seq: 1021, flags: 'PA', data: 'u' }), // #3 offset 20
        w.c2s({ seq: 1031, flags: 'PA', data: 'E' }), // #4 offset 30: 3 > 2 segments
      ],
      { maxBufferedSegmentsPerDirection: 2 },
      false,
    );
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @10+1 gap10 #4']);
    expect(diagnostics(events, 'tcp.buffer-overflow')[0]?.message).toBe(
      'c1: 3 out-of-order bytes in 3 segments buffered client->server (10.0.0.1:50000 -> 10.0.0.2:80), ' +
        'over the limit (4194304 bytes or 2 segments): the missing bytes before stream offset 10 are declared lost',
    );
  });
});

describe('reassembly: FIN edge cases', () => {
  it('ignores data beyond the FIN, once reported', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1001, flags: 'FPA', data: 'bye' }), // FIN at offset 3
      w.c2s({ seq: 1004, flags: 'PA', data: 'ghost' }),
      w.c2s({ seq: 1004, flags: 'PA', data: 'ghost' }),
    ]);
    expect(text(events, 0)).toBe('bye');
    expect(trace(events).filter((t) => t.startsWith('fin'))).toEqual(['fin c1 0 #2']);
    expect(diagnostics(events, 'tcp.data-after-fin').map((d) => d.evidence?.bytes)).toEqual([5]);
  });

  it('emits fin once for a retransmitted FIN', () => {
    const w = new Wire();
    const events = run([...opened(w), w.c2s({ seq: 1001, flags: 'FA' }), w.c2s({ seq: 1001, flags: 'FA' })]);
    expect(trace(events).filter((t) => t.startsWith('fin'))).toEqual(['fin c1 0 #2']);
    expect(endOf(events).reason).toBe('capture-end');
  });

  it('an ACK of the FIN seen before the FIN itself loses nothing (the FIN is a sequence number, no byte)', () => {
    const w = new Wire();
    const events = run(
      [
        ...opened(w),
        w.c2s({ seq: 1001, flags: 'PA', data: 'abc' }), // #2
        w.s2c({ seq: 5001, ack: 1005, flags: 'A' }), // #3 acks "abc" and the FIN at 1004
        w.c2s({ seq: 1004, flags: 'FA' }), // #4
      ],
      { ackGracePackets: 100, ackGraceSeconds: 100 },
    );
    expect(trace(events).filter((t) => t.startsWith('fin') || t.startsWith('diag'))).toEqual(['fin c1 0 #4']);
    expect(endOf(events).stats.lostBytes).toEqual([0, 0]);
  });

  it('at capture end, a flush that reaches both FINs ends the connection with reason fin', () => {
    const w = new Wire();
    const events = run([
      ...opened(w),
      w.c2s({ seq: 1003, flags: 'FPA', data: 'z' }), // FIN at offset 3, [0,2) missing
      w.s2c({ seq: 5001, ack: 1001, flags: 'FA' }),
    ]);
    expect(trace(events).slice(-4)).toEqual([
      'diag tcp.gap',
      'data c1 0 @2+1 gap2 #2',
      'fin c1 0 #2',
      'end c1 fin',
    ]);
  });
});

describe('reassembly: implausible acknowledgements', () => {
  it('ignores an ACK more than 2^30 ahead (no window is that large) and an ack number without the ACK flag', () => {
    const w = new Wire();
    const events = run(
      [
        ...opened(w),
        w.c2s({ seq: 1005, flags: 'PA', data: 'efgh' }), // buffered behind [0,4)
        w.s2c({ seq: 5001, ack: 1001 + 2 ** 30 + 1, flags: 'A' }),
        w.s2c({ seq: 5001, ack: 1009, flags: 'P' }), // ack field set, ACK flag not
        w.c2s({ seq: 1001, flags: 'PA', data: 'abcd' }), // #5 fills the hole
      ],
      {},
      false,
    );
    expect(trace(dataEvents(events))).toEqual(['data c1 0 @0+4 gap0 #5', 'data c1 0 @4+4 gap0 #5']);
    expect(diagnostics(events, 'tcp.gap')).toEqual([]);
  });
});
