// Cross-checks two independent accounts of each HTTP/2 sample: the implementation's own -v log (meta.json
// expect.connections[].frames and .streams) and tshark's golden. Differences tshark is known for (no
// headers after a table size update, "<unknown>" fields mid-connection) are counted, not failures.
//
//   node scripts/samples/h2/check-golden.mjs [NAME...]     default: every samples/h2-*, derived-two-*
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES } from './lib.mjs';

const HEADERS = 1;

function load(name, kind) {
  const file = join(SAMPLES, `${name}.${kind}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

const key = (f) => `${f.type}/${f.length}/${f.flags}/${f.stream}/${f.padLength ?? '-'}`;

/** Expected header lists per direction, in the order HEADERS frames carry them. */
function headerQueue(connection, side) {
  const queue = new Map();
  for (const s of connection.streams) {
    const half = side === 'client' ? s.request : s.response;
    queue.set(s.id, [half.headers, half.trailers].filter((h) => h !== null));
  }
  return queue;
}

function checkDirection(problems, counts, golden, expected, queue, where) {
  if (golden.map(key).join(' ') !== expected.map(key).join(' ')) {
    problems.push(`${where}: frames differ\n  tshark: ${golden.map(key).join(' ')}\n  log:    ${expected.map(key).join(' ')}`);
    return;
  }
  for (const f of golden) {
    if (f.type !== HEADERS) continue;
    const want = queue.get(f.stream)?.shift();
    if (f.headers === null) counts.undecoded++;
    else if (f.headers.some(([n]) => n === '<unknown>')) counts.unknown++;
    else if (JSON.stringify(f.headers) !== JSON.stringify(want)) {
      problems.push(`${where} packet ${f.packet} stream ${f.stream}: headers differ`);
    } else counts.headersMatched++;
  }
}

function checkSample(name) {
  const meta = load(name, 'meta');
  const golden = load(name, 'golden');
  const connections = meta?.expect?.connections?.filter((c) => c.frames !== undefined) ?? [];
  if (golden === null || connections.length === 0) return null;
  const problems = [];
  const counts = { frames: 0, headersMatched: 0, undecoded: 0, unknown: 0 };
  const serverPorts = new Set(meta.ports.map(String));
  connections.forEach((conn, tcpStream) => {
    const mine = golden.frames.filter((f) => f.tcpStream === tcpStream);
    for (const side of ['client', 'server']) {
      const fromServer = (f) => serverPorts.has(f.src.slice(f.src.lastIndexOf(':') + 1));
      const got = mine.filter((f) => fromServer(f) === (side === 'server'));
      const first = meta.expect.cut?.firstFrame?.[side] ?? 0;
      const want = conn.frames[side].slice(first);
      const queue = headerQueue(conn, side);
      // Header lists of streams whose HEADERS fell before a cut are not in the capture.
      for (const f of conn.frames[side].slice(0, first)) if (f.type === HEADERS) queue.get(f.stream)?.shift();
      counts.frames += got.length;
      checkDirection(problems, counts, got, want, queue, `${name} tcp.stream ${tcpStream} ${side}`);
    }
  });
  return { problems, counts };
}

const names =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(SAMPLES)
        .filter((f) => /^(h2-|derived-two-).*\.meta\.json$/.test(f))
        .map((f) => f.slice(0, -'.meta.json'.length))
        .sort();
let failed = false;
for (const name of names) {
  const result = checkSample(name);
  if (result === null) continue;
  const { problems, counts } = result;
  const known = counts.undecoded + counts.unknown;
  const summary = `${counts.frames} frames, ${counts.headersMatched} header lists equal`;
  console.log(`${name}: ${problems.length === 0 ? 'ok' : 'MISMATCH'}, ${summary}${known ? `, ${known} not decoded by tshark (known)` : ''}`);
  for (const p of problems) console.log(`  ${p}`);
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
