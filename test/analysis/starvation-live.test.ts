/**
 * Window starvation of a stream that does not close (a server stream fed to a slow reader for hours): judged
 * with its figures so far once it has lasted a live window (imbalanceWindowMs), when a DATA frame ends a wait,
 * instead of at the connection's end; once, not again when the stream or the connection ends. Shorter
 * streams are judged at their close as before (flow-control.test.ts, the samples).
 */
import { describe, expect, it } from 'vitest';
import { analysisObserverFactory } from '../../src/analysis/connection-analyzer.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { assertFilled, connectionRecord, Frames } from './build.js';

/** The server fills the stream window, then gets 16 KiB more every `every` s until `seconds`. */
function slowReader(seconds: number, every: number, close: boolean): Frames {
  const f = new Frames().handshake(0).request(1, 0.1, '/pkg.Svc/Watch', true).response(1, 0.2);
  for (let i = 0; i < 4; i++) f.data('server', 1, 0.3, 16_383);
  f.data('server', 1, 0.3, 3);
  for (let t = 1; t < seconds; t += every) {
    f.windowUpdate('client', 1, t, 16_384).windowUpdate('client', 0, t, 16_384);
    f.data('server', 1, t + 0.01, 16_384);
  }
  if (close) f.data('server', 1, seconds, 0, true);
  return f;
}

function run(f: Frames): { live: Array<{ at: number; d: Diagnostic }>; end: Diagnostic[] } {
  const observer = analysisObserverFactory({})({
    id: 'c1',
    a: { ip: '10.0.0.1', port: 40000 },
    b: { ip: '10.0.0.2', port: 50051 },
    clientRule: 'syn',
    synSeen: true,
    start: 0,
    firstPacketIndex: 0,
  });
  const live: Array<{ at: number; d: Diagnostic }> = [];
  for (const ev of f.events)
    for (const o of observer.event(ev))
      if (o.kind === 'diagnostic')
        live.push({ at: ev.kind === 'frame' ? ev.frame.time : -1, d: o.diagnostic });
  const end = observer
    .end(connectionRecord({ start: 0, end: 1000 }), 'fin')
    .outputs.flatMap((o) => (o.kind === 'diagnostic' ? [o.diagnostic] : []));
  [...live.map((x) => x.d), ...end].forEach(assertFilled);
  return { live, end };
}

describe('starvation of a stream that stays open', () => {
  it('raised once the stream has lasted a live window, not at the end', () => {
    const { live, end } = run(slowReader(600, 2, false));
    const starved = live.filter((x) => x.d.code === 'analysis.flow.starvation');
    expect(starved).toHaveLength(1);
    expect(starved[0]!.at).toBeGreaterThanOrEqual(60);
    expect(starved[0]!.at).toBeLessThan(63);
    expect(starved[0]!.d).toMatchObject({ stream: 1, evidence: { sender: 'server', stream: 1 } });
    expect(end.filter((d) => d.code === 'analysis.flow.starvation')).toEqual([]);
  });

  it('not said again when the stream closes', () => {
    const { live, end } = run(slowReader(200, 2, true));
    const all = [...live.map((x) => x.d), ...end].filter((d) => d.code === 'analysis.flow.starvation');
    expect(all).toHaveLength(1);
  });

  it('a stream shorter than a window is judged at its close, with its final figures', () => {
    const { live } = run(slowReader(50, 2, true));
    const starved = live.filter((x) => x.d.code === 'analysis.flow.starvation');
    expect(starved.map((x) => x.at)).toEqual([50]);
  });
});
