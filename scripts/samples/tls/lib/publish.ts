// One recorded TLS scenario: certificate, capture on lo, the peers, tshark's view with the key log, and the
// files committed under samples/: NAME.pcap, NAME.keys (when there is a key log) and NAME.meta.json.
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCapture, withRetries } from './capture.js';
import { labelCounts, readKeyLogLines } from './keys.js';
import { tsharkTls, type TsharkTls } from './tshark-tls.js';
import { makeCertificate, makeTempDir, removeDir, SAMPLES } from './tools.js';

export const GENERATOR = 'scripts/samples/tls/record.ts';

export interface ScenarioContext {
  tmp: string;
  cert: string;
  key: string;
  /** Where the peers write their NSS key log (SSLKEYLOGFILE, --tls-keylog). */
  keylog: string;
}

export interface ScenarioResult {
  description: string;
  tools: Record<string, string>;
  /** False for the sample recorded without a key log. */
  withKeys: boolean;
  expect: Record<string, unknown>;
}

export interface SampleMeta {
  description: string;
  generator: string;
  scenario: string;
  ports: number[];
  linkType: 'EN10MB';
  /** scripts/make-golden.mjs decodes these ports as TLS (then HTTP/2 by ALPN). */
  tsharkDecodeAs: 'tls';
  /** The committed key log next to the capture (samples/NAME.keys). */
  keylog?: string;
  goldenFrom?: string;
  tools: Record<string, string>;
  expect: Record<string, unknown>;
}

export async function recordScenario(
  name: string,
  ports: number[],
  body: (ctx: ScenarioContext) => Promise<ScenarioResult>,
  /** tcpdump -c: stop the capture after this many packets (a capture cut short). */
  packetLimit?: number,
): Promise<void> {
  await withRetries(async () => {
    const tmp = makeTempDir(name);
    try {
      const { cert, key } = await makeCertificate(tmp);
      const ctx = { tmp, cert, key, keylog: join(tmp, 'keys.log') };
      const file = join(tmp, 'capture.pcap');
      const capture = await startCapture(file, ports, packetLimit);
      let result: ScenarioResult;
      try {
        result = await body(ctx);
      } finally {
        await capture.stop();
      }
      const keyLines = result.withKeys ? readKeyLogLines(ctx.keylog) : [];
      if (result.withKeys && keyLines.length === 0) throw new Error(`${name}: the peers wrote no key log`);
      if (!result.withKeys && existsSync(ctx.keylog)) throw new Error(`${name}: a key log was written`);
      const keysFile = join(tmp, 'keys.dedup.log');
      writeFileSync(keysFile, keyLines.map((l) => `${l}\n`).join(''));
      const tls = await tsharkTls(file, ports, result.withKeys ? keysFile : null);
      copyFileSync(file, join(SAMPLES, `${name}.pcap`));
      const meta: SampleMeta = {
        description: result.description,
        generator: GENERATOR,
        scenario: name,
        ports,
        linkType: 'EN10MB',
        tsharkDecodeAs: 'tls',
        tools: result.tools,
        expect: { tcpConnections: tls.length, tls: tls.map(describeTls), ...result.expect },
      };
      if (result.withKeys) {
        copyFileSync(keysFile, join(SAMPLES, `${name}.keys`));
        meta.keylog = `${name}.keys`;
        meta.expect.keylogLabels = labelCounts(keyLines);
      }
      writeMeta(name, meta);
      process.stderr.write(`${name}: ${tls.length} TLS connection(s), ${tls[0]?.http2Frames ?? 0} HTTP/2 frames\n`);
    } finally {
      removeDir(tmp);
    }
  });
}

/** tshark's view, with the field names of ConnectionRecord.tls where they mean the same. */
export function describeTls(t: TsharkTls): Record<string, unknown> {
  return {
    tcpStream: t.tcpStream,
    version: t.version,
    cipherSuite: t.cipherSuite,
    sni: t.sni,
    alpnOffered: t.alpnOffered,
    alpnSelected: t.alpnSelected,
    alertDescriptions: t.alerts.map(Number),
    http2FramesSeenByTshark: t.http2Frames,
  };
}

export function writeMeta(name: string, meta: SampleMeta): void {
  writeFileSync(join(SAMPLES, `${name}.meta.json`), `${JSON.stringify(meta, null, 2)}\n`);
}
