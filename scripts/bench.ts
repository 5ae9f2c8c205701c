/**
 * `npm run bench`: h2scope against tshark on synthesized gRPC captures (docs/performance.md).
 *
 *   node --import tsx scripts/bench.ts [--quick] [--runs N] [--sizes 30,300,600] [--no-build] [--no-heap]
 *                                      [--only-main]
 *
 * Builds dist/, synthesizes 30 MB, 300 MB and 600 MB captures in /tmp/h2scope-bench from the real gRPC
 * samples (scripts/bench/synthesize.ts), checks that h2scope and tshark see the same HTTP/2 frames, then
 * times each command with /usr/bin/time (stdout to /dev/null), runs interleaved and the best of N kept
 * (default 1: the 300 MB round takes about 5 minutes). Then the time per pipeline layer on the 30 MB file,
 * the in-process heap probe on the largest file, then the capture reader and TUI benches when present.
 * --quick: 30 MB only, no sub-benches. Results also go to /tmp/h2scope-bench/results.json.
 * Then the three shapes of issue #13 (scripts/bench/shapes.ts: recorded with real grpc-js peers, h2scope
 * --summary and ndjson on 1 and 2 threads against tshark -Y http2 and -T fields, interleaved, best of
 * --shape-runs, default 3, ratios printed; --one-core adds the same under taskset -c 0; --no-shapes skips).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { h2scopeFrameCounts, sameCounts, tsharkFrameCounts } from './bench/frame-count.js';
import { measureLayers, printLayers } from './bench/layers.js';
import { best, measure, type Measurement } from './bench/measure.js';
import { benchShapes } from './bench/shapes.js';
import { SERVER_PORT, synthesize, type SynthesisStats } from './bench/synthesize.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIR = '/tmp/h2scope-bench';

interface Case {
  name: string;
  command: string;
  args: (file: string) => string[];
}

/** The node options of bin/h2scope.js's `#!` line (none since it re-executes reports with their own, src/cli/launch.ts). */
const BIN_NODE_FLAGS = readFileSync(join(ROOT, 'bin/h2scope.js'), 'utf8')
  .split('\n')[0]!
  .replace(/^#!.*?\bnode\b/, '')
  .trim()
  .split(/\s+/)
  .filter(Boolean);

const h2scope = (format: string): Case => ({
  name: `h2scope --format ${format}`,
  command: process.execPath,
  args: (file) => [...BIN_NODE_FLAGS, 'bin/h2scope.js', file, '--format', format],
});

const tshark = (name: string, extra: string[]): Case => ({
  name,
  command: 'tshark',
  args: (file) => ['-r', file, '-d', `tcp.port==${SERVER_PORT},http2`, ...extra],
});

const CASES = {
  ndjson: h2scope('ndjson'),
  json: h2scope('json'),
  text: h2scope('text'),
  har: h2scope('har'),
  fields: tshark('tshark -T fields -e http2.type', ['-T', 'fields', '-e', 'http2.type']),
  filter: tshark('tshark -Y http2', ['-Y', 'http2']),
  verbose: tshark('tshark -V', ['-V']),
  // Every decoded HTTP/2 and gRPC field as newline-delimited JSON: the same product as our ndjson.
  ek: tshark('tshark -T ek -J "http2 grpc"', ['-T', 'ek', '-J', 'http2 grpc']),
};

interface Row {
  file: string;
  fileMB: number;
  name: string;
  runs: Measurement[];
  best: Measurement;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  return (r.stdout + r.stderr).trim();
}

function machineFacts(): string[] {
  const cpu = cpus();
  return [
    `node ${process.version}; ${sh('tshark', ['--version']).split('\n')[0]}`,
    `${cpu.length} x ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${sh('uname', ['-sr'])}`,
    `h2scope at ${sh('git', ['rev-parse', '--short', 'HEAD'])}${sh('git', ['status', '--porcelain', 'src']) ? ' + uncommitted src changes' : ''}`,
  ];
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

function mbps(fileMB: number, seconds: number): string {
  return `${(fileMB / seconds).toFixed(1)} MB/s`;
}

function printRow(r: Row): void {
  const b = r.best;
  console.log(
    [
      r.name.padEnd(32),
      `${r.fileMB.toFixed(0)} MB`.padStart(7),
      `${b.wallSeconds.toFixed(2)} s`.padStart(9),
      mbps(r.fileMB, b.wallSeconds).padStart(12),
      `${b.cpuSeconds.toFixed(2)} s`.padStart(9),
      mbps(r.fileMB, b.cpuSeconds).padStart(12),
      `${b.peakRssMiB.toFixed(0)} MiB`.padStart(10),
      b.exitCode === 0 ? '' : `exit ${b.exitCode}`,
    ].join(' '),
  );
}

function markdown(rows: Row[]): string {
  const lines = [
    '| file | command | wall | MB/s (wall) | CPU | MB/s (CPU) | peak RSS |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const b = r.best;
    lines.push(
      `| ${r.fileMB.toFixed(0)} MB | \`${r.name}\` | ${b.wallSeconds.toFixed(2)} s | ${(r.fileMB / b.wallSeconds).toFixed(1)} | ` +
        `${b.cpuSeconds.toFixed(2)} s | ${(r.fileMB / b.cpuSeconds).toFixed(1)} | ${b.peakRssMiB.toFixed(0)} MiB |`,
    );
  }
  return lines.join('\n');
}

function runInterleaved(file: string, cases: Case[], runs: number): Row[] {
  const fileMB = statSync(file).size / 1e6;
  const results = cases.map(() => [] as Measurement[]);
  for (let run = 0; run < runs; run++)
    cases.forEach((c, i) => {
      const m = measure(c.command, c.args(file), ROOT);
      // A run that failed measured nothing worth a row (a broken dist/, a tshark error).
      if (m.exitCode !== 0) throw new Error(`${c.name} exited with ${m.exitCode} on ${file}`);
      results[i]!.push(m);
    });
  return cases.map((c, i) => {
    const row = { file, fileMB, name: c.name, runs: results[i]!, best: best(results[i]!) };
    printRow(row);
    return row;
  });
}

function subBench(script: string, args: string[]): void {
  const path = join(ROOT, 'scripts', script);
  if (!existsSync(path)) return;
  console.log(`\n## ${script} ${args.join(' ')}`);
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', path, ...args];
  spawnSync(node[0]!, node.slice(1), { cwd: ROOT, stdio: 'inherit' });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const has = (flag: string): boolean => args.includes(flag);
  const quick = has('--quick');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
  mkdirSync(DIR, { recursive: true });

  if (!has('--no-build')) {
    console.log('building dist/ (npm run build) ...');
    const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('npm run build failed');
  }

  const sizesAt = args.indexOf('--sizes');
  const sizes = sizesAt >= 0 ? args[sizesAt + 1]!.split(',').map(Number) : quick ? [30] : [30, 300, 600];
  if (!sizes.includes(30)) sizes.unshift(30); // the same-work check runs on it
  const files = new Map<number, { path: string; stats: SynthesisStats }>();
  for (const mb of sizes) {
    const path = join(DIR, `grpc-${mb}mb.pcap`);
    const stats = synthesize({ path, targetBytes: mb * 1e6, samplesDir: join(ROOT, 'samples') });
    files.set(mb, { path, stats });
    spawnSync('cat', [path], { stdio: 'ignore' }); // into the page cache, for both tools alike
  }

  console.log('\n## machine');
  for (const f of machineFacts()) console.log(f);
  console.log(
    '\n## inputs (synthesized from samples/grpc-js-*, py-*, js-client-py-server; /tmp, not committed)',
  );
  for (const [mb, { path, stats }] of files)
    console.log(
      `${mb} MB: ${path}, ${stats.bytes} bytes, ${stats.packets} packets, ${stats.connections} connections ` +
        `(${stats.concurrency} at a time), ${stats.durationSeconds.toFixed(0)} s of capture time`,
    );

  const small = files.get(30)!.path;
  const ours = await h2scopeFrameCounts(small, ROOT);
  const theirs = await tsharkFrameCounts(small, SERVER_PORT, ROOT);
  console.log(`\n## same work? HTTP/2 frames per type on the 30 MB file`);
  console.log(`h2scope: ${JSON.stringify(ours)}`);
  console.log(`tshark:  ${JSON.stringify(theirs)}`);
  if (!sameCounts(ours, theirs))
    throw new Error('different frames: the comparison would not be like for like');
  console.log('identical');

  console.log(`\n## timings: best of ${runs}, runs interleaved, stdout to /dev/null; load before: ${load()}`);
  console.log('command'.padEnd(32) + '   input      wall  MB/s(wall)       CPU   MB/s(CPU)   peak RSS');
  const all = Object.values(CASES);
  const rows: Row[] = [];
  for (const [mb, { path }] of files) {
    // The 2x-length file only shows whether memory grows: h2scope's formats and tshark's cheapest mode.
    const cases = mb > 300 ? [CASES.ndjson, CASES.json, CASES.har, CASES.filter] : all;
    rows.push(...runInterleaved(path, cases, runs));
  }
  console.log(`load after: ${load()}`);

  console.log(`\n## where the time goes: in-process, CPU time (best of ${runs}) on ${small}`);
  printLayers(small, measureLayers(small, runs));

  if (!has('--no-heap')) {
    const largest = Math.max(...files.keys());
    const target = files.get(largest)!.path;
    const step = String(Math.max(5, Math.round(largest / 6)));
    console.log(`\n## live heap after a full GC, every ${step} MB of ${target} (ndjson pipeline in-process)`);
    spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'scripts/bench/heap-probe.ts', target, '--step', step],
      { cwd: ROOT, stdio: 'inherit' },
    );
  }

  console.log('\n## markdown (docs/performance.md)\n');
  console.log(markdown(rows));
  const facts = { machine: machineFacts(), inputs: Object.fromEntries(files), rows };
  writeFileSync(join(DIR, 'results.json'), JSON.stringify(facts, null, 2) + '\n');

  if (!quick && !has('--no-shapes')) {
    const at = args.indexOf('--shape-runs');
    console.log('\n## the three shapes of issue #13 (scripts/bench/shapes.ts)');
    benchShapes(at >= 0 ? Number(args[at + 1]) : 3, has('--one-core'), null);
  }

  if (!quick && !has('--only-main')) {
    subBench('bench-capture.ts', ['--runs', '1']);
    subBench('bench-tui.ts', []);
  }
}

await main();
