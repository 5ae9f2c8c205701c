/**
 * One full garbage collection once a capture is loaded. Loading leaves the UI thread's heap holding the
 * garbage of every batch it applied (V8 grows the old generation while allocation goes on and has no
 * reason to collect once the UI only waits for keys), so RSS stayed at the peak of the load for as long as
 * the TUI was open. A single compacting collection when loading ends gives those pages back
 * (docs/performance.md, "TUI memory"). Node exposes no collection call without --expose-gc: the flag is
 * set at run time, and the function taken from a fresh context, the documented way to reach it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Collects garbage now, if the runtime allows it; only memory depends on it, never behaviour. */
export function collectAfterLoad(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') (gc as () => void)();
  } catch {
    // a runtime without the flag: the memory stays as V8 decides
  }
}
