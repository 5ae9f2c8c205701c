/**
 * Load imbalance judged over a sliding window while the capture goes on (src/analysis/live-imbalance.ts):
 * channels that live for hours and a live pipe that never ends must get their imbalance warning when a
 * window of capture time shows it, not when the input ends; a capture shorter than a window keeps its
 * end-of-capture answer (the samples' goldens check that), and a service warned about live is not warned
 * about again at the end.
 */
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../src/analysis/capture-analyzer.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { assertFilled, callRecord, connectionRecord } from './build.js';

const SERVERS = ['10.0.0.2:50051', '10.0.0.3:50051', '10.0.0.4:50051'];

/** Three channels from one client, one per backend, open for the whole run; calls every `every` s. */
function run(
  seconds: number,
  pick: (n: number, t: number) => number,
  servers = SERVERS,
  every = 0.5,
): { live: Array<{ at: number; d: Diagnostic }>; end: Diagnostic[] } {
  const a = new CaptureAnalyzer();
  servers.forEach((server, i) =>
    a.opened({ id: `c${i + 1}`, client: `10.0.0.1:${40001 + i}`, server, protocol: 'h2c' }),
  );
  const live: Array<{ at: number; d: Diagnostic }> = [];
  let n = 0;
  for (let t = 100; t < 100 + seconds; t += every, n++) {
    const conn = pick(n, t - 100);
    const call = callRecord({ connection: `c${conn + 1}`, stream: 1 + 2 * n, service: 'pkg.Svc' });
    for (const d of a.call({ ...call, start: t, end: t + 0.01 })) live.push({ at: t - 100, d });
  }
  const end = servers
    .map((server, i) =>
      a.connection(
        connectionRecord({
          id: `c${i + 1}`,
          client: `10.0.0.1:${40001 + i}`,
          server,
          start: 99,
          end: 100 + seconds,
        }),
      ),
    )
    .flat();
  end.push(...a.finish());
  [...live.map((x) => x.d), ...end].forEach(assertFilled);
  return { live, end };
}

describe('imbalance over a sliding window', () => {
  it('raised while the connections are open, once a window shows it, with the window in the evidence', () => {
    // Even for 5 minutes, then backend 1 takes 9 calls in 10.
    const { live, end } = run(600, (n, t) => (t < 300 ? n % 3 : n % 10 === 9 ? 1 + (n % 2) : 0));
    expect(live.map((x) => x.d.code)).toEqual(['analysis.imbalance.endpoints']);
    const first = live[0]!;
    // Within one window of the change, not at the end (600 s).
    expect(first.at).toBeGreaterThan(300);
    expect(first.at).toBeLessThan(360);
    expect(first.d.evidence).toMatchObject({ service: 'pkg.Svc', endpoints: 3, windowMs: 60_000 });
    expect(Number(first.d.evidence?.['ratio'])).toBeGreaterThanOrEqual(4);
    // Not raised a second time at the end, although the whole capture is imbalanced too.
    expect(end.filter((d) => d.code === 'analysis.imbalance.endpoints')).toEqual([]);
  });

  it('calls pinned to one of three channels to one address, raised live', () => {
    const vip = ['10.0.0.9:443', '10.0.0.9:443', '10.0.0.9:443'];
    const { live, end } = run(300, (n) => (n % 20 === 0 ? 2 : 0), vip);
    expect(live.map((x) => [x.d.code, x.d.connection])).toEqual([['analysis.imbalance.pinned', 'c1']]);
    expect(live[0]!.at).toBeLessThan(61);
    expect(live[0]!.d.evidence).toMatchObject({ server: '10.0.0.9:443', connections: 3, busiest: 'c1' });
    expect(end.filter((d) => d.code === 'analysis.imbalance.pinned')).toEqual([]);
  });

  it('quiet while the calls are spread evenly, however long', () => {
    const { live, end } = run(900, (n) => n % 3);
    expect(live).toEqual([]);
    expect(end).toEqual([]);
  });

  it('a capture shorter than a window is judged at its end only, as before', () => {
    const { live, end } = run(50, (n) => (n % 10 === 0 ? 1 : 0));
    expect(live).toEqual([]);
    expect(end.map((d) => d.code)).toEqual(['analysis.imbalance.endpoints']);
    expect(end[0]!.evidence?.['windowMs']).toBeUndefined();
  });

  it('a spike much shorter than the window is diluted by the even calls around it', () => {
    // Everything to backend 1 for 10 s, evenly spread for the 20 minutes around it.
    const { live } = run(1200, (n, t) => (t >= 500 && t < 510 ? 0 : n % 3));
    expect(live).toEqual([]);
  });
});
