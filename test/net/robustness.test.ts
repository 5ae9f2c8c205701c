import { describe, expect, it } from 'vitest';
import { type NetEvent, NetDecoder } from '../../src/net/net-decoder.js';
import type { Fixture } from './fixtures.js';
import * as fx from './fixtures.js';
import { raw } from './helpers.js';

const FIXTURES = Object.entries(fx).filter((e): e is [string, Fixture] => typeof e[1] === 'object');

/** Every push must yield exactly one outcome, and every diagnostic must have its template filled. */
function checkPush(events: NetEvent[]): void {
  const outcomes = events.filter((e) => e.kind !== 'diagnostic').length;
  const unfilled = events.find((e) => e.kind === 'diagnostic' && /\{\w+\}/.test(e.diagnostic.message));
  // Plain checks first: expect() per push would dominate the run time of the sweeps.
  if (outcomes !== 1 || unfilled !== undefined) expect({ outcomes, unfilled }).toEqual({ outcomes: 1 });
}

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('robustness', () => {
  it('has fixtures to sweep', () => expect(FIXTURES.length).toBeGreaterThan(25));

  it('survives every cut point of every fixture packet, one outcome per packet', () => {
    for (const [, f] of FIXTURES) {
      const decoder = new NetDecoder({ maxDiagnosticsPerCode: Infinity });
      let index = 0;
      for (const hex of f.packets) {
        const full = Buffer.from(hex, 'hex');
        for (let n = 0; n <= full.length; n++)
          checkPush(decoder.push(raw(full.subarray(0, n), f.linkType, index++)));
      }
      decoder.finish();
    }
  });

  it('survives every single-bit flip in the first 96 bytes of every fixture packet', () => {
    for (const [, f] of FIXTURES) {
      const decoder = new NetDecoder({ maxDiagnosticsPerCode: Infinity });
      let index = 0;
      for (const hex of f.packets) {
        const data = Buffer.from(hex, 'hex');
        for (let bit = 0; bit < Math.min(data.length, 96) * 8; bit++) {
          data[bit >> 3]! ^= 1 << (bit & 7);
          checkPush(decoder.push(raw(Buffer.from(data), f.linkType, index++)));
          data[bit >> 3]! ^= 1 << (bit & 7);
        }
      }
      decoder.finish();
    }
  });

  it('survives random bytes on every supported link type, and random fragment floods', () => {
    const random = prng(0x5eed);
    const decoder = new NetDecoder({ maxDiagnosticsPerCode: Infinity, fragments: { maxDatagrams: 16 } });
    const base = [fx.vlanIpv4Preface, fx.qinqIpv6, fx.ipv4Fragments, fx.ipv6Fragments].map((f) =>
      Buffer.from(f.packets[0]!, 'hex'),
    );
    let index = 0;
    for (const linkType of [0, 1, 12, 14, 101, 108, 113, 228, 229, 276]) {
      for (let i = 0; i < 500; i++) {
        const data = Buffer.from(base[i % base.length]!);
        // Random bytes over the header area keep enough structure to reach deep layers now and then.
        for (let k = 0; k < 1 + Math.floor(random() * 6); k++)
          data[Math.floor(random() * 80)] = random() * 256;
        checkPush(decoder.push(raw(data, linkType, index++, 1_700_000_000 + index / 100)));
      }
    }
    for (const e of decoder.finish()) expect(e.kind).toBe('diagnostic');
  });
});

describe('diagnostic limits', () => {
  it('reports the first N diagnostics of a code, then one summary per code at finish()', () => {
    const decoder = new NetDecoder({ maxDiagnosticsPerCode: 2 });
    const cut = Buffer.from(fx.rawIpv4.packets[0]!, 'hex').subarray(0, 30);
    const events: NetEvent[] = [];
    for (let i = 0; i < 5; i++) events.push(...decoder.push(raw(cut, 101, i)));
    expect(events.filter((e) => e.kind === 'diagnostic')).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'skipped')).toHaveLength(5);
    const summary = decoder.finish();
    expect(summary).toHaveLength(1);
    expect(summary[0]?.kind === 'diagnostic' && summary[0].diagnostic.message).toBe(
      '3 more net.truncated diagnostics were not reported (limit 2 per code)',
    );
  });
});
