// tcpdump on lo started by the scenario once its servers listen, so the readiness probes (which are needed
// for peers that print nothing when ready, like nginx and haproxy) stay out of the sample.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLES_DIR = fileURLToPath(new URL('../../../../samples/', import.meta.url));

export interface Capture {
  /** Stops tcpdump, checks it dropped nothing and copies the file to samples/NAME.pcap. */
  stop(): Promise<void>;
}

export async function startCapture(name: string, ports: number[]): Promise<Capture> {
  const work = mkdtempSync(join(tmpdir(), 'peers-capture-'));
  const file = join(work, 'capture.pcap');
  const filter = ports.map((p) => `tcp port ${p}`).join(' or ');
  // The flags of scripts/samples/grpc/record.sh: --immediate-mode, a large buffer, -U, full snaplen.
  const tcpdump = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-B', '65536', '-U', '-s', '0', '-w', file, filter], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    tcpdump.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('listening on')) resolve();
    });
    tcpdump.once('exit', (code) => reject(new Error(`tcpdump exited with ${code}: ${err}`)));
  });
  return {
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the last segments reach the capture
      const exited = once(tcpdump, 'exit');
      tcpdump.kill('SIGINT');
      await exited;
      if (!/^0 packets dropped by kernel/m.test(err)) throw new Error(`tcpdump dropped packets: ${err}`);
      copyFileSync(file, join(SAMPLES_DIR, `${name}.pcap`));
      rmSync(work, { recursive: true, force: true });
    },
  };
}
