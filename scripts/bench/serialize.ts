/**
 * Record serialisation in isolation: decodes FILE in-process, keeps the records (up to --limit MB of
 * capture), then writes them as ndjson into an OutputStream over a sink that drops the bytes, several
 * times, and prints CPU per pass and output size. The engine's own cost is not in these numbers.
 *   node --import tsx scripts/bench/serialize.ts FILE [--limit MB] [--passes N] [--only KIND] [--strings]
 * --strings writes through the string path (write + jsonText) instead of OutputStream.jsonLine.
 */
import { Writable } from 'node:stream';
import { CaptureSource } from '../../src/capture/source.js';
import type { RecordSink } from '../../src/engine/engine.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { OutputStream } from '../../src/cli/output-stream.js';
import { ndjsonSink } from '../../src/output/ndjson.js';

const args = process.argv.slice(2);
const file = args[0]!;
const opt = (name: string, def: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
// Capture chunks are 1 MiB each (FILE_CHUNK_SIZE); a yield per chunk.
const limitBytes = opt('--limit', 60);
const passes = opt('--passes', 5);

type Item = [keyof RecordSink, unknown];
const items: Item[] = [];
const keep: RecordSink = {
  connection: (r) => items.push(['connection', r]),
  frame: (r) => items.push(['frame', r]),
  call: (r) => items.push(['call', r]),
  diagnostic: (d) => items.push(['diagnostic', d]),
  capture: (r) => items.push(['capture', r]),
};
const engine = createEngine({ file }, keep);
let seen = 0;
for await (const events of new CaptureSource(file).events()) {
  engine.push(events);
  seen += events.length > 0 ? 1 : 0;
  if (seen > limitBytes) break;
}
engine.finish();
const counts: Record<string, number> = {};
for (const [k] of items) counts[k] = (counts[k] ?? 0) + 1;

const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
let bytes = 0;
const drop = new Writable({
  write(chunk: Buffer, _enc, cb) {
    bytes += chunk.length;
    cb();
  },
  writev(chunks, cb) {
    for (const c of chunks) bytes += (c.chunk as Buffer).length;
    cb();
  },
});
const times: number[] = [];
for (let p = 0; p < passes; p++) {
  bytes = 0;
  const out = OutputStream.to(drop);
  const sink = args.includes('--strings')
    ? ndjsonSink(out.write, out.writeHex)
    : ndjsonSink(out.write, out.writeHex, out.jsonLine);
  const cpu0 = process.cpuUsage();
  let n = 0;
  for (const [k, r] of items) {
    if (only !== null && k !== only) continue;
    (sink[k] as (r: unknown) => void)(r);
    if (++n % 256 === 0) await out.flush();
  }
  await out.end();
  const cpu = process.cpuUsage(cpu0);
  times.push((cpu.user + cpu.system) / 1e3);
}
console.log(JSON.stringify({ counts, outputMB: bytes / 1e6, cpuMs: times.map((t) => Math.round(t)) }));
