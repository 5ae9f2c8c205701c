/**
 * Every sample against what tshark reported for it (samples/NAME.golden.json, made by
 * scripts/make-golden.mjs). Derived copies (pcapng, nanosecond, gzip) and damaged-but-recoverable variants
 * (reordered, duplicated) name their original in meta.json `goldenFrom` and must give the same frames.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAME_TYPE_BY_NAME } from '../../src/h2/frame-type-names.js';
import type { ConnectionRecord, FrameRecord } from '../../src/records/records.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

interface GoldenFrame {
  packet: number;
  time: string;
  src: string;
  dst: string;
  stream: number;
  type: number;
  length: number;
  flags: number;
  headers: Array<[string, string]> | null;
}
interface Golden {
  sample: string;
  notes?: string[];
  frames: GoldenFrame[];
}
interface Meta {
  goldenFrom?: string;
  damage?: unknown;
  /** Segments the capture itself lost (a capture filter, tcpdump): as with damage, frames after the hole. */
  capturedLoss?: unknown;
  /** NSS key log in samples/ for TLS samples (scripts/samples/tls/): decrypt as tshark did. */
  keylog?: string;
}

function comparable(f: FrameRecord, conn: ConnectionRecord): Omit<GoldenFrame, 'time' | 'headers'> {
  const [src, dst] = f.from === 'client' ? [conn.client, conn.server] : [conn.server, conn.client];
  return {
    packet: f.packet + 1,
    src,
    dst,
    stream: f.stream,
    type: FRAME_TYPE_BY_NAME.get(f.type) ?? Number.parseInt(f.type.replace('UNKNOWN_', ''), 16),
    length: f.length,
    flags: f.flagBits,
  };
}

const captures = existsSync(SAMPLES)
  ? readdirSync(SAMPLES).filter((n) => /\.(pcap|pcapng|pcap\.gz|pcapng\.gz)$/.test(n))
  : [];
const base = (file: string): string => file.replace(/\.(pcap|pcapng)(\.gz)?$/, '');

const cases = captures
  .map((file) => {
    const name = base(file);
    const metaPath = join(SAMPLES, `${name}.meta.json`);
    const meta: Meta = existsSync(metaPath) ? JSON.parse(readFileSync(metaPath, 'utf8')) : {};
    const goldenName = meta.goldenFrom ? base(meta.goldenFrom) : name;
    const goldenPath = join(SAMPLES, `${goldenName}.golden.json`);
    return { file, name, meta, goldenPath, derived: goldenName !== name };
  })
  .filter((c) => existsSync(c.goldenPath));

describe('tshark goldens', () => {
  it('has goldens to compare against', () => {
    expect(cases.length).toBeGreaterThan(5);
  });

  for (const c of cases) {
    it(`${c.file} matches ${c.derived ? 'its original' : 'tshark'}`, async () => {
      const golden: Golden = JSON.parse(readFileSync(c.goldenPath, 'utf8'));
      const keylog = c.meta.keylog === undefined ? {} : { keylog: join(SAMPLES, c.meta.keylog) };
      const decoded = await decodeFile(join(SAMPLES, c.file), keylog);
      const conns = new Map(decoded.connections.map((conn) => [conn.id, conn]));
      const ours = decoded.allFrames.map((f) => ({ f, cmp: comparable(f, conns.get(f.connection)!) }));
      // Reordered, duplicated or missing packets change packet numbers, not frames: frames held behind a
      // hole complete at the packet that settled it. Compare per direction then.
      const samePackets = !c.meta.damage && !c.meta.capturedLoss;
      const key = (x: { src: string; dst: string }): string => `${x.src}>${x.dst}`;
      const strip = <T extends { packet: number }>(x: T): Omit<T, 'packet'> | T => {
        if (samePackets) return x;
        const { packet: _packet, ...rest } = x;
        return rest;
      };
      const oursList = ours.map((o) => o.cmp);
      const wantList = golden.frames.map(
        ({
          time: _t,
          headers: _h,
          padLength: _p,
          tcpStream: _s,
          ...rest
        }: GoldenFrame & { padLength?: unknown; tcpStream?: unknown }) => rest,
      );
      const order = (list: typeof oursList): typeof oursList =>
        samePackets ? list : [...list].sort((a, b) => key(a).localeCompare(key(b)));
      const got = order(oursList).map(strip);
      const want = order(wantList).map(strip);
      for (let i = 0; i < Math.max(got.length, want.length); i++) {
        expect(
          got[i],
          `frame #${i} of ${c.file} (tshark packet ${want[i] ? ((want[i] as GoldenFrame).packet ?? '?') : '-'})`,
        ).toEqual(want[i]);
      }
      // Headers: where tshark decoded them, ours must be identical; where it did not (notes say why), ours
      // must still be decoded (checked against the generator's own record in dedicated tests).
      if (samePackets) {
        golden.frames.forEach((g, i) => {
          const o = ours[i]!;
          // A list past h2scope's size limit (an HPACK bomb, docs/limits.md) keeps only its first fields
          // and counts the rest (headersOmitted); tshark keeps its own number: ours are the first of its.
          const kept =
            o.f.headersOmitted === undefined ? g.headers : g.headers?.slice(0, o.f.headers?.length);
          if (g.headers) expect(o.f.headers, `headers of frame #${i} (packet ${g.packet})`).toEqual(kept);
          expect(Math.abs(o.f.time - Number(g.time)), `time of frame #${i}`).toBeLessThan(2e-6);
        });
      }
    });
  }
});
