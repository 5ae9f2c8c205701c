/**
 * TUI key response benchmark: node --import tsx scripts/bench-tui.ts [--frames N] [--capture FILE] [--json]
 *                                   node --import tsx scripts/bench-tui.ts --during-load FILE [--ui-thread]
 *
 * Builds a CaptureStore of about a million HTTP/2 frames (default) by replaying the records the real
 * pipeline produces for several samples, each copy with its own connection id and time offset (or loads
 * FILE through the engine), renders the App (production React, ink unthrottled as in ink-testing-library)
 * and measures, per key, the time from the key's bytes reaching ink to the new frame being written:
 * moving in the 1M-row frame list, paging, jumping to the end, sorting ~170k calls, opening details.
 * Results go to docs/performance.md ("TUI").
 */
process.env['NODE_ENV'] ??= 'production';

import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { RecordSink } from '../src/engine/engine.js';
import type { CallRecord, ConnectionRecord, Diagnostic, FrameRecord } from '../src/records/records.js';

const SAMPLES = new URL('../samples/', import.meta.url).pathname;
/** A mix like real gRPC traffic: unary and streaming calls, errors, a flow-control-starved bulk call. */
const MIX = [
  'grpc-js-unary.pcap',
  'grpc-js-streaming.pcap',
  'grpc-js-status.pcap',
  'grpc-js-deadline.pcap',
  'grpc-small-window.pcap',
];

type Recorded =
  | { kind: 'frame'; rec: FrameRecord; data?: Buffer }
  | { kind: 'call'; rec: CallRecord }
  | { kind: 'connection'; rec: ConnectionRecord }
  | { kind: 'diagnostic'; rec: Diagnostic };

function arg(name: string): string | null {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

async function record(sample: string): Promise<Recorded[]> {
  const { readCaptureFile } = await import('../src/capture/source.js');
  const { createEngine } = await import('../src/engine/pipeline.js');
  const out: Recorded[] = [];
  const sink: RecordSink = {
    frame: (rec, ev) => out.push({ kind: 'frame', rec, ...(ev?.data ? { data: ev.data } : {}) }),
    call: (rec) => out.push({ kind: 'call', rec }),
    connection: (rec) => out.push({ kind: 'connection', rec }),
    diagnostic: (rec) => out.push({ kind: 'diagnostic', rec }),
    capture: () => undefined,
  };
  const engine = createEngine({ file: sample, hpackReports: true }, sink);
  engine.push(await readCaptureFile(SAMPLES + sample));
  engine.finish();
  return out;
}

/** Copies of the samples' records, renumbered connections and shifted times, until `target` frames. */
async function syntheticStore(target: number) {
  const { CaptureStore } = await import('../src/model/store.js');
  const store = new CaptureStore({ throttleMs: 0 });
  const samples = await Promise.all(MIX.map(record));
  let frames = 0;
  let conn = 0;
  for (let copy = 0; frames < target; copy++) {
    for (const recs of samples) {
      const ids = new Map<string, string>();
      const id = (old: string): string => ids.get(old) ?? (ids.set(old, `c${++conn}`), `c${conn}`);
      const dt = copy * 0.05;
      for (const r of recs) {
        if (r.kind === 'frame') {
          store.frame(
            { ...r.rec, connection: id(r.rec.connection), time: r.rec.time + dt },
            { kind: 'frame', frame: r.rec, ...(r.data ? { data: r.data } : {}) },
          );
          frames++;
        } else if (r.kind === 'call')
          store.call({
            ...r.rec,
            connection: id(r.rec.connection),
            start: r.rec.start + dt,
            end: r.rec.end + dt,
          });
        else if (r.kind === 'connection')
          store.connection({ ...r.rec, id: id(r.rec.id), start: r.rec.start + dt, end: r.rec.end + dt });
        else
          store.diagnostic({ ...r.rec, ...(r.rec.connection ? { connection: id(r.rec.connection) } : {}) });
      }
    }
  }
  store.capture({
    file: 'synthetic',
    format: 'pcap',
    compressed: false,
    linkTypes: [1],
    packets: frames,
    bytes: 0,
    start: store.frames.time.get(0),
    end: store.frames.time.get(store.frames.count - 1),
    complete: true,
  });
  store.setLoad({ phase: 'done' });
  return store;
}

async function captureStore(file: string) {
  const { CaptureStore } = await import('../src/model/store.js');
  const { CaptureSource } = await import('../src/capture/source.js');
  const { createEngine } = await import('../src/engine/pipeline.js');
  const { loadCapture } = await import('../src/tui/load-capture.js');
  const store = new CaptureStore({ throttleMs: 0 });
  await loadCapture(new CaptureSource(file), createEngine({ file, hpackReports: true }, store), store, {
    now: () => performance.now(),
    signal: { aborted: false },
  });
  return store;
}

interface Stat {
  what: string;
  n: number;
  median: number;
  p95: number;
  max: number;
}

function stat(what: string, ms: number[]): Stat {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { what, n: s.length, median: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

/**
 * Keys while a capture loads (issue #11): the App renders a store the real loader fills (the store's
 * notifications as the TUI runs), and another thread sends a key every 50 ms on the Frames screen (j, with
 * a G now and then so the list follows the end) until loading is done. Reports the time to the first frame
 * row on screen, to the end of loading, the keys' latency while loading, and what the UI thread spent:
 * its CPU time, how busy its event loop was, and each batch's apply.
 */
/**
 * CPU seconds of this process's main (UI) thread, from /proc (Linux; null elsewhere): unlike wall time, not
 * inflated by other processes on a busy machine. Clock ticks, so 10 ms resolution: fine over a whole load.
 */
function uiThreadCpuS(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

/**
 * The UI thread's [CPU ns, run-queue wait ns] so far (/proc/PID/task/TID/schedstat; the main thread's TID
 * is the PID; null elsewhere). A key's wall latency is CPU the UI thread spent before drawing it, plus
 * time it waited for a core (other processes: the machine's load), plus time it slept (idle, nothing to
 * do): the first is what the TUI controls.
 */
function uiSched(): [number, number] | null {
  try {
    const [cpu, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return [Number(cpu), Number(wait)];
  } catch {
    return null;
  }
}

/** Wraps `obj[name]` to record how long each call takes (ms), in `into`. */
function timeCalls<T extends object>(obj: T, name: keyof T, into: number[]): void {
  const fn = obj[name] as unknown as (...a: unknown[]) => unknown;
  (obj as Record<keyof T, unknown>)[name] = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    try {
      return fn.apply(this, a);
    } finally {
      into.push(performance.now() - t);
    }
  };
}

async function duringLoad(file: string): Promise<void> {
  const { CaptureStore } = await import('../src/model/store.js');
  const { CaptureSource } = await import('../src/capture/source.js');
  const { createEngine } = await import('../src/engine/pipeline.js');
  const { loadCapture } = await import('../src/tui/load-capture.js');
  const { loadInThread } = await import('../src/tui/load-thread.js');
  const { render } = await import('ink-testing-library');
  const { createElement } = await import('react');
  const { App } = await import('../src/tui/App.js');
  const { boundHeapGrowthWhileLoading } = await import('../src/tui/collect-after-load.js');
  const store = new CaptureStore();
  // What the UI thread spends per batch applied (receive), in ms of wall time.
  const applyMs: number[] = [];
  timeCalls(store, 'receive', applyMs);
  const app = render(
    createElement(App, { store, onQuit: () => undefined, size: { columns: 100, rows: 40 } }),
  );
  const frames = app.stdout.frames;
  const cpu0 = process.cpuUsage();
  const ui0 = uiThreadCpuS();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  let firstRowMs: number | null = null;
  let done = false;
  // As the TUI does (src/tui/run.tsx): V8's heap growth bounded while the capture loads.
  const lift = boundHeapGrowthWhileLoading();
  // --ui-thread: decode between keys on the UI thread (the fallback), as before the decode worker.
  const loading = (
    process.argv.includes('--ui-thread')
      ? loadCapture(new CaptureSource(file), createEngine({ file, hpackReports: true }, store), store, {
          now: () => performance.now(),
          signal: { aborted: false },
        })
      : loadInThread(store, { input: file, pipeline: { file }, now: () => performance.now() }).done
  ).then(() => {
    lift();
    done = true;
  });
  app.stdin.write('4');
  // Keys come from another thread, as a terminal's do: each reaches the UI thread as an event that waits
  // behind whatever the thread is doing (applying a batch, drawing), and its latency runs from when it was
  // sent to the next frame ink writes after handling it. (Written from this thread's own timer, a key
  // would only ever find the thread idle.)
  const latencies: number[] = [];
  const keyCpu: number[] = [];
  const keyRunq: number[] = [];
  const clock = (): number => performance.timeOrigin + performance.now();
  type Sent = { key: string; sent: number; sched: [number, number] | null };
  let waiting: Sent[] = [];
  const write = app.stdout.write;
  app.stdout.write = (frame: string): void => {
    write(frame);
    const now = clock();
    const sched = uiSched();
    if (!done)
      for (const k of waiting) {
        latencies.push(now - k.sent);
        if (sched && k.sched) {
          keyCpu.push((sched[0] - k.sched[0]) / 1e6);
          keyRunq.push((sched[1] - k.sched[1]) / 1e6);
        }
      }
    waiting = [];
    if (firstRowMs === null && / HEADERS | SETTINGS /.test(frame)) firstRowMs = performance.now() - t0;
  };
  const { Worker } = await import('node:worker_threads');
  const keys = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const { readFileSync } = require('node:fs');
     const sched = () => {
       try {
         const [cpu, wait] = readFileSync('/proc/self/task/' + workerData + '/schedstat', 'utf8').split(' ');
         return [Number(cpu), Number(wait)];
       } catch { return null; }
     };
     let k = 0;
     const t = setInterval(() => parentPort.postMessage({
       key: k++ % 20 === 0 ? 'G' : 'j', sent: performance.timeOrigin + performance.now(), sched: sched() }), 50);
     parentPort.once('message', () => { clearInterval(t); parentPort.close(); });`,
    { eval: true, workerData: process.pid },
  );
  keys.on('message', (m: Sent) => {
    if (done) return;
    waiting.push(m);
    app.stdin.write(m.key);
  });
  await loading;
  keys.postMessage('stop');
  const loadedMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  const ui1 = uiThreadCpuS();
  const cpu = process.cpuUsage(cpu0);
  const inkFrames = frames.length;
  global.gc?.();
  const rssMB = process.memoryUsage().rss / 1048576;
  app.unmount();
  store.close();
  const st = stat('Frames: keys while loading (j, G)', latencies);
  const out = {
    file,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    frames: store.frames.count,
    calls: store.callCount,
    firstRowMs: firstRowMs === null ? null : Math.round(firstRowMs),
    loadedMs: Math.round(loadedMs),
    rssMiB: Math.round(rssMB),
    // The process's high-water mark: the UI thread and the decoding worker while loading.
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    keys: st.n,
    keyMedianMs: Number(st.median.toFixed(1)),
    keyP95Ms: Number(st.p95.toFixed(1)),
    keyMaxMs: Number(st.max.toFixed(1)),
    // Of each key's latency: CPU of the UI thread, and its wait for a core (the machine's load).
    ...spans('keyCpu', keyCpu),
    keyCpuMedianMs: Number(stat('', keyCpu).median?.toFixed(1) ?? 0),
    ...spans('keyRunq', keyRunq),
    // CPU seconds while loading: the UI thread alone (/proc), and the whole process (both threads).
    uiCpuS: ui0 === null || ui1 === null ? null : Number((ui1 - ui0).toFixed(2)),
    processCpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    // Share of the load's wall time the UI thread's event loop was busy.
    uiBusy: Number(elu.utilization.toFixed(3)),
    ...spans('apply', applyMs),
    inkFrames,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Count, total, p95 and max of some spans (ms), as `${name}N`, `${name}TotalMs`, ... */
function spans(name: string, ms: number[]): Record<string, number> {
  const st = stat(name, ms);
  const total = ms.reduce((a, b) => a + b, 0);
  return {
    [`${name}N`]: st.n,
    [`${name}TotalMs`]: Math.round(total),
    [`${name}P95Ms`]: Number((st.p95 ?? 0).toFixed(1)),
    [`${name}MaxMs`]: Number((st.max ?? 0).toFixed(1)),
  };
}

async function main(): Promise<void> {
  const loadFile = arg('--during-load');
  if (loadFile) return duringLoad(loadFile);
  const target = Number(arg('--frames') ?? 1_000_000);
  const file = arg('--capture');
  const t0 = performance.now();
  const store = file ? await captureStore(file) : await syntheticStore(target);
  const buildMs = performance.now() - t0;
  global.gc?.();
  const rssMB = process.memoryUsage().rss / 1e6;

  const { render } = await import('ink-testing-library');
  const { createElement } = await import('react');
  const { App } = await import('../src/tui/App.js');
  const app = render(
    createElement(App, { store, onQuit: () => undefined, size: { columns: 100, rows: 40 } }),
  );
  const frames = app.stdout.frames;

  /** ms from writing the key to ink writing the next frame. */
  const press = async (key: string): Promise<number> => {
    const before = frames.length;
    const start = performance.now();
    app.stdin.write(key);
    while (frames.length === before) {
      if (performance.now() - start > 30_000) throw new Error(`no frame after ${JSON.stringify(key)}`);
      await new Promise((r) => setImmediate(r));
    }
    return performance.now() - start;
  };
  const repeat = async (key: string, n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await press(key));
    return out;
  };

  const results: Stat[] = [];
  results.push(stat('switch to Frames (4)', [await press('4')]));
  results.push(stat('Frames: down (j)', await repeat('j', 200)));
  results.push(stat('Frames: page down', await repeat('\x1b[6~', 50)));
  results.push(stat('Frames: last row (G)', [await press('G')]));
  results.push(stat('Frames: up at the end (k)', await repeat('k', 50)));
  results.push(stat('Frames: first row (g)', [await press('g')]));
  results.push(stat('Frames: Tab to details', await repeat('\t', 3)));
  // The filter scans every frame, in steps of 10,000 per render: the first rows show at once, keys keep
  // working, and the title says "filtering N%" until the scan is done.
  for (const ch of '/http2.type == RST_STREAM') app.stdin.write(ch);
  await new Promise((r) => setTimeout(r, 50));
  const filterStart = performance.now();
  results.push(stat('Frames: filter http2.type == RST_STREAM (Enter): first rows', [await press('\r')]));
  while (app.lastFrame()?.includes('filtering')) await new Promise((r) => setTimeout(r, 5));
  results.push(stat('Frames: the same filter, whole scan done', [performance.now() - filterStart]));
  results.push(stat('Frames: down in the filtered list (j)', await repeat('j', 50)));
  results.push(stat('Frames: clear the filter (Esc)', [await press('\x1b')]));
  results.push(stat('switch to Calls (2)', [await press('2')]));
  results.push(stat('Calls: down (j)', await repeat('j', 100)));
  results.push(
    stat(`Calls: sort (s, ${store.callCount.toLocaleString('en-US')} calls)`, await repeat('s', 6)),
  );
  results.push(stat('Calls: open a call (Enter)', [await press('\r')]));
  results.push(stat('Call: down (j)', await repeat('j', 50)));
  results.push(stat('switch to Connections (3)', [await press('3')]));
  results.push(stat('Connections: down (j)', await repeat('j', 100)));
  results.push(stat('Connections: open (Enter)', [await press('\r')]));
  results.push(stat('Connection: flow graph down (j)', await repeat('j', 50)));
  results.push(stat('switch to Diagnostics (5)', [await press('5')]));
  results.push(stat('Diagnostics: down (j)', await repeat('j', 100)));
  // Stats: the first visit reads every call and frame once (StatsIndex); later ones only new rows.
  results.push(stat('switch to Stats (6): methods, first visit', [await press('6')]));
  results.push(stat('Stats: methods down (j)', await repeat('j', 20)));
  results.push(stat('Stats: sort methods (s)', await repeat('s', 6)));
  results.push(stat('Stats: Tab to frame types', [await press('\t')]));
  results.push(stat('Stats: frame types down (j)', await repeat('j', 50)));
  results.push(stat('Stats: Tab to endpoints', [await press('\t')]));
  results.push(stat('Stats: sort endpoints (s)', await repeat('s', 6)));
  results.push(stat('Stats: Tab to the IO graph (one pass over the columns)', [await press('\t')]));
  results.push(stat('Stats: IO graph series down (j)', await repeat('j', 3)));
  results.push(stat('switch to Diagnostics and back to Stats (5, 6)', [await press('5'), await press('6')]));
  app.unmount();

  const summary = {
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    source: file ?? `synthetic: copies of ${MIX.join(', ')}`,
    frames: store.frames.count,
    calls: store.callCount,
    connections: store.connections.length,
    diagnostics: store.diagnostics.length,
    buildMs: Math.round(buildMs),
    rssMB: Math.round(rssMB),
  };
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ summary, results }, null, 2) + '\n');
    return;
  }
  process.stdout.write(
    `${JSON.stringify(summary)}\n\n| key | n | median ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|\n`,
  );
  for (const r of results)
    process.stdout.write(
      `| ${r.what} | ${r.n} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |\n`,
    );
}

await main();
