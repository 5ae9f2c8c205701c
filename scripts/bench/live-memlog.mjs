/**
 * Preloaded (`NODE_OPTIONS=--expose-gc --import`) into the h2scope process of live-run.ts: every
 * H2SCOPE_MEMLOG_EVERY seconds, one JSON line of its memory to H2SCOPE_MEMLOG: RSS, the heap used after a
 * full GC (what the live state holds) and the young generation's size (which V8 grows with the allocation
 * rate, up to --max-semi-space-size). Only in the process that decodes: the relaunched report process
 * (src/cli/launch.ts), or one started with a young generation size of its own.
 */
import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';

const file = process.env.H2SCOPE_MEMLOG;
const decodes =
  process.env.H2SCOPE_MEMLOG_ANY === '1' || // the TUI: one process, no relaunch
  process.env.H2SCOPE_REPORT_HEAP !== undefined ||
  /--max-semi-space-size/.test(process.env.NODE_OPTIONS ?? '');
if (file && decodes && process.argv[1]?.endsWith('h2scope.js')) {
  const every = Number(process.env.H2SCOPE_MEMLOG_EVERY ?? '30') * 1000;
  const log = () => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    const line = {
      ms: Date.now(),
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      young: young?.space_size ?? 0,
      external: m.external,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  setInterval(log, every).unref();
}
