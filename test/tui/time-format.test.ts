/**
 * #15 item 4: the time-format key `t` (relative, absolute, delta) reaches every screen that shows times:
 * the connection summary and the HPACK inspector too, on the capture's time base (as Frames).
 */
import { describe, expect, it } from 'vitest';
import { captureStart } from '../../src/tui/call-rows.js';
import { makeClock } from '../../src/tui/clock.js';
import { connectionSummary } from '../../src/tui/connection-summary.js';
import { hpackDocument } from '../../src/tui/hpack-document.js';
import { loadStore } from './load-store.js';
import { KEY, renderApp } from './render.js';

const textOf = (doc: { line: Array<{ text: string }> }[]): string =>
  doc.map((l) => l.line.map((s) => s.text).join('')).join('\n');

describe('t reaches the connection summary and the HPACK inspector', () => {
  it('the GOAWAY line reads the time Frames shows for it, in each format', async () => {
    const store = await loadStore('grpc-too-many-pings.pcap');
    const entry = store.connectionByOrdinal(0)!;
    const goaway = entry.record!.goaway![0]!;
    const start = captureStart(store);
    for (const format of ['relative', 'absolute'] as const) {
      const clock = makeClock(format, start);
      expect(textOf(connectionSummary(store, entry, 120, clock))).toContain(
        `${clock.text(goaway.time)} from ${goaway.from}`,
      );
    }
    const delta = textOf(connectionSummary(store, entry, 120, makeClock('delta', start)));
    expect(delta).toMatch(/\+0\.000000 from/);
  });

  it('the HPACK table history follows the clock', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    let frame = -1;
    for (let f = 0; f < store.frames.count && frame < 0; f++) if (store.frames.headers(f)) frame = f;
    const abs = textOf(hpackDocument(store, frame, 100, makeClock('absolute', captureStart(store))));
    expect(abs).toMatch(/^\s+\d\d:\d\d:\d\d\.\d{6} stream/m);
    const rel = textOf(hpackDocument(store, frame, 100, makeClock('relative', captureStart(store))));
    expect(rel).toMatch(/^\s+0\.\d{6} stream/m);
  });

  it('in the app: t on the connection detail switches its SETTINGS times to UTC', async () => {
    const store = await loadStore('grpc-too-many-pings.pcap');
    const app = await renderApp(store, { columns: 120, rows: 40 });
    await app.keys('3', KEY.enter, KEY.tab);
    const before = app.frame();
    expect(before).not.toMatch(/^\s+\d\d:\d\d:\d\d\.\d{6} {2}/m);
    const after = await app.keys('t');
    expect(after).toMatch(/\d\d:\d\d:\d\d\.\d{6} {2}\S/);
    app.unmount();
  });
});
