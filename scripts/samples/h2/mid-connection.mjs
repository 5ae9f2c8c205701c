// Sample h2-mid-connection: a capture that starts in the middle of an h2c connection. h2load sends four
// requests 300 ms apart on one connection (--timing-script-file); editcap then keeps only the packets from
// the one carrying the second request on, so the SYN, the preface, both SETTINGS and the first exchange are
// gone. The later header blocks index HPACK dynamic table entries added before the cut (RFC 7541 §2.3.2),
// which no decoder of this file can know; the true header lists are in `expect`, from nghttpd's log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  main,
  publishSample,
  removeDir,
  requireTools,
  runOk,
  tsharkFields,
  withRetries,
} from './lib.mjs';
import { captureWithNghttpd, describeNghttpdConnections, versions } from './scenario.mjs';

const NAME = 'h2-mid-connection';
const PORT = 50209;
const SCRIPT = [
  [0, '/index.html'],
  [300, '/data.json'],
  [600, '/index.html'],
  [900, '/big.txt'],
];
const FIRST_KEPT_STREAM = 3;

main(async () => {
  requireTools(['tcpdump', 'tshark', 'editcap', 'h2load', 'nghttpd']);
  await withRetries(async () => {
    const result = await captureWithNghttpd({
      label: NAME,
      port: PORT,
      clients: async ({ tmp, base }) => {
        const script = join(tmp, 'timing.txt');
        writeFileSync(script, SCRIPT.map(([ms, path]) => `${ms}\t${base}${path}\n`).join(''));
        const headers = ['-H', 'x-h2scope-sample: mid-connection'];
        await runOk('h2load', ['-c', '1', ...headers, `--timing-script-file=${script}`]);
      },
    });
    const connections = describeNghttpdConnections(result.serverLog, { client: 'h2load' });
    if (connections.length !== 1) throw new Error(`h2load used ${connections.length} connections`);
    const cut = await cutBefore(result.file, join(result.tmp, 'cut.pcap'));
    const firstKept = firstKeptFrames(connections[0]);
    publishSample(NAME, cut.file, '.pcap', {
      description:
        `h2load -> nghttpd, one h2c connection, four GETs ${SCRIPT[1][0]} ms apart; the capture starts at the ` +
        `packet carrying the HEADERS of stream ${FIRST_KEPT_STREAM} (original packet ${cut.firstPacket} of ` +
        `${cut.totalPackets}): no SYN, no preface, no SETTINGS, no stream 1. Later header blocks refer to HPACK ` +
        'dynamic table entries made before the cut.',
      generator: 'scripts/samples/h2/mid-connection.mjs',
      ports: [PORT],
      linkType: 'EN10MB',
      tools: await versions(['h2load', 'nghttpd', 'tcpdump', 'editcap']),
      goldenNotes: [
        'The capture starts mid-connection: header blocks that use HPACK dynamic table entries made before ' +
          'the first captured packet cannot be decoded by anyone; tshark shows what it can. The true header ' +
          'lists are in meta.json expect.connections[0].streams.',
      ],
      expect: {
        connectionCount: 1,
        cut: {
          firstOriginalPacket: cut.firstPacket,
          originalPackets: cut.totalPackets,
          firstStream: FIRST_KEPT_STREAM,
          // Index into expect.connections[0].frames.client/.server of the first frame in the capture:
          // the connection was idle at the cut, so no frame is split by it.
          firstFrame: firstKept,
        },
        connections,
      },
    });
    removeDir(result.tmp);
  });
});

/** Keeps packets from the first one carrying a HEADERS frame of FIRST_KEPT_STREAM to the end. */
async function cutBefore(file, out) {
  const filter = `http2.type == 1 && http2.streamid == ${FIRST_KEPT_STREAM}`;
  const rows = await tsharkFields(file, { ports: [PORT], filter, fields: ['frame.number'] });
  const firstPacket = Number(rows[0]?.[0]);
  if (!Number.isInteger(firstPacket)) throw new Error(`no HEADERS on stream ${FIRST_KEPT_STREAM} in ${file}`);
  const all = await tsharkFields(file, { fields: ['frame.number'] });
  const totalPackets = all.length;
  await runOk('editcap', ['-r', file, out, `${firstPacket}-${totalPackets}`]);
  return { file: out, firstPacket, totalPackets };
}

function firstKeptFrames(connection) {
  const index = (frames) => frames.findIndex((f) => f.stream === FIRST_KEPT_STREAM);
  const client = index(connection.frames.client);
  // The server's first frame after the cut is its response HEADERS on the same stream.
  const server = index(connection.frames.server);
  return { client, server };
}
