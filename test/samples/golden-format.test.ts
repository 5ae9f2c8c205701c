// Every samples/*.golden.json follows the format of /work/briefs/samples-common.md (written by
// scripts/make-golden.mjs), and every meta.json gives what the golden pipeline reads (ports, goldenFrom).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SAMPLES = join(import.meta.dirname, '../../samples');
const GOLDEN_KEYS = ['sample', 'tshark', 'command', 'notes', 'frames', 'grpc'];
const FRAME_KEYS = ['packet', 'time', 'src', 'dst', 'tcpStream', 'stream', 'type', 'length', 'flags', 'headers'];
const GRPC_KEYS = ['packet', 'stream', 'length', 'compressed'];
// "127.0.0.1:50200" or "[::1]:50207" (formatEndpoint in src/net/types.ts).
const ENDPOINT = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\]):\d{1,5}$/;
// RFC 9113 §6.1, §6.2, §6.6: the frame types that can carry a Pad Length field.
const PADDABLE = new Set([0, 1, 5]);
const FLAG_PADDED = 0x8;

interface GoldenFrame {
  packet: number;
  time: string;
  src: string;
  dst: string;
  tcpStream: number;
  stream: number;
  type: number;
  length: number;
  flags: number;
  headers: Array<[string, string]> | null;
  padLength: number | null;
}

interface Golden {
  sample: string;
  tshark: string;
  command: string;
  notes: string[];
  frames: GoldenFrame[];
  grpc: Array<{ packet: number; stream: number | null; length: number; compressed: boolean }>;
}

interface Meta {
  description: string;
  ports: number[];
  goldenFrom?: string;
  /**
   * The dissector make-golden.mjs gives the ports (default http2; "http" for h2c upgrades, "tls"), or one
   * per port (a CONNECT proxy's port "http").
   */
  tsharkDecodeAs?: string | Record<string, string>;
}

const names = (suffix: string): string[] =>
  readdirSync(SAMPLES)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(SAMPLES, file), 'utf8'));
const isInt = (v: unknown, min: number, max: number): boolean =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function frameProblems(f: GoldenFrame): string[] {
  const problems: string[] = [];
  const keys = Object.keys(f);
  if (keys.join() !== [...FRAME_KEYS, 'padLength'].join()) problems.push(`keys ${keys.join()}`);
  if (!isInt(f.packet, 1, 2 ** 32)) problems.push(`packet ${f.packet}`);
  if (!/^\d+\.\d{9}$/.test(f.time)) problems.push(`time ${f.time}`);
  if (!ENDPOINT.test(f.src) || !ENDPOINT.test(f.dst)) problems.push(`endpoints ${f.src} ${f.dst}`);
  if (!isInt(f.tcpStream, 0, 2 ** 32)) problems.push(`tcpStream ${f.tcpStream}`);
  if (!isInt(f.stream, 0, 2 ** 31 - 1)) problems.push(`stream ${f.stream}`);
  if (!isInt(f.type, 0, 255) || !isInt(f.flags, 0, 255)) problems.push(`type/flags ${f.type}/${f.flags}`);
  if (!isInt(f.length, 0, 2 ** 24 - 1)) problems.push(`length ${f.length}`);
  const pairs = f.headers ?? [];
  if (!pairs.every((h) => h.length === 2 && h.every((s) => typeof s === 'string'))) problems.push('headers');
  const padded = PADDABLE.has(f.type) && (f.flags & FLAG_PADDED) !== 0;
  if (padded ? !isInt(f.padLength, 0, f.length - 1) : f.padLength !== null) problems.push(`pad ${f.padLength}`);
  return problems;
}

describe('samples/*.golden.json', () => {
  const goldens = names('.golden.json');

  it('exist for the HTTP/2 samples', () => {
    expect(goldens).toContain('h2-nghttp-h2c');
    expect(goldens).toContain('h2-nghttp-table-size');
  });

  describe.each(goldens)('%s', (name) => {
    const golden = readJson(`${name}.golden.json`) as Golden;
    const meta = readJson(`${name}.meta.json`) as Meta;

    it('has the top-level keys in order, next to its capture and a meta.json without goldenFrom', () => {
      expect(Object.keys(golden)).toEqual(GOLDEN_KEYS);
      expect(golden.sample.startsWith(`${name}.`)).toBe(true);
      expect(existsSync(join(SAMPLES, golden.sample))).toBe(true);
      expect(meta.goldenFrom ?? null).toBeNull();
      expect(golden.tshark).toMatch(/^\d+\.\d+\.\d+$/);
      expect(golden.notes.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
    });

    it('records the exact tshark command, decoding every meta.json port as HTTP/2', () => {
      expect(golden.command.startsWith(`tshark -r samples/${golden.sample} `)).toBe(true);
      expect(golden.command).toContain('-T json --no-duplicate-keys');
      const as = meta.tsharkDecodeAs ?? 'http2';
      const dissector = (port: number): string => (typeof as === 'string' ? as : (as[port] ?? 'http2'));
      for (const port of meta.ports)
        expect(golden.command).toContain(` -d tcp.port==${port},${dissector(port)}`);
    });

    it('has well-formed frames in packet order', () => {
      const problems = golden.frames.flatMap((f, i) => frameProblems(f).map((p) => `frame ${i}: ${p}`));
      expect(problems).toEqual([]);
      const packets = golden.frames.map((f) => f.packet);
      expect(packets).toEqual([...packets].sort((a, b) => a - b));
    });

    it('has gRPC messages that sit in packets carrying HTTP/2 frames of their stream', () => {
      const where = new Set(golden.frames.map((f) => `${f.packet}/${f.stream}`));
      for (const m of golden.grpc) {
        expect(Object.keys(m)).toEqual(GRPC_KEYS);
        expect(isInt(m.length, 0, 2 ** 32 - 1)).toBe(true);
        expect(typeof m.compressed).toBe('boolean');
        expect(where.has(`${m.packet}/${m.stream}`)).toBe(true);
      }
    });
  });
});

describe('samples/*.meta.json', () => {
  describe.each(names('.meta.json'))('%s', (name) => {
    const meta = readJson(`${name}.meta.json`) as Meta;

    it('names the ports to decode as HTTP/2, and an existing goldenFrom sample', () => {
      expect(typeof meta.description).toBe('string');
      expect(meta.ports.length).toBeGreaterThan(0);
      expect(meta.ports.every((p) => isInt(p, 1, 65535))).toBe(true);
      if (meta.goldenFrom !== undefined) {
        expect(existsSync(join(SAMPLES, `${meta.goldenFrom}.meta.json`))).toBe(true);
        expect(existsSync(join(SAMPLES, `${name}.golden.json`))).toBe(false);
      }
    });
  });
});

// Hand-checked values: nghttp -b 8 pads request HEADERS with padlen=8 in its -v log, which counts the Pad
// Length octet itself; RFC 9113 §6.2's Pad Length field (and tshark) say 7. nghttpd -b 16 gives 15.
describe('h2-nghttp-h2c golden', () => {
  const golden = readJson('h2-nghttp-h2c.golden.json') as Golden;

  it('shows the padded request and response HEADERS of the first connection', () => {
    const headers = golden.frames.filter((f) => f.tcpStream === 0 && f.type === 1);
    expect(headers.map((f) => [f.stream, f.flags, f.padLength])).toEqual([
      [13, 0x2d, 7],
      [15, 0x2d, 7],
      [17, 0x2d, 7],
      [13, 0x0c, 15],
      [15, 0x0c, 15],
      [17, 0x0c, 15],
    ]);
    expect(headers[0]?.headers?.slice(0, 2)).toEqual([
      [':method', 'GET'],
      [':path', '/index.html'],
    ]);
  });

  it('carries the whole 100 KiB body of /big.txt in DATA frames on stream 17', () => {
    const data = golden.frames.filter((f) => f.tcpStream === 0 && f.type === 0 && f.stream === 17);
    const payload = data.reduce((sum, f) => sum + f.length - (f.padLength === null ? 0 : f.padLength + 1), 0);
    expect(payload).toBe(102_400);
  });
});
