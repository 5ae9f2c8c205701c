/**
 * Regression tests for the performance changes listed in docs/performance.md: each keeps the behaviour
 * the code had before the change, on the paths the change touched.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputStream } from '../../src/cli/output-stream.js';
import { FlowTable } from '../../src/tcp/flow-table.js';
import type { TcpEvent } from '../../src/tcp/types.js';
import { Wire } from '../tcp/builder.js';

/** One whole connection (SYN .. last FIN) from `port` starting at capture time `t`. */
function connection(port: number, t: number): ReturnType<Wire['c2s']>[] {
  const w = new Wire({ ip: '10.0.0.1', port }, { ip: '10.0.0.2', port: 80 });
  return [
    w.c2s({ seq: 1000, flags: 'S', time: t }),
    w.s2c({ seq: 5000, ack: 1001, flags: 'SA', time: t }),
    w.c2s({ seq: 1001, ack: 5001, flags: 'FA', time: t }),
    w.s2c({ seq: 5001, ack: 1002, flags: 'FA', time: t }),
  ];
}

/** A late ACK of that connection: absorbed while its tombstone lives, else a new (mid-stream) connection. */
function lateAck(port: number, t: number): ReturnType<Wire['c2s']> {
  return new Wire({ ip: '10.0.0.1', port }, { ip: '10.0.0.2', port: 80 }).c2s({
    seq: 1002,
    ack: 5002,
    time: t,
  });
}

const opened = (events: TcpEvent[]): number => events.filter((e) => e.kind === 'open').length;

describe('FlowTable tombstone queue (array with a head index instead of a Set)', () => {
  it('expires tombstones in end order across the compaction of the queue', () => {
    const table = new FlowTable();
    // 3000 connections ending at t = 0 .. 2999 ms: more than the 1024 that trigger a compaction.
    for (let i = 0; i < 3000; i++) for (const s of connection(20000 + i, 1000 + i / 1000)) table.push(s);
    expect(table.counters.connections).toBe(3000);
    // At t = 1061.6 s the first 1600 tombstones (ended before 1001.6) have expired: more than half the
    // queue, so it is compacted; the others still absorb late packets.
    expect(opened(table.push(lateAck(20000, 1061.6)))).toBe(1);
    expect(opened(table.push(lateAck(21598, 1061.6)))).toBe(1);
    expect(opened(table.push(lateAck(21601, 1061.6)))).toBe(0);
    expect(opened(table.push(lateAck(22999, 1061.6)))).toBe(0);
    // After the compaction, expiry goes on from the new front.
    expect(opened(table.push(lateAck(22399, 1062.45)))).toBe(1);
    expect(opened(table.push(lateAck(22500, 1062.45)))).toBe(0);
    expect(table.counters.strayPackets).toBe(3);
    expect(opened(table.push(lateAck(22999, 1063)))).toBe(1);
  });

  it('a tombstone reused by a new SYN no longer expires the newer one of the same 4-tuple', () => {
    const table = new FlowTable();
    for (const s of connection(30000, 1000)) table.push(s); // c1 ends at 1000: tombstone 1
    const w = new Wire({ ip: '10.0.0.1', port: 30000 }, { ip: '10.0.0.2', port: 80 });
    const reuse = [
      w.c2s({ seq: 7000, flags: 'S', time: 1010 }), // a new ISN reuses the 4-tuple: c2
      w.s2c({ seq: 9000, ack: 7001, flags: 'SA', time: 1010 }),
      w.c2s({ seq: 7001, ack: 9001, flags: 'FA', time: 1020 }),
      w.s2c({ seq: 9001, ack: 7002, flags: 'FA', time: 1020 }), // c2 ends at 1020: tombstone 2
    ];
    expect(opened(reuse.flatMap((s) => table.push(s)))).toBe(1);
    // At 1065 tombstone 1 would have expired; tombstone 2 (until 1080) still absorbs c2's late ACK.
    const late = w.c2s({ seq: 7002, ack: 9002, time: 1065 });
    expect(table.push(late)).toEqual([]);
    expect(table.counters).toEqual({ connections: 2, strayPackets: 1 });
    expect(opened(table.push(w.c2s({ seq: 7002, ack: 9002, time: 1081 })))).toBe(1);
  });
});

describe('OutputStream (text encoded straight into reusable 1 MiB buffers)', () => {
  async function collect(writes: string[], flushEvery: number): Promise<string> {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const out = OutputStream.to(sink);
    writes.forEach((s, i) => {
      out.write(s);
      expect(out.pending).toBe(true);
      if ((i + 1) % flushEvery === 0) void out.flush();
    });
    await out.flush();
    expect(out.pending).toBe(false);
    await out.end();
    return Buffer.concat(chunks).toString('utf8');
  }

  it('writes exactly what was written, in order, across seals and flushes, UTF-8 included', async () => {
    const writes = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"s":"${'x'.repeat(i % 97)}é€😀"}\n`);
    const expected = writes.join('');
    expect(await collect(writes, 1)).toBe(expected);
    expect(await collect(writes, 700)).toBe(expected);
    expect(await collect(writes, 100000)).toBe(expected);
  });

  it('a single string longer than the buffer passes through whole', async () => {
    const big = 'ab'.repeat(100_000);
    expect(await collect([big, 'end\n'], 2)).toBe(big + 'end\n');
    // 3 bytes of UTF-8 per character, 1.5 MB: more than a buffer even at one byte per character.
    const huge = '€'.repeat(500_000);
    expect(await collect(['a', huge, 'b', huge, 'c\n'], 100)).toBe('a' + huge + 'b' + huge + 'c\n');
  });

  it('fills buffers to the brim across many writes without splitting a character', async () => {
    // 350,000 writes of 3 units each: several full buffers, a 4-byte character straddling no boundary.
    const writes = Array.from({ length: 350_000 }, (_, i) => (i % 3 === 0 ? 'a😀' : 'xé\n'));
    expect(await collect(writes, 100_001)).toBe(writes.join(''));
  });
});
