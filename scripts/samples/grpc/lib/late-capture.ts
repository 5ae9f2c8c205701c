// Captures that start on an established channel (samples/late-start-*): tcpdump is started by the scenario,
// seconds after the channel's first calls, as a user does on a live service. record.sh starts tcpdump
// before the scenario, which is the opposite of what these samples are about.
import { startCapture as startPeersCapture } from '../../peers/lib/capture.js';

export interface LateCapture {
  /** Wall clock (epoch ms) when tcpdump said it was listening. */
  startedMs: number;
  /** Stops tcpdump, checks it dropped nothing, copies the file to samples/NAME.pcap; returns the stop time. */
  stop(): Promise<number>;
}

/** tcpdump as every scenario-started capture runs it (peers/lib/capture.ts), with the wall clock of its start
 * and stop, which lateExpect needs to say which calls lie wholly inside the capture. */
export async function startCapture(name: string, port: number): Promise<LateCapture> {
  const capture = await startPeersCapture(name, [port]);
  const startedMs = Date.now();
  return {
    startedMs,
    stop: async () => {
      // Taken before the capture's grace for the last segments, as the calls' end times are.
      const stoppedMs = Date.now();
      await capture.stop();
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
