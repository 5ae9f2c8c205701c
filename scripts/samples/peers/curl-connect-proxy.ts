// curl through a real forward proxy (Debian's tinyproxy 1.11) to nghttpd over h2c: curl -p -x sends
// "CONNECT 127.0.0.1:50740 HTTP/1.1" to tinyproxy, which answers "HTTP/1.1 200 Connection established";
// then curl speaks HTTP/2 by prior knowledge inside the tunnel (two curls, one GET each), and tinyproxy
// relays the bytes on its own connection to nghttpd (plain h2c there).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from '../grpc/lib/meta.js';
import { startCapture } from './lib/capture.js';
import { emitPeerMeta } from './lib/meta.js';
import { stopChild, waitForPort } from './lib/nginx.js';

const NAME = 'peer-curl-connect-proxy';
const SERVER = 50740;
const PROXY = 50741;
const work = mkdtempSync(join(tmpdir(), 'peers-connect-'));
const docroot = join(work, 'doc');
mkdirSync(docroot);
writeFileSync(join(docroot, 'index.html'), '<h1>through tinyproxy</h1>\n');
writeFileSync(join(docroot, 'big.txt'), 'a line of a body sent through the CONNECT tunnel\n'.repeat(2000));
// No ConnectPort line: tinyproxy then allows CONNECT to any port (its default list is 443 and 563).
const conf = join(work, 'tinyproxy.conf');
writeFileSync(
  conf,
  [`Port ${PROXY}`, 'Listen 127.0.0.1', 'Timeout 60', 'MaxClients 10', 'Allow 127.0.0.1', 'LogLevel Warning', ''].join(
    '\n',
  ),
);
const tinyproxyVersion = execFileSync('tinyproxy', ['-v'], { encoding: 'utf8' }).trim();
const nghttpdVersion = execFileSync('nghttpd', ['--version'], { encoding: 'utf8' }).trim();
const curlVersion = execFileSync('curl', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
const server = spawn('nghttpd', ['--no-tls', '-d', docroot, String(SERVER)], { stdio: ['ignore', 'ignore', 'inherit'] });
const proxy = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
await waitForPort(SERVER, server);
await waitForPort(PROXY, proxy);
const capture = await startCapture(NAME, [SERVER, PROXY]);

const urls = ['/index.html', '/big.txt'].map((p) => `http://127.0.0.1:${SERVER}${p}`);
const format = '%{url_effective} %{http_code} %{http_version} %{size_download} %{http_connect}\\n';
// One URL per curl: curl 7.88.1 given both URLs reuses the tunnel for the second and fails it ("Error in the
// HTTP2 framing layer"), so each GET has its own tunnel.
const output = urls
  .map((url) =>
    execFileSync(
      'curl',
      ['-sS', '--http2-prior-knowledge', '-p', '-x', `http://127.0.0.1:${PROXY}`, '-o', '/dev/null', '-w', format, url],
      { encoding: 'utf8', timeout: 20_000, env: { ...process.env, no_proxy: '', NO_PROXY: '' } },
    ),
  )
  .join('');

await new Promise((resolve) => setTimeout(resolve, 200));
await capture.stop();
await stopChild(proxy, 'SIGTERM');
await stopChild(server, 'SIGTERM');
rmSync(work, { recursive: true, force: true });
log(output);
const lines = output.trim().split('\n').map((l) => l.split(' '));
const responses = lines.map(([url, code, version, size, connect]) => ({
  path: new URL(url!).pathname,
  status: Number(code),
  httpVersion: version,
  bytes: Number(size),
  connectStatus: Number(connect),
}));
if (responses.length !== 2 || responses.some((r) => r.status !== 200 || r.httpVersion !== '2' || r.connectStatus !== 200))
  throw new Error(`unexpected curl output: ${output}`);

emitPeerMeta(import.meta.url, {
  description:
    `${curlVersion.split(' (')[0]} --http2-prior-knowledge -p -x http://127.0.0.1:${PROXY} through ${tinyproxyVersion} ` +
    `(CONNECT 127.0.0.1:${SERVER}, 200 Connection established) to ${nghttpdVersion.replace(/^nghttpd /, 'nghttpd ')} ` +
    `--no-tls: GET /index.html, then GET /big.txt (98,000 bytes) by a second curl, each on an HTTP/2 connection inside its own tunnel; ` +
    'tinyproxy relays the same bytes to nghttpd on a TCP connection of its own per tunnel (h2c by prior knowledge there).',
  ports: [SERVER, PROXY],
  // tshark's HTTP dissector follows the CONNECT into the tunnel on the proxy's port; the server's is HTTP/2.
  tsharkDecodeAs: { [String(PROXY)]: 'http' },
  expect: {
    tcpConnections: 4,
    proxy: { software: tinyproxyVersion, listen: PROXY, connect: `127.0.0.1:${SERVER}` },
    server: { software: nghttpdVersion, port: SERVER },
    responses,
  },
});
