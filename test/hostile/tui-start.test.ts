/**
 * Issue 14 item 9: under an address-space limit the TUI's layout engine (WebAssembly) cannot start. The
 * probe is a real WebAssembly memory; the limit is real in the child process (`ulimit -v`), and the
 * start path is checked in-process with the probe's answer, since tsx itself needs WebAssembly.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { probeWasmMemory, runInteractive } from '../../src/cli/interactive.js';
import { runCliCaptured } from '../cli/run-cli.js';

describe('the TUI under an address-space limit', () => {
  it('the probe fails under ulimit -v 4 GiB as the layout engine does, and passes without it', () => {
    expect(probeWasmMemory()).toBeNull();
    const probe = `try { new WebAssembly.Memory({ initial: 1 }); console.log('ok') } catch (e) { console.log(e.message) }`;
    const r = spawnSync('bash', ['-c', `ulimit -v 4194304 && exec "$0" -e "$1"`, process.execPath, probe], {
      encoding: 'utf8',
    });
    // Where the limit cannot be set, or V8 reserves less, the probe passes: nothing to check then.
    if (r.stdout.trim() !== 'ok') expect(r.stdout).toMatch(/could not allocate memory/);
  });

  it('one line on stderr, exit 1, the TUI never loaded', async () => {
    let loaded = false;
    const lines: string[] = [];
    const r = await runCliCaptured(['samples/grpc-js-unary.pcap'], {
      stdoutIsTTY: true,
      interactive: (opts) =>
        runInteractive(opts, {
          probe: () => 'WebAssembly.Memory(): could not allocate memory',
          load: () => {
            loaded = true;
            throw new Error('not reached');
          },
          say: (line) => lines.push(line),
        }),
    });
    expect(r.code).toBe(1);
    expect(loaded).toBe(false);
    expect(lines).toEqual([
      'h2scope: the interactive view cannot start: its layout engine (WebAssembly) cannot reserve memory (WebAssembly.Memory(): could not allocate memory; an address-space limit such as ulimit -v?); reports still work: --format text|json|ndjson|har|markdown',
    ]);
  });
});
