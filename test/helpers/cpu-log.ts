/**
 * Opt-in per-file CPU accounting for the suite (`SUITE_CPU_LOG=/path/file.ndjson npx vitest run`): wall time
 * says nothing on a loaded machine, so each test file appends the CPU time its worker process spent, plus
 * that of the child processes it waited for (CLI spawns), read from /proc/self/stat. Linux only; a no-op
 * when the variable is unset.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeEach } from 'vitest';

const target = process.env.SUITE_CPU_LOG;

interface Ticks {
  self: number;
  children: number;
}

function ticks(): Ticks {
  // Fields after the parenthesised command name: utime, stime, cutime, cstime are 14-17 (1-based).
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = (field: number): number => Number(rest[field - 3]);
  return { self: at(14) + at(15), children: at(16) + at(17) };
}

if (target) {
  // Taken when the setup file runs, before the test file is imported: module-level work counts too.
  const start = ticks();
  const wall = Date.now();
  let file = '?';
  beforeEach((context) => {
    file = context.task.file.filepath;
  });
  afterAll(() => {
    const end = ticks();
    // Clock ticks are 1/100 s on Linux.
    const line = {
      file: file.slice(process.cwd().length + 1),
      cpu: (end.self - start.self) / 100,
      children: (end.children - start.children) / 100,
      wall: (Date.now() - wall) / 1000,
    };
    appendFileSync(target, `${JSON.stringify(line)}\n`);
  });
}
