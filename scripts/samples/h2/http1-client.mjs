// Sample h2-http1-client: HTTP/1.1 clients against nghttpd, which speaks only HTTP/2 on a cleartext port
// (no h2c upgrade, RFC 7540 §3.2 / RFC 9113 §3.1). Connection 1: a plain HTTP/1.1 GET. Connection 2:
// curl --http2, i.e. an HTTP/1.1 GET with "Upgrade: h2c" and HTTP2-Settings. Each time nghttpd sends its
// SETTINGS frame (RFC 9113 §3.4 server preface), finds no client preface and closes; curl reads the binary
// frame as an HTTP/0.9 reply and gives up.
import { main, publishSample, removeDir, requireTools, run, withRetries } from './lib.mjs';
import { captureWithNghttpd, describeNghttpdConnections, versions } from './scenario.mjs';

const NAME = 'h2-http1-client';
const PORT = 50206;
const CLIENTS = [
  { label: 'curl --http1.1', args: ['--http1.1'] },
  { label: 'curl --http2 (h2c upgrade)', args: ['--http2'] },
];

main(async () => {
  requireTools(['tcpdump', 'tshark', 'curl', 'nghttpd']);
  await withRetries(async () => {
    const result = await captureWithNghttpd({
      label: NAME,
      port: PORT,
      clients: async ({ base }) => {
        const outcomes = [];
        for (const client of CLIENTS) {
          const r = await run('curl', ['-sS', '-v', ...client.args, `${base}/index.html`]);
          outcomes.push({ label: client.label, exitCode: r.code, stderr: r.stderr });
        }
        return outcomes;
      },
    });
    const connections = describeNghttpdConnections(result.serverLog, { client: 'curl' });
    if (connections.length !== CLIENTS.length) throw new Error(`nghttpd saw ${connections.length} connections`);
    const clients = result.clientResult.map((c, i) => ({
      tool: c.label,
      request: requestLines(c.stderr),
      exitCode: c.exitCode,
      error: c.stderr.split('\n').find((l) => l.startsWith('curl: (')) ?? null,
      serverFrames: connections[i]?.frames.server ?? [],
      clientFrames: connections[i]?.frames.client ?? [],
    }));
    publishSample(NAME, result.file, '.pcap', {
      description:
        'HTTP/1.1 clients against nghttpd (HTTP/2 only, no upgrade support): a plain curl --http1.1 GET, then ' +
        'curl --http2 asking for an h2c upgrade. Both times nghttpd sends its SETTINGS at once, then closes ' +
        '(FIN, no GOAWAY) on reading no client preface; curl fails with "Received HTTP/0.9".',
      generator: 'scripts/samples/h2/http1-client.mjs',
      ports: [PORT],
      linkType: 'EN10MB',
      tools: await versions(['curl', 'nghttpd', 'tcpdump']),
      goldenNotes: [
        'The clients never send the HTTP/2 preface. tshark (told -d tcp.port==P,http2) reads each HTTP/1.1 ' +
          'request as an HTTP/2 frame header of length 0x474554 ("GET") and waits for the rest, so it shows ' +
          'no client->server frame; the requests sent are in meta.json expect.connections[].request.',
      ],
      expect: { connectionCount: CLIENTS.length, connections: clients },
    });
    removeDir(result.tmp);
  });
});

/** The request curl -v printed ("> " lines), as sent. */
function requestLines(stderr) {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('> '))
    .map((l) => l.slice(2).replace(/\r$/, ''))
    .filter((l) => l !== '');
}
