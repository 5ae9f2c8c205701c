import { describe, expect, it } from 'vitest';
import { HELP } from '../../src/cli/help.js';
import type { InteractiveRunner } from '../../src/cli/run.js';
import { runCliCaptured } from './run-cli.js';

const CLEAN = 'samples/grpc-js-unary.pcap'; // no diagnostics at all
const WARNING = 'samples/damaged-truncated.pcap'; // capture.truncated (warning) only
const ERROR = 'samples/damaged-corrupt-length.pcap'; // capture.corrupt-record (error) only

describe('exit status', () => {
  it.each([
    [[CLEAN], 0],
    [[CLEAN, '--fail-on', 'warning'], 0],
    [[WARNING], 0],
    [[WARNING, '--fail-on', 'error'], 0],
    [[WARNING, '--fail-on', 'warning'], 3],
    [[ERROR, '--fail-on', 'warning'], 3],
    [[ERROR, '--fail-on', 'error'], 3],
    [['samples/damaged-notacapture.pcap', '--fail-on', 'error'], 1],
    [['--bogus', CLEAN], 2],
    [[CLEAN, '--filter', 'grpc.status =='], 2],
  ])('%j exits %i', async (argv, code) => {
    expect((await runCliCaptured([...argv, '-f', 'json'])).code).toBe(code);
  });

  it('--fail-on counts diagnostics before --filter hides them', async () => {
    const r = await runCliCaptured([
      WARNING,
      '--fail-on',
      'warning',
      '--filter',
      'grpc.status == 0',
      '-f',
      'ndjson',
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('"type":"diagnostic"');
  });

  it('--help and --version exit 0 on stdout', async () => {
    const help = await runCliCaptured(['--help']);
    expect([help.code, help.stdout, help.stderr]).toEqual([0, HELP, '']);
    const version = await runCliCaptured(['--version']);
    expect([version.code, version.stdout]).toEqual([0, 'h2scope 0.1.0\n']);
  });
});

describe('choosing the TUI', () => {
  const calls: Array<{ input: string; file: string; h2Ports?: number[]; filter: string | null }> = [];
  const tui: InteractiveRunner = async (o) => {
    calls.push({ input: o.input, file: o.pipeline.file, h2Ports: o.pipeline.h2Ports, filter: o.filter });
    return 42;
  };

  it('runs the TUI when stdout is a terminal and no report was asked for', async () => {
    const r = await runCliCaptured([CLEAN, '-p', '50101', '-Y', 'grpc.status != 0'], {
      stdoutIsTTY: true,
      interactive: tui,
    });
    expect(r.code).toBe(42);
    expect(calls.at(-1)).toEqual({ input: CLEAN, file: CLEAN, h2Ports: [50101], filter: 'grpc.status != 0' });
  });

  it.each([[['--format', 'text']], [['--summary']], [['--write-pcap', '/dev/null']], [['-o', '/dev/null']]])(
    'prints a report with %j even on a terminal',
    async (extra) => {
      const before = calls.length;
      const r = await runCliCaptured([CLEAN, ...extra, '-q'], { stdoutIsTTY: true, interactive: tui });
      expect(r.code).toBe(0);
      expect(calls.length).toBe(before);
    },
  );

  it('refuses --reflection-first for the TUI (one decoding pass) with a usage error, not silently', async () => {
    const before = calls.length;
    const r = await runCliCaptured([CLEAN, '--reflection-first'], { stdoutIsTTY: true, interactive: tui });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'h2scope: --reflection-first works with reports (--summary, --format): the TUI decodes as it reads.\n',
    );
    expect(calls.length).toBe(before);
  });

  it('prints the text report when stdout is not a terminal', async () => {
    const before = calls.length;
    const r = await runCliCaptured([CLEAN], { interactive: tui });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('127.0.0.1:49616');
    expect(calls.length).toBe(before);
  });
});
