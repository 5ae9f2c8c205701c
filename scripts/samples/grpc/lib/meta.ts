// samples/<name>.meta.json as a scenario knows it: printed on stdout, saved by record.sh.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface SampleMeta {
  description: string;
  /** Path of the scenario script, relative to the repository root. */
  generator: string;
  ports: number[];
  linkType: 'EN10MB';
  expect: Record<string, unknown>;
  /** Where tshark is known to be wrong for this capture; scripts/make-golden.mjs copies them. */
  goldenNotes?: string[];
}

export function emitMeta(
  scenarioUrl: string,
  meta: Pick<SampleMeta, 'description' | 'ports' | 'expect' | 'goldenNotes'>,
): void {
  const full: SampleMeta = {
    description: meta.description,
    generator: relative(REPO_ROOT, fileURLToPath(scenarioUrl)),
    ports: meta.ports,
    linkType: 'EN10MB',
    expect: meta.expect,
    ...(meta.goldenNotes && { goldenNotes: meta.goldenNotes }),
  };
  process.stdout.write(`${JSON.stringify(full, null, 2)}\n`);
}

/** Logs go to stderr: stdout is the meta.json. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
