/**
 * Bytes in flight kept as ranges (src/tcp/tcp-window.ts) instead of tshark's list of unacknowledged
 * segments: the same lowest and highest unacknowledged byte, whatever is acknowledged in which order. The
 * real-capture check is test/tcp/tcp-analysis-golden.test.ts (h2-bytes-in-flight: ~1,500 segments in flight).
 */
import { describe, expect, it } from 'vitest';
import { ackFlight, addFlight, bytesInFlight, TcpWindowSide } from '../../src/tcp/tcp-window.js';

/** tshark's way: the list of segments, trimmed by ACKs; the span from the lowest start to the highest end. */
class SegmentList {
  segs: Array<[number, number]> = [];
  add(seq: number, end: number): void {
    this.segs.push([seq, end]);
  }
  ack(a: number): void {
    this.segs = this.segs.filter(([, e]) => e > a).map(([s, e]) => [s < a ? a : s, e] as [number, number]);
  }
  span(): number {
    if (this.segs.length === 0) return 0;
    return Math.max(...this.segs.map(([, e]) => e)) - Math.min(...this.segs.map(([s]) => s));
  }
}

function span(side: TcpWindowSide): number {
  return bytesInFlight(side, new TcpWindowSide(), 0, false);
}

describe('bytes in flight from ranges', () => {
  it('a long run of segments is one range, whatever its length', () => {
    const side = new TcpWindowSide();
    for (let i = 0; i < 5000; i++) addFlight(side, 1000 + i * 100, 1100 + i * 100);
    expect(side.flight).toEqual([1000, 501_000]);
    expect(span(side)).toBe(500_000);
    ackFlight(side, 250_050);
    expect(span(side)).toBe(250_950);
    ackFlight(side, 501_000);
    expect(side.flight).toBeNull();
  });

  it('holes, ACKs inside a hole, retransmissions below the ACK: as the segment list', () => {
    const steps: Array<['add', number, number] | ['ack', number]> = [
      ['add', 0, 100],
      ['add', 100, 200],
      ['add', 300, 400], // 200-300 never seen
      ['add', 500, 600],
      ['ack', 250], // inside the hole: the lowest unacknowledged byte is now 300
      ['add', 150, 250], // spurious retransmission, already acknowledged
      ['add', 600, 700],
      ['ack', 350],
      ['add', 200, 300], // the hole, late
      ['ack', 450], // between ranges
      ['add', 450, 500],
      ['ack', 700],
    ];
    const side = new TcpWindowSide();
    const list = new SegmentList();
    const seen: number[] = [];
    for (const step of steps) {
      if (step[0] === 'add') {
        addFlight(side, step[1], step[2]);
        list.add(step[1], step[2]);
      } else {
        ackFlight(side, step[1]);
        list.ack(step[1]);
      }
      expect(span(side)).toBe(list.span());
      seen.push(span(side));
    }
    expect(seen).toEqual([100, 200, 400, 600, 300, 450, 550, 350, 500, 200, 250, 0]);
  });

  it('sequence numbers that wrap past 2^32', () => {
    const side = new TcpWindowSide();
    const start = 0xffff_ff00;
    addFlight(side, start, (start + 0x100) >>> 0);
    addFlight(side, 0, 0x200);
    expect(bytesInFlight(side, new TcpWindowSide(), start, false)).toBe(0x300);
    ackFlight(side, 0x80);
    expect(bytesInFlight(side, new TcpWindowSide(), start, false)).toBe(0x180);
  });
});
