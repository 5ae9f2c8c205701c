/** The sample captures the sweeps run over, with their structure (test/robustness/capture-layout.ts). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { captureLayout, type CaptureLayout } from './capture-layout.js';

/**
 * How deep the sweeps go: 1 (the default, what `npm test` runs) samples a fixed, seeded selection of cuts
 * and mutants within a budget of decoded bytes per sample, so the suite's work does not grow with the
 * square of a sample's size; `npm run test:sweep` (SWEEP_SCALE=100) raises the budgets until every record
 * boundary is cut, for local bug hunting. The budgets were lowered in session 6 (10 MB, 300 cuts, 60 mutants
 * before) to keep the whole suite within its 3 minutes: the exhaustive run is unchanged.
 */
export const SWEEP_SCALE = Number(process.env.SWEEP_SCALE ?? 1);

/** Bytes of capture the sweeps may decode per sample and sweep, at SWEEP_SCALE 1. */
export const BYTES_PER_SAMPLE = 5 * 1000 * 1000;

export const SAMPLES_DIR = join(import.meta.dirname, '../../samples');

export interface SweepSample {
  file: string;
  /** The bytes as stored (gzip-compressed for .gz samples). */
  stored: Buffer;
  /** The capture bytes (inflated for .gz samples). */
  bytes: Buffer;
  compressed: boolean;
  /** Null when the file is not a capture (damaged-notacapture). */
  layout: CaptureLayout | null;
  /** The sample's TLS key log (samples/NAME.keys), so decryption is swept too. */
  keylog: string | undefined;
}

export function sweepSamples(): SweepSample[] {
  return readdirSync(SAMPLES_DIR)
    .filter((n) => /\.(pcap|pcapng)(\.gz)?$/.test(n))
    .sort()
    .map((file) => {
      const stored = readFileSync(join(SAMPLES_DIR, file));
      const compressed = file.endsWith('.gz');
      const bytes = compressed ? gunzipSync(stored) : stored;
      const keys = join(SAMPLES_DIR, `${file.replace(/\.(pcap|pcapng)(\.gz)?$/, '')}.keys`);
      const keylog = existsSync(keys) ? keys : undefined;
      return { file, stored, bytes, compressed, layout: captureLayout(bytes), keylog };
    });
}

/**
 * Offsets where a cut leaves a well-formed shorter capture: the end of the pcap file header and of every
 * whole record. A cut anywhere else before the last whole record must be reported as truncated.
 */
export function cleanCuts(layout: CaptureLayout): Set<number> {
  const cuts = new Set<number>(layout.headerEnd > 0 ? [layout.headerEnd] : []);
  for (const r of layout.records) cuts.add(r.end);
  return cuts;
}

/** Byte offsets of what look like HTTP/2 frame headers in a TCP payload that starts on a frame boundary. */
export function frameHeaderOffsets(buf: Buffer, payloadStart: number, end: number): number[] {
  const preface = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
  let at =
    buf.toString('latin1', payloadStart, payloadStart + 3) === 'PRI'
      ? payloadStart + preface.length
      : payloadStart;
  const out: number[] = [];
  while (at + 9 <= end && out.length < 64) {
    out.push(at);
    at += 9 + buf.readUIntBE(at, 3);
  }
  return out;
}
