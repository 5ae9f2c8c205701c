// Sample h2-nghttp-h2c: HTTP/2 over cleartext TCP with prior knowledge (RFC 9113 §3.3), two connections.
// 1: nghttp GETs three files on one connection with custom headers; both sides pad (client -b 8 on
//    HEADERS, server -b 16 on HEADERS and DATA); /big.txt (100 KiB) needs several DATA frames and
//    WINDOW_UPDATEs. 2: nghttp POSTs a JSON body that nghttpd --echo-upload sends back.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, publishSample, removeDir, requireTools, runOk, withRetries } from './lib.mjs';
import { captureWithNghttpd, describeNghttpdConnections, versions } from './scenario.mjs';

const NAME = 'h2-nghttp-h2c';
const PORT = 50200;
const POST_BODY = Buffer.from('{"hello":"h2scope","n":42}\n', 'utf8');
const CUSTOM_HEADERS = [
  ['x-h2scope-sample', NAME],
  ['x-request-tag', 'alpha'],
];

main(async () => {
  requireTools(['tcpdump', 'tshark', 'nghttp', 'nghttpd']);
  await withRetries(async () => {
    const result = await captureWithNghttpd({
      label: NAME,
      port: PORT,
      serverArgs: ['-b', '16', '--echo-upload'],
      clients: async ({ tmp, base }) => {
        const headerArgs = CUSTOM_HEADERS.flatMap(([n, v]) => ['-H', `${n}: ${v}`]);
        const paths = ['/index.html', '/data.json', '/big.txt'];
        await runOk('nghttp', ['-nv', '-b', '8', ...headerArgs, ...paths.map((p) => base + p)]);
        const postFile = join(tmp, 'post.json');
        writeFileSync(postFile, POST_BODY);
        await runOk('nghttp', ['-nv', '-d', postFile, '-H', 'content-type: application/json', `${base}/echo`]);
      },
    });
    const connections = describeNghttpdConnections(result.serverLog, {
      client: 'nghttp',
      requestBodies: { 'POST /echo': POST_BODY },
    });
    if (connections.length !== 2) throw new Error(`expected 2 connections, nghttpd logged ${connections.length}`);
    publishSample(NAME, result.file, '.pcap', {
      description:
        'nghttp -> nghttpd over h2c (prior knowledge), two connections: three padded GETs with custom headers ' +
        '(one 100 KiB body), then a POST echoed back. nghttp sends RFC 7540 PRIORITY frames on idle streams ' +
        '3..11 first, so requests use streams 13, 15, 17.',
      generator: 'scripts/samples/h2/nghttp-h2c.mjs',
      ports: [PORT],
      linkType: 'EN10MB',
      tools: await versions(['nghttp', 'nghttpd', 'tcpdump']),
      expect: {
        connectionCount: 2,
        customRequestHeaders: CUSTOM_HEADERS,
        padding: { client: 'nghttp -b 8: Pad Length 7 on HEADERS', server: 'nghttpd -b 16: Pad Length 15' },
        connections,
      },
    });
    removeDir(result.tmp);
  });
});
