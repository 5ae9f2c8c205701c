// Checks h2-refused-concurrency with tshark and writes what it established into its meta.json `verified`:
// nghttpd announced SETTINGS_MAX_CONCURRENT_STREAMS 1, the client never had two streams open at once, and
// no stream was reset. Usage: node scripts/samples/incidents/verify-h2.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES, runOk } from '../h2/lib.mjs';

const NAME = 'h2-refused-concurrency';
const metaPath = join(SAMPLES, `${NAME}.meta.json`);
const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
const port = meta.ports[0];
const args = ['-r', join(SAMPLES, `${NAME}.pcap`), '-d', `tcp.port==${port},http2`, '-Y', 'http2'];
const fields = ['tcp.srcport', 'http2.streamid', 'http2.type', 'http2.flags', 'http2.settings.max_concurrent_streams'];
const out = await runOk('tshark', [...args, '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])]);

const END_STREAM = 0x1;
const open = new Set();
let peak = 0;
let limit = null;
let resets = 0;
const requests = [];
for (const line of out.trim().split('\n')) {
  const [src, ids, types, flags, maxStreams] = line.split('\t');
  const fromClient = Number(src) !== port;
  if (maxStreams && !fromClient) limit = Number(maxStreams);
  const t = types.split(',').map(Number);
  const f = flags.split(',').map((x) => Number(x));
  ids.split(',').forEach((id, i) => {
    const stream = Number(id);
    if (t[i] === 3) resets++;
    if (stream === 0) return;
    if (fromClient && t[i] === 1) {
      requests.push(stream);
      open.add(stream);
      peak = Math.max(peak, open.size);
    }
    if (!fromClient && (f[i] & END_STREAM) !== 0) open.delete(stream);
  });
}
const failures = [];
if (limit !== 1) failures.push(`server SETTINGS_MAX_CONCURRENT_STREAMS is ${limit}, not 1`);
if (peak !== meta.expect.maxOpenClientStreams) failures.push(`client had ${peak} streams open at once`);
if (resets !== 0) failures.push(`${resets} RST_STREAM frames`);
if (requests.join() !== meta.expect.streams.join()) failures.push(`request streams ${requests.join()}`);
if (failures.length > 0) {
  process.stderr.write(`${NAME}: NOT verified: ${failures.join('; ')}\n`);
  process.exit(1);
}
const version = (await runOk('tshark', ['--version'])).split('\n')[0];
meta.verified = {
  by: version,
  command: `tshark ${args.join(' ')} -T fields -E occurrence=a ${fields.map((f) => `-e ${f}`).join(' ')}`,
  checks: [
    'the server SETTINGS announce MAX_CONCURRENT_STREAMS 1',
    `the client opened streams ${requests[0]}..${requests.at(-1)} (${requests.length}), never more than ${peak} open at once`,
    'no RST_STREAM in either direction (h2load waits; nothing is refused)',
  ],
};
writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
process.stdout.write(`${NAME}: verified\n`);
