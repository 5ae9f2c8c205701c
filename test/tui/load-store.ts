/** Test helper: a CaptureStore filled by the real pipeline from a sample, as the TUI's loader fills it. */
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine, type PipelineOptions } from '../../src/engine/pipeline.js';
import { CaptureStore, type CallRow, type StoreOptions } from '../../src/model/store.js';
import type { CallRecord } from '../../src/records/records.js';
import { SummaryReport, type SummaryOptions } from '../../src/output/summary.js';

export const SAMPLES = new URL('../../samples/', import.meta.url).pathname;

export async function loadStore(
  sample: string,
  opts: Omit<PipelineOptions, 'file'> = {},
  storeOpts: StoreOptions = {},
): Promise<CaptureStore> {
  const store = new CaptureStore({ throttleMs: 0, ...storeOpts });
  const path = SAMPLES + sample;
  // The name shown is the one a user in the checkout would type: the screens then read the same wherever
  // the repository is cloned (a long absolute path would push the capture's facts off a 100-column line).
  const engine = createEngine({ ...opts, file: `samples/${sample}`, hpackReports: true }, store);
  engine.push(await readCaptureFile(path));
  engine.finish();
  store.setLoad({ phase: 'done' });
  return store;
}

/** --summary of a sample through the real pipeline (`opts`: SummaryReport's internal options). */
export async function summaryOf(
  sample: string,
  opts: SummaryOptions = {},
  pipeline: Omit<PipelineOptions, 'file'> = {},
): Promise<string> {
  const report = new SummaryReport(opts);
  const engine = createEngine({ ...pipeline, file: `samples/${sample}` }, report.sink);
  engine.push(await readCaptureFile(SAMPLES + sample));
  engine.finish();
  let out = '';
  report.write((s) => (out += s));
  return out;
}

/** Every call of the store as lists show it (store.callRow). */
export function callRows(store: CaptureStore): CallRow[] {
  return Array.from({ length: store.callCount }, (_, i) => store.callRow(i));
}

/** Every call of the store whole, read back from its spool (store.callRecord). */
export function callRecords(store: CaptureStore): CallRecord[] {
  return Array.from({ length: store.callCount }, (_, i) => store.callRecord(i)!);
}
