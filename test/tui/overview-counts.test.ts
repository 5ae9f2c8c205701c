/**
 * The Overview's first lines say what --summary says, on every sample: connections, calls, failed calls,
 * calls of unknown status and diagnostics by severity. The two count from the same records through
 * different code (the store's selectors, src/model/store-relays.ts; the report's aggregation,
 * src/output/summary.ts), so a count that drifts in one of them shows here.
 *
 * And they do not depend on when the Overview was drawn: it is drawn whenever the store notifies, at
 * moments the machine's speed decides, and the relay index behind its call counts is brought up to date at
 * each drawing. (Where a load is cut into the TUI's batches is store-replica.test.ts's; a bundle that lost
 * packets, and so counts, away from node_modules is test/cli/bundle-moved.test.ts's.)
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine, type PipelineOptions } from '../../src/engine/pipeline.js';
import { CaptureStore } from '../../src/model/store.js';
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

/** What the Overview counts, comparable. */
function counted(store: CaptureStore): unknown {
  const once = selectCountedCalls(store);
  return { ...once, proxies: [...once.proxies], severities: { ...store.severityCounts } };
}

/** The sample decoded packet by packet, the Overview drawn at every change, open connections snapshotted. */
async function drawnWhileLoading(
  sample: string,
  pipeline: Omit<PipelineOptions, 'file'>,
): Promise<CaptureStore> {
  const store = new CaptureStore({ throttleMs: 0, spool: null });
  store.subscribe(() => selectCountedCalls(store));
  const engine = createEngine({ ...pipeline, file: `samples/${sample}`, hpackReports: true }, store);
  const events = await readCaptureFile(SAMPLES + sample);
  events.forEach((e, i) => {
    engine.push([e]);
    // Snapshots of the open connections every few packets, as the TUI's loader takes them every second.
    if (i % 5 === 4) for (const rec of engine.snapshot(true)) store.connectionUpdate(rec);
  });
  engine.finish();
  return store;
}

describe("the Overview's counts are --summary's, whenever it was drawn", () => {
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
    // The screen shows them, in its number format: "Diagnostics  4 errors · 6 warnings · 2 info    Calls 23 · 4 failed".
    const screen = captureLines(store)
      .map((l) => l.map((s) => s.text).join(''))
      .join('\n');
    const c = store.severityCounts;
    expect(screen).toMatch(
      new RegExp(
        `Diagnostics +${count(c.error)} errors? · ${count(c.warning)} warnings? · ${count(c.info)} info`,
      ),
    );
    if (store.callCount > 0)
      expect(screen).toMatch(new RegExp(`Calls +${count(once.calls)} · ${count(once.failed)} failed`));
    const drawn = await drawnWhileLoading(sample, pipeline);
    expect(counted(drawn)).toEqual(counted(store));
    store.close();
  });
});
