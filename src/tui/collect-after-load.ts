/**
 * V8's heap while a capture loads, and after. Both threads of the TUI allocate fast while loading (the
 * worker decodes, the UI thread applies batches) and keep little of it; given the room, V8 lets each old
 * generation grow to up to four times what survives its last full collection before marking again, and
 * keeps the pages once grown: on a 1M-frame capture the decoding worker's heap reached ~360 MiB around
 * ~50-100 MiB of live objects, most of the load's peak RSS (docs/performance.md, "TUI load, session 8").
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Old-generation growth allowed between full collections while loading, in percent of what survived the
 * last one (V8's `--heap-growing-percent`; 0 gives the choice back to V8). It applies to every isolate of
 * the process, each at its next collection: the worker's and the UI thread's. 100 rather than 50: on the
 * quiet machine 50 kept the 1M-frame peak at 470-491 MiB but its extra collections took the cores from the
 * UI thread (keys p95 40-56 ms while loading); 100 gives 532-551 MiB with keys p95 32-44 ms, against
 * 757-783 MiB without a bound (docs/performance.md, "TUI load, session 8").
 */
export const LOAD_HEAP_GROWING_PERCENT = 100;

/** Loads under way (a test may run several): the bound is lifted when the last one ends. */
let loading = 0;

/**
 * Bounds the heap's growth while a load runs; the returned function lifts it (once). Only memory and GC
 * frequency depend on it, never behaviour; a user's own `--heap-growing-percent` is left alone.
 */
export function boundHeapGrowthWhileLoading(): () => void {
  const own =
    process.execArgv.some((a) => a.startsWith('--heap-growing-percent')) ||
    (process.env.NODE_OPTIONS ?? '').includes('--heap-growing-percent');
  if (own) return () => undefined;
  if (loading++ === 0) setFlagsFromString(`--heap-growing-percent=${LOAD_HEAP_GROWING_PERCENT}`);
  let lifted = false;
  return () => {
    if (lifted) return;
    lifted = true;
    if (--loading === 0) setFlagsFromString('--heap-growing-percent=0');
  };
}

/**
 * One full garbage collection once a capture is loaded. Loading leaves the UI thread's heap holding the
 * garbage of every batch it applied (V8 grows the old generation while allocation goes on and has no
 * reason to collect once the UI only waits for keys), so RSS stayed at the peak of the load for as long as
 * the TUI was open. A single compacting collection when loading ends gives those pages back
 * (docs/performance.md, "TUI memory"). Node exposes no collection call without --expose-gc: the flag is
 * set at run time, and the function taken from a fresh context, the documented way to reach it.
 */
export function collectAfterLoad(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') (gc as () => void)();
  } catch {
    // a runtime without the flag: the memory stays as V8 decides
  }
}

/** When the post-load collections run, in ms after the load ends (see collectWhenLoaded). */
export const AFTER_LOAD_COLLECTIONS_MS: readonly number[] = [500, 6000];

/**
 * The collections after a load: at 500 ms the loading's garbage goes (collectAfterLoad); the second, once
 * the UI has allocated little for V8's 5 s window of allocation throughput, also shrinks the UI thread's
 * young generation, which V8 grew to its 2 x 16 MiB while batches were applied and only gives back at a
 * collection made when allocation is slow (below ~1 KB/ms): ~30 MiB of the settled RSS
 * (docs/performance.md, "TUI load, session 9").
 */
export function collectWhenLoaded(): void {
  for (const ms of AFTER_LOAD_COLLECTIONS_MS) setTimeout(collectAfterLoad, ms).unref();
}
