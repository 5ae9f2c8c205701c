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
      inputs: ['x.pcap'],
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
      inferProto: null,
      threads: null,
      quiet: false,
      reflectionFirst: false,
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
      inputs: ['-'],
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
      inferProto: null,
      threads: null,
      quiet: true,
      reflectionFirst: false,
    });
  });

  it('takes several captures, to merge by time', () => {
    expect(options(['a.pcap', 'b.pcapng', 'c.pcap.gz'])).toMatchObject({
      input: 'a.pcap',
      inputs: ['a.pcap', 'b.pcapng', 'c.pcap.gz'],
    });
  });

  it('parses h2scope diff: two positionals, or repeated --before/--after', () => {
    expect(parseCliArgs(['diff', 'a.pcap', 'b.pcap'])).toEqual({
      kind: 'diff',
      options: {
        before: ['a.pcap'],
        after: ['b.pcap'],
        format: 'text',
        output: null,
        h2Ports: [],
        grpcPorts: [],
        protos: [],
        protoPaths: [],
        descriptorSets: [],
        keylog: null,
        quiet: false,
      },
    });
    const named = parseCliArgs(['diff', '--before', 'a1', '--after', 'b1', '--before', 'a2', '-f', 'json']);
    expect(named).toMatchObject({
      kind: 'diff',
      options: { before: ['a1', 'a2'], after: ['b1'], format: 'json' },
    });
    expect(parseCliArgs(['diff', '--help'])).toEqual({ kind: 'help', topic: 'diff' });
    const bad = (argv: string[]): string | undefined => {
      const r = parseCliArgs(['diff', ...argv]);
      return r.kind === 'usage-error' ? r.message.split('\n')[0] : undefined;
    };
    expect(bad(['a.pcap'])).toBe(
      'diff: takes two captures: BEFORE AFTER (or --before FILE... --after FILE...).',
    );
    expect(bad(['--before', 'a'])).toBe(
      'diff: needs at least one capture on each side (--before FILE and --after FILE).',
    );
    expect(bad(['--after', 'b', 'a.pcap'])).toBe(
      'diff: give the captures either as BEFORE AFTER or with --before/--after, not both.',
    );
    expect(bad(['-f', 'har', 'a', 'b'])).toBe(
      "diff: --format must be one of text, markdown, json, not 'har'.",
    );
    expect(bad(['--summary', 'a', 'b'])).toBe("diff: unknown option '--summary'.");
    expect(bad(['-', 'b'])).toBe('diff: reads files: - (stdin) cannot be compared.');
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
    [['a.pcap', '-'], '- (stdin) cannot be merged with other captures: give files only.'],
    [
      ['-w', 'x.pcap', 'a.pcap', 'b.pcap'],
      '--write-pcap re-reads one capture: it cannot be used with several captures.',
    ],
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
