/**
 * The exit status, the contract scripts rely on: 0 decoded, 1 input unusable, 2 usage error (decided
 * before reading), 3 --fail-on matched, 130 interrupted (the partial report is written). Input that is partly readable (truncated, corrupt after some
 * records) is decoded and exits 0 unless --fail-on says otherwise; its problem is printed on stderr.
 */
import type { Diagnostic, Severity } from '../diagnostics/types.js';
import type { CaptureRecord } from '../records/records.js';
import type { FailLevel } from './args.js';

/** 130 = 128 + SIGINT, the shell's convention for a command stopped by Ctrl-C. */
export const EXIT = { ok: 0, unusable: 1, usage: 2, failOn: 3, interrupted: 130 } as const;

export interface RunFacts {
  capture: CaptureRecord;
  counts: Record<Severity, number>;
  inputProblems: readonly Diagnostic[];
  connections: number;
}

export function exitStatus(facts: RunFacts, failOn: FailLevel | null): number {
  if (isUnusable(facts)) return EXIT.unusable;
  const { error, warning } = facts.counts;
  if (failOn === 'error' && error > 0) return EXIT.failOn;
  if (failOn === 'warning' && error + warning > 0) return EXIT.failOn;
  return EXIT.ok;
}

/** Nothing could be read as a capture, or none of its packets could be decoded (unknown link type). */
function isUnusable(f: RunFacts): boolean {
  if (f.capture.format === null) return true;
  const unknownLink = f.inputProblems.some((d) => d.code === 'net.unknown-linktype');
  return unknownLink && f.connections === 0;
}

/** The one line on stderr for a problem with the input, with the input named when the message does not. */
export function inputProblemLine(d: Diagnostic, inputName: string): string {
  const named = d.evidence !== undefined && ('path' in d.evidence || 'input' in d.evidence);
  return `h2scope: ${named ? '' : `${inputName}: `}${d.message}`;
}
