#!/usr/bin/env node
// Writes samples/<name>.tcp-golden.json: tshark's TCP analysis of every packet of a sample, the oracle of
// test/tcp/tcp-analysis-golden.test.ts (src/tcp/tcp-analysis.ts follows tshark's rules, docs/analysis.md).
//
//   node scripts/make-tcp-golden.mjs NAME...      (NAME without extension; the capture is found in samples/)
//
// Per packet that tshark flags: [frame number, flags...] with flags named as the tcp.analysis.* fields;
// ack RTTs as [frame number, milliseconds]; the handshake's initial RTT per TCP stream.
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
  const args = ['-r', file, '-n', '-Y', 'tcp', '-T', 'fields', '-E', 'occurrence=f'];
  for (const f of fields) args.push('-e', f);
  const packets = [];
  const ackRtt = [];
  const initialRtt = {};
  for (const line of tshark(args).split('\n')) {
    if (line === '') continue;
    const cols = line.split('\t');
    const frame = Number(cols[0]);
    if (cols[2]) ackRtt.push([frame, Math.round(Number(cols[2]) * 1e6) / 1e3]);
    if (cols[3] && !(cols[1] in initialRtt)) initialRtt[cols[1]] = Math.round(Number(cols[3]) * 1e6) / 1e3;
    const flags = FLAGS.filter((_, i) => cols[4 + i] !== '');
    if (flags.length > 0) packets.push([frame, ...flags]);
  }
  const version = tshark(['--version']).split('\n')[0];
  const golden = { tshark: version, sample: name, packets, ackRtt, initialRtt };
  writeFileSync(join(SAMPLES, `${name}.tcp-golden.json`), `${JSON.stringify(golden)}\n`);
  console.log(`${name}: ${packets.length} flagged packets, ${ackRtt.length} ack RTTs`);
}
