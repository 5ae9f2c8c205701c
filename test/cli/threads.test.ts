/**
 * `--threads N` through the real command and real worker threads: the same bytes on stdout, the same
 * stderr and exit status as `--threads 1`, for every report format. test/engine/shard.test.ts proves the
 * merge on every sample in one thread; this proves the threads, their messages and the output path.
 */
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './run-cli.js';

// Each run starts its threads (a second or more under tsx): every format on one sample, ndjson on others.
const CASES: Array<{ file: string; extra?: string[]; all?: boolean }> = [
  { file: 'samples/grpc-conn-per-call.pcap', all: true }, // whole-capture churn raised between connections
  { file: 'samples/grpc-js-large.pcap' }, // 1.2 MB message: hex written by the worker
  { file: 'samples/damaged-truncated.pcap', extra: ['--fail-on', 'warning'] }, // capture diagnostics, exit 3
  { file: 'samples/tls-grpc-js-13.pcap', extra: ['--keylog', 'samples/tls-grpc-js-13.keys'] },
  { file: 'samples/derived-h2c-gz.pcap.gz' },
  // 80 s: imbalance raised over the live window while the channels are open (the merge sees opened())
  { file: 'samples/grpc-imbalance-live.pcap' },
];

const VARIANTS: string[][] = [
  ['--format', 'ndjson'],
  ['--format', 'json'],
  ['--format', 'text'],
  ['--format', 'har'],
  ['--format', 'markdown'],
  ['--summary'],
  ['--format', 'ndjson', '--filter', 'grpc.status != 0'],
];

describe('--threads', () => {
  // One test per run pair: each starts its threads, which under tsx on a loaded machine takes seconds.
  for (const { file, extra = [], all = false } of CASES)
    for (const variant of all ? VARIANTS : VARIANTS.slice(0, 1))
      it(`${file} ${variant.join(' ')}: as on one thread`, async () => {
        const argv = [file, ...variant, ...extra];
        const one = await runCliCaptured([...argv, '--threads', '1']);
        expect(await runCliCaptured([...argv, '--threads', '2'])).toEqual(one);
        if (all && variant[1] === 'ndjson')
          expect(await runCliCaptured([...argv, '--threads', '3'])).toEqual(one);
      });

  it('reads standard input on one thread whatever --threads says', async () => {
    const stdin = (await import('node:fs')).readFileSync('samples/grpc-js-unary.pcap');
    const r = await runCliCaptured(['-', '--format', 'ndjson', '--threads', '2'], { stdin });
    const file = await runCliCaptured(['samples/grpc-js-unary.pcap', '--format', 'ndjson', '--threads', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/"file":"-"/, '"file":"samples/grpc-js-unary.pcap"')).toBe(file.stdout);
  });
});
