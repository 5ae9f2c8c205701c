import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/architecture.md: dependencies point down the pipeline, cli -> (tui, output, filter) -> model -> ...
// The UI may use output/ (the pcap export --write-pcap shares) but never the CLI above it.
describe('src/tui dependency direction', () => {
  it('no module of src/tui imports src/cli', () => {
    const dir = join(import.meta.dirname, '../../src/tui');
    const offenders = readdirSync(dir)
      .filter((f) => /\.tsx?$/.test(f))
      .filter((f) => /from '\.\.\/cli\//.test(readFileSync(join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
