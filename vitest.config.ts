import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // A timeout is there to catch a hang, not to judge speed: the slowest test (a sweep over one sample)
    // takes seconds of CPU, and over a minute of wall time at a load of 25 on two cores.
    testTimeout: 300_000,
    // Child processes, not threads: tests send signals, change process.env and start worker threads.
    pool: 'forks',
    // One test process per core. vitest's default for `run` is one fewer, which on a 2-core machine is a
    // single process: the whole suite on one core while the other only served module transforms.
    maxWorkers: availableParallelism(),
    // Files share their worker's module graph instead of importing src/ afresh each (~0.4 s of CPU per
    // file, a third of the suite's CPU). Tests keep no state across files: what one changes (TMPDIR) it
    // restores; caches in src/ are keyed by what they hold (docs/performance.md "Test suite time").
    isolate: false,
    // src/ compiled once to JavaScript for the tests that start the real command as a child process
    // (test/helpers/cli-command.ts): through tsx each child spent 1-2 s of CPU on TypeScript.
    globalSetup: ['test/helpers/compile-src.ts'],
    // SUITE_CPU_LOG=file: each test file appends the CPU time it spent (test/helpers/cpu-log.ts).
    setupFiles: ['test/helpers/cpu-log.ts'],
  },
});
