/**
 * The real TUI's memory on a capture: npx tsx scripts/bench/tui-rss.ts FILE [--node-flags "..."] [--json]
 *
 * Runs the installed command (`bin/h2scope.js`, so `npm run build` first) in a detached tmux pane of
 * 120x40 as a user would, waits until the header says "loaded" (or "input ended"), then reads VmRSS and
 * VmHWM (the peak) of the h2scope process from /proc. The decoding worker is a thread of that process:
 * its memory is in the same figures. Also samples VmRSS every 200 ms while loading, for the curve's top.
 * Memory does not depend on the machine's load; the wall time does, so the load average is printed next
 * to it, and the CPU time of the process until loaded. --node-flags runs `node FLAGS bin/h2scope.js` instead of the command's own shebang.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--node-flags');
if (!file) throw new Error('usage: tui-rss.ts FILE [--node-flags "..."] [--json]');
const flagsAt = args.indexOf('--node-flags');
const nodeFlags = flagsAt >= 0 ? (args[flagsAt + 1] ?? '') : null;
if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');

const session = `tui-rss-${process.pid}`;
const bin = join(ROOT, 'bin/h2scope.js');
const command =
  nodeFlags === null ? `${bin} ${resolve(file)}` : `${process.execPath} ${nodeFlags} ${bin} ${resolve(file)}`;
// A server of its own: other users of the machine's tmux (kill-server) cannot end the run.
// A tmux server of its own: others on the machine using tmux (kill-server) cannot end the run.
const tmux = (...a: string[]): string => execFileSync('tmux', ['-L', session, ...a], { encoding: 'utf8' });

/** VmRSS and VmHWM in KiB from /proc/PID/status. */
function status(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system, all threads: the decoding worker too) of a process so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** The node process running bin/h2scope.js under the pane's shell (the shell may have exec'd it). */
function findNode(panePid: number): number | null {
  const queue = [panePid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    try {
      const exe = readlinkSync(`/proc/${pid}/exe`);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/node/.test(exe) && cmd.includes('h2scope.js')) return pid;
    } catch {
      continue;
    }
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
        for (const c of children.split(/\s+/).filter(Boolean)) queue.push(Number(c));
      } catch {
        // the task ended
      }
    }
  }
  return null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MiB = (kb: number): number => Math.round(kb / 102.4) / 10;

tmux(
  'new-session',
  '-d',
  '-s',
  session,
  '-x',
  '120',
  '-y',
  '40',
  `cd ${ROOT} && env -u CI ${command}; sleep 600`,
);
const t0 = Date.now();
const loadBefore = loadavg()[0]!;
let pid: number | null = null;
let topRss = 0;
let screen = '';
try {
  for (;;) {
    await sleep(200);
    if (pid === null) pid = findNode(Number(tmux('display', '-p', '-t', session, '#{pane_pid}').trim()));
    if (pid !== null) topRss = Math.max(topRss, status(pid)?.rss ?? 0);
    screen = tmux('capture-pane', '-p', '-t', session);
    if (/\bloaded\b|input ended/.test(screen)) break;
    if (Date.now() - t0 > 7_200_000) throw new Error(`not loaded after 2 hours:\n${screen}`);
  }
  const loadedMs = Date.now() - t0;
  if (pid === null) throw new Error('h2scope process not found');
  const atLoaded = status(pid)!;
  const cpuAtLoaded = cpuSeconds(pid);
  // 5 s later: what the process settles at once idle (the worker has ended, GC has run).
  await sleep(5000);
  const settled = status(pid)!;
  // And once the UI has been idle for V8's 5 s window of allocation throughput (the TUI's second
  // post-load collection, src/tui/collect-after-load.ts, shrinks the young generation then).
  await sleep(5000);
  const idle = status(pid)!;
  const result = {
    file,
    command: nodeFlags === null ? 'bin/h2scope.js' : `node ${nodeFlags} bin/h2scope.js`,
    header:
      screen
        .split('\n')
        .find((l) => /loaded|input ended/.test(l))
        ?.trim() ?? '',
    loadedWallS: Math.round(loadedMs / 100) / 10,
    loadedCpuS: cpuAtLoaded,
    loadAverage: [loadBefore, loadavg()[0]!].map((x) => x.toFixed(1)).join(' -> '),
    rssLoadedMiB: MiB(atLoaded.rss),
    rssSettledMiB: MiB(settled.rss),
    rssIdle10sMiB: MiB(idle.rss),
    peakMiB: MiB(settled.hwm),
    sampledTopRssMiB: MiB(topRss),
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(18)} ${v}`);
} finally {
  tmux('kill-server');
}
