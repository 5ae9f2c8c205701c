// Damaged variants of h2-nghttp-h2c, made with scripts/damage-pcap.mjs on records chosen here with tshark:
// reordered and duplicated segments (TCP reassembly must give back the original frames), one dropped
// segment in the middle of the 100 KiB response, a file cut inside a record, a record whose incl_len is
// 0x7fffffff, and a text file named .pcap. `damage` in each meta.json says exactly what was done.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO,
  SAMPLES,
  h2FramesByDirection,
  main,
  makeTempDir,
  readMeta,
  removeDir,
  requireTools,
  runOk,
  sameFrames,
  tsharkFields,
  writeMeta,
} from './lib.mjs';

const ORIGINAL = 'h2-nghttp-h2c';
const DAMAGE = join(REPO, 'scripts/damage-pcap.mjs');
const GENERATOR = 'scripts/samples/h2/damaged.mjs';
// tshark 4.0 only reassembles out-of-order segments when told to.
const OUT_OF_ORDER = ['-o', 'tcp.reassemble_out_of_order:TRUE'];

main(async () => {
  requireTools(['tshark']);
  const tmp = makeTempDir('damaged');
  const source = join(SAMPLES, `${ORIGINAL}.pcap`);
  const meta = readMeta(ORIGINAL);
  const port = meta.ports[0];
  const segments = await dataSegments(source, port);
  const big = segments.filter((s) => s.tcpStream === 0 && s.fromServer);
  const last = Math.max(...segments.map((s) => s.tcpStream));
  const lastClient = segments.filter((s) => s.tcpStream === last && !s.fromServer);
  const middle = big[Math.floor(big.length / 2)];
  const next = big[Math.floor(big.length / 2) + 1];
  if (!middle || !next || lastClient.length < 2) throw new Error(`${ORIGINAL} has too few data segments`);
  const frames = await h2FramesByDirection(source, meta.ports);
  const common = { source, tmp, meta, frames };
  const layout = frameLayout(frames[`0:${port}`] ?? []);
  const dropped = big.slice(1, -1).find((s) => !layout.some((f) => f.start === s.seq)) ?? middle;
  const lostFrames = layout.filter((f) => f.start < dropped.nxtseq && f.end > dropped.seq);

  await variant(common, 'damaged-reordered', [
    ['swap', middle.packet, next.packet],
    ['swap', lastClient[0].packet, lastClient[1].packet],
  ], {
    description:
      `${ORIGINAL} with two pairs of same-direction data segments swapped (timestamps left in place): two ` +
      'segments of the 100 KiB response, and the client\'s first two data segments on the last connection ' +
      '(the one with the preface arrives second). Reassembly must give the original frames.',
    expect: { sameFramesAs: ORIGINAL, outOfOrderSegments: 2 },
    same: OUT_OF_ORDER,
  });
  // The later insertion first, so the earlier record numbers stay valid.
  await variant(common, 'damaged-duplicated', [
    ['duplicate', lastClient[0].packet, lastClient[0].packet + 3],
    ['duplicate', middle.packet],
  ], {
    description:
      `${ORIGINAL} with two data segments captured twice: a segment of the 100 KiB response repeated at ` +
      'once, and the client\'s first data segment of the last connection repeated three packets later ' +
      '(as a retransmission would be). Reassembly must give the original frames.',
    expect: { sameFramesAs: ORIGINAL, duplicateSegments: 2 },
    same: [],
  });
  await variant(common, 'damaged-dropped', [['drop', dropped.packet]], {
    description:
      `${ORIGINAL} without one ${dropped.length}-byte server->client segment of the 100 KiB response, ` +
      'chosen to start inside an HTTP/2 frame: the frames it overlaps are lost (one only in part); its ' +
      'golden is tshark\'s view of this file.',
    expect: {
      lost: {
        tcpStream: 0,
        direction: 'server->client',
        packet: dropped.packet,
        relativeSeq: [dropped.seq, dropped.nxtseq],
        bytes: dropped.length,
        startsMidFrame: !layout.some((f) => f.start === dropped.seq),
        endsMidFrame: !layout.some((f) => f.end === dropped.nxtseq),
        // Frames of the original whose bytes (9-octet header included) overlap the dropped range.
        frames: lostFrames,
      },
    },
    golden: 'own',
  });
  await variant(common, 'damaged-truncated', [['truncate', middle.packet]], {
    description: `${ORIGINAL} cut in the middle of record ${middle.packet}'s packet data.`,
    expect: { completeRecords: middle.packet - 1, truncatedRecord: middle.packet },
    golden: 'own',
  });
  await variant(common, 'damaged-corrupt-length', [['corrupt-length', middle.packet]], {
    description: `${ORIGINAL} with record ${middle.packet}'s incl_len set to 0x7fffffff (larger than the file).`,
    expect: { completeRecords: middle.packet - 1, corruptRecord: middle.packet, inclLen: 0x7fffffff },
    golden: 'own',
  });
  notACapture(meta);
  removeDir(tmp);
});

/**
 * Where each frame of one direction sits in that direction's byte stream, in relative sequence numbers
 * (the first data byte is 1; a server sends no preface). Frames are "type/length/flags/stream" strings.
 */
function frameLayout(frames) {
  let at = 1;
  return frames.map((f, index) => {
    const [type, length, flags, stream] = f.split('/').map((v) => Number(v));
    const frame = { index, type, length, flags, stream, start: at, end: at + 9 + length };
    at = frame.end;
    return frame;
  });
}

/** Data-bearing TCP segments of a capture, in packet order, with relative sequence numbers. */
async function dataSegments(file, port) {
  const fields = ['frame.number', 'tcp.stream', 'tcp.srcport', 'tcp.len', 'tcp.seq', 'tcp.nxtseq'];
  const rows = await tsharkFields(file, { filter: 'tcp.len > 0', fields });
  return rows.map(([packet, tcpStream, srcPort, length, seq, nxtseq]) => ({
    packet: Number(packet),
    tcpStream: Number(tcpStream),
    fromServer: Number(srcPort) === port,
    length: Number(length),
    seq: Number(seq),
    nxtseq: Number(nxtseq),
  }));
}

/** Applies damage-pcap operations in order, checks the frames when asked, writes the sample and meta. */
async function variant({ source, tmp, meta, frames }, name, ops, { description, expect, same, golden }) {
  let input = source;
  const reports = [];
  for (const [i, [op, ...args]] of ops.entries()) {
    const output = join(tmp, `${name}.${i}.pcap`);
    const printed = await runOk('node', [DAMAGE, op, input, output, ...args.map(String)]);
    reports.push(JSON.parse(printed));
    input = output;
  }
  if (same !== undefined && !sameFrames(await h2FramesByDirection(input, meta.ports, same), frames)) {
    throw new Error(`${name}: tshark does not decode the original's frames from it`);
  }
  copyFileSync(input, join(SAMPLES, `${name}.pcap`));
  writeMeta(name, {
    description,
    generator: GENERATOR,
    ports: meta.ports,
    linkType: meta.linkType,
    ...(golden === 'own' ? {} : { goldenFrom: ORIGINAL }),
    damage: {
      from: ORIGINAL,
      tool: 'scripts/damage-pcap.mjs',
      note: 'operations apply in order; record numbers (1-based) refer to the file before that operation',
      operations: reports,
    },
    expect,
  });
}

function notACapture(meta) {
  const text =
    'This is not a capture file.\n' +
    'It is plain text named .pcap, so that readers must say "not a capture" instead of failing oddly.\n';
  writeFileSync(join(SAMPLES, 'damaged-notacapture.pcap'), text);
  writeMeta('damaged-notacapture', {
    description: 'A text file with a .pcap name: no pcap or pcapng magic number.',
    generator: GENERATOR,
    ports: meta.ports,
    linkType: null,
    damage: { from: null, tool: GENERATOR, operations: [{ op: 'text', length: Buffer.byteLength(text) }] },
    expect: { error: 'not a capture file', firstBytes: Buffer.from(text).subarray(0, 4).toString('hex') },
  });
}
