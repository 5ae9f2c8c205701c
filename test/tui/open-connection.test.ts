/**
 * The connection detail of a connection still open (a live pipe): the loader's snapshots
 * (Engine.snapshot) list only the open streams, so the Streams section says how many are open now rather
 * than counting them as all of the connection's streams; the final record lists them all.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CaptureStore } from '../../src/model/store.js';
import { connectionSummary } from '../../src/tui/connection-summary.js';
import { SAMPLES } from './load-store.js';

const lines = (store: CaptureStore): string[] =>
  connectionSummary(store, store.connectionByOrdinal(0)!, 120).map((l) => l.line.map((s) => s.text).join(''));

describe('connection detail while the connection is open', () => {
  it('grpc-js-unary: "open now" while open, every stream once it ended', async () => {
    const store = new CaptureStore({ throttleMs: 0 });
    const engine = createEngine({ file: 'samples/grpc-js-unary.pcap' }, store);
    const events = await readCaptureFile(SAMPLES + 'grpc-js-unary.pcap');
    // Up to the last call's trailers: every call done, the connection not yet closed.
    engine.push(events.slice(0, events.length - 8));
    for (const rec of engine.snapshot()) store.connectionUpdate(rec);
    const open = lines(store);
    expect(open.join('\n')).toContain('still open');
    const at = open.findIndex((l) => l.startsWith('Streams'));
    expect(open[at]).toMatch(/^Streams +\d open now$/);
    expect(open[at + 1]).toBe('  closed streams are listed when the connection ends');
    expect(open[at + 2]).toMatch(/^ {2}client opened [1-9]\d* · /);
    engine.push(events.slice(events.length - 8));
    engine.finish();
    const ended = lines(store);
    const opened = Number(/client opened (\d+)/.exec(ended.join('\n'))![1]);
    expect(ended.find((l) => l.startsWith('Streams'))).toMatch(new RegExp(`^Streams +${opened}$`));
  });
});
