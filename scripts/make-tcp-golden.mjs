#!/usr/bin/env node
// Writes samples/<name>.tcp-golden.json: tshark's TCP analysis of every packet of a sample, the oracle of
// test/tcp/tcp-analysis-golden.test.ts (src/tcp/tcp-analysis.ts follows tshark's rules, docs/analysis.md).
//
//   node scripts/make-tcp-golden.mjs NAME...      (NAME without extension; the capture is found in samples/)
//
// Per packet that tshark flags: [frame number, flags...] with flags named as the tcp.analysis.* fields;
// ack RTTs as [frame number, milliseconds]; the handshake's initial RTT per TCP stream; bytes in flight as
// [frame number, bytes]; SACK blocks as [frame number, left, right, ...] (absolute sequence numbers) and the
// frames whose first block is a D-SACK.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = join(REPO, 'samples');
const EXTENSIONS = ['.pcap', '.pcapng', '.pcap.gz', '.pcapng.gz'];
const FLAGS = [
  'retransmission',
  'fast_retransmission',
  'spurious_retransmission',
  'out_of_order',
  'lost_segment',
  'duplicate_ack',
  'zero_window',
  'zero_window_probe',
  'keep_alive',
  'window_update',
  'window_full',
  'ack_lost_segment',
  'keep_alive_ack',
  'zero_window_probe_ack',
];

function tshark(args) {
  const r = spawnSync('tshark', args, { cwd: REPO, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run tshark (apt-get install tshark): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

for (const name of process.argv.slice(2)) {
  const file = EXTENSIONS.map((e) => join(SAMPLES, name + e)).find((p) => existsSync(p));
  if (!file) throw new Error(`no capture named ${name} in samples/`);
  const fields = ['frame.number', 'tcp.stream', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt'];
  for (const f of FLAGS) fields.push(`tcp.analysis.${f}`);
  const extra = fields.length;
  fields.push(
    'tcp.analysis.bytes_in_flight',
    'tcp.options.sack_le',
    'tcp.options.sack_re',
    'tcp.options.sack.dsack',
  );
  // Absolute sequence numbers in the SACK blocks (the analysis does not depend on the setting); every
  // occurrence, for the blocks: the other fields take their first.
  const args = ['-r', file, '-n', '-o', 'tcp.relative_sequence_numbers:FALSE', '-Y', 'tcp', '-T', 'fields'];
  args.push('-E', 'occurrence=a', '-E', 'aggregator=,');
  for (const f of fields) args.push('-e', f);
  const packets = [];
  const ackRtt = [];
  const initialRtt = {};
  const bytesInFlight = [];
  const sack = [];
  const dsack = [];
  for (const line of tshark(args).split('\n')) {
    if (line === '') continue;
    const all = line.split('\t');
    const cols = all.map((c) => c.split(',')[0]);
    if (cols[extra]) bytesInFlight.push([Number(cols[0]), Number(cols[extra])]);
    if (all[extra + 1]) {
      const le = all[extra + 1].split(',').map(Number);
      const re = all[extra + 2].split(',').map(Number);
      sack.push([Number(cols[0]), ...le.flatMap((l, i) => [l, re[i]])]);
    }
    if (cols[extra + 3]) dsack.push(Number(cols[0]));
    const frame = Number(cols[0]);
    if (cols[2]) ackRtt.push([frame, Math.round(Number(cols[2]) * 1e6) / 1e3]);
    if (cols[3] && !(cols[1] in initialRtt)) initialRtt[cols[1]] = Math.round(Number(cols[3]) * 1e6) / 1e3;
    const flags = FLAGS.filter((_, i) => cols[4 + i] !== '');
    if (flags.length > 0) packets.push([frame, ...flags]);
  }
  const version = tshark(['--version']).split('\n')[0];
  const golden = { tshark: version, sample: name, packets, ackRtt, initialRtt, bytesInFlight, sack, dsack };
  writeFileSync(join(SAMPLES, `${name}.tcp-golden.json`), `${JSON.stringify(golden)}\n`);
  console.log(
    `${name}: ${packets.length} flagged packets, ${ackRtt.length} ack RTTs, ${bytesInFlight.length} bytes in flight, ${sack.length} SACKs`,
  );
}
