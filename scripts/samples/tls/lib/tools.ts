// Process plumbing for the TLS sample generators: tool checks (naming the Debian package), child processes
// stopped by their own pid, the throwaway certificate and the key log shim. Nothing is installed here.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const SAMPLES = join(REPO, 'samples');
export const TLS_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Debian package of each tool (scripts/samples/tls/README.md lists the apt-get line). */
const PACKAGE_OF: Record<string, string> = {
  tcpdump: 'tcpdump',
  tshark: 'tshark',
  editcap: 'wireshark-common (pulled in by tshark)',
  openssl: 'openssl',
  gcc: 'gcc',
  curl: 'curl',
  nghttp: 'nghttp2-client',
  nghttpd: 'nghttp2-server',
  '/usr/bin/python3': 'python3-grpcio',
  '/usr/include/openssl/ssl.h': 'libssl-dev',
};

export class MissingToolError extends Error {}

function usable(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function found(name: string): boolean {
  if (name.startsWith('/')) return usable(name, name.endsWith('.h') ? constants.R_OK : constants.X_OK);
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((dir) => dir !== '' && usable(join(dir, name), constants.X_OK));
}

/** Throws a MissingToolError naming the Debian package of every missing tool. */
export function requireTools(names: string[]): void {
  const missing = names.filter((name) => !found(name));
  if (missing.length === 0) return;
  const lines = missing.map((n) => `  ${n}: apt-get install ${PACKAGE_OF[n] ?? '(unknown package)'}`);
  throw new MissingToolError(`missing tools (see scripts/samples/tls/README.md):\n${lines.join('\n')}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after timeoutMs); never throws for a non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const env = options.env ?? process.env;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: REPO });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Like run(), but throws when the command fails; returns stdout. */
export async function runOk(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export interface Background {
  child: ChildProcess;
  output(): string;
  /** Signals this child's pid and waits for it to exit (SIGKILL after 5 s). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a long-running child and resolves once its output matches `ready`. */
export async function startBackground(
  cmd: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Background> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: REPO });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => chunks.push(b));
  child.stderr?.on('data', (b: Buffer) => chunks.push(b));
  child.on('error', () => undefined);
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  const output = () => Buffer.concat(chunks).toString('utf8');
  const bg: Background = {
    child,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 10_000;
  while (!ready.test(output())) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await bg.stop();
      throw new Error(`${cmd} did not become ready: ${output()}`);
    }
    await sleep(20);
  }
  return bg;
}

export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `h2scope-tls-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const SNI = 'h2scope.test';

/** A throwaway self-signed P-256 certificate for SNI, made at record time (never committed). */
export async function makeCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await runOk('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'],
    ...['-subj', `/CN=${SNI}`, '-addext', `subjectAltName=DNS:${SNI}`, '-keyout', key, '-out', cert],
  ]);
  return { cert, key };
}

/** Builds keylog-shim.so into `dir`; returns its path. */
export async function buildKeylogShim(dir: string): Promise<string> {
  const out = join(dir, 'keylog-shim.so');
  await runOk('gcc', ['-shared', '-fPIC', '-O2', '-o', out, join(TLS_DIR, 'keylog-shim.c'), '-lssl', '-ldl']);
  return out;
}

/** Versions for meta.json: the first line of `tool --version`. */
export async function toolVersion(cmd: string, args = ['--version']): Promise<string> {
  const r = await run(cmd, args);
  const text = `${r.stdout}\n${r.stderr}`;
  return text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('Running as user'))?.trim() ?? '';
}
