/**
 * #16 item 1 in the TUI: the Stats screen's Latency pane shows, per method, the share of each latency
 * component and what dominates the p99 calls: the same numbers as --summary's "Where the time went".
 */
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../cli/run-cli.js';
import { loadStore, SAMPLES } from './load-store.js';
import { KEY, renderApp } from './render.js';

describe('Stats: where the time went, per method', () => {
  it('the Latency pane has the numbers of --summary', async () => {
    const sample = 'grpc-js-unary.pcap';
    const r = await runCliCaptured([SAMPLES + sample, '--summary']);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Where the time went'));
    expect(at).toBeGreaterThan(0);
    const row = lines[at + 2]!.trim().split(/\s{2,}/);
    const [method, calls, ...rest] = row;
    const shares = rest.slice(0, 7);
    const dominated = rest.slice(7).join(' ');
    const store = await loadStore(sample);
    const app = await renderApp(store, { columns: 200, rows: 40 });
    const screen = await app.keys('6', KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    app.unmount();
    expect(screen).toContain('Latency');
    const tuiRow = screen.split('\n').find((l) => l.includes(method!) && l.includes(dominated))!;
    expect(tuiRow, screen).toBeDefined();
    const cells = tuiRow.replace(/[│]/g, ' ').trim().split(/\s+/);
    expect(cells).toContain(calls);
    for (const s of shares) expect(cells).toContain(s);
  });
});
