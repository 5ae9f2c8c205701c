// nginx (Debian's, 1.22) started in the foreground from a config written into a scratch prefix, and stopped
// by its own pid. Nothing is installed; the sample scenarios in ../ use it as a real HTTP/2 peer.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Nginx {
  prefix: string;
  stop(): Promise<void>;
}

/**
 * `httpBlock` is the body of nginx's `http { }` block. Logs, pid and temp paths go to a fresh prefix, so
 * several runs never share state with the system's nginx.
 */
export async function startNginx(httpBlock: string, ports: number[]): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'h2scope-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const conf = [
    'worker_processes 1;',
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/logs/error.log info;`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log ${prefix}/logs/access.log;`,
    `  client_body_temp_path ${prefix}/body;`,
    `  proxy_temp_path ${prefix}/proxy;`,
    `  fastcgi_temp_path ${prefix}/fastcgi;`,
    `  uwsgi_temp_path ${prefix}/uwsgi;`,
    `  scgi_temp_path ${prefix}/scgi;`,
    httpBlock,
    '}',
    '',
  ].join('\n');
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const port of ports) await waitForPort(port, child);
  return {
    prefix,
    async stop() {
      await stopChild(child, 'SIGQUIT'); // graceful: workers finish and close their connections first
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Resolves once 127.0.0.1:port accepts a connection. Called before the scenario's first call; the probe
 * connections are in the capture as short TCP connections with no payload, which meta.json counts.
 */
export async function waitForPort(port: number, child?: ChildProcess, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited ${child.exitCode} before port ${port}`);
    const ok = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}
