// nginx 1.22 as a plain HTTP/2 server for static files, two samples from one script:
//   h2c  (peer-nginx-h2c): nghttp asks for three URLs concurrently on one prior-knowledge connection
//        (index, a 256 KiB file that needs WINDOW_UPDATEs, a missing file -> 404), then curl
//        --http2-prior-knowledge fetches the index on a second connection.
//   tls  (peer-nginx-tls): curl --http2 over TLS (self-signed certificate made at run time, ALPN h2) asks
//        for the same three URLs on one connection; curl's SSLKEYLOGFILE is committed as
//        samples/peer-nginx-tls.keys so h2scope --keylog and tshark can decrypt.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from '../grpc/lib/meta.js';
import { SAMPLES_DIR, startCapture } from './lib/capture.js';
import { emitPeerMeta } from './lib/meta.js';
import { startNginx } from './lib/nginx.js';

const mode = process.argv[2];
if (mode !== 'h2c' && mode !== 'tls') throw new Error('usage: nginx-h2-server.ts h2c|tls');
const NAME = `peer-nginx-${mode}`;
const PORT = mode === 'h2c' ? 50710 : 50711;
const BIG = 256 * 1024;

const work = mkdtempSync(join(tmpdir(), 'peers-nginx-h2-'));
const docroot = join(work, 'www');
mkdirSync(docroot);
chmodSync(work, 0o755); // nginx's workers run as nobody: mkdtemp's 0700 made every file a 403
writeFileSync(join(docroot, 'index.html'), '<!doctype html><title>h2scope</title><p>served by nginx over HTTP/2</p>\n');
// Not compressible by accident: a repeating pattern would still be sent as is (no gzip configured).
writeFileSync(join(docroot, 'big.bin'), Buffer.from(Array.from({ length: BIG }, (_, i) => (i * 31 + (i >> 8)) & 0xff)));

let tls = '';
if (mode === 'tls') {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
    '-subj', '/CN=h2scope.test', '-addext', 'subjectAltName=DNS:h2scope.test',
    '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'),
  ], { stdio: 'ignore' });
  tls = `ssl_certificate ${work}/cert.pem; ssl_certificate_key ${work}/key.pem; ssl_protocols TLSv1.3;`;
}
const nginx = await startNginx(
  `
  server {
    listen 127.0.0.1:${PORT} ${mode === 'tls' ? 'ssl ' : ''}http2;
    ${tls}
    root ${docroot};
    add_header x-h2scope-sample ${NAME};
  }`,
  [PORT],
);
const capture = await startCapture(NAME, [PORT]);

const urls = ['/index.html', '/big.bin', '/missing.txt'];
const clients: Array<{ tool: string; args: string[]; exit: number; output: string }> = [];
function client(tool: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  let exit = 0;
  let output = '';
  try {
    output = execFileSync(tool, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  } catch (error) {
    const e = error as { status?: number; stdout?: string };
    exit = e.status ?? -1;
    output = e.stdout ?? '';
  }
  // nghttp -s prints a legend before its table: keep the table.
  const table = output.indexOf('id  responseEnd');
  clients.push({ tool, args, exit, output: (table >= 0 ? output.slice(table) : output).trim() });
}

const keylog = join(work, 'keys.log');
if (mode === 'h2c') {
  const base = `http://127.0.0.1:${PORT}`;
  // -n: discard bodies; -s: a per-stream statistics table (status and sizes) kept in meta.json.
  client('nghttp', ['-n', '-s', '-H', 'x-client: nghttp', ...urls.map((u) => base + u)]);
  client('curl', ['-sS', '--http2-prior-knowledge', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', `${base}/index.html`]);
} else {
  const base = `https://h2scope.test:${PORT}`;
  client(
    'curl',
    [
      '-sS', '--http2', '-k', '--resolve', `h2scope.test:${PORT}:127.0.0.1`,
      ...urls.flatMap((u) => ['-o', '/dev/null', '-w', '%{http_code} %{size_download} %{http_version}\\n', base + u]),
    ],
    { ...process.env, SSLKEYLOGFILE: keylog },
  );
}

await new Promise((resolve) => setTimeout(resolve, 200));
await nginx.stop();
await capture.stop();
if (mode === 'tls') copyFileSync(keylog, join(SAMPLES_DIR, `${NAME}.keys`));
rmSync(work, { recursive: true, force: true });
log(JSON.stringify(clients, null, 2));
for (const c of clients) if (c.exit !== 0) throw new Error(`${c.tool} exited ${c.exit}`);
// The statuses each client saw must be the expected ones, or the sample is not what meta.json says.
const seen = clients.map((c) => c.output).join('\n');
for (const code of ['200', '404']) if (!seen.includes(code)) throw new Error(`no ${code} seen: ${seen}`);
if (seen.includes('403')) throw new Error(`nginx answered 403: ${seen}`);

emitPeerMeta(import.meta.url, {
  description:
    mode === 'h2c'
      ? `nginx 1.22.1 serving static files over h2c (listen ${PORT} http2, prior knowledge only): nghttp 1.52 ` +
        'GETs /index.html, /big.bin (256 KiB) and /missing.txt (404) concurrently on one connection (streams 13, 15, 17, ' +
        "after nghttp's PRIORITY frames for idle streams 3..11); then curl 7.88.1 --http2-prior-knowledge GETs /index.html on a second connection."
      : `nginx 1.22.1 serving static files over TLS 1.3 h2 (self-signed certificate for h2scope.test, ALPN h2): ` +
        'curl 7.88.1 --http2 GETs /index.html, /big.bin (256 KiB) and /missing.txt (404) on one connection ' +
        '(streams 1, 3, 5); key log from curl SSLKEYLOGFILE.',
  ports: [PORT],
  expect: {
    server: 'nginx 1.22.1',
    tcpConnections: mode === 'h2c' ? 2 : 1,
    responses: { '/index.html': 200, '/big.bin': 200, '/missing.txt': 404 },
    bigBytes: BIG,
    clients,
  },
  ...(mode === 'tls' && { tsharkDecodeAs: 'tls' as const, keylog: `${NAME}.keys` }),
});
