// Every gRPC sample (scripts/samples/grpc/run-all.sh) has its capture and a meta.json whose `expect` a
// decoder test can assert against. No decoding here: only the files' shape and what tshark verified.
import { existsSync, openSync, readFileSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = `${REPO}samples/`;

/** name -> ports, as in scripts/samples/grpc/run-all.sh. */
const GRPC_SAMPLES: Record<string, number[]> = {
  'grpc-js-unary': [50101],
  'grpc-js-streaming': [50102],
  'grpc-js-large': [50103],
  'grpc-js-status': [50104],
  'grpc-js-deadline': [50105],
  'py-client-js-server': [50106],
  'js-client-py-server': [50107],
  'grpc-goaway-graceful': [50108],
  'grpc-too-many-pings': [50109],
  'grpc-small-window': [50110],
  'grpc-conn-per-call': [50111],
  'grpc-keepalive': [50112],
  'grpc-no-server-handshake': [50113],
  'grpc-http1-server': [50114],
  'grpc-imbalance': [50115, 50116, 50117],
  'grpc-reflection': [50118],
  'grpc-reflection-gzip': [50119],
  'grpc-js-bulk-series': [50118],
  'grpc-js-connect-proxy': [50123, 50124],
  'grpc-stream-limit': [50118],
  'grpc-imbalance-live': [50130, 50131, 50132],
};
/** name -> ports, as in scripts/samples/incidents/run-all.sh (the gRPC incident samples of issue 4). */
const INCIDENT_SAMPLES: Record<string, number[]> = {
  'grpc-burst': [50402],
  'grpc-pinned': [50403],
  'grpc-deadline-overrun': [50404],
  'grpc-pool': [50405],
  'grpc-pool-restart': [50406],
};
const ALL_SAMPLES = { ...GRPC_SAMPLES, ...INCIDENT_SAMPLES };
/** samples-common.md: a few KB .. 300 KB, the large-message sample up to ~1.5 MB. */
// grpc-js-bulk-series: two 300 KB responses, so that segments of whole DATA frames can be dropped from the
// second (samples/damaged-data-gap).
const MAX_BYTES: Record<string, number> = { 'grpc-js-large': 1_500_000, 'grpc-js-bulk-series': 700_000 };
const DEFAULT_MAX_BYTES = 300_000;
/** Classic pcap, little-endian, microsecond timestamps (tcpdump on x86), as the file's first 4 bytes. */
const PCAP_MAGIC_LE = 'd4c3b2a1';
const LINKTYPE_ETHERNET = 1;

interface MessageRecord {
  size: number;
  hex?: string;
  sha256?: string;
}
interface Call {
  connection: number;
  method: string;
  status: number;
  statusName: string;
  requests: MessageRecord[];
  responses: MessageRecord[];
  tcpStream?: number;
  stream?: number;
  wireStatus?: number | null;
}
interface Meta {
  description: string;
  generator: string;
  ports: number[];
  linkType: string;
  expect: { tcpConnections: number; calls: Call[]; wire: unknown[] };
  verified: { by: string; checks: string[] };
}

function readMeta(name: string): Meta {
  return JSON.parse(readFileSync(`${SAMPLES}${name}.meta.json`, 'utf8')) as Meta;
}

function pcapHeader(name: string): Buffer {
  const header = Buffer.alloc(24); // pcap global header
  const fd = openSync(`${SAMPLES}${name}.pcap`, 'r');
  try {
    readSync(fd, header, 0, 24, 0);
  } finally {
    closeSync(fd);
  }
  return header;
}

describe('gRPC samples', () => {
  it('are exactly the scenarios run-all.sh records', () => {
    const found = readdirSync(SAMPLES)
      .filter((f) => /^(grpc-|py-|js-client-py-server)/.test(f) && f.endsWith('.meta.json'))
      .map((f) => f.slice(0, -'.meta.json'.length))
      .sort();
    expect(found).toEqual(Object.keys(ALL_SAMPLES).sort());
    const runAll = readFileSync(`${REPO}scripts/samples/grpc/run-all.sh`, 'utf8');
    for (const [name, ports] of Object.entries(GRPC_SAMPLES)) {
      expect(runAll).toContain(`"${name}|${ports.join(',')}|scenarios/${name}.ts"`);
    }
    const incidents = readFileSync(`${REPO}scripts/samples/incidents/run-all.sh`, 'utf8');
    for (const [name, ports] of Object.entries(INCIDENT_SAMPLES)) {
      expect(incidents).toContain(`"${name}|${ports.join(',')}|scenarios/${name}.ts"`);
    }
  });

  describe.each(Object.entries(ALL_SAMPLES))('%s', (name, ports) => {
    const meta = readMeta(name);

    it('has a classic Ethernet pcap of a sensible size', () => {
      const size = statSync(`${SAMPLES}${name}.pcap`).size;
      expect(size).toBeGreaterThan(24 + 16); // header and at least one record
      expect(size).toBeLessThanOrEqual(MAX_BYTES[name] ?? DEFAULT_MAX_BYTES);
      const header = pcapHeader(name);
      expect(header.subarray(0, 4).toString('hex')).toBe(PCAP_MAGIC_LE);
      expect(header.readUInt32LE(20)).toBe(LINKTYPE_ETHERNET);
      expect(meta.linkType).toBe('EN10MB');
    });

    it('names its generator and its ports', () => {
      expect(meta.description.length).toBeGreaterThan(40);
      const family = name in INCIDENT_SAMPLES ? 'incidents' : 'grpc';
      expect(meta.generator).toBe(`scripts/samples/${family}/scenarios/${name}.ts`);
      expect(existsSync(`${REPO}${meta.generator}`)).toBe(true);
      expect(meta.ports).toEqual(ports);
      const [low, high] = name in INCIDENT_SAMPLES ? [50400, 50499] : [50100, 50199];
      for (const port of meta.ports) expect(port >= low && port <= high).toBe(true);
    });

    it('has an expect with calls that tshark verified', () => {
      expect(meta.expect.tcpConnections).toBeGreaterThan(0);
      expect(meta.expect.wire).toHaveLength(meta.expect.tcpConnections);
      expect(meta.expect.calls.length).toBeGreaterThan(0);
      expect(meta.verified.by).toMatch(/^tshark \d+\.\d+\.\d+$/);
      expect(meta.verified.checks.length).toBeGreaterThan(meta.expect.calls.length - 1);
      for (const call of meta.expect.calls) {
        // grpc-reflection also holds the reflection calls (grpc.reflection.v1 and v1alpha).
        expect(call.method).toMatch(
          /^\/(scope\.v1\.Lab\/(Echo|Watch|Upload|Chat|Bulk)|grpc\.reflection\.v1(alpha)?\.ServerReflection\/ServerReflectionInfo)$/,
        );
        expect(Number.isInteger(call.status) && call.status >= 0 && call.status <= 16).toBe(true);
        if (call.connection >= 0) {
          expect(call.stream! % 2).toBe(1); // RFC 9113 §5.1.1: client-initiated streams are odd
          expect(call.tcpStream).toBeGreaterThanOrEqual(0);
          expect(call.wireStatus === null || call.wireStatus === call.status).toBe(true);
        }
      }
    });

    it('states each message exactly (hex) or by digest', () => {
      const messages = meta.expect.calls.flatMap((call) => [...call.requests, ...call.responses]);
      for (const message of messages) {
        if (message.hex !== undefined) expect(message.hex.length).toBe(2 * message.size);
        else expect(message.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    });
  });
});
