// Sample h2-client-http1-server: curl --http2-prior-knowledge talks to an HTTP/1.x-only server (Python's
// http.server). The server reads the connection preface (RFC 9113 §3.4) as an HTTP/1 request line
// "PRI * HTTP/2.0" and rejects it with 505; having parsed no valid version it answers HTTP/0.9-style (the
// HTML error page only, no status line or headers) and closes. curl's nghttp2 then sends GOAWAY
// PROTOCOL_ERROR "SETTINGS expected" (RFC 9113 §3.4: the server preface must be a SETTINGS frame).
import { join } from 'node:path';
import { makeDocroot } from './docroot.mjs';
import {
  main,
  makeTempDir,
  publishSample,
  removeDir,
  requireTools,
  run,
  startCapture,
  tsharkFields,
  startServer,
  toolVersion,
  withRetries,
} from './lib.mjs';

const NAME = 'h2-client-http1-server';
const PORT = 50205;
const PYTHON = '/usr/bin/python3';

main(async () => {
  requireTools(['tcpdump', 'tshark', 'curl', PYTHON]);
  await withRetries(async () => {
    const tmp = makeTempDir(NAME);
    const docroot = makeDocroot(join(tmp, 'www'));
    const file = join(tmp, 'capture.pcap');
    // -u: unbuffered, so the "Serving HTTP" line and the request log arrive before we stop it.
    const args = ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', docroot, String(PORT)];
    const server = await startServer(PYTHON, args, { ready: /Serving HTTP on/ });
    let curl;
    try {
      const capture = await startCapture({ iface: 'lo', filter: `tcp port ${PORT}`, file });
      try {
        curl = await run('curl', ['-sS', '--http2-prior-knowledge', `http://127.0.0.1:${PORT}/index.html`]);
      } finally {
        await capture.stop();
      }
    } finally {
      await server.stop();
    }
    const logged = /code (\d+), message (.*)\n[^\n]*"(PRI \* HTTP\/2\.0)" (\d+)/.exec(server.output());
    if (logged === null) throw new Error(`http.server logged no rejected preface: ${server.output()}`);
    const goaway = await clientGoaway(file);
    const reply = await serverReply(file);
    if (!reply.startsWith('<!DOCTYPE HTML>')) throw new Error(`unexpected server reply: ${reply.slice(0, 40)}`);
    publishSample(NAME, file, '.pcap', {
      description:
        'curl --http2-prior-knowledge -> Python http.server (HTTP/1.0 only): the server parses the HTTP/2 ' +
        `preface as the request line "${logged[3]}", rejects it with ${logged[1]} as a bare HTML page ` +
        '(HTTP/0.9 style) and closes; curl answers with GOAWAY PROTOCOL_ERROR.',
      generator: 'scripts/samples/h2/client-http1-server.mjs',
      ports: [PORT],
      linkType: 'EN10MB',
      tools: {
        curl: await toolVersion('curl'),
        python: await toolVersion(PYTHON),
        tcpdump: await toolVersion('tcpdump'),
      },
      goldenNotes: [
        'Only the client speaks HTTP/2. tshark (told -d tcp.port==P,http2) reads the server\'s bare HTML ' +
          'reply ("<!DOCTYPE HTML>...") as an HTTP/2 frame header of length 0x3c2144 ("<!D") and waits for ' +
          'the rest, so it shows no server->client frame; the truth is meta.json expect.server.',
      ],
      expect: {
        connectionCount: 1,
        client: {
          tool: 'curl --http2-prior-knowledge',
          preface: true,
          request: { method: 'GET', path: '/index.html', stream: 1 },
          exitCode: curl.code,
          stderr: curl.stderr.trim(),
          goaway,
        },
        server: {
          tool: 'python3 -m http.server',
          http2: false,
          requestLine: logged[3],
          status: Number(logged[1]),
          message: logged[2],
          // BaseHTTPRequestHandler writes no status line when the request version did not parse.
          statusLine: null,
          bodyStartsWith: '<!DOCTYPE HTML>',
          replyLength: Buffer.byteLength(reply, 'latin1'),
          closes: true,
        },
      },
    });
    removeDir(tmp);
  });
});

/** curl's GOAWAY, checked with tshark so `expect` states it only when it is there. */
async function clientGoaway(file) {
  const fields = ['http2.goaway.last_stream_id', 'http2.goaway.error', 'http2.goaway.addata'];
  const rows = await tsharkFields(file, { ports: [PORT], filter: 'http2.type == 7', fields });
  if (rows.length !== 1) throw new Error(`expected one GOAWAY, tshark shows ${rows.length}`);
  const [lastStreamId, errorCode, debugHex] = rows[0];
  return {
    from: 'client',
    lastStreamId: Number(lastStreamId),
    errorCode: Number(errorCode),
    debugData: Buffer.from(debugHex ?? '', 'hex').toString('latin1'),
  };
}

/** Everything the server sent, as latin1 text. */
async function serverReply(file) {
  const filter = `tcp.srcport == ${PORT} && tcp.len > 0`;
  const rows = await tsharkFields(file, { filter, fields: ['tcp.payload'] });
  return rows.map(([hex]) => Buffer.from(hex ?? '', 'hex').toString('latin1')).join('');
}
