/**
 * The abuse detectors and the GOAWAY trigger classification on hand-built frame sequences (build.ts): the
 * limits of abuse-limits.ts, exactly at their edges, and what a GOAWAY ENHANCE_YOUR_CALM is blamed on.
 */
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/analysis/token-bucket.js';
import { analyse, Frames } from './build.js';

describe('TokenBucket', () => {
  it('lets `burst` events through at once, then `rate` per second', () => {
    const b = new TokenBucket(3, 2);
    expect([b.take(10), b.take(10), b.take(10), b.take(10)]).toEqual([false, false, false, true]);
    expect(b.take(10.5)).toBe(false); // one token back after 0.5 s at 2 per second
    expect(b.take(10.5)).toBe(true);
    expect([b.episodeEvents, b.total]).toEqual([6, 6]);
    expect(b.pressure(10.5)).toBe(1);
    expect(b.pressure(12)).toBe(0); // refilled: the episode is over
    b.take(12);
    expect(b.episodeEvents).toBe(1);
  });

  it('never refills on capture time that steps back', () => {
    const b = new TokenBucket(1, 100);
    expect(b.take(5)).toBe(false);
    expect(b.take(4)).toBe(true);
  });
});

/** `n` requests from the client, each reset at once, 0.1 ms apart (10,000 a second). */
function resetFlood(f: Frames, n: number, start: number): Frames {
  for (let i = 0; i < n; i++) {
    const t = start + i * 0.0001;
    f.request(1 + 2 * i, t).rst('client', 1 + 2 * i, t, 'CANCEL');
  }
  return f;
}

describe('abuse patterns', () => {
  it('Rapid Reset: raised at the 101st premature reset, not at the 100th', () => {
    expect(analyse(resetFlood(new Frames().handshake(0), 100, 1)).codes).not.toContain(
      'analysis.abuse.rapid-reset',
    );
    const a = analyse(resetFlood(new Frames().handshake(0), 101, 1));
    const d = a.diagnostics.find((x) => x.code === 'analysis.abuse.rapid-reset')!;
    expect([d.stream, d.evidence!['count'], d.evidence!['share']]).toEqual([201, 101, 100]);
  });

  it('Rapid Reset: resets after the server answered, or of streams mostly left alone, are not premature', () => {
    const answered = new Frames().handshake(0);
    for (let i = 0; i < 150; i++) {
      const t = 1 + i * 0.001;
      answered
        .request(1 + 2 * i, t)
        .response(1 + 2 * i, t)
        .rst('client', 1 + 2 * i, t, 'CANCEL');
    }
    expect(analyse(answered).codes).not.toContain('analysis.abuse.rapid-reset');
    // 300 streams opened, 150 reset at once: exactly half is enough (Envoy: more than half closes).
    const half = new Frames().handshake(0);
    for (let i = 0; i < 300; i++) half.request(1 + 2 * i, 1, '/a', false);
    for (let i = 0; i < 149; i++) half.rst('client', 1 + 2 * i, 1.001, 'CANCEL');
    expect(analyse(half).codes).not.toContain('analysis.abuse.rapid-reset');
  });

  it('PING flood: 101 PINGs at once, not 100, and PING ACKs never count', () => {
    const pings = (n: number, ack = false): Frames => {
      const f = new Frames().handshake(0);
      for (let i = 0; i < n; i++) f.ping('client', 1, i.toString(16).padStart(16, '0'), ack);
      return f;
    };
    expect(analyse(pings(100)).codes).not.toContain('analysis.abuse.ping-flood');
    expect(analyse(pings(101)).codes).toContain('analysis.abuse.ping-flood');
    expect(analyse(pings(500, true)).codes).not.toContain('analysis.abuse.ping-flood');
    // Ten a second for a minute is within the rate.
    const steady = new Frames().handshake(0);
    for (let i = 0; i < 600; i++) steady.ping('server', 1 + i * 0.1, i.toString(16).padStart(16, '0'));
    expect(analyse(steady).codes).not.toContain('analysis.abuse.ping-flood');
  });

  it('WINDOW_UPDATE flood: more than 10 per DATA frame received, from the 100th', () => {
    const f = new Frames().handshake(0).request(1, 1, '/a', false);
    for (let i = 0; i < 5; i++) f.data('server', 1, 1, 100);
    for (let i = 0; i < 99; i++) f.windowUpdate('client', 0, 1.1, 1);
    expect(analyse(f).codes).not.toContain('analysis.abuse.window-update-flood');
    const a = analyse(f.windowUpdate('client', 0, 1.1, 1));
    const d = a.diagnostics.find((x) => x.code === 'analysis.abuse.window-update-flood')!;
    expect(d.evidence).toMatchObject({ from: 'client', count: 100, dataFrames: 5, limit: 10 });
  });
});

describe('what triggered a GOAWAY ENHANCE_YOUR_CALM', () => {
  const calm = (f: Frames, t: number) => {
    const a = analyse(f.goaway('server', t, 0, 'ENHANCE_YOUR_CALM'));
    return a.diagnostics.find((d) => d.code === 'analysis.goaway.enhance-your-calm')!.evidence!;
  };

  it('a reset flood', () => {
    const e = calm(resetFlood(new Frames().handshake(0), 300, 1), 1.4);
    expect(e['trigger']).toBe('resets');
    expect(e['triggerEvidence']).toBe(
      '300 streams reset before an answer (of 300 opened) in 400 ms (750 per second)',
    );
    expect(e['enforcement']).toContain('nghttp2_option_set_stream_reset_rate_limit');
  });

  it('a SETTINGS flood, even with streams opened', () => {
    const f = new Frames().handshake(0);
    for (let i = 0; i < 80; i++) f.settings('client', 1 + i * 0.001, { ENABLE_PUSH: 0 });
    for (let i = 0; i < 20; i++) f.request(1 + 2 * i, 1.1);
    expect(calm(f, 1.2)['trigger']).toBe('settings');
  });

  it('load: streams opened fast, nothing else', () => {
    const f = new Frames().handshake(0);
    for (let i = 0; i < 1200; i++) f.request(1 + 2 * i, 1 + i * 0.0001);
    const e = calm(f, 1.2);
    expect(e['trigger']).toBe('load');
    expect(e['enforcement']).toContain('SETTINGS_MAX_CONCURRENT_STREAMS');
  });

  it('unknown: a quiet peer, or one whose burst was long ago', () => {
    expect(calm(new Frames().handshake(0).request(1, 1), 2)['trigger']).toBe('unknown');
    const old = new Frames().handshake(0);
    for (let i = 0; i < 150; i++) old.ping('client', 1, i.toString(16).padStart(16, '0'));
    expect(calm(old, 60)['trigger']).toBe('unknown'); // 59 s at 10 per second refilled the bucket
  });
});
