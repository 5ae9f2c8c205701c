// Go 1.19 net/http with golang.org/x/net/http2/h2c (go-h2c/main.go, built here in GOPATH mode from Debian's
// /usr/share/gocode): nghttp asks for four URLs on one prior-knowledge connection (a small body, a 192 KiB
// body paced by WINDOW_UPDATEs, a 418, and a handler that aborts mid-body, which Go's server turns into
// RST_STREAM), nghttp POSTs a body to /echo (response trailer x-body-length), and curl --http2 fetches
// /hello through the HTTP/1.1 "Upgrade: h2c" path (101 Switching Protocols, then stream 1 in HTTP/2).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '../grpc/lib/meta.js';
import { startCapture } from './lib/capture.js';
import { emitPeerMeta } from './lib/meta.js';
import { stopChild, waitForPort } from './lib/nginx.js';

const NAME = 'peer-go-h2c';
const PORT = 50730;
const work = mkdtempSync(join(tmpdir(), 'peers-go-'));
const binary = join(work, 'go-h2c');
execFileSync('go', ['build', '-o', binary, '.'], {
  cwd: fileURLToPath(new URL('go-h2c/', import.meta.url)),
  // GOPATH mode over Debian's packaged sources: the Go module proxy is not used.
  env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(work, 'cache') },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
const server = spawn(binary, ['-addr', `127.0.0.1:${PORT}`], { stdio: ['ignore', 'ignore', 'inherit'] });
await waitForPort(PORT, server);
const capture = await startCapture(NAME, [PORT]);

const clients: Array<{ tool: string; args: string[]; exit: number; output: string }> = [];
function client(tool: string, args: string[]): void {
  let exit = 0;
  let output = '';
  try {
    output = execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  } catch (error) {
    const e = error as { status?: number; stdout?: string };
    exit = e.status ?? -1;
    output = e.stdout ?? '';
  }
  // nghttp -s prints a legend before its table: keep the table.
  const table = output.indexOf('id  responseEnd');
  const shown = args.map((a) => a.replace(work, '$TMP')); // no run-specific paths in meta.json
  clients.push({ tool, args: shown, exit, output: (table >= 0 ? output.slice(table) : output).trim() });
}

const base = `http://127.0.0.1:${PORT}`;
client('nghttp', ['-n', '-s', ...['/hello', '/big', '/teapot', '/abort'].map((p) => base + p)]);
const body = join(work, 'body.txt');
writeFileSync(body, 'a request body for Go to echo back\n'.repeat(20));
client('nghttp', ['-n', '-s', '-d', body, `${base}/echo`]);
client('curl', ['-sS', '--http2', '-o', '/dev/null', '-w', '%{http_code} %{http_version} %{size_download}', `${base}/hello`]);

await new Promise((resolve) => setTimeout(resolve, 200));
await stopChild(server, 'SIGTERM');
await capture.stop();
rmSync(work, { recursive: true, force: true });
log(JSON.stringify(clients, null, 2));
// nghttp exits non-zero when a stream was reset (/abort); anything else is a broken scenario.
const seen = clients.map((c) => c.output).join('\n');
for (const needle of ['200', '418', '2 ']) if (!seen.includes(needle)) throw new Error(`no "${needle}" in: ${seen}`);

emitPeerMeta(import.meta.url, {
  description:
    `${goVersion}, net/http + golang.org/x/net/http2/h2c 0.7.0 (Debian): nghttp 1.52 GETs /hello, /big (192 KiB), ` +
    '/teapot (418) and /abort (the handler panics with http.ErrAbortHandler after flushing 7 body bytes: Go resets ' +
    'the stream) on one prior-knowledge connection; nghttp POSTs 700 bytes to /echo (trailer x-body-length) on a ' +
    'second; curl 7.88.1 --http2 GETs /hello on a third through "Upgrade: h2c" and 101 Switching Protocols.',
  ports: [PORT],
  tsharkDecodeAs: 'http', // the third connection starts as HTTP/1.1 (h2c upgrade)
  expect: {
    server: goVersion,
    tcpConnections: 3,
    responses: { '/hello': 200, '/big': 200, '/teapot': 418, '/abort': 'RST_STREAM after headers and 7 bytes', '/echo': 200 },
    echoBytes: 700,
    clients,
  },
});
