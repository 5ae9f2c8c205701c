import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_DOC_PATH, generateCliDoc } from '../../scripts/gen-cli-doc.js';

describe('docs/cli.md', () => {
  it('is what scripts/gen-cli-doc.ts generates from the real command (else: npx tsx scripts/gen-cli-doc.ts)', async () => {
    const generated = await generateCliDoc();
    expect(
      readFileSync(CLI_DOC_PATH, 'utf8'),
      'docs/cli.md is stale: run npx tsx scripts/gen-cli-doc.ts',
    ).toBe(generated);
  });
});
