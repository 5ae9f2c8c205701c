/**
 * StatusGuesser (src/grpc/status-guess.ts) on hand-made calls: the evidence rules, the wait for the first
 * calls, and that one call with other entries ends guessing on the connection. The samples
 * (test/calls/late-start.test.ts, test/golden/tshark-wrong.test.ts) check it against what clients saw.
 */
import { describe, expect, it } from 'vitest';
import type { HpackUnknown } from '../../src/h2/types.js';
import type { CallRecord, GrpcEvent } from '../../src/records/call.js';
import type { CallState } from '../../src/grpc/call-state.js';
import { MAX_HELD, MIN_AGREEING, StatusGuesser } from '../../src/grpc/status-guess.js';

let stream = 1;

/** A finished call whose trailers referred to `entries` (whole fields) and `names` from before the capture. */
function call(
  entries: number[],
  opts: { names?: HpackUnknown['names']; trailersOnly?: boolean; responses?: number } = {},
): [CallState, GrpcEvent[]] {
  const unknown: HpackUnknown = { entries, names: opts.names ?? [], beforeCapture: true };
  const record = {
    stream: (stream += 2),
    outcome: 'status-unknown',
    status: null,
    statusSource: null,
    trailersOnly: opts.trailersOnly ?? false,
    responseCount: opts.responses ?? 1,
    reset: null,
    statusUnknown: { reason: 'HPACK entries from before the capture', guess: null },
  } as unknown as CallRecord;
  return [{ statusLostEntries: unknown } as CallState, [{ kind: 'call', call: record }]];
}

const guessOf = (events: GrpcEvent[]): Array<string | null> =>
  events.flatMap((e) => (e.kind === 'call' ? [e.call.statusUnknown?.guess?.statusName ?? null] : []));

describe('StatusGuesser', () => {
  it('holds the first calls until three agree, then guesses OK for each, in order', () => {
    const g = new StatusGuesser();
    expect(MIN_AGREEING).toBe(3);
    expect(g.offer(...call([1, 0]))).toEqual([]);
    expect(g.offer(...call([0, 1, 1]))).toEqual([]); // the same entries, in any order or number
    const out = g.offer(...call([0, 1]));
    expect(guessOf(out)).toEqual(['OK', 'OK', 'OK']);
    expect(out.map((e) => e.kind === 'call' && e.call.stream)).toEqual([3, 5, 7]);
    const basis = (out[0] as Extract<GrpcEvent, { kind: 'call' }>).call.statusUnknown!.guess!.basis;
    expect(basis).toContain('the same HPACK entries from before the capture (0, 1)');
    expect(guessOf(g.offer(...call([0, 1])))).toEqual(['OK']); // settled: at once
  });

  it('guesses an error code from a literal under the name of one of those entries', () => {
    const g = new StatusGuesser();
    for (let i = 0; i < 3; i++) g.offer(...call([0, 1]));
    const err = call([], {
      names: [
        { entry: 0, value: '5' },
        { entry: 1, value: 'item%20gone' },
      ],
      trailersOnly: true,
    });
    const [ev] = g.offer(...err) as Array<Extract<GrpcEvent, { kind: 'call' }>>;
    expect(ev!.call.statusUnknown!.guess).toMatchObject({ status: 5, statusName: 'NOT_FOUND' });
    // Not a status code, or a name from an entry the OK calls never used: no guess.
    expect(guessOf(g.offer(...call([], { names: [{ entry: 0, value: 'x' }], trailersOnly: true })))).toEqual([
      null,
    ]);
    expect(guessOf(g.offer(...call([], { names: [{ entry: 7, value: '5' }], trailersOnly: true })))).toEqual([
      null,
    ]);
  });

  it('stops guessing on a connection once a call ended with other unknown entries', () => {
    const g = new StatusGuesser();
    g.offer(...call([0, 1]));
    const out = g.offer(...call([0, 2]));
    expect(guessOf(out)).toEqual([null, null]);
    for (let i = 0; i < 3; i++) expect(guessOf(g.offer(...call([0, 1])))).toEqual([null]);
  });

  it('is not fooled by Trailers-Only or message-less calls, and lets held calls go at the cap or the end', () => {
    const g = new StatusGuesser();
    g.offer(...call([0, 1]));
    g.offer(...call([0, 1], { trailersOnly: true })); // an error's usual shape: not evidence, waits
    g.offer(...call([0, 1], { responses: 0 }));
    expect(guessOf(g.finish())).toEqual([null, null, null]); // one evidence call only
    const h = new StatusGuesser();
    const out: GrpcEvent[] = [];
    for (let i = 0; i < MAX_HELD; i++) out.push(...h.offer(...call([0, 1], { responses: 0 })));
    expect(out).toHaveLength(MAX_HELD);
  });
});
