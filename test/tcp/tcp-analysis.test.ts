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
    // The probe's ACK repeats the zero window: tshark flags both (zero_window, zero_window_probe_ack).
    expect(t.segment(seg(0, 0.26, 1001, 6001, 0, 0), 0, out)).toBe(
      TCP_A.ZERO_WINDOW | TCP_A.ZERO_WINDOW_PROBE_ACK,
    );
    const { dirs } = t.record();
    expect(dirs[0].zeroWindows).toBe(2);
    expect(dirs[0].zeroWindowProbeAcks).toBe(1);
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

  it("a keep-alive's ACK is a keep_alive_ack, not a duplicate ACK", () => {
    const t = analyzer();
    const out: TcpEvent[] = [];
    t.segment(seg(0, 0, 1001, 5001, 10), 0, out);
    t.segment(seg(1, 0.01, 5001, 1011, 0), 1, out);
    // Linux's keep-alive: no payload, one below the next sequence number.
    expect(t.segment(seg(0, 7200, 1010, 5001, 0), 0, out)).toBe(TCP_A.KEEP_ALIVE);
    expect(t.segment(seg(1, 7200.001, 5001, 1011, 0), 1, out)).toBe(TCP_A.KEEP_ALIVE_ACK);
    expect(t.record().dirs[1]).toMatchObject({ keepAliveAcks: 1, duplicateAcks: 0 });
  });

  it("window full: a segment ending at the edge of the peer's window; tcp.window-full at the third", () => {
    const t = analyzer();
    const out: TcpEvent[] = [];
    // No window scale option in either SYN: windows are as sent, and tshark knows the scaling.
    t.segment(seg(0, 0, 1000, 0, 0, 1000, { syn: true, ack: false }), 0, out);
    t.segment(seg(1, 0.001, 5000, 1001, 0, 2000, { syn: true }), 1, out);
    t.segment(seg(0, 0.002, 1001, 5001, 0, 1000), 0, out);
    expect(t.segment(seg(1, 0.003, 5001, 1001, 600), 1, out)).toBe(0);
    expect(t.segment(seg(1, 0.004, 5601, 1001, 400), 1, out)).toBe(TCP_A.WINDOW_FULL);
    expect(t.lastBytesInFlight).toBe(1000);
    // The client reads and opens the window again; each time the server fills it.
    for (let i = 1; i <= 2; i++) {
      t.segment(seg(0, 0.01 * i, 1001, 5001 + 1000 * i, 0, 1000), 0, out);
      expect(t.segment(seg(1, 0.01 * i + 0.001, 5001 + 1000 * i, 1001, 1000), 1, out)).toBe(
        TCP_A.WINDOW_FULL,
      );
    }
    expect(t.record().dirs[1].windowFull).toBe(3);
    const diags = out.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
    expect(diags.map((d) => d.code)).toEqual(['tcp.window-full']);
    expect(diags[0]!.evidence).toMatchObject({ direction: 'server->client', window: 1000 });
  });

  it("SACK blocks: D-SACK below the ACK; the blocks leave the peer's bytes in flight", () => {
    const t = analyzer();
    const out: TcpEvent[] = [];
    t.segment(seg(1, 0, 5001, 1001, 1000), 1, out);
    t.segment(seg(1, 0.001, 6001, 1001, 1000), 1, out);
    // The client holds 7001-8001 past a hole at 6001-7001.
    const sackAck = { ...seg(0, 0.002, 1001, 6001, 0), sack: [7001, 8001] };
    t.segment(seg(1, 0.0015, 7001, 1001, 1000), 1, out);
    t.segment(sackAck, 0, out);
    expect(t.lastDsack).toBe(false);
    t.segment(seg(1, 0.003, 8001, 1001, 1000), 1, out);
    // 6001-9001 unacknowledged, 1000 of it SACKed.
    expect(t.lastBytesInFlight).toBe(2000);
    const dsack = { ...seg(0, 0.004, 1001, 9001, 0), sack: [5001, 6001] };
    t.segment(dsack, 0, out);
    expect(t.lastDsack).toBe(true);
    expect(t.record().dirs[0]).toMatchObject({ sackSegments: 2, dsacks: 1 });
  });
});
