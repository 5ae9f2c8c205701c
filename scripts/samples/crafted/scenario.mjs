// One crafted scenario: a real client against the misbehaving server of peer.mjs; prints the meta.json.
//   node scripts/samples/crafted/scenario.mjs NAME PORT
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E, F, PREFACE, T, craftedServer, frame, goaway, grpcOk, headerBlock, sleep } from './peer.mjs';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const grpc = createRequire(import.meta.url)('@grpc/grpc-js');
const [name, portArg] = process.argv.slice(2);
const PORT = Number(portArg);

/** Runs nghttp (nghttp2-client) and returns its exit code; the crafted server makes it fail on purpose. */
function nghttp(args) {
  return new Promise((resolve) => {
    execFile('nghttp', [...args, `http://127.0.0.1:${PORT}/`], { timeout: 10_000 }, (err) =>
      resolve(err ? (typeof err.code === 'number' ? err.code : -1) : 0),
    );
  });
}

/** N concurrent grpc-js unary calls on one channel (identity serialisation: no proto needed). */
async function grpcCalls(n, options = {}, idleMs = 0) {
  const client = new grpc.Client(`127.0.0.1:${PORT}`, grpc.credentials.createInsecure(), options);
  const id = (b) => b;
  const one = () =>
    new Promise((resolve) =>
      client.makeUnaryRequest('/scope.v1.Lab/Echo', id, id, Buffer.alloc(0), (err) =>
        resolve(err ? grpc.status[err.code] : 'OK'),
      ),
    );
  const results = await Promise.all(Array.from({ length: n }, one));
  await sleep(idleMs);
  client.close();
  return results;
}

/** The stream of the request the crafted server answered (nghttp opens 13: 3..11 are its PRIORITY groups). */
let requestStream = 0;

/**
 * nghttpd (nghttp2-server), cleartext, on PORT with extra options; resolves once it listens. Readiness is
 * read from `ss`, not by connecting: a probe connection would be in the capture.
 */
async function nghttpd(args) {
  const child = spawn('nghttpd', ['--no-tls', ...args, String(PORT)], { stdio: 'ignore' });
  const listening = () =>
    new Promise((resolve) =>
      execFile('ss', ['-Hltn', `sport = :${PORT}`], (err, out) => resolve(!err && out.trim() !== '')),
    );
  for (let i = 0; i < 100; i++) {
    if (await listening()) return child;
    await sleep(50);
  }
  child.kill();
  throw new Error('nghttpd did not start');
}

/**
 * A CRAFTED client (hand-built frames) on one connection to 127.0.0.1:PORT: preface and empty SETTINGS,
 * waits for the server's SETTINGS and ACKs them, runs `act(send)` and then collects the server's frames
 * for `listenMs` before a GOAWAY NO_ERROR and FIN. Returns the server's frames.
 */
function craftedClient(act, listenMs = 500) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(PORT, '127.0.0.1');
    const frames = [];
    let pending = Buffer.alloc(0);
    let started = false;
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from(PREFACE), frame(T.SETTINGS, 0, 0)])));
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < 9 + length) break;
        const f = { type: pending[3], flags: pending[4], stream: pending.readUInt32BE(5) & 0x7fffffff };
        f.payload = pending.subarray(9, 9 + length);
        pending = pending.subarray(9 + length);
        frames.push(f);
        if (f.type === T.SETTINGS && (f.flags & F.ACK) === 0 && !started) {
          started = true;
          socket.write(frame(T.SETTINGS, F.ACK, 0));
          act((b) => socket.write(b));
          setTimeout(() => {
            socket.end(goaway(0, E.NO_ERROR));
          }, listenMs);
        }
      }
    });
    socket.on('close', () => resolve(frames));
    socket.on('error', reject);
  });
}

/** GET / as a request header block: static :method GET, :scheme http, :path / (RFC 7541 Appendix A). */
const getRequest = () =>
  Buffer.concat([Buffer.from([0x82, 0x86, 0x84]), headerBlock([[':authority', `127.0.0.1:${PORT}`]], false)]);

const SCENARIOS = {
  // A middlebox-style idle drop: one grpc-js call is answered, then the connection stays silent for 31 s
  // (no keepalive on the client) and the server closes it with a bare FIN, no GOAWAY: what an idle timeout
  // in a NAT, load balancer or proxy looks like from the endpoints (analysis.keepalive.idle-dropped).
  'crafted-idle-dropped': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        requestStream = f.stream;
        conn.send(grpcOk(f.stream));
        setTimeout(() => conn.socket.end(), 31_000);
      },
    });
    const results = await grpcCalls(1, {}, 32_000);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real grpc-js ' +
        'client without keepalive: one unary call is answered OK, then after 31 s of silence the server closes ' +
        'the TCP connection with a FIN and no GOAWAY, like an idle timeout in a middlebox.',
      expect: { calls: results, stream: requestStream, idleBeforeFinMs: 31_000, goaway: false },
    };
  },
  // grpc-js opens 4 calls on one connection; the server answers GOAWAY last-stream-id 1 NO_ERROR once it
  // saw all four HEADERS, answers stream 1, and closes. Streams 3, 5, 7 are refused (RFC 9113 §6.8);
  // grpc-js retries them on a second connection, where the server answers every call.
  'crafted-refused-streams': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        if (conn.index > 0) return void conn.send(grpcOk(f.stream));
        (conn.state.streams ??= []).push(f.stream);
        if (conn.state.streams.length !== 4) return;
        conn.send(goaway(1, E.NO_ERROR, 'crafted: refusing streams above 1'));
        conn.send(grpcOk(1));
        setTimeout(() => conn.socket.end(), 100);
      },
    });
    const results = await grpcCalls(4);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real grpc-js ' +
        'client making 4 concurrent unary calls on one channel: once the 4 request HEADERS (streams 1, 3, 5, 7) ' +
        'arrived, the server sends GOAWAY last-stream-id 1 NO_ERROR, answers stream 1 and closes; streams 3, 5 ' +
        'and 7 are refused. grpc-js retries them on a second connection, which the server answers.',
      expect: {
        tcpConnections: server.connections(),
        goaway: { from: 'server', connection: 1, lastStreamId: 1, errorCode: 'NO_ERROR', refused: [3, 5, 7] },
        callResults: results,
      },
    };
  },
  // grpc-js keepalive pings every 300 ms; the server never ACKs PINGs, grpc-js gives up after 1.5 s.
  'crafted-ping-unanswered': async () => {
    const server = await craftedServer(
      PORT,
      { onFrame: (conn, f) => f.type === T.HEADERS && conn.send(grpcOk(f.stream)) },
      { ackPings: false },
    );
    const options = {
      'grpc.keepalive_time_ms': 300,
      'grpc.keepalive_timeout_ms': 1500,
      'grpc.keepalive_permit_without_calls': 1,
    };
    const results = await grpcCalls(1, options, 2500);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) that never ACKs a PING, ' +
        'against a real grpc-js client (keepalive_time_ms 300, keepalive_timeout_ms 1500, permit without calls) ' +
        'making one unary call the server answers, then idling 2.5 s: the client PING stays unanswered and ' +
        'grpc-js drops the connection after its keepalive timeout.',
      expect: { pingAcksFromServer: 0, callResults: results, keepalive: options },
    };
  },
  // nghttp -w 14 (stream window 2^14-1 = 16383); the server sends 16384 + 4000 bytes of DATA on its stream.
  'crafted-window-overrun': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        conn.send(frame(T.HEADERS, F.END_HEADERS, f.stream, headerBlock([['content-type', 'text/plain']])));
        requestStream = f.stream;
        conn.send(frame(T.DATA, 0, f.stream, Buffer.alloc(16384, 0x61)));
        conn.send(frame(T.DATA, F.END_STREAM, f.stream, Buffer.alloc(4000, 0x62)));
      },
    });
    const exit = await nghttp(['-w', '14']);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) that ignores flow ' +
        'control, against a real nghttp -w 14 client (SETTINGS_INITIAL_WINDOW_SIZE 16383): for GET / on stream ' +
        `${requestStream} the server sends DATA of 16384 then 4000 bytes, beyond the 16383-byte stream window.`,
      expect: { stream: requestStream, clientInitialWindow: 16383, dataFrames: [16384, 4000], nghttpExit: exit },
    };
  },
  // The server never ACKs the client's SETTINGS and answers GET / after 1.2 s.
  'crafted-settings-unacknowledged': async () => {
    const server = await craftedServer(
      PORT,
      {
        onFrame(conn, f) {
          if (f.type !== T.HEADERS) return;
          requestStream = f.stream;
          setTimeout(() => {
            conn.send(frame(T.HEADERS, F.END_HEADERS, f.stream, headerBlock([['content-type', 'text/plain']])));
            conn.send(frame(T.DATA, F.END_STREAM, f.stream, Buffer.from('crafted\n')));
          }, 1200);
        },
      },
      { ackSettings: false },
    );
    const exit = await nghttp([]);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) that never ACKs the ' +
        "client's SETTINGS, against a real nghttp client: GET / is answered (200, 8 bytes) after 1.2 s.",
      expect: { settingsAcksFromServer: 0, stream: requestStream, responseDelayMs: 1200, nghttpExit: exit },
    };
  },
  // GOAWAY COMPRESSION_ERROR right after the client's request HEADERS.
  'crafted-goaway-compression': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        requestStream = f.stream;
        conn.send(goaway(0, E.COMPRESSION_ERROR, 'crafted: header block rejected'));
        setTimeout(() => conn.socket.end(), 100);
      },
    });
    const exit = await nghttp([]);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real nghttp ' +
        `client: on the request HEADERS of stream ${requestStream} it answers` +
        ' GOAWAY last-stream-id 0 COMPRESSION_ERROR with ' +
        'debug data "crafted: header block rejected" (the header block was in fact fine) and closes.',
      expect: {
        stream: requestStream,
        goaway: { from: 'server', lastStreamId: 0, errorCode: 'COMPRESSION_ERROR', debug: 'crafted: header block rejected' },
        nghttpExit: exit,
      },
    };
  },
  // GOAWAY with an error code other than COMPRESSION_ERROR, right after the request HEADERS (RFC 9113 §6.8).
  ...Object.fromEntries(
    [
      ['crafted-goaway-flow-control', 'FLOW_CONTROL_ERROR', 'crafted: window exceeded'],
      ['crafted-goaway-calm', 'ENHANCE_YOUR_CALM', 'crafted: rate limited'],
    ].map(([scenario, code, debug]) => [
      scenario,
      async () => {
        const server = await craftedServer(PORT, {
          onFrame(conn, f) {
            if (f.type !== T.HEADERS) return;
            requestStream = f.stream;
            conn.send(goaway(0, E[code], debug));
            setTimeout(() => conn.socket.end(), 100);
          },
        });
        const exit = await nghttp([]);
        await server.stop();
        return {
          description:
            'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real ' +
            `nghttp client: on the request HEADERS of stream ${requestStream} it answers GOAWAY last-stream-id ` +
            `0 ${code} with debug data "${debug}" (nothing was wrong) and closes.`,
          expect: {
            stream: requestStream,
            goaway: { from: 'server', lastStreamId: 0, errorCode: code, debug },
            nghttpExit: exit,
          },
        };
      },
    ]),
  ),
  // RST_STREAM REFUSED_STREAM on a grpc-js call: the client retries it transparently on a new stream.
  'crafted-refused-stream': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        (conn.state.seen ??= []).push(f.stream);
        if (conn.state.seen.length === 1) {
          conn.send(frame(T.RST_STREAM, 0, f.stream, Buffer.from([0, 0, 0, E.REFUSED_STREAM])));
        } else conn.send(grpcOk(f.stream));
      },
    });
    const results = await grpcCalls(1);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real grpc-js ' +
        'client: the first call (stream 1) is refused with RST_STREAM REFUSED_STREAM; grpc-js retries it on ' +
        'stream 3, which is answered OK.',
      expect: { calls: results, refusedStream: 1 },
    };
  },
  // RST_STREAM INTERNAL_ERROR on a plain HTTP/2 request (not gRPC): the server failed it mid-way.
  'crafted-stream-reset': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        requestStream = f.stream;
        conn.send(frame(T.HEADERS, F.END_HEADERS, f.stream, headerBlock([['content-type', 'text/plain']])));
        conn.send(frame(T.RST_STREAM, 0, f.stream, Buffer.from([0, 0, 0, E.INTERNAL_ERROR])));
      },
    });
    const exit = await nghttp([]);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real nghttp ' +
        `client: GET / on stream ${requestStream} gets response headers, then RST_STREAM INTERNAL_ERROR.`,
      expect: { stream: requestStream, rst: { from: 'server', errorCode: 'INTERNAL_ERROR' }, nghttpExit: exit },
    };
  },
  // WINDOW_UPDATE that pushes the client's connection send window past 2^31-1 (RFC 9113 §6.9.1).
  'crafted-window-overflow': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        requestStream = f.stream;
        const inc = Buffer.alloc(4);
        inc.writeUInt32BE(0x7fffffff);
        conn.send(frame(T.WINDOW_UPDATE, 0, 0, inc));
        conn.send(frame(T.HEADERS, F.END_HEADERS, f.stream, headerBlock([['content-type', 'text/plain']])));
        conn.send(frame(T.DATA, F.END_STREAM, f.stream, Buffer.from('crafted\n')));
      },
    });
    const exit = await nghttp([]);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real nghttp ' +
        'client: it sends WINDOW_UPDATE +2147483647 on stream 0, pushing the client\'s connection send window ' +
        'past 2^31-1 (a FLOW_CONTROL_ERROR per RFC 9113 §6.9.1), then answers GET /.',
      expect: { stream: requestStream, increment: 0x7fffffff, nghttpExit: exit },
    };
  },
  // DATA on the request stream after the response ended it (closed, RFC 9113 §5.1).
  'crafted-bad-state': async () => {
    const server = await craftedServer(PORT, {
      onFrame(conn, f) {
        if (f.type !== T.HEADERS) return;
        conn.send(frame(T.HEADERS, F.END_HEADERS, f.stream, headerBlock([['content-type', 'text/plain']])));
        conn.send(frame(T.DATA, F.END_STREAM, f.stream, Buffer.from('crafted\n')));
        conn.send(frame(T.DATA, 0, f.stream, Buffer.from('late\n'))); // same write: before nghttp hangs up
        requestStream = f.stream;
      },
    });
    const exit = await nghttp([]);
    await server.stop();
    return {
      description:
        'CRAFTED server (scripts/samples/crafted/peer.mjs, node:net, hand-built frames) against a real nghttp ' +
        `client: GET / on stream ${requestStream} is answered with HEADERS and DATA END_STREAM (8 bytes), and the ` +
        `server sends another DATA (5 bytes) on the now closed stream ${requestStream} right after.`,
      expect: { stream: requestStream, lateDataBytes: 5, nghttpExit: exit },
    };
  },
  // A client that opens more streams than the server's SETTINGS_MAX_CONCURRENT_STREAMS allows (RFC 9113
  // §5.1.2): real nghttpd limited to 1 concurrent stream, three GET requests in one segment right after
  // the client acknowledged that limit. Real clients queue the extra requests; this one does not.
  'crafted-concurrency-exceeded': async () => {
    const server = await nghttpd(['--max-concurrent-streams=1']);
    const frames = await craftedClient((send) => {
      send(
        Buffer.concat(
          [1, 3, 5].map((stream) => frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, stream, getRequest())),
        ),
      );
    });
    server.kill();
    const limit = frames
      .filter((f) => f.type === T.SETTINGS && (f.flags & F.ACK) === 0)
      .flatMap((f) => Array.from({ length: f.payload.length / 6 }, (_, i) => f.payload.subarray(i * 6, i * 6 + 6)))
      .find((p) => p.readUInt16BE(0) === 0x3)
      ?.readUInt32BE(2);
    const goaways = frames
      .filter((f) => f.type === T.GOAWAY)
      .map((f) => ({
        lastStreamId: f.payload.readUInt32BE(0) & 0x7fffffff,
        errorCode: f.payload.readUInt32BE(4),
        debugData: f.payload.subarray(8).toString(),
      }));
    const resets = frames
      .filter((f) => f.type === T.RST_STREAM)
      .map((f) => ({ stream: f.stream, errorCode: f.payload.readUInt32BE(0) }));
    return {
      description:
        'CRAFTED client (scripts/samples/crafted/scenario.mjs, node:net, hand-built frames) against a real ' +
        'nghttpd (nghttp2-server, --max-concurrent-streams=1): after acknowledging SETTINGS_MAX_CONCURRENT_STREAMS ' +
        '= 1 it sends GET / on streams 1, 3 and 5 in one segment; nghttp2 treats the second open stream as a ' +
        'connection error: GOAWAY PROTOCOL_ERROR with last-stream-id 1.',
      expect: { limit, requests: [1, 3, 5], goaways, resets },
    };
  },
};

const run = SCENARIOS[name];
if (run === undefined) throw new Error(`unknown crafted scenario ${name}`);
const meta = await run();
process.stdout.write(
  `${JSON.stringify(
    {
      description: meta.description,
      generator: relative(REPO, fileURLToPath(import.meta.url)),
      ports: [PORT],
      linkType: 'EN10MB',
      crafted: true,
      expect: meta.expect,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
