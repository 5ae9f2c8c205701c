// tcpdump on lo for one scenario, as the other sample generators do it (samples-common.md).
import { startBackground, sleep } from './tools.js';

export class CaptureDropError extends Error {}

export interface Capture {
  /** Waits ~300 ms for the last segments, stops tcpdump with SIGINT, fails if the kernel dropped any. */
  stop(): Promise<void>;
}

/**
 * --immediate-mode: without it packets still in the TPACKET_V3 ring when SIGINT arrives are never written;
 * -B 65536 KiB: the default buffer dropped packets of bursts on lo.
 */
export async function startCapture(file: string, ports: number[], packetLimit?: number): Promise<Capture> {
  const filter = ports.map((p) => `tcp port ${p}`).join(' or ');
  const args = ['-i', 'lo', '--immediate-mode', '-B', '65536', '-U', '-s', '0', '-w', file];
  // tcpdump -c N: tcpdump itself stops after N packets, as a user's capture cut short does.
  if (packetLimit !== undefined) args.push('-c', String(packetLimit));
  if (process.getuid?.() === 0) args.push('-Z', 'root');
  const tcpdump = await startBackground('tcpdump', [...args, filter], /listening on/);
  return {
    async stop() {
      await sleep(300);
      await tcpdump.stop('SIGINT');
      const dropped = /(\d+) packets? dropped by kernel/.exec(tcpdump.output());
      if (dropped === null) throw new Error(`tcpdump printed no statistics: ${tcpdump.output()}`);
      if (Number(dropped[1]) > 0) throw new CaptureDropError(`tcpdump: ${dropped[1]} packets dropped`);
    },
  };
}

/** Runs `scenario` up to three times when the kernel dropped packets (a sample must be whole). */
export async function withRetries<T>(scenario: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scenario();
    } catch (e) {
      if (!(e instanceof CaptureDropError) || attempt === 3) throw e;
      process.stderr.write(`${e.message}; retrying (${attempt})\n`);
    }
  }
}
