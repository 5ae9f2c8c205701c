// The h2c upgrade recording shared by h2-curl-upgrade and h2-curl-upgrade-lost-101: curl --http2 http://...
// performs the h2c upgrade of RFC 7540 §3.2 (an HTTP/1.1 GET with "Upgrade: h2c" and HTTP2-Settings,
// "101 Switching Protocols", then the response on stream 1). nghttpd cannot upgrade (it answers any HTTP/1.1
// request with SETTINGS and closes: see h2-http1-client), so the server is nghttpx (Debian package
// nghttp2-proxy) with a cleartext frontend, proxying to nghttpd. Only the frontend port is captured, through
// `filter` (default: all of it). nghttpd runs with -v only because it prints its "listen" line then.
import { join } from 'node:path';
import { makeDocroot } from './docroot.mjs';
import {
  makeTempDir,
  publishSample,
  removeDir,
  requireTools,
  run,
  sleep,
  startCapture,
  startProcess,
  startServer,
  waitForPort,
  withRetries,
} from './lib.mjs';
import { versions } from './scenario.mjs';

/**
 * Records `name` on `port` (nghttpd on `backendPort`); `filter` is the tcpdump capture filter, `meta` what
 * the sample's meta.json adds (description, generator, notes) to the upgrade curl saw.
 */
export async function recordCurlUpgrade({ name, port, backendPort, filter = `tcp port ${port}`, meta }) {
  requireTools(['tcpdump', 'tshark', 'curl', 'nghttpd', 'nghttpx']);
  await withRetries(async () => {
    const tmp = makeTempDir(name);
    const docroot = makeDocroot(join(tmp, 'www'));
    const file = join(tmp, 'capture.pcap');
    const backend = await startServer(
      'nghttpd',
      ['--no-tls', '-v', '-a', '127.0.0.1', '-d', docroot, String(backendPort)],
      { ready: new RegExp(`listen .*:${backendPort}\\b`) },
    );
    let curl;
    try {
      const proxy = startProcess('nghttpx', [
        '--conf=/dev/null',
        `--frontend=127.0.0.1,${port};no-tls`,
        `--backend=127.0.0.1,${backendPort};;proto=h2`,
        '--workers=1',
        '--no-via',
      ]);
      try {
        await waitForPort('127.0.0.1', port); // before the capture: the probe stays out of the sample
        await sleep(500); // ... and so does nghttpx's FIN closing the probe connection
        const capture = await startCapture({ iface: 'lo', filter, file });
        try {
          const url = `http://127.0.0.1:${port}/index.html`;
          const r = await run('curl', ['-sS', '-v', '--http2', '-o', '/dev/null', url]);
          if (r.code !== 0) throw new Error(`curl exited ${r.code}: ${r.stderr}`);
          curl = r.stderr; // curl -v writes the exchange to stderr
        } finally {
          await capture.stop();
        }
      } finally {
        await proxy.stop();
      }
    } finally {
      await backend.stop();
    }
    const exchange = parseCurlVerbose(curl);
    if (exchange.interim[0] !== 'HTTP/1.1 101 Switching Protocols') {
      throw new Error(`no 101 Switching Protocols in curl's output: ${exchange.interim}`);
    }
    publishSample(name, file, '.pcap', {
      ...meta,
      ports: [port],
      linkType: 'EN10MB',
      // tshark's HTTP dissector follows the upgrade into HTTP/2; "-d ...,http2" shows no frame at all.
      tsharkDecodeAs: 'http',
      tools: await versions(['curl', 'nghttpx', 'nghttpd', 'tcpdump']),
      ...(filter === `tcp port ${port}` ? {} : { captureFilter: filter }),
      expect: {
        connectionCount: 1,
        upgrade: { request: exchange.request, interimStatusLine: exchange.interim[0], stream: 1 },
        response: { statusLine: exchange.finalStatus, headers: exchange.responseHeaders },
      },
    });
    removeDir(tmp);
  });
}

/** curl -v: "> " request lines, "< " response lines (the 101 block, then the HTTP/2 response). */
function parseCurlVerbose(text) {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const request = lines.filter((l) => l.startsWith('> ')).map((l) => l.slice(2)).filter((l) => l !== '');
  const received = lines.filter((l) => l.startsWith('< ')).map((l) => l.slice(2));
  const statusLines = received.filter((l) => /^HTTP\/\S+ \d{3}/.test(l));
  const finalStatus = statusLines.at(-1) ?? null;
  const afterFinal = received.slice(received.lastIndexOf(finalStatus ?? '') + 1);
  const responseHeaders = afterFinal
    .filter((l) => l.includes(': '))
    .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]);
  return { request, interim: statusLines.slice(0, -1), finalStatus, responseHeaders };
}
