/**
 * The text report of the command keeps connection sections and the call lines of open connections in its
 * spool file (src/output/text-calls.ts, TextReport): the same bytes as the in-memory report, with at most
 * two runs of lines in memory per open connection however many calls it carries.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CallLines, RUN } from '../../src/output/text-calls.js';
import { TextReport, textSink } from '../../src/output/text.js';
import { TextSpool } from '../../src/output/text-spool.js';

async function both(path: string): Promise<[string, string]> {
  const events = await readCaptureFile(path);
  let memory = '';
  const a = createEngine(
    { file: path },
    textSink((s) => (memory += s)),
  );
  a.push(events);
  a.finish();
  let spooled = '';
  const report = new TextReport((s) => (spooled += s), {}, new TextSpool('text'));
  const b = createEngine({ file: path }, report.sink);
  b.push(events);
  b.finish();
  for (const piece of report.document())
    spooled += typeof piece === 'string' ? piece : piece.toString('utf8');
  return [memory, spooled];
}

describe('text report through the spool', () => {
  for (const name of ['grpc-imbalance-live.pcap', 'grpc-conn-per-call.pcap', 'h2-nghttp-h2c.pcap'])
    it(`${name}: the same report as in memory`, async () => {
      const [memory, spooled] = await both(`samples/${name}`);
      expect(spooled).toBe(memory);
    });

  it('call lines of one connection: spilled in runs, merged back in stream order with the late ones', () => {
    const spool = new TextSpool('text');
    const calls = new CallLines(spool);
    const added: Array<[number, string]> = [];
    const add = (stream: number, line: string): void => {
      calls.add(stream, line);
      added.push([stream, line]);
    };
    // Streams 3, 5, 7, ... ending a few out of order (concurrent calls), stream 1 (a long call) last,
    // two lines with multi-byte text, one call ending long after higher streams were spilled.
    const n = 5 * RUN;
    for (let i = 0; i < n; i += 4)
      for (const k of [1, 0, 3, 2]) if (i + k < n) add(3 + 2 * (i + k), `call ${i + k} ✓ é`);
    add(2 * RUN + 1, 'straggler');
    add(1, 'the long one');
    expect(calls.spilled).toBe(true);
    const sorted = added
      .map(([stream, line], at) => ({ stream, line, at }))
      .sort((a, b) => a.stream - b.stream || a.at - b.at)
      .map((c) => `> ${c.line}`);
    expect([...calls.lines((l) => `> ${l}`)]).toEqual(sorted);
    spool.remove();
  });

  it('without a spool nothing is spilled', () => {
    const calls = new CallLines(null);
    for (let i = 0; i < 3 * RUN; i++) calls.add(1 + 2 * i, `call ${i}`);
    expect(calls.spilled).toBe(false);
    expect([...calls.lines((l) => l)]).toHaveLength(3 * RUN);
  });
});
