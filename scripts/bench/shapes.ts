/**
 * The three traffic shapes of issue #13, h2scope against tshark, in one invocation:
 *
 *   node --import tsx scripts/bench/shapes.ts [--runs 3] [--one-core] [--only unary,streams,small]
 *
 * Each shape is recorded once with real grpc-js peers under tcpdump (scripts/bench/small-calls.ts; root
 * needed) and cached in /tmp/h2scope-bench. Per shape the commands run interleaved (h2scope --summary and
 * --format ndjson with --threads 1 and 2, tshark -Y http2 and -T fields), stdout to /dev/null, best of N
 * by wall time; the ratios are h2scope's best wall time over tshark's. --one-core adds the h2scope runs
 * under `taskset -c 0` (one core: what the threads cost when there is no second core to use).
 * Run by `npm run bench` after the synthetic files; uses the built dist/ (bin/h2scope.js).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { best, measure, type Measurement } from './measure.js';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const DIR = '/tmp/h2scope-bench';

interface Shape {
  key: string;
  what: string;
  file: string;
  port: number;
  generate: string[];
}

export const SHAPES: Shape[] = [
  {
    key: 'unary',
    what: 'grpc-js unary calls with 1-10 KB payloads',
    file: join(DIR, 'unary-1-10k-26k.pcap'),
    port: 50333,
    generate: ['--calls', '26000', '--payload', '1024-10240'],
  },
  {
    key: 'streams',
    what: 'grpc-js streams of 256 KiB-1 MiB messages',
    file: join(DIR, 'streams-256k-1m-120.pcap'),
    port: 50334,
    generate: ['--calls', '120', '--channels', '4', '--inflight', '2', '--stream', '262144-1048576'],
  },
  {
    key: 'small',
    what: '200k small unary calls',
    file: join(DIR, 'small-calls-200k.pcap'),
    port: 50321,
    generate: ['--calls', '200000'],
  },
];

interface Case {
  name: string;
  command: string;
  args: (s: Shape) => string[];
}

/** bin/h2scope.js's node options (its `#!` line): the installed command's. */
const NODE_FLAGS = readFileSync(join(ROOT, 'bin/h2scope.js'), 'utf8')
  .split('\n')[0]!
  .replace(/^#!.*?\bnode\b/, '')
  .trim()
  .split(/\s+/)
  .filter(Boolean);

function h2scope(label: string, args: string[], threads: number, oneCore = false): Case {
  const node = [process.execPath, ...NODE_FLAGS, 'bin/h2scope.js'];
  const cmd = oneCore ? ['taskset', '-c', '0', ...node] : node;
  return {
    name: `h2scope ${label} --threads ${threads}${oneCore ? ' (1 core)' : ''}`,
    command: cmd[0]!,
    args: (s) => [...cmd.slice(1), s.file, ...args, '--threads', String(threads)],
  };
}

function tshark(name: string, extra: string[]): Case {
  return {
    name,
    command: 'tshark',
    args: (s) => ['-r', s.file, '-d', `tcp.port==${s.port},http2`, ...extra],
  };
}

function cases(oneCore: boolean): Case[] {
  const list = [
    h2scope('--summary', ['--summary'], 1),
    h2scope('--summary', ['--summary'], 2),
    h2scope('--format ndjson', ['--format', 'ndjson'], 1),
    h2scope('--format ndjson', ['--format', 'ndjson'], 2),
    tshark('tshark -Y http2', ['-Y', 'http2']),
    tshark('tshark -T fields -e http2.type', ['-T', 'fields', '-e', 'http2.type']),
  ];
  if (oneCore)
    list.push(
      h2scope('--summary', ['--summary'], 1, true),
      h2scope('--summary', ['--summary'], 2, true),
      h2scope('--format ndjson', ['--format', 'ndjson'], 1, true),
      h2scope('--format ndjson', ['--format', 'ndjson'], 2, true),
    );
  return list;
}

function ensure(s: Shape): void {
  if (existsSync(s.file)) return;
  console.log(`recording ${s.what} into ${s.file} (tcpdump, real grpc-js peers) ...`);
  const args = ['--import', 'tsx', 'scripts/bench/small-calls.ts', ...s.generate, '--port', String(s.port)];
  const r = spawnSync(process.execPath, [...args, '--out', s.file], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`recording ${s.key} failed`);
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export interface ShapeRow {
  shape: string;
  mb: number;
  best: Record<string, Measurement>;
}

export function benchShapes(runs: number, oneCore: boolean, only: string[] | null): ShapeRow[] {
  const list = cases(oneCore);
  const rows: ShapeRow[] = [];
  for (const s of SHAPES.filter((x) => only === null || only.includes(x.key))) {
    ensure(s);
    spawnSync('cat', [s.file], { stdio: 'ignore' }); // page cache, for every command alike
    const mb = statSync(s.file).size / 1e6;
    console.log(`\n### ${s.what}: ${s.file}, ${mb.toFixed(0)} MB; load before ${load()}`);
    const results = list.map(() => [] as Measurement[]);
    for (let run = 0; run < runs; run++)
      list.forEach((c, i) => {
        const m = measure(c.command, c.args(s), ROOT);
        if (m.exitCode !== 0) throw new Error(`${c.name} exited with ${m.exitCode} on ${s.file}`);
        results[i]!.push(m);
      });
    const row: ShapeRow = { shape: s.what, mb, best: {} };
    list.forEach((c, i) => {
      const b = best(results[i]!);
      row.best[c.name] = b;
      const walls = results[i]!.map((m) => m.wallSeconds.toFixed(2)).join(' / ');
      console.log(
        `${c.name.padEnd(46)} best ${b.wallSeconds.toFixed(2)} s wall, ${b.cpuSeconds.toFixed(2)} s CPU, ` +
          `${b.peakRssMiB.toFixed(0)} MiB (runs: ${walls})`,
      );
    });
    console.log(`load after ${load()}`);
    rows.push(row);
  }
  console.log('\n' + shapesMarkdown(rows));
  return rows;
}

/** The table: h2scope's best wall time and its ratio to tshark's, per shape. */
export function shapesMarkdown(rows: ShapeRow[]): string {
  const w = (m: Measurement | undefined): string => (m ? `${m.wallSeconds.toFixed(2)} s` : '-');
  const ratio = (a: Measurement | undefined, b: Measurement | undefined): string =>
    a && b ? (a.wallSeconds / b.wallSeconds).toFixed(2) : '-';
  const lines = [
    '| capture | --summary, 1 thread | 2 threads | tshark -Y http2 | ratio (1 / 2 threads) | ndjson, 1 thread | 2 threads | tshark -T fields | ratio (1 / 2 threads) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const b = r.best;
    const s1 = b['h2scope --summary --threads 1'];
    const s2 = b['h2scope --summary --threads 2'];
    const n1 = b['h2scope --format ndjson --threads 1'];
    const n2 = b['h2scope --format ndjson --threads 2'];
    const y = b['tshark -Y http2'];
    const f = b['tshark -T fields -e http2.type'];
    lines.push(
      `| ${r.mb.toFixed(0)} MB, ${r.shape} | ${w(s1)} | ${w(s2)} | ${w(y)} | ${ratio(s1, y)} / ${ratio(s2, y)} | ` +
        `${w(n1)} | ${w(n2)} | ${w(f)} | ${ratio(n1, f)} / ${ratio(n2, f)} |`,
    );
  }
  const oneCore = rows.some((r) => r.best['h2scope --summary --threads 1 (1 core)']);
  if (oneCore) {
    lines.push(
      '',
      '| capture, `taskset -c 0` | --summary, 1 thread | 2 threads | ndjson, 1 thread | 2 threads |',
    );
    lines.push('|---|---:|---:|---:|---:|');
    for (const r of rows) {
      const b = r.best;
      lines.push(
        `| ${r.mb.toFixed(0)} MB, ${r.shape} | ${w(b['h2scope --summary --threads 1 (1 core)'])} | ` +
          `${w(b['h2scope --summary --threads 2 (1 core)'])} | ${w(b['h2scope --format ndjson --threads 1 (1 core)'])} | ` +
          `${w(b['h2scope --format ndjson --threads 2 (1 core)'])} |`,
      );
    }
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : 3;
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1]!.split(',') : null;
  benchShapes(runs, args.includes('--one-core'), only);
}
