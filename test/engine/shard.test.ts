/**
 * Sharded decoding (src/engine/shard.ts) gives the report one engine gives, byte for byte, for every
 * sample and every report format: here the shards run in this thread, one engine per shard with its own
 * reader over the chunks of one shared read of the file (src/cli/shared-read.ts, as the threads read it),
 * and their batches are structured-cloned as a worker's postMessage clones them. The real threads
 * (src/cli/report-threads.ts) are covered by test/cli/threads.test.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureSource } from '../../src/capture/source.js';
import { parseCliArgs, type CliOptions } from '../../src/cli/args.js';
import { createReport } from '../../src/cli/report-sink.js';
import { shardMode } from '../../src/cli/report-threads.js';
import { SharedFileFeed, SharedFileStream, type FeedMessage } from '../../src/cli/shared-read.js';
import { DiagnosticTally } from '../../src/cli/sinks.js';
import { createEngine, type PipelineOptions } from '../../src/engine/pipeline.js';
import { ShardMerge, ShardSink, shardOwners, type ShardBatch } from '../../src/engine/shard.js';
import { CaptureAnalyzer } from '../../src/analysis/capture-analyzer.js';
import { DEFAULT_MAX_DIAGNOSTICS_PER_CODE } from '../../src/engine/diagnostic-cap.js';
import { parseFilter, type FilterExpr } from '../../src/filter/index.js';

const SAMPLES = readdirSync('samples')
  .filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f))
  .sort()
  .map((f) => `samples/${f}`);

/**
 * Report variants. Every sample runs the four that send different things across (ndjson lines; frame
 * records; frames with their events for HAR; no frames), and every fourth sample also the other formats,
 * filters (whole records even for ndjson) and three shards: all of it on every sample takes minutes.
 */
const MAIN_VARIANTS: string[][] = [
  ['--format', 'ndjson'],
  ['--format', 'json'],
  ['--format', 'har'],
  ['--summary'],
];
const MORE_VARIANTS: string[][] = [
  ['--format', 'text'],
  ['--format', 'markdown'],
  ['--format', 'ndjson', '--filter', 'grpc.status != 0 || http2.type == DATA'],
  ['--format', 'json', '--filter', 'conn.port == 50051'],
];

interface Setup {
  opts: CliOptions;
  pipeline: PipelineOptions;
  filter: FilterExpr | null;
}

function setup(file: string, variant: string[]): Setup {
  const keys = file.replace(/\.pcap(ng)?$/, '.keys');
  const keylog = existsSync(keys) && keys !== file ? ['--keylog', keys] : [];
  const parsed = parseCliArgs([file, ...variant, ...keylog]);
  if (parsed.kind !== 'run') throw new Error(parsed.kind);
  const opts = parsed.options;
  const filter = opts.filter === null ? null : parseFilter(opts.filter);
  if (filter !== null && !filter.ok) throw new Error(filter.error);
  const pipeline: PipelineOptions = {
    file,
    keylog: opts.keylog,
    payload: opts.summary ? 'none' : opts.payload,
  };
  return { opts, pipeline, filter: filter?.expr ?? null };
}

/** The report's text, gathered from its writes (and from ndjson lines a shard wrote). */
function collector(): {
  write: (s: string) => void;
  writeHex: (b: Uint8Array) => void;
  copy: (b: Uint8Array, start: number, end: number) => void;
  text: () => string;
} {
  const parts: string[] = [];
  return {
    write: (s) => void parts.push(s),
    writeHex: (b) => void parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')),
    copy: (b, start, end) =>
      void parts.push(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8')),
    text: () => parts.join(''),
  };
}

function finishReport(report: ReturnType<typeof createReport>, out: ReturnType<typeof collector>): string {
  for (const piece of report.end()) out.write(typeof piece === 'string' ? piece : piece.toString('utf8'));
  report.discard();
  return out.text();
}

async function oneEngine(s: Setup): Promise<string> {
  const out = collector();
  const report = createReport(s.opts, s.filter, out.write, out.writeHex);
  const engine = createEngine(s.pipeline, new DiagnosticTally(report.sink));
  const source = new CaptureSource(s.opts.input);
  for await (const events of source.events()) engine.push(events);
  engine.setCompressed(source.progress.compressed);
  engine.finish();
  return finishReport(report, out);
}

/** Shard 0 is decoded on the merging thread (pumpThreads): its batch as it is; the others' as postMessage clones them. */
function crossed(shard: number, batch: ShardBatch): ShardBatch {
  return shard === 0 ? batch : structuredClone(batch);
}

async function sharded(s: Setup, count: number): Promise<string> {
  const out = collector();
  const report = createReport(s.opts, s.filter, out.write, out.writeHex, undefined, count);
  const merge = new ShardMerge(
    new DiagnosticTally(report.sink),
    DEFAULT_MAX_DIAGNOSTICS_PER_CODE,
    [new CaptureAnalyzer()],
    out.copy,
  );
  const mode = shardMode(s.opts.format ?? 'text', s.opts.summary, s.filter !== null);
  const streams: SharedFileStream[] = [];
  const feed = await SharedFileFeed.open(s.opts.input, (m: FeedMessage) =>
    streams.forEach((r) => r.receive(m)),
  );
  merge.markRelays = mode.ndjson; // as pumpThreads does
  const shards = Array.from({ length: count }, (_, index) => {
    const sink = new ShardSink(index, mode);
    // The merging thread's shard owns fewer connections (shardOwners), as in pumpThreads.
    const shard = { index, count, owners: shardOwners(count) };
    const engine = createEngine({ ...s.pipeline, shard }, sink);
    sink.engine = engine;
    const shared = new SharedFileStream((n) => feed!.want(n));
    streams.push(shared);
    const source = new CaptureSource(shared.stream, { name: s.opts.input });
    return { sink, engine, source, chunks: source.events() };
  });
  for (let chunk = 1; ; chunk++) {
    const next = await Promise.all(shards.map((sh) => sh.chunks.next()));
    const done = next[0]!.done === true;
    expect(next.every((n) => n.done === done)).toBe(true);
    if (done) break;
    shards.forEach((sh, i) => sh.engine.push(next[i]!.value as never));
    merge.merge(shards.map((sh, i) => crossed(i, sh.sink.batch(chunk, false))));
  }
  for (const sh of shards) {
    sh.engine.setCompressed(sh.source.progress.compressed);
    sh.engine.finish();
  }
  merge.merge(shards.map((sh, i) => crossed(i, sh.sink.batch(0, true))));
  await feed!.close();
  return finishReport(report, out);
}

describe('sharded decoding gives one engine’s report, byte for byte', () => {
  SAMPLES.forEach((file, i) =>
    it(file, async () => {
      const more = i % 4 === 0;
      for (const variant of more ? [...MAIN_VARIANTS, ...MORE_VARIANTS] : MAIN_VARIANTS) {
        const s = setup(file, variant);
        const expected = await oneEngine(s);
        for (const count of more ? [2, 3] : [2])
          expect(await sharded(s, count), `${variant.join(' ')}, ${count} shards`).toBe(expected);
      }
    }),
  );
});

describe('shardOwners', () => {
  it('gives the merging thread 3 connections of 8 with one worker, interleaved', () => {
    expect(shardOwners(2)).toEqual([1, 0, 1, 0, 1, 1, 0, 1]);
  });

  it('gives every worker 5 for the merging thread’s 3', () => {
    const owners = shardOwners(3);
    expect(owners.length).toBe(13);
    expect([0, 1, 2].map((i) => owners.filter((o) => o === i).length)).toEqual([3, 5, 5]);
    // The first connections go to every shard: a capture of few connections is still split.
    expect(new Set(owners.slice(0, 3)).size).toBe(3);
  });
});
