/**
 * The Overview's first lines say what --summary says, on every sample: connections, calls, failed calls,
 * calls of unknown status and diagnostics by severity. The two count from the same records through
 * different code (the store's selectors, src/model/store-relays.ts; the report's aggregation,
 * src/output/summary.ts), so a count that drifts in one of them shows here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { selectCountedCalls } from '../../src/model/store-relays.js';
import { captureLines } from '../../src/tui/OverviewScreen.js';
import { count } from '../../src/tui/format.js';
import { loadStore, SAMPLES, summaryOf } from './load-store.js';

const samples = readdirSync(SAMPLES)
  .filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f))
  .sort();

/** "4 errors" -> 4; a count --summary leaves out is 0. */
function countOf(text: string, what: RegExp): number {
  const m = new RegExp(`([\\d,]+) ${what.source}`).exec(text);
  return m ? Number(m[1]!.replaceAll(',', '')) : 0;
}

describe("the Overview's counts are --summary's", () => {
  it.each(samples)('%s', async (sample) => {
    const keys = SAMPLES + sample.replace(/\.(pcap|pcapng)(\.gz)?$/, '.keys');
    const pipeline = existsSync(keys) ? { keylog: keys } : {};
    const [store, summary] = await Promise.all([
      loadStore(sample, pipeline),
      summaryOf(sample, {}, pipeline),
    ]);
    const [head, diagnostics] = [summary.split('\n')[1]!, /^Diagnostics.*$/m.exec(summary)?.[0] ?? ''];
    const once = selectCountedCalls(store);
    expect({
      connections: store.connections.length,
      calls: once.calls,
      failed: once.failed,
      unknown: once.unknown.length,
      ...store.severityCounts,
    }).toEqual({
      connections: countOf(head, /connections?/),
      calls: countOf(head, /gRPC calls?/),
      failed: countOf(head, /not ok/),
      unknown: countOf(head, /status unknown/),
      error: countOf(diagnostics, /errors?/),
      warning: countOf(diagnostics, /warnings?/),
      info: countOf(diagnostics, /info/),
    });
    // And the screen shows them: "Diagnostics  4 errors · 6 warnings · 2 info    Calls 23 · 4 failed".
    const screen = captureLines(store)
      .map((l) => l.map((s) => s.text).join(''))
      .join('\n');
    const c = store.severityCounts;
    // (in the screen's number format: "1,001 info")
    expect(screen).toMatch(
      new RegExp(
        `Diagnostics +${count(c.error)} errors? · ${count(c.warning)} warnings? · ${count(c.info)} info`,
      ),
    );
    if (store.callCount > 0)
      expect(screen).toMatch(new RegExp(`Calls +${count(once.calls)} · ${count(once.failed)} failed`));
    store.close();
  });
});
