// Verifies recorded samples with tshark and writes what tshark saw into their meta.json:
// each call's tcp.stream / stream / wire grpc-status, `expect.wire` (per-connection facts) and `verified`
// (the checks that passed). Usage: node --import tsx scripts/samples/grpc/verify.ts NAME...
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCENARIO_CHECKS } from './lib/checks.js';
import { CheckError, matchCalls, type MatchedCall } from './lib/match-calls.js';
import type { SampleMeta } from './lib/meta.js';
import { runTshark } from './lib/tshark.js';
import { summarize, type ConnectionSummary } from './lib/wire-summary.js';

const SAMPLES_DIR = fileURLToPath(new URL('../../../samples/', import.meta.url));
/** Enough stalls to show the pattern without bloating meta.json. */
const MAX_STALLS = 30;

function verify(name: string): void {
  const metaPath = `${SAMPLES_DIR}${name}.meta.json`;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as SampleMeta & { verified?: unknown };
  const view = runTshark(`${SAMPLES_DIR}${name}.pcap`, meta.ports);
  const connections = summarize(view);
  const calls = (meta.expect.calls ?? []) as MatchedCall[];
  const checks = [...matchCalls(calls, connections, meta.expect.tcpConnections as number | undefined), ...(SCENARIO_CHECKS[name]?.(connections, meta.expect) ?? [])];
  meta.expect.wire = connections.map(compact);
  meta.verified = { by: `tshark ${view.version}`, command: view.command, checks };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  process.stdout.write(`${name}: verified (${checks.length} checks)\n`);
}

function compact(connection: ConnectionSummary): unknown {
  const { stalls, ...rest } = connection;
  return { ...rest, stallCount: stalls.length, stalls: stalls.slice(0, MAX_STALLS) };
}

let failed = false;
for (const name of process.argv.slice(2)) {
  try {
    verify(name);
  } catch (error) {
    if (!(error instanceof CheckError)) throw error;
    process.stderr.write(`${name}: NOT verified: ${error.message}\n`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
