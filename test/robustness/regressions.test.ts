/** Regression tests for the bugs the robustness sweeps found, one per bug, named after it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCallLine } from '../../src/output/calls.js';
import { formatTime } from '../../src/output/text.js';
import { captureLayout } from './capture-layout.js';
import { decodeBytes, invariantProblems } from './decode-bytes.js';
import { SAMPLES_DIR } from './samples.js';

describe('regressions found by the robustness sweeps', () => {
  // Mutation sweep, derived-h2c.pcapng seed 848189754 (one byte of an EPB's timestamp high word set to
  // 0x80): the frame time became ~1.8e13 s, beyond Date's range (±8.64e15 ms), and the text writer's
  // toISOString threw "Invalid time value" for every frame of the packet (engine.internal-error).
  it('a pcapng timestamp beyond the range of Date does not stop the text output', async () => {
    const bytes = Buffer.from(readFileSync(join(SAMPLES_DIR, 'derived-h2c.pcapng')));
    const epbs = captureLayout(bytes)!.records.filter((r) => r.dataStart - r.start === 28);
    // pcapng §4.3: the EPB's Timestamp (Upper) is the 32-bit word at +12 (little-endian file).
    for (const epb of epbs.slice(10)) bytes.writeUInt32LE(0xfffffff0, epb.start + 12);
    const r = await decodeBytes(bytes);
    expect(invariantProblems(r)).toEqual([]);
    expect(r.frames).toBe(44); // every frame of the original is still decoded and written
    expect(formatTime(2 ** 64 / 1e6)).toBe('18446744073709.550781');
    expect(formatTime(1795214652.072314)).toBe('22:44:12.072314');
  });

  it('the call line of a call at such a time is written too', () => {
    expect(formatCallLine(callAt(2 ** 64 / 1e6))).toBe(
      '18446744073709.550781 c1 s=1 gRPC /scope.v1.Lab/Echo unary ok status=0 OK req=1 resp=1 duration=0ms',
    );
  });

  // Truncation sweep, derived-h2c-gz.pcap.gz cut at 2, 10 and 11 bytes (inside the gzip header): besides
  // the gzip error, nothing inflated was read as an empty input and reported "not a capture: empty".
  it('a gzip stream cut inside its header is reported as a gzip error only, not as "not a capture"', async () => {
    const gz = readFileSync(join(SAMPLES_DIR, 'derived-h2c-gz.pcap.gz'));
    for (const cut of [2, 10, 11]) {
      const r = await decodeBytes(gz.subarray(0, cut));
      expect(r.diagnostics.map((d) => [d.code, d.evidence?.errorCode])).toEqual([
        ['capture.gzip-error', 'Z_BUF_ERROR'],
      ]);
      expect(r.capture).toMatchObject({ format: null, packets: 0, compressed: true });
    }
  });
});

/** The smallest call record formatCallLine reads (src/grpc/call-record.ts), at `time`. */
function callAt(time: number): Parameters<typeof formatCallLine>[0] {
  const fields = {
    connection: 'c1',
    stream: 1,
    method: '/scope.v1.Lab/Echo',
    guessed: false,
    kind: 'unary',
    kindInferred: false,
    outcome: 'ok',
    status: 0,
    statusName: 'OK',
    statusSource: 'trailers',
    message: null,
    httpStatus: 200,
    reset: null,
    requestCount: 1,
    responseCount: 1,
    start: time,
    end: time,
    durationMs: 0,
    deadlineMs: null,
    requestEncoding: null,
    responseEncoding: null,
    trailersOnly: false,
  };
  return fields as unknown as Parameters<typeof formatCallLine>[0];
}
