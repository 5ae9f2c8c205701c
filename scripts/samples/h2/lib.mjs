// Process plumbing shared by the HTTP/2 sample generators: tool checks, servers, tcpdump, tshark, meta.json.
// Every child is started here and stopped by its own pid; nothing is installed at run time.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, copyFileSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SAMPLES = join(REPO, 'samples');

/** Debian package that provides each tool (scripts/install-sample-tools.sh installs them all). */
export const PACKAGE_OF = {
  tcpdump: 'tcpdump',
  tshark: 'tshark',
  editcap: 'wireshark-common (pulled in by tshark)',
  mergecap: 'wireshark-common (pulled in by tshark)',
  capinfos: 'wireshark-common (pulled in by tshark)',
  nghttp: 'nghttp2-client',
  nghttpd: 'nghttp2-server',
  nghttpx: 'nghttp2-proxy',
  curl: 'curl',
  gzip: 'gzip',
  '/usr/bin/python3': 'python3',
};

export class MissingToolError extends Error {}

function findExecutable(name) {
  if (name.includes('/')) return canExecute(name) ? name : null;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir !== '' && canExecute(candidate)) return candidate;
  }
  return null;
}

function canExecute(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws a MissingToolError naming the Debian package of every missing tool. */
export function requireTools(names) {
  const missing = names.filter((name) => findExecutable(name) === null);
  if (missing.length === 0) return;
  const lines = missing.map((name) => `  ${name}: apt-get install ${PACKAGE_OF[name] ?? '(unknown package)'}`);
  throw new MissingToolError(`missing tools (see scripts/install-sample-tools.sh):\n${lines.join('\n')}`);
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Runs a command to completion; never throws for a non-zero exit (callers decide). */
export function run(cmd, args, { timeoutMs = 20_000, input } = {}) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (input !== undefined) {
      child.stdin.on('error', () => {}); // a child that exits without reading its input is not our error
      child.stdin.end(input);
    }
  });
}

/** Like run(), but throws when the command fails. Returns stdout as text. */
export async function runOk(cmd, args, options) {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

/** A long-running child whose output is kept; stop() sends a signal to its pid and waits. */
export function startProcess(cmd, args, { cwd } = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const chunks = [];
  child.stdout.on('data', (b) => chunks.push(b));
  child.stderr.on('data', (b) => chunks.push(b));
  const exited = new Promise((done) => child.on('close', (code, signal) => done({ code, signal })));
  child.on('error', () => {});
  return {
    child,
    output: () => Buffer.concat(chunks).toString('utf8'),
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/**
 * Starts a server and waits until it prints `ready` (a RegExp) on stdout/stderr. Waiting on output rather
 * than probing the port keeps probe connections out of the server's log (nghttpd numbers connections).
 */
export async function startServer(cmd, args, { ready, cwd, timeoutMs = 5000 }) {
  const server = startProcess(cmd, args, { cwd });
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(server.output())) {
    if (server.child.exitCode !== null || server.child.signalCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`${cmd} did not become ready: ${server.output()}`);
    }
    await sleep(20);
  }
  return server;
}

/**
 * Resolves once host:port accepts a TCP connection. For servers that print no "ready" line; call it before
 * the capture starts, so the probe connections are not in the sample.
 */
export async function waitForPort(host, port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((done) => {
      const socket = createConnection({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

export class CaptureDropError extends Error {}

/**
 * tcpdump on `iface`. --immediate-mode: with TPACKET_V3 buffering, packets still in the ring when SIGINT
 * arrives are never written (measured: 0 of 34 packets after 300 ms); -B 8192 because `-i any` with
 * immediate mode dropped packets with the default buffer.
 */
export async function startCapture({ iface, filter, file }) {
  const args = ['-i', iface, '--immediate-mode', '-B', '8192', '-U', '-s', '0', '-w', file];
  if (process.getuid?.() === 0) args.push('-Z', 'root');
  const tcpdump = startProcess('tcpdump', [...args, filter]);
  const deadline = Date.now() + 5000;
  while (!tcpdump.output().includes('listening on')) {
    if (tcpdump.child.exitCode !== null || Date.now() > deadline) {
      await tcpdump.stop();
      throw new Error(`tcpdump did not start: ${tcpdump.output()}`);
    }
    await sleep(20);
  }
  return {
    /** Waits ~300 ms for the last packets, stops tcpdump with SIGINT, fails if the kernel dropped any. */
    async stop() {
      await sleep(300);
      await tcpdump.stop('SIGINT');
      const dropped = /(\d+) packets? dropped by kernel/.exec(tcpdump.output());
      if (dropped === null) throw new Error(`tcpdump printed no statistics: ${tcpdump.output()}`);
      if (Number(dropped[1]) > 0) throw new CaptureDropError(`tcpdump: ${dropped[1]} packets dropped`);
    },
  };
}

/** Runs `scenario` up to three times when the kernel dropped packets (rare, but a sample must be whole). */
export async function withRetries(scenario) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scenario();
    } catch (e) {
      if (!(e instanceof CaptureDropError) || attempt === 3) throw e;
      console.error(`${e.message}; retrying (${attempt})`);
    }
  }
}

export function makeTempDir(label) {
  return mkdtempSync(join(tmpdir(), `h2scope-${label}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** First line of `tool --version` (or `-V`), for meta.json. */
export async function toolVersion(cmd, args = ['--version']) {
  const r = await run(cmd, args);
  const text = `${r.stdout.toString('utf8')}\n${r.stderr}`;
  return text.split('\n').find((line) => line.trim() !== '' && !line.startsWith('Running as user'))?.trim() ?? '';
}

/** Fields of every packet matching `filter`, one array per packet, via `tshark -T fields`. */
export async function tsharkFields(file, { ports = [], filter = '', fields, extra = [] }) {
  const args = ['-r', file, '-o', 'tcp.desegment_tcp_streams:TRUE', ...extra];
  for (const port of ports) args.push('-d', `tcp.port==${port},http2`);
  if (filter !== '') args.push('-Y', filter);
  args.push('-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,');
  for (const field of fields) args.push('-e', field);
  const text = await runOk('tshark', args);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** Copies a finished capture into samples/ and writes its meta.json next to it. */
export function publishSample(name, capturePath, extension, meta) {
  copyFileSync(capturePath, join(SAMPLES, `${name}${extension}`));
  writeMeta(name, meta);
}

export function writeMeta(name, meta) {
  writeFileSync(join(SAMPLES, `${name}.meta.json`), `${JSON.stringify(meta, null, 2)}\n`);
}

export function readMeta(name) {
  return JSON.parse(readFileSync(join(SAMPLES, `${name}.meta.json`), 'utf8'));
}

/** Entry point for a generator module: prints a clear message and exits non-zero on failure. */
export function main(fn) {
  fn().catch((e) => {
    console.error(e instanceof MissingToolError ? e.message : (e?.stack ?? String(e)));
    process.exit(e instanceof MissingToolError ? 3 : 1);
  });
}

/**
 * HTTP/2 frames per TCP direction as tshark decodes them ("tcpStream:srcPort" -> ["type/length/flags/stream"]),
 * to check that a derived or damaged copy still yields the frames of its original.
 */
export async function h2FramesByDirection(file, ports, extra = []) {
  const fields = ['tcp.stream', 'tcp.srcport', 'http2.type', 'http2.length', 'http2.flags', 'http2.streamid'];
  const rows = await tsharkFields(file, { ports, filter: 'http2.type', fields, extra });
  const out = {};
  for (const [tcpStream, srcPort, ...lists] of rows) {
    const [types, lengths, flags, streams] = lists.map((l) => (l ?? '').split(','));
    const key = `${tcpStream}:${srcPort}`;
    types.forEach((t, i) => (out[key] ??= []).push(`${t}/${lengths[i]}/${flags[i]}/${streams[i]}`));
  }
  return out;
}

export function sameFrames(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
