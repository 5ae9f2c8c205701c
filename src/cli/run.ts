/**
 * The h2scope command, given its arguments and I/O: the only place that decides between the TUI and a
 * report, and that turns bad arguments into usage errors (exit 2) before anything is read. Everything a
 * user can get wrong up front is checked here: the filter, the .proto files, the key log.
 */
import type { PipelineOptions } from '../engine/pipeline.js';
import { loadPipelineKeyLog, loadPipelineSchema } from '../engine/pipeline.js';
import { formatFilterError, parseFilter, type FilterExpr } from '../filter/index.js';
import { parseCliArgs, type CliOptions } from './args.js';
import { wantsInteractive } from './launch.js';
import { escapeLines } from '../output/escape.js';
import { EXIT } from './exit-status.js';
import { DIFF_HELP, HELP } from './help.js';
import { runDiff } from './diff.js';
import type { CliIo } from './io.js';
import { runReport, type Prepared } from './report.js';
import { version } from './version.js';

/** The interactive UI (src/tui/run.tsx), plugged in by src/cli/main.ts. */
export type InteractiveRunner = (opts: {
  input: string;
  pipeline: PipelineOptions;
  /** --filter as typed (already checked to parse), for the TUI's `/` box; null when none. */
  filter: string | null;
}) => Promise<number>;

export interface CliHooks {
  interactive?: InteractiveRunner | null;
}

export async function runCli(argv: string[], io: CliIo, hooks: CliHooks = {}): Promise<number> {
  const parsed = parseCliArgs(argv);
  switch (parsed.kind) {
    case 'help':
      io.stdout.write(parsed.topic === 'diff' ? DIFF_HELP : HELP);
      return EXIT.ok;
    case 'version':
      io.stdout.write(`h2scope ${version()}\n`);
      return EXIT.ok;
    case 'usage-error':
      io.stderr.write(`h2scope: ${escapeLines(parsed.message)}\n`);
      return EXIT.usage;
    case 'diff':
      return runDiff(parsed.options, io);
    case 'run':
      break;
  }
  const opts = parsed.options;
  const prepared = prepare(opts);
  if (typeof prepared === 'string') {
    io.stderr.write(`h2scope: ${escapeLines(prepared)}\n`);
    return EXIT.usage;
  }
  if (hooks.interactive && wantsInteractive(opts, io.stdout.isTTY === true)) {
    // The TUI decodes as it reads: a second pass cannot go back into what is on screen. Say so, not ignore.
    if (opts.reflectionFirst) {
      io.stderr.write(
        'h2scope: --reflection-first works with reports (--summary, --format): the TUI decodes as it reads.\n',
      );
      return EXIT.usage;
    }
    return hooks.interactive({ input: opts.input, pipeline: prepared.pipeline, filter: opts.filter });
  }
  return runReport(opts, prepared, io);
}

/** Options for the engine, or the usage error to print. */
function prepare(opts: CliOptions): Prepared | string {
  let filter: FilterExpr | null = null;
  if (opts.filter !== null) {
    const parsed = parseFilter(opts.filter);
    if (!parsed.ok) return `--filter: ${parsed.error}\n${formatFilterError(opts.filter, parsed)}`;
    filter = parsed.expr;
  }
  const schemaOptions = {
    protos: opts.protos,
    protoPaths: opts.protoPaths,
    descriptorSets: opts.descriptorSets,
  };
  const schema = loadPipelineSchema(schemaOptions);
  if (!schema.ok) return schema.error;
  const keylog = loadPipelineKeyLog({ keylog: opts.keylog });
  if (!keylog.ok) return `cannot read --keylog ${opts.keylog}: ${keylog.error}`;
  const pipeline: PipelineOptions = {
    file: opts.inputs.join(' + '),
    h2Ports: opts.h2Ports,
    grpcPorts: opts.grpcPorts,
    ...schemaOptions,
    keylog: opts.keylog,
    // The summary shows no message: its pass leaves payloads undecoded (diagnostics are the same);
    // --infer-proto reads their structure, which `head` keeps at a fraction of the cost.
    payload: opts.summary ? (opts.inferProto !== null ? 'head' : 'none') : opts.payload,
    snapshotInterval: opts.snapshotInterval,
  };
  return { pipeline, filter };
}
