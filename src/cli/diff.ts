/**
 * `h2scope diff BEFORE AFTER`: decodes each side (several captures on a side are merged by time), keeps
 * only aggregates (DiffSide), and writes the comparison as text, markdown or json. Messages are not
 * decoded (like --summary): nothing in a diff shows them. Exit status as for a report: 0 compared,
 * 1 when a side has no usable capture, 2 usage errors (decided before reading).
 */
import { openCaptureInput } from '../capture/merged-source.js';
import {
  createEngine,
  loadPipelineKeyLog,
  loadPipelineSchema,
  type PipelineOptions,
} from '../engine/pipeline.js';
import { compareSides } from '../output/diff.js';
import { DiffSide } from '../output/diff-side.js';
import { diffMarkdown, diffText } from '../output/diff-text.js';
import { escapeLines } from '../output/escape.js';
import { jsonText } from '../output/json-text.js';
import type { DiffOptions } from './args.js';
import { EXIT, exitStatus, inputProblemLine } from './exit-status.js';
import type { CliIo } from './io.js';
import { OutputStream } from './output-stream.js';
import { DiagnosticTally } from './sinks.js';

export async function runDiff(opts: DiffOptions, io: CliIo): Promise<number> {
  const say = (line: string): void => void io.stderr.write(escapeLines(line) + '\n');
  const schemaOptions = {
    protos: opts.protos,
    protoPaths: opts.protoPaths,
    descriptorSets: opts.descriptorSets,
  };
  const schema = loadPipelineSchema(schemaOptions);
  if (!schema.ok) {
    say(`h2scope: ${schema.error}`);
    return EXIT.usage;
  }
  const keylog = loadPipelineKeyLog({ keylog: opts.keylog });
  if (!keylog.ok) {
    say(`h2scope: cannot read --keylog ${opts.keylog}: ${keylog.error}`);
    return EXIT.usage;
  }
  let out: OutputStream;
  try {
    out = opts.output === null ? OutputStream.to(io.stdout) : await OutputStream.file(opts.output);
  } catch (err) {
    say(`h2scope: cannot write --output ${opts.output}: ${(err as Error).message}`);
    return EXIT.usage;
  }
  const base = { h2Ports: opts.h2Ports, grpcPorts: opts.grpcPorts, ...schemaOptions, keylog: opts.keylog };
  let unusable = false;
  const sides: DiffSide[] = [];
  for (const inputs of [opts.before, opts.after]) {
    const side = new DiffSide();
    const r = await decodeSide(inputs, { ...base, file: inputs.join(' + '), payload: 'none' }, side, io);
    for (const line of r.problems) say(line);
    unusable ||= r.unusable;
    sides.push(side);
  }
  const report = compareSides(sides[0]!, sides[1]!);
  const text =
    opts.format === 'json'
      ? jsonText(report, 2) + '\n'
      : opts.format === 'markdown'
        ? diffMarkdown(report)
        : diffText(report);
  out.write(text);
  await out.end();
  if (out.error) {
    say(`h2scope: writing the report failed: ${out.error.message}`);
    return EXIT.unusable;
  }
  return unusable ? EXIT.unusable : EXIT.ok;
}

async function decodeSide(
  inputs: string[],
  pipeline: PipelineOptions,
  side: DiffSide,
  io: CliIo,
): Promise<{ problems: string[]; unusable: boolean }> {
  const tally = new DiagnosticTally(side.sink);
  const engine = createEngine(pipeline, tally);
  const source = openCaptureInput(inputs, { stdin: io.stdin });
  for await (const chunk of source.events()) engine.push(chunk);
  engine.setCompressed(source.progress.compressed);
  const capture = engine.finish();
  const problems = tally.inputProblems.map((d) => inputProblemLine(d, source.name));
  const facts = {
    capture,
    counts: tally.counts,
    inputProblems: tally.inputProblems,
    connections: tally.connections,
  };
  return { problems, unusable: exitStatus(facts, null) === EXIT.unusable };
}
