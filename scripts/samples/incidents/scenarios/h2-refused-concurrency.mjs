// SETTINGS_MAX_CONCURRENT_STREAMS reached: h2load (20 requests, 1 connection, up to 10 streams at once)
// against nghttpd --max-concurrent-streams=1. h2load honours the limit (one stream at a time, no
// REFUSED_STREAM), so the capture shows the limit being reached, not streams being refused.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO, requireTools, runOk, startServer } from '../../h2/lib.mjs';

const PORT = 50401;
const REQUESTS = 20;
requireTools(['nghttpd', 'h2load']);
const docroot = mkdtempSync(join(tmpdir(), 'h2scope-incidents-'));
writeFileSync(join(docroot, 'index.html'), 'hello\n');
const args = ['--no-tls', '--max-concurrent-streams=1', '-d', docroot, String(PORT)];
const server = await startServer('nghttpd', ['-v', ...args], { ready: /listen 0\.0\.0\.0:50401/ });
const url = `http://127.0.0.1:${PORT}/index.html`;
let summary;
try {
  summary = await runOk('h2load', ['-n', String(REQUESTS), '-c', '1', '-m', '10', url]);
} finally {
  await server.stop();
  rmSync(docroot, { recursive: true, force: true });
}
const succeeded = Number(/(\d+) succeeded/.exec(summary)?.[1] ?? -1);
process.stdout.write(
  `${JSON.stringify(
    {
      description:
        `h2load -n ${REQUESTS} -c 1 -m 10 against nghttpd --no-tls --max-concurrent-streams=1 serving a 6-byte ` +
        'index.html: one connection, the client opens one stream at a time (streams 1..39), no RST_STREAM.',
      generator: relative(REPO, fileURLToPath(import.meta.url)),
      ports: [PORT],
      linkType: 'EN10MB',
      expect: {
        tcpConnections: 1,
        requests: REQUESTS,
        succeeded,
        serverMaxConcurrentStreams: 1,
        maxOpenClientStreams: 1,
        rstStreams: 0,
        streams: Array.from({ length: REQUESTS }, (_, i) => 2 * i + 1),
      },
    },
    null,
    2,
  )}\n`,
);
