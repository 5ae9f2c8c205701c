// A grpc-go 1.33 client (go-grpc-client/main.go, Debian's golang-google-grpc-dev built in GOPATH mode, hand-
// encoded protobuf so no protoc) calling the grpc-js Lab server: Echo OK, NOT_FOUND, OK, UNAUTHENTICATED on
// one channel, each with x-client metadata and a 5 s deadline (grpc-timeout on the wire).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { log } from '../grpc/lib/meta.js';
import { startLabServer, stopLabServer } from '../grpc/lib/server.js';
import { startCapture } from './lib/capture.js';
import { emitPeerMeta } from './lib/meta.js';

const NAME = 'peer-grpc-go-client';
const PORT = 50740;
const work = mkdtempSync(join(tmpdir(), 'peers-go-grpc-'));
const binary = join(work, 'go-grpc-client');
execFileSync('go', ['build', '-o', binary, '.'], {
  cwd: fileURLToPath(new URL('go-grpc-client/', import.meta.url)),
  // GOPATH mode over Debian's packaged sources: the Go module proxy is not used.
  env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(work, 'cache') },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
const server = await startLabServer({ port: PORT, name: 'grpc-js' });
const capture = await startCapture(NAME, [PORT]);
// Asynchronously: the grpc-js server runs in this process and must keep answering.
const { stdout: output } = await promisify(execFile)(binary, ['-addr', `127.0.0.1:${PORT}`], { timeout: 20_000 });
await new Promise((resolve) => setTimeout(resolve, 200));
await stopLabServer(server);
await capture.stop();
rmSync(work, { recursive: true, force: true });
log(output);

// One line per call: code, name, message, response bytes (the client's view).
const calls = output
  .trim()
  .split('\n')
  .map((line) => {
    const [status, statusName, message, responseBytes] = line.split('\t');
    return { method: '/scope.v1.Lab/Echo', status: Number(status), statusName, message, responseBytes: Number(responseBytes) };
  });
const names = calls.map((c) => c.statusName).join(',');
if (names !== 'OK,NotFound,OK,Unauthenticated') throw new Error(`unexpected outcomes: ${names}`);

emitPeerMeta(import.meta.url, {
  description:
    `grpc-go 1.33.3 client (Debian golang-google-grpc-dev, ${goVersion}) -> grpc-js 1.14.7 Lab server over h2c, ` +
    'one channel, four sequential Echo calls with x-client: grpc-go and a 5 s deadline: OK, NOT_FOUND ' +
    '("no such key", trailers-only), OK, UNAUTHENTICATED ("who are you", trailers-only).',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
