// Derived copies of h2-nghttp-h2c in other container formats (same packets, so the same HTTP/2 frames):
// pcapng (editcap -F pcapng), nanosecond pcap (magic a1b23c4d, editcap -F nsecpcap), gzip (gzip -n), and
// derived-two-interfaces.pcapng: mergecap of h2-nghttp-h2c (EN10MB) and h2-any-sll2 (LINUX_SLL2), one
// pcapng with two interfaces of different link types (its own golden).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SAMPLES,
  h2FramesByDirection,
  main,
  makeTempDir,
  publishSample,
  readMeta,
  removeDir,
  requireTools,
  run,
  runOk,
  sameFrames,
  toolVersion,
  tsharkFields,
} from './lib.mjs';

const ORIGINAL = 'h2-nghttp-h2c';
const SECOND = 'h2-any-sll2';
const PCAPNG_MAGIC = '0a0d0d0a';

main(async () => {
  requireTools(['tshark', 'editcap', 'mergecap', 'gzip']);
  const tmp = makeTempDir('derived');
  const source = join(SAMPLES, `${ORIGINAL}.pcap`);
  const meta = readMeta(ORIGINAL);
  const frames = await h2FramesByDirection(source, meta.ports);
  const packets = (await tsharkFields(source, { fields: ['frame.number'] })).length;
  const copies = [
    { name: 'derived-h2c', ext: '.pcapng', magic: PCAPNG_MAGIC, format: 'pcapng', make: editcap('pcapng') },
    { name: 'derived-h2c-nsec', ext: '.pcap', magic: 'a1b23c4d', format: 'pcap-nsec', make: editcap('nsecpcap') },
    { name: 'derived-h2c-gz', ext: '.pcap.gz', magic: '1f8b', format: 'pcap.gz', make: gzip },
  ];
  const editcapVersion = await toolVersion('editcap');
  for (const copy of copies) {
    const out = join(tmp, `${copy.name}${copy.ext}`);
    await copy.make(source, out);
    await check(out, copy.magic, meta.ports, frames);
    publishSample(copy.name, out, copy.ext, {
      description: `${ORIGINAL}.pcap rewritten as ${copy.format}: same packets, same HTTP/2 frames.`,
      generator: 'scripts/samples/h2/derived.mjs',
      ports: meta.ports,
      linkType: meta.linkType,
      tools: copy.format === 'pcap.gz' ? { gzip: await toolVersion('gzip') } : { editcap: editcapVersion },
      goldenFrom: ORIGINAL,
      expect: { format: copy.format, packets, sameFramesAs: ORIGINAL },
    });
  }
  await twoInterfaces(tmp);
  removeDir(tmp);
});

function editcap(format) {
  return (input, output) => runOk('editcap', ['-F', format, input, output]);
}

async function gzip(input, output) {
  const r = await run('gzip', ['-n', '-c', input]); // -n: no name or mtime in the header, stable bytes
  if (r.code !== 0) throw new Error(`gzip failed: ${r.stderr}`);
  writeFileSync(output, r.stdout);
}

async function check(file, magic, ports, frames) {
  const head = readFileSync(file).subarray(0, magic.length / 2).toString('hex');
  const found = [head, Buffer.from(head, 'hex').reverse().toString('hex')];
  if (!found.includes(magic)) throw new Error(`${file}: magic ${head}, expected ${magic}`);
  if (!sameFrames(await h2FramesByDirection(file, ports), frames)) throw new Error(`${file}: frames differ`);
}

async function twoInterfaces(tmp) {
  const first = readMeta(ORIGINAL);
  const second = readMeta(SECOND);
  const inputs = [ORIGINAL, SECOND].map((n) => join(SAMPLES, `${n}.pcap`));
  const out = join(tmp, 'two.pcapng');
  await runOk('mergecap', ['-F', 'pcapng', '-w', out, ...inputs]);
  const rows = await tsharkFields(out, { fields: ['frame.interface_id', 'frame.encap_type'] });
  const perInterface = [0, 1].map((id) => rows.filter(([i]) => Number(i) === id).length);
  // mergecap interleaves by time; the two captures were made one after the other, so their connections
  // keep their order as long as the time ranges do not overlap.
  const firstInterface = rows.map(([i]) => Number(i));
  if (firstInterface.some((id, k) => k > 0 && id < (firstInterface[k - 1] ?? 0))) {
    throw new Error('the two captures overlap in time: connection order would be mixed');
  }
  publishSample('derived-two-interfaces', out, '.pcapng', {
    description:
      `mergecap of ${ORIGINAL}.pcap (interface 0, EN10MB) and ${SECOND}.pcap (interface 1, LINUX_SLL2): one ` +
      'pcapng file with two interfaces of different link types, packets in time order.',
    generator: 'scripts/samples/h2/derived.mjs',
    ports: [...first.ports, ...second.ports],
    linkType: [first.linkType, second.linkType],
    tools: { mergecap: await toolVersion('mergecap') },
    expect: {
      interfaces: [
        { id: 0, linkType: first.linkType, from: ORIGINAL, packets: perInterface[0] },
        { id: 1, linkType: second.linkType, from: SECOND, packets: perInterface[1] },
      ],
      connectionCount: first.expect.connections.length + second.expect.connections.length,
      connections: [
        ...first.expect.connections.map((c) => ({ interface: 0, from: ORIGINAL, ...c })),
        ...second.expect.connections.map((c) => ({ interface: 1, from: SECOND, ...c })),
      ],
    },
  });
}
