// Sample h2-curl-prior-knowledge: curl --http2-prior-knowledge (RFC 9113 §3.3) asks nghttpd for two URLs,
// meant to share one connection (streams 1 and 3): curl's own SETTINGS/WINDOW_UPDATE, no PRIORITY frames.
// curl 7.88.1 (Debian 12) cannot reuse a prior-knowledge connection (curl/curl#10634, fixed by #10643 in
// 8.0): after the first response it closes TCP without GOAWAY and exits 16 without sending the second
// request. The sample records whatever this curl does; `expect` comes from nghttpd's log either way.
import { main, publishSample, removeDir, requireTools, run, withRetries } from './lib.mjs';
import { captureWithNghttpd, describeNghttpdConnections, versions } from './scenario.mjs';

const NAME = 'h2-curl-prior-knowledge';
const PORT = 50204;

main(async () => {
  requireTools(['tcpdump', 'tshark', 'curl', 'nghttpd']);
  await withRetries(async () => {
    const result = await captureWithNghttpd({
      label: NAME,
      port: PORT,
      clients: async ({ base }) => {
        const urls = [`${base}/index.html`, `${base}/big.txt`];
        const args = ['-sS', '--http2-prior-knowledge', '-H', 'x-h2scope-sample: curl-prior-knowledge'];
        const r = await run('curl', [...args, ...urls.flatMap((u) => ['-o', '/dev/null', u])]);
        return { exitCode: r.code, stderr: r.stderr.trim() };
      },
    });
    const connections = describeNghttpdConnections(result.serverLog, { client: 'curl' });
    if (connections.length !== 1) throw new Error(`curl used ${connections.length} connections, not 1`);
    const curl = result.clientResult;
    const reused = curl.exitCode === 0 && connections[0].streams.length === 2;
    if (!reused && !(curl.exitCode === 16 && connections[0].streams.length === 1)) {
      throw new Error(`unexpected curl outcome: exit ${curl.exitCode}, ${connections[0].streams.length} streams`);
    }
    publishSample(NAME, result.file, '.pcap', {
      description: reused
        ? 'curl --http2-prior-knowledge -> nghttpd: GET /index.html then GET /big.txt (100 KiB) reusing one ' +
          'h2c connection (streams 1 and 3).'
        : 'curl --http2-prior-knowledge -> nghttpd, two URLs: curl 7.88.1 fetches /index.html on stream 1, ' +
          'then closes the connection (FIN, no GOAWAY) without sending the second request and exits 16 ' +
          '(curl/curl#10634).',
      generator: 'scripts/samples/h2/curl-prior-knowledge.mjs',
      ports: [PORT],
      linkType: 'EN10MB',
      tools: await versions(['curl', 'nghttpd', 'tcpdump']),
      expect: {
        connectionCount: 1,
        curl: {
          urls: ['/index.html', '/big.txt'],
          exitCode: curl.exitCode,
          stderr: curl.stderr,
          secondRequestSent: reused,
          ...(reused ? {} : { knownBug: 'curl/curl#10634: no reuse of a prior-knowledge connection' }),
        },
        connections,
      },
    });
    removeDir(result.tmp);
  });
});
