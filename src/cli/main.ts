/**
 * The h2scope command: the only place that decides between the TUI and a report, and the only place that
 * sets the exit status (0 decoded, 1 input unusable, 2 usage error).
 */
import { readFileSync } from 'node:fs';
import { CaptureSource } from '../capture/source.js';
import type { CaptureRecord } from '../model/records.js';
import type { RecordSink } from '../engine/engine.js';
import { createEngine } from '../engine/pipeline.js';
import { JsonCollector } from '../output/json.js';
import { ndjsonSink } from '../output/ndjson.js';
import { textSink } from '../output/text.js';
import { HELP, parseCliArgs, type CliOptions } from './args.js';
import { OutputStream } from './output-stream.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Input is unusable when nothing could be read as a capture. */
function exitStatusFor(capture: CaptureRecord): number {
  return capture.format === null ? 1 : 0;
}

async function runReport(opts: CliOptions, format: 'text' | 'json' | 'ndjson'): Promise<number> {
  const out = opts.output ? await OutputStream.file(opts.output) : OutputStream.stdout();
  const collector = format === 'json' ? new JsonCollector() : null;
  const sink: RecordSink =
    collector?.sink ?? (format === 'ndjson' ? ndjsonSink(out.write) : textSink(out.write));
  const engine = createEngine({ file: opts.input, h2Ports: opts.ports }, sink);
  const source = new CaptureSource(opts.input);
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  for await (const events of source.events()) {
    engine.push(events);
    await out.flush();
    if (interrupted || out.isClosed) break;
  }
  process.off('SIGINT', onSigint);
  engine.setCompressed(source.progress.compressed);
  const capture = engine.finish();
  collector?.write(out.write);
  await out.end();
  return exitStatusFor(capture);
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'version':
      process.stdout.write(`h2scope ${version()}\n`);
      return 0;
    case 'usage-error':
      process.stderr.write(`h2scope: ${parsed.message}\n`);
      return 2;
    case 'run': {
      const opts = parsed.options;
      const format = opts.format ?? 'text';
      return runReport(opts, format === 'tui' ? 'text' : format);
    }
  }
}

process.exitCode = await main(process.argv.slice(2));
