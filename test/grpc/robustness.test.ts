import { describe, expect, it } from 'vitest';
import { GrpcCallTracker } from '../../src/grpc/call-tracker.js';
import { decodeStatusDetailsHeader } from '../../src/grpc/rpc-status.js';
import type { H2Event } from '../../src/h2/types.js';
import { REQUEST, RESPONSE, data, goaway, headers, lostHeaders, lpm, rst } from './h2-events.js';

// xorshift32 with fixed seeds: deterministic "random" inputs
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
}

function randomBytes(next: () => number, max: number): Buffer {
  const b = Buffer.alloc(next() % max);
  for (let i = 0; i < b.length; i++) b[i] = next() & 0xff;
  return b;
}

function randomEvent(next: () => number, t: number): H2Event {
  const stream = 1 + 2 * (next() % 4);
  const from = next() % 2 === 0 ? 'client' : 'server';
  const end = next() % 5 === 0;
  switch (next() % 9) {
    case 0:
      return headers(
        'client',
        stream,
        t,
        REQUEST('/p.S/M', [
          ['grpc-timeout', `${next() % 200}m`],
          ['grpc-encoding', 'gzip'],
        ]),
        end,
      );
    case 1:
      return headers('server', stream, t, [...RESPONSE, ['grpc-encoding', 'deflate']], end);
    case 2:
      return headers(
        'server',
        stream,
        t,
        [
          ['grpc-status', String(next() % 20)],
          ['grpc-status-details-bin', randomBytes(next, 12)],
        ],
        true,
      );
    case 3:
      return lostHeaders(from, stream, t, end);
    case 4:
      return rst(from, stream, t, 'CANCEL');
    case 5:
      return goaway('server', t, next() % 8);
    case 6:
      return data(from, stream, t, lpm(randomBytes(next, 40), next() % 3), end);
    default:
      return data(from, stream, t, randomBytes(next, 60), end);
  }
}

describe('robustness', () => {
  it('the tracker never throws on random event sequences and reports each stream at most once per lifetime', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = rng(seed);
      const t = new GrpcCallTracker({ connection: 'c1', maxMessageBytes: 32 });
      const out = [];
      for (let i = 0; i < 40; i++) out.push(...t.push(randomEvent(next, i)));
      out.push(...t.finish(100, next() % 2 === 0 ? 'capture-end' : 'rst'));
      for (const e of out) {
        if (e.kind === 'call') {
          expect(JSON.parse(JSON.stringify(e.call)).stream).toBe(e.call.stream); // JSON-safe
          expect(e.call.end).toBeGreaterThanOrEqual(e.call.start);
        }
      }
      const streams = out.flatMap((e) => (e.kind === 'call' ? [e.call.stream] : []));
      expect(new Set(streams).size).toBe(streams.length);
    }
  });

  it('status details decoding never throws on random bytes', () => {
    const next = rng(42);
    for (let i = 0; i < 2000; i++) {
      const r = decodeStatusDetailsHeader(randomBytes(next, 40));
      expect(r.status !== null || r.diagnostic !== null).toBe(true);
    }
  });
});
