/**
 * Starting the TUI. Its layout engine (yoga, inside ink) is WebAssembly, and V8 reserves several GiB of
 * address space for every WebAssembly memory (guard regions): under an address-space limit (`ulimit -v`,
 * 4 GiB and even 8 GiB are too little) the engine aborts while ink loads, with emscripten's own lines on
 * stderr and an internal error. A one-page WebAssembly memory fails the same way, so it is tried first,
 * and the failure is one line that says what to do instead.
 */
import type { InteractiveRunner } from './run.js';

type StartOptions = Parameters<InteractiveRunner>[0];

export interface InteractiveDeps {
  /** Why WebAssembly memory cannot be had here, or null when it can. */
  probe: () => string | null;
  /** The TUI itself (imported only when it can start: ink and React stay out of report runs). */
  load: () => Promise<{ runTui: (opts: StartOptions) => Promise<number> }>;
  /** Where the one line goes. */
  say: (line: string) => void;
}

/** Node's global WebAssembly (the compiler's lib has no DOM types, where it is declared). */
const wasm = (globalThis as { WebAssembly?: { Memory: new (d: { initial: number }) => unknown } })
  .WebAssembly;

export function probeWasmMemory(): string | null {
  if (wasm === undefined) return 'WebAssembly is not available';
  try {
    new wasm.Memory({ initial: 1 });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function runInteractive(opts: StartOptions, deps: InteractiveDeps): Promise<number> {
  const problem = deps.probe();
  if (problem !== null) {
    deps.say(
      `h2scope: the interactive view cannot start: its layout engine (WebAssembly) cannot reserve memory ` +
        `(${problem}; an address-space limit such as ulimit -v?); reports still work: --format text|json|ndjson|har|markdown`,
    );
    return 1;
  }
  return (await deps.load()).runTui(opts);
}
