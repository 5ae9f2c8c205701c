// Captures that start on an established channel (samples/late-start-*): tcpdump is started by the scenario,
// seconds after the channel's first calls, as a user does on a live service. record.sh starts tcpdump
// before the scenario, which is the opposite of what these samples are about.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLES_DIR = fileURLToPath(new URL('../../../../samples/', import.meta.url));

export interface LateCapture {
  /** Wall clock (epoch ms) when tcpdump said it was listening. */
  startedMs: number;
  /** Stops tcpdump, checks it dropped nothing, copies the file to samples/NAME.pcap; returns the stop time. */
  stop(): Promise<number>;
}

export async function startCapture(name: string, port: number): Promise<LateCapture> {
  const work = mkdtempSync(join(tmpdir(), 'late-capture-'));
  const file = join(work, 'capture.pcap');
  // Same flags as record.sh: --immediate-mode (no block-delayed hand-over), a large buffer, -U, full snaplen.
  const tcpdump = spawn(
    'tcpdump',
    ['-i', 'lo', '--immediate-mode', '-B', '65536', '-U', '-s', '0', '-w', file, `tcp port ${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  await new Promise<void>((resolve, reject) => {
    tcpdump.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('listening on')) resolve();
    });
    tcpdump.once('exit', (code) => reject(new Error(`tcpdump exited with ${code}: ${err}`)));
  });
  const startedMs = Date.now();
  return {
    startedMs,
    stop: async () => {
      const stoppedMs = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 300)); // the last segments reach the capture
      const exited = once(tcpdump, 'exit');
      tcpdump.kill('SIGINT');
      await exited;
      if (!/^0 packets dropped by kernel/m.test(err)) throw new Error(`tcpdump dropped packets: ${err}`);
      copyFileSync(file, join(SAMPLES_DIR, `${name}.pcap`));
      rmSync(work, { recursive: true, force: true });
      return stoppedMs;
    },
  };
}

/** One call of the steady client, as the client saw it. */
export interface TickCall {
  index: number;
  startedMs: number;
  endedMs: number;
  status: number;
  message: string;
}

/**
 * What meta.json `expect` says: every call the client made, and which of them lie wholly inside the capture
 * (their HEADERS and trailers are on the wire), by wall clock against tcpdump's start and stop.
 */
export function lateExpect(calls: TickCall[], capture: { startedMs: number; stoppedMs: number }, extra: object) {
  const inside = calls.filter((c) => c.startedMs >= capture.startedMs && c.endedMs <= capture.stoppedMs);
  const statuses: Record<string, number> = {};
  for (const c of inside) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
  return {
    tcpConnections: 1,
    ...extra,
    callsBeforeCapture: calls.filter((c) => c.endedMs < capture.startedMs).length,
    callsInsideCapture: inside.length,
    statusesInsideCapture: statuses,
    captureMs: capture.stoppedMs - capture.startedMs,
    calls,
    captureStartedMs: capture.startedMs,
    captureStoppedMs: capture.stoppedMs,
  };
}
