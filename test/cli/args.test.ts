import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';

function options(argv: string[]) {
  const r = parseCliArgs(argv);
  if (r.kind !== 'run') throw new Error(`expected options, got ${JSON.stringify(r)}`);
  return r.options;
}

function usage(argv: string[]): string {
  const r = parseCliArgs(argv);
  if (r.kind !== 'usage-error') throw new Error(`expected a usage error, got ${r.kind}`);
  return r.message;
}

describe('parseCliArgs', () => {
  it('has defaults that mean "TUI on a terminal, text otherwise"', () => {
    expect(options(['x.pcap'])).toEqual({
      input: 'x.pcap',
      format: null,
      output: null,
      summary: false,
      filter: null,
      writePcap: null,
      failOn: null,
      h2Ports: [],
      grpcPorts: [],
      protos: [],
      protoPaths: [],
      descriptorSets: [],
      keylog: null,
      payload: 'full',
      snapshotInterval: 0,
      threads: null,
      quiet: false,
    });
  });

  it('--threads takes a count of decoding threads', () => {
    expect(options(['x.pcap', '--threads', '3']).threads).toBe(3);
    expect(options(['x.pcap', '-j', '1']).threads).toBe(1);
    for (const bad of ['0', 'two', '1.5', '65'])
      expect(parseCliArgs(['x.pcap', '--threads', bad])).toEqual({
        kind: 'usage-error',
        message: `--threads takes a number of threads (1-64), not '${bad}'.\nTry 'h2scope --help'.`,
      });
  });

  it('snapshots open connections every 10 s of capture time for ndjson from stdin, by default only then', () => {
    expect(options(['-', '-f', 'ndjson']).snapshotInterval).toBe(10);
    expect(options(['x.pcap', '-f', 'ndjson']).snapshotInterval).toBe(0);
    expect(options(['-', '-f', 'json']).snapshotInterval).toBe(0);
    expect(options(['x.pcap', '-f', 'ndjson', '--snapshot-interval', '2.5']).snapshotInterval).toBe(2.5);
    expect(options(['-', '-f', 'ndjson', '--snapshot-interval', '0']).snapshotInterval).toBe(0);
  });

  it('refuses a snapshot interval that is not seconds, or without ndjson', () => {
    for (const bad of [
      ['-f', 'ndjson', '--snapshot-interval', 'soon'],
      ['-f', 'ndjson', '--snapshot-interval', '-1'],
    ])
      expect(parseCliArgs(['x.pcap', ...bad])).toMatchObject({ kind: 'usage-error' });
    const text = parseCliArgs(['x.pcap', '--snapshot-interval', '5']);
    expect(text).toMatchObject({ kind: 'usage-error', message: expect.stringContaining('--format ndjson') });
  });

  it('reads every option, short and long, repeatable ones in order', () => {
    const o = options([
      '-f',
      'ndjson',
      '-o',
      'out.ndjson',
      '-Y',
      'grpc.status != 0',
      '-w',
      'min.pcap',
      '--fail-on',
      'warning',
      '-p',
      '8080',
      '--port=9090',
      '--decode-as',
      '50051=grpc',
      '--decode-as',
      '8080=H2',
      '--proto',
      'a.proto',
      '--proto',
      'b.proto',
      '-I',
      'protos',
      '--proto-path',
      'vendor',
      '--descriptor-set',
      'set.pb',
      '--keylog',
      'keys.log',
      '--payload',
      'head',
      '-q',
      '-',
    ]);
    expect(o).toEqual({
      input: '-',
      format: 'ndjson',
      output: 'out.ndjson',
      summary: false,
      filter: 'grpc.status != 0',
      writePcap: 'min.pcap',
      failOn: 'warning',
      h2Ports: [8080, 9090, 50051],
      grpcPorts: [50051],
      protos: ['a.proto', 'b.proto'],
      protoPaths: ['protos', 'vendor'],
      descriptorSets: ['set.pb'],
      keylog: 'keys.log',
      payload: 'head',
      snapshotInterval: 10,
      threads: null,
      quiet: true,
    });
  });

  it('answers --help and --version before checking anything else', () => {
    expect(parseCliArgs(['--help', '--format', 'bogus'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-V'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['--fitler', 'x', 'a.pcap'], "unknown option '--fitler' (did you mean --filter?)."],
    [['--write-pacp=x', 'a.pcap'], "unknown option '--write-pacp' (did you mean --write-pcap?)."],
    [['--sumary', 'a.pcap'], "unknown option '--sumary' (did you mean --summary?)."],
    [['-x', 'a.pcap'], "unknown option '-x'."],
    [['--format'], '--format needs a value.'],
    [['--format', '--quiet', 'a.pcap'], '--format needs a value.'],
    [['--quiet=yes', 'a.pcap'], '--quiet takes no value.'],
    [[], 'missing the capture to read (a file, or - for stdin).'],
    [['a.pcap', 'b.pcap'], 'only one capture at a time (a file, or - for stdin).'],
    [
      ['--format', 'jsn', 'a.pcap'],
      "--format must be one of text, json, ndjson, har, markdown, not 'jsn' (did you mean json?).",
    ],
    [
      ['--fail-on', 'warn', 'a.pcap'],
      "--fail-on must be one of error, warning, not 'warn' (did you mean warning?).",
    ],
    [['--port', '0', 'a.pcap'], "--port takes a TCP port number (1-65535), not '0'."],
    [['--port', '70000', 'a.pcap'], "--port takes a TCP port number (1-65535), not '70000'."],
    [['--port', '80x', 'a.pcap'], "--port takes a TCP port number (1-65535), not '80x'."],
    [
      ['--decode-as', '80=http', 'a.pcap'],
      "--decode-as takes PORT=h2 or PORT=grpc (e.g. --decode-as 8080=h2), not '80=http'.",
    ],
    [['--decode-as', '99999=h2', 'a.pcap'], "--decode-as takes a TCP port number (1-65535), not '99999'."],
    [
      ['--summary', '--format', 'json', 'a.pcap'],
      '--summary is a text report: it cannot be combined with --format json.',
    ],
    [['-o', 'same', '-w', 'same', 'a.pcap'], '--write-pcap and --output name the same file.'],
  ])('%j is a usage error', (argv, message) => {
    expect(usage(argv)).toBe(`${message}\nTry 'h2scope --help'.`);
  });

  it('allows --summary with --format text and keeps duplicate ports once', () => {
    expect(options(['--summary', '-f', 'text', '-p', '80', '--decode-as', '80=h2', 'a']).h2Ports).toEqual([
      80,
    ]);
  });
});
