// Samples derived from tls-grpc-js-13 (record it first):
// - tls-grpc-js-13-secrets.pcapng: `editcap --inject-secrets tls,KEYS`: one file that carries its own keys
//   (a pcapng Decryption Secrets Block before the packets); same frames as the original, no key log file.
// - tls-wrong-keys.pcap: the same packets with a key log whose client randoms match but whose secrets are
//   all wrong (last byte inverted): nothing authenticates, tshark shows no HTTP/2.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corruptSecrets, readKeyLogLines } from './lib/keys.js';
import { describeTls, GENERATOR, writeMeta, type SampleMeta } from './lib/publish.js';
import { tsharkTls } from './lib/tshark-tls.js';
import { makeTempDir, removeDir, runOk, SAMPLES, toolVersion } from './lib/tools.js';

const ORIGINAL = 'tls-grpc-js-13';

function originalMeta(): SampleMeta {
  return JSON.parse(readFileSync(join(SAMPLES, `${ORIGINAL}.meta.json`), 'utf8')) as SampleMeta;
}

export async function deriveSecretsPcapng(name: string, ports: number[]): Promise<void> {
  const meta = originalMeta();
  const tmp = makeTempDir(name);
  try {
    const out = join(tmp, `${name}.pcapng`);
    const keys = join(SAMPLES, `${ORIGINAL}.keys`);
    await runOk('editcap', ['--inject-secrets', `tls,${keys}`, join(SAMPLES, `${ORIGINAL}.pcap`), out]);
    // tshark reads the secrets from the file itself: no key log given here.
    const tls = await tsharkTls(out, ports, null);
    const frames = tls.reduce((n, t) => n + t.http2Frames, 0);
    const want = (meta.expect.tls as Array<{ http2FramesSeenByTshark: number }>)[0]?.http2FramesSeenByTshark;
    if (frames !== want) throw new Error(`${name}: tshark decrypted ${frames} frames, the original ${want}`);
    copyFileSync(out, join(SAMPLES, `${name}.pcapng`));
    writeMeta(name, {
      description:
        `${ORIGINAL}.pcap with its key log embedded as a pcapng Decryption Secrets Block (editcap ` +
        '--inject-secrets tls,...): decrypts with no key log file, same frames as the original.',
      generator: GENERATOR,
      scenario: name,
      ports,
      linkType: 'EN10MB',
      tsharkDecodeAs: 'tls',
      goldenFrom: ORIGINAL,
      tools: { editcap: await toolVersion('editcap') },
      expect: { ...meta.expect, secretsBlock: { type: 'TLS_KEY_LOG (0x544c534b)', source: `${ORIGINAL}.keys` } },
    });
    process.stderr.write(`${name}: ${frames} HTTP/2 frames decrypted by tshark from the embedded secrets\n`);
  } finally {
    removeDir(tmp);
  }
}

export async function deriveWrongKeys(name: string, ports: number[]): Promise<void> {
  const meta = originalMeta();
  const keysFile = join(SAMPLES, `${name}.keys`);
  const wrong = corruptSecrets(readKeyLogLines(join(SAMPLES, `${ORIGINAL}.keys`)));
  writeFileSync(keysFile, wrong.map((l) => `${l}\n`).join(''));
  copyFileSync(join(SAMPLES, `${ORIGINAL}.pcap`), join(SAMPLES, `${name}.pcap`));
  const tls = await tsharkTls(join(SAMPLES, `${name}.pcap`), ports, keysFile);
  if (tls.some((t) => t.http2Frames > 0)) throw new Error(`${name}: tshark decrypted with the wrong keys`);
  writeMeta(name, {
    description:
      `${ORIGINAL}.pcap with a wrong key log: every line's client random matches the capture but the last ` +
      'byte of every secret is inverted, so no protected record authenticates. tshark shows no HTTP/2.',
    generator: GENERATOR,
    scenario: name,
    ports,
    linkType: 'EN10MB',
    tsharkDecodeAs: 'tls',
    keylog: `${name}.keys`,
    tools: { tshark: await toolVersion('tshark') },
    expect: {
      tcpConnections: tls.length,
      tls: tls.map(describeTls),
      wrongKeys: { from: `${ORIGINAL}.keys`, change: 'last byte of every secret inverted' },
      callsWithRightKeys: (meta.expect.calls as unknown[]).length,
    },
  });
  process.stderr.write(`${name}: tshark decrypts nothing, as it should\n`);
}
