// The common shape of an nghttpd scenario: serve the docroot, capture one port, run the clients, stop
// everything by pid, and turn nghttpd's own -v log into meta.json `expect`.
import { join } from 'node:path';
import { FILES, makeDocroot } from './docroot.mjs';
import {
  describeBody,
  framesByDirection,
  headerValue,
  parseNghttpLog,
  summarizeStreams,
} from './nghttp-log.mjs';
import { makeTempDir, removeDir, startCapture, startServer, toolVersion } from './lib.mjs';

/** "http://127.0.0.1:50200" or "http://[::1]:50207". */
export function baseUrl(address, port) {
  return address.includes(':') ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

/**
 * Runs nghttpd (cleartext, verbose) on address:port, captures `tcp port P` on `iface` while `clients`
 * runs, and returns the capture path, nghttpd's log and whatever `clients` returned.
 */
export async function captureWithNghttpd({ label, port, address = '127.0.0.1', iface = 'lo', serverArgs = [], clients }) {
  const tmp = makeTempDir(label);
  try {
    const docroot = makeDocroot(join(tmp, 'www'));
    const file = join(tmp, 'capture.pcap');
    const args = ['--no-tls', '-v', '-a', address, '-d', docroot, ...serverArgs, String(port)];
    const server = await startServer('nghttpd', args, { ready: new RegExp(`listen .*:${port}\\b`) });
    let clientResult;
    try {
      const capture = await startCapture({ iface, filter: `tcp port ${port}`, file });
      try {
        clientResult = await clients({ tmp, base: baseUrl(address, port) });
      } finally {
        await capture.stop();
      }
    } finally {
      await server.stop();
    }
    return { tmp, file, serverLog: server.output(), clientResult };
  } catch (e) {
    removeDir(tmp); // a retry starts afresh; the caller removes tmp after success
    throw e;
  }
}

/**
 * meta.json `expect.connections` from nghttpd's log, in connection order (= tshark's tcp.stream order).
 * `requestBodies` maps ":method :path" to the bytes the client sent; response bodies come from the docroot
 * or, for nghttpd --echo-upload, from the request. Throws when the frames disagree with what was sent.
 */
export function describeNghttpdConnections(serverLog, { client, requestBodies = {} }) {
  const connections = [...parseNghttpLog(serverLog, 'server').values()];
  return connections.map((conn) => ({
    client,
    server: 'nghttpd',
    streams: summarizeStreams(conn.frames).map((s) => withBodies(s, requestBodies)),
    goaway: goawayOf(conn.frames),
    frames: framesByDirection(conn.frames),
  }));
}

function withBodies(stream, requestBodies) {
  const req = stream.request.headers ?? [];
  const key = `${headerValue(req, ':method')} ${headerValue(req, ':path')}`;
  const requestBody = requestBodies[key] ?? Buffer.alloc(0);
  const res = stream.response.headers ?? [];
  const echoed = headerValue(res, 'nghttpd-response') === 'echo';
  const responseBody = echoed ? requestBody : FILES[headerValue(req, ':path') ?? ''];
  const out = { ...stream };
  out.request = { ...stream.request, body: describeBody(requestBody) };
  checkLength(stream.id, 'request', stream.request.dataLength, requestBody.length);
  if (headerValue(res, ':status') === '200' && responseBody !== undefined) {
    checkLength(stream.id, 'response', stream.response.dataLength, responseBody.length);
    out.response = { ...stream.response, body: describeBody(responseBody) };
  }
  return out;
}

function checkLength(stream, half, seen, expected) {
  if (seen !== expected) throw new Error(`stream ${stream} ${half}: ${seen} DATA bytes, expected ${expected}`);
}

function goawayOf(frames) {
  const g = frames.find((f) => f.name === 'GOAWAY');
  return g === undefined ? null : { from: g.from, lastStreamId: g.lastStreamId, errorCode: g.errorCode };
}

/** Versions of the tools a scenario used, for meta.json. */
export async function versions(tools) {
  const out = {};
  for (const tool of tools) out[tool] = await toolVersion(tool);
  return out;
}
