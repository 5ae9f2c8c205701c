// HAProxy (Debian's 2.6) in the foreground (-db) from a config in a scratch directory, stopped by its pid.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, waitForPort } from './nginx.js';

export interface Haproxy {
  stop(): Promise<void>;
}

/** `sections` are the frontend/backend sections; `global` and `defaults` (mode http) are written here. */
export async function startHaproxy(sections: string, ports: number[]): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'h2scope-haproxy-'));
  const conf = join(dir, 'haproxy.cfg');
  writeFileSync(
    conf,
    [
      'global',
      '  log stderr format short local0 info',
      'defaults',
      '  mode http',
      '  log global',
      '  timeout connect 1s',
      '  timeout client 10s',
      '  timeout server 10s',
      sections,
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-db', '-f', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const port of ports) await waitForPort(port, child);
  return {
    async stop() {
      await stopChild(child, 'SIGUSR1'); // soft stop: idle connections are closed, then the process exits
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
