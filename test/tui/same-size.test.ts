/**
 * #15 item 4: one quantity, one format. The capture's size and a connection's bytes read the same in the
 * TUI (Overview, connection summary) and in every report (text, markdown, --summary): one function,
 * src/records/byte-text.ts (and packet counts: src/records/number-text.ts).
 */
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/records/byte-text.js';
import { grouped } from '../../src/records/number-text.js';
import { connectionSummary } from '../../src/tui/connection-summary.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { loadStore, SAMPLES } from './load-store.js';
import { renderApp } from './render.js';

describe('formatBytes: one rule', () => {
  it('exact under 1000, then three significant digits in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(1234)).toBe('1.23 kB');
    expect(formatBytes(12_345)).toBe('12.3 kB');
    expect(formatBytes(292_760)).toBe('293 kB');
    expect(formatBytes(999_700)).toBe('1.00 MB');
    expect(formatBytes(4_194_304)).toBe('4.19 MB');
    expect(formatBytes(313_000_000)).toBe('313 MB');
    expect(formatBytes(null)).toBe('-');
  });
});

describe('the same capture shows the same size everywhere', () => {
  const sample = 'showcase.pcapng';
  it('Overview, text, markdown and --summary', async () => {
    const store = await loadStore(sample);
    const size = formatBytes(store.captureRecord!.bytes);
    expect(size).toBe('293 kB');
    const app = await renderApp(store, { columns: 120, rows: 40 });
    const overview = app.frame();
    app.unmount();
    // packet counts too: one thousands format (records/number-text.ts) in the TUI and the reports
    const packets = `${grouped(store.captureRecord!.packets)} packets`;
    expect(overview).toContain(`${packets} · ${size} ·`);
    for (const format of [['--format', 'text'], ['--format', 'markdown'], ['--summary']]) {
      const r = await runCliCaptured([SAMPLES + sample, ...format]);
      const line = r.stdout.split('\n').find((l) => /packets, /.test(l));
      expect(line, format.join(' ')).toContain(`${packets}, ${size}`);
    }
  });

  it("a connection's bytes: the TUI's connection summary and --summary", async () => {
    const store = await loadStore(sample);
    const entry = store.connectionByOrdinal(0)!;
    const rec = entry.record!;
    const tui = connectionSummary(store, entry, 120).map((l) => l.line.map((s) => s.text).join(''));
    expect(tui.join('\n')).toContain(
      `client sent ${rec.packets.client} packets, ${formatBytes(rec.bytes.client)}`,
    );
    const r = await runCliCaptured([SAMPLES + sample, '--summary']);
    expect(r.stdout).toContain(`${formatBytes(rec.bytes.client)}/${formatBytes(rec.bytes.server)}`);
  });
});
