#!/usr/bin/env node
// samples/damaged-data-gap: samples/grpc-js-bulk-series without two consecutive server->client segments of
// the second Bulk response that carry only whole DATA frames (they start and end on frame boundaries,
// found with tshark). HPACK state survives such a gap; the calls after it must keep their statuses.
//
//   node scripts/samples/grpc/damaged-data-gap.mjs      (after run-all.sh grpc-js-bulk-series)
//
// The golden is tshark's view of the damaged file (make-golden.mjs); the test also compares the header
// blocks after the gap with the original's golden.
import { copyFileSync } from 'node:fs';
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
  tsharkFields,
  writeMeta,
} from '../h2/lib.mjs';

const ORIGINAL = 'grpc-js-bulk-series';
const NAME = 'damaged-data-gap';
const DATA = 0;

main(async () => {
  requireTools(['tshark']);
  const tmp = makeTempDir(NAME);
  const source = join(SAMPLES, `${ORIGINAL}.pcap`);
  const meta = readMeta(ORIGINAL);
  const port = meta.ports[0];
  const frames = (await h2FramesByDirection(source, [port]))[`0:${port}`] ?? [];
  let at = 1;
  const layout = frames.map((f) => {
    const [type, length, flags, stream] = f.split('/').map(Number);
    const frame = { type, length, flags, stream, start: at, end: at + 9 + length };
    at = frame.end;
    return frame;
  });
  const rows = await tsharkFields(source, {
    filter: `tcp.stream == 0 && tcp.len > 0 && tcp.srcport == ${port}`,
    fields: ['frame.number', 'tcp.seq', 'tcp.nxtseq'],
  });
  // The second Bulk response: the stream of the second HEADERS that opens a response of > 100 KB.
  const bulkStreams = [...new Set(layout.filter((f) => f.type === DATA && f.length === 16384).map((f) => f.stream))];
  const stream = bulkStreams[1];
  if (stream === undefined) throw new Error(`${ORIGINAL}: no second Bulk response`);
  const only = rows
    .map(([packet, seq, nxtseq]) => ({ packet: Number(packet), seq: Number(seq), nxtseq: Number(nxtseq) }))
    .map((s) => ({ ...s, frames: layout.filter((f) => f.start < s.nxtseq && f.end > s.seq) }))
    .filter(
      (s) =>
        s.frames.length > 0 &&
        s.frames[0].start === s.seq &&
        s.frames.at(-1).end === s.nxtseq &&
        s.frames.every((f) => f.type === DATA && f.stream === stream),
    );
  // Two consecutive such segments from the middle of the run, not the first (the gap must follow data).
  const pick = only.slice(1).find((s, i) => only[i + 2]?.seq === s.nxtseq);
  if (!pick) throw new Error(`${ORIGINAL}: no two consecutive DATA-only segments on stream ${stream}`);
  const second = only.find((s) => s.seq === pick.nxtseq);
  const lost = [...pick.frames, ...second.frames];

  const once = join(tmp, 'once.pcap');
  const twice = join(tmp, 'twice.pcap');
  const damage = join(REPO, 'scripts/damage-pcap.mjs');
  // The later record first, so the earlier record number stays valid.
  const ops = [
    JSON.parse(await runOk('node', [damage, 'drop', source, once, String(second.packet)])),
    JSON.parse(await runOk('node', [damage, 'drop', once, twice, String(pick.packet)])),
  ];
  copyFileSync(twice, join(SAMPLES, `${NAME}.pcap`));
  writeMeta(NAME, {
    description:
      `${ORIGINAL} without server->client packets ${pick.packet} and ${second.packet}: ` +
      `${second.nxtseq - pick.seq} bytes of whole DATA frames of stream ${stream} (the second Bulk response), ` +
      'starting and ending on frame boundaries. The HPACK tables are intact: every later header block decodes ' +
      "and every later call's status is in its trailers. Its golden is tshark's view of this file; the " +
      "header blocks after the gap also match the original's golden.",
    generator: 'scripts/samples/grpc/damaged-data-gap.mjs',
    ports: meta.ports,
    linkType: meta.linkType,
    damage: {
      from: ORIGINAL,
      tool: 'scripts/damage-pcap.mjs',
      note: 'operations apply in order; record numbers (1-based) refer to the file before that operation',
      operations: ops,
    },
    expect: {
      lost: {
        tcpStream: 0,
        direction: 'server->client',
        packets: [pick.packet, second.packet],
        relativeSeq: [pick.seq, second.nxtseq],
        bytes: second.nxtseq - pick.seq,
        frames: lost.map(({ type, length, flags, stream: s }) => ({ type, length, flags, stream: s })),
        lostPayload: lost.reduce((n, f) => n + f.length, 0),
      },
      calls: meta.expect.calls.map(({ method, status, message }) => ({ method, status, message })),
    },
  });
  removeDir(tmp);
  console.log(`${NAME}: dropped packets ${pick.packet} and ${second.packet} (${lost.length} DATA frames)`);
});
