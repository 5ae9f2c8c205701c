/** The text report (src/output/text.ts): diagnostics first by severity, then a short summary per connection. */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import type { CallRecord } from '../../src/records/call.js';
import { emptyCaptureRecord } from '../../src/records/records.js';
import { textSink, type TextReportOptions } from '../../src/output/text.js';
import { connectionRecord } from './build.js';

async function report(path: string, options: TextReportOptions = {}): Promise<string> {
  let out = '';
  const engine = createEngine(
    { file: path },
    textSink((s) => (out += s), options),
  );
  engine.push(await readCaptureFile(path));
  engine.finish();
  return out;
}

describe('text report', () => {
  it('lists the diagnostics first, grouped by severity, then each connection with its summary', async () => {
    const text = await report('samples/grpc-js-deadline.pcap');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Capture samples/grpc-js-deadline.pcap: pcap, 32 packets, 2.98 kB, 1342.0 ms');
    expect(lines[2]).toBe('Diagnostics: 0 errors, 1 warning, 1 info');
    const at = (s: string): number => lines.findIndex((l) => l.startsWith(s));
    expect(at('Warnings (1):')).toBeGreaterThan(0);
    expect(at('Warnings (1):')).toBeLessThan(at('Info (1):'));
    expect(at('Info (1):')).toBeLessThan(at('Connections (1):'));
    expect(at('Errors')).toBe(-1); // empty groups are left out
    expect(lines[at('Info (1):') + 1]).toMatch(
      /^INFO {4}analysis\.cancel\.client \(c1 stream 3\) \d\d:\d\d:\d\d\.\d{6}: /,
    );
    const conn = lines.slice(at('Connections (1):') + 1);
    expect(conn[0]).toMatch(/^c1 127\.0\.0\.1:42358 -> 127\.0\.0\.1:50105 h2c preface frames=23 /);
    expect(conn.slice(1, 9).map((l) => l.slice(0, 13))).toEqual([
      '    streams  ',
      '    flow     ',
      '    flow     ',
      '    settings ',
      '    goaway   ',
      '    goaway   ',
      '    hpack    ',
      '    call     ',
    ]);
    expect(conn[1]).toBe('    streams  3 opened by the client, peak 2 open (no limit)');
    expect(conn[4]).toBe(
      '    settings client INITIAL_WINDOW_SIZE=65535 (ACK 13.95 ms); server (defaults) (ACK 11.862 ms)',
    );
    expect(conn.filter((l) => l.startsWith('    call '))).toHaveLength(3);
    // No frame lines by default.
    expect(text).not.toMatch(/ C->S | S->C /);
  });

  it('says "no DATA sent" for a side that sent none, never "null" (h2-nghttp-h2c: GETs)', async () => {
    const text = await report('samples/h2-nghttp-h2c.pcap');
    const flows = text.split('\n').filter((l) => l.startsWith('    flow '));
    expect(flows).toContain('    flow     client: no DATA sent');
    expect(flows).toContain(
      '    flow     client: 27 B DATA in 1 frame, window 65,535, connection window min 65,508',
    );
    for (const name of ['grpc-js-unary', 'h2-mid-connection', 'h2-curl-upgrade', 'late-start-grpcio'])
      expect(await report(`samples/${name}.pcap`)).not.toMatch(/^ {4}flow .*null/m);
  });

  it('streams frame lines before the report when asked', async () => {
    const text = await report('samples/grpc-js-unary.pcap', { frames: true });
    const first = text.split('\n')[0]!;
    expect(first).toMatch(/^\d\d:\d\d:\d\d\.\d{6} c1 S->C SETTINGS s=0 /);
    expect(text.indexOf(' C->S HEADERS ')).toBeLessThan(text.indexOf('Capture samples/grpc-js-unary.pcap'));
    expect(text).toContain('Diagnostics: none');
  });

  it('shows at most maxPerCode diagnostics of one code and counts the rest', () => {
    let out = '';
    const sink = textSink((s) => (out += s), { maxPerCode: 2 });
    for (let i = 0; i < 5; i++)
      sink.diagnostic({
        severity: 'warning',
        code: 'tcp.gap',
        message: `gap ${i}\x1b[2J`,
        connection: 'c1',
        time: i,
      });
    sink.capture({
      file: 'x',
      format: 'pcap',
      compressed: false,
      linkTypes: [1],
      packets: 1,
      bytes: 1,
      start: 0,
      end: 1,
      complete: false,
    });
    const lines = out.split('\n');
    expect(lines.filter((l) => l.startsWith('WARNING tcp.gap'))).toHaveLength(2);
    expect(out).toContain('  ... and 3 more tcp.gap (all of them are in --format json)');
    expect(out).toContain('gap 0\\x1b[2J'); // control characters from the capture are escaped
    expect(lines[0]).toBe('Capture x: pcap, 1 packets, 1 B, 1000.0 ms (incomplete: see diagnostics)');
  });

  it('keeps the earliest maxPerCode of each code by time, whatever order they arrive in', () => {
    let out = '';
    const sink = textSink((s) => (out += s), { maxPerCode: 2 });
    // Analysis diagnostics arrive when a connection ends, with the earlier time of what they describe.
    const times = [5, 3, 9, 1, 3, 7, null, 0.5];
    times.forEach((time, i) =>
      sink.diagnostic({
        severity: i % 2 === 0 ? 'warning' : 'info',
        code: i < 6 ? 'tcp.gap' : 'h2.other',
        message: `d${i}`,
        connection: 'c1',
        ...(time === null ? {} : { time }),
      }),
    );
    sink.capture({ ...emptyCaptureRecord('x'), format: 'pcap' });
    const shown = out
      .split('\n')
      .filter((l) => / d\d$/.test(l))
      .map((l) => l.slice(-2));
    // warnings: d0 t5, d2 t9, d4 t3 (tcp.gap), d6 no time (h2.other) -> earliest two gaps d4, d0, then d6
    // infos: d1 t3, d3 t1, d5 t7 (tcp.gap), d7 t0.5 (h2.other) -> d7, d3, d1
    expect(shown).toEqual(['d4', 'd0', 'd6', 'd7', 'd3', 'd1']);
    expect(out).toContain('Diagnostics: 0 errors, 4 warnings, 4 info');
    expect(out).toContain('Warnings (4):');
    expect(out.match(/\.\.\. and 1 more tcp\.gap/g)).toHaveLength(2);
  });

  it('prints calls under their connection with the callLine hook', () => {
    let out = '';
    const sink = textSink((s) => (out += s), { callLine: (c: CallRecord) => `CALL ${c.stream}` });
    sink.call!({ connection: 'c1', stream: 3 } as CallRecord);
    sink.call!({ connection: 'c1', stream: 1 } as CallRecord);
    sink.connection(connectionRecord());
    sink.capture({ ...emptyCaptureRecord('x'), format: 'pcap' });
    expect(out.split('\n').filter((l) => l.includes('CALL'))).toEqual([
      '    call     CALL 1',
      '    call     CALL 3',
    ]);
  });
});
