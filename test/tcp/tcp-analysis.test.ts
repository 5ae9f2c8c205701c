/**
 * TcpAnalyzer rules on hand-built segments where no sample shows them: a receiver closing its window
 * (RFC 9293 §3.8.6.1 zero window, §3.8.6.1 probes), diagnostics raised once per side, retransmission delay.
 */
import { describe, expect, it } from 'vitest';
import type { TcpSegment } from '../../src/net/types.js';
import { TCP_A, TcpAnalyzer } from '../../src/tcp/tcp-analysis.js';
import type { TcpEvent } from '../../src/tcp/types.js';

const A = { ip: '10.0.0.1', port: 40000 };
const B = { ip: '10.0.0.2', port: 50051 };
const FLAGS = {
  fin: false,
  syn: false,
  rst: false,
  psh: false,
  ack: true,
  urg: false,
  ece: false,
  cwr: false,
};

function seg(
  from: 0 | 1,
  time: number,
  seq: number,
  ack: number,
  data: number,
  window = 65535,
  flags = {},
): TcpSegment {
  return {
    packetIndex: Math.round(time * 1000),
    time,
    ipVersion: 4,
    src: from === 0 ? A : B,
    dst: from === 0 ? B : A,
    seq,
    ack,
    flags: { ...FLAGS, ...flags },
    window,
    payload: Buffer.alloc(data),
  };
}

function analyzer(): TcpAnalyzer {
  return new TcpAnalyzer({
    id: 'c1',
    a: A,
    b: B,
    clientRule: 'syn',
    synSeen: true,
    start: 0,
    firstPacketIndex: 0,
  });
}

describe('TcpAnalyzer', () => {
  it('handshake RTTs, then a zero window, a probe, and the diagnostics once per side', () => {
    const t = analyzer();
    const out: TcpEvent[] = [];
    t.segment(seg(0, 0, 1000, 0, 0, 65535, { syn: true, ack: false }), 0, out);
    t.segment(seg(1, 0.01, 5000, 1001, 0, 65535, { syn: true }), 1, out);
    t.segment(seg(0, 0.012, 1001, 5001, 0), 0, out);
    expect(t.handshake()).toMatchObject({ synToSynAckMs: 10, synAckToAckMs: 2, initialRttMs: 12 });
    t.segment(seg(1, 0.02, 5001, 1001, 1000), 1, out);
    // The client's application stops reading: its ACKs close the window.
    expect(t.segment(seg(0, 0.03, 1001, 6001, 0, 0), 0, out) & TCP_A.ZERO_WINDOW).toBeTruthy();
    expect(t.segment(seg(1, 0.25, 6001, 1001, 1), 1, out) & TCP_A.ZERO_WINDOW_PROBE).toBeTruthy();
    expect(t.segment(seg(0, 0.26, 1001, 6001, 0, 0), 0, out) & TCP_A.ZERO_WINDOW).toBeTruthy();
    const { dirs } = t.record();
    expect(dirs[0].zeroWindows).toBe(2);
    expect(dirs[1].zeroWindowProbes).toBe(1);
    // SYN-ACK to ACK (2 ms) and the 1000 bytes to their ACK (10 ms).
    expect(dirs[1].ackRtt).toMatchObject({ samples: 2, minMs: 2, maxMs: 10 });
    expect(out.map((e) => (e.kind === 'diagnostic' ? e.diagnostic.code : e.kind))).toEqual([
      'tcp.zero-window',
    ]);
  });

  it('a retransmission after an RTO: its delay from the first copy, one diagnostic per side', () => {
    const t = analyzer();
    const out: TcpEvent[] = [];
    t.segment(seg(0, 1, 1001, 5001, 100), 0, out);
    expect(t.segment(seg(0, 1.2, 1001, 5001, 100), 0, out)).toBe(TCP_A.RETRANSMISSION);
    expect(t.segment(seg(0, 1.6, 1001, 5001, 100), 0, out)).toBe(TCP_A.RETRANSMISSION);
    const d = t.record().dirs[0];
    expect(d.retransmissions).toBe(2);
    expect(d.retransmissionDelayMs).toBe(800); // 200 ms + 600 ms, both from the first copy at 1 s
    expect(t.episodesSince(0)).toEqual([
      { dir: 0, start: 1, end: 1.2 },
      { dir: 0, start: 1, end: 1.6 },
    ]);
    expect(out.filter((e) => e.kind === 'diagnostic')).toHaveLength(1);
  });
});
