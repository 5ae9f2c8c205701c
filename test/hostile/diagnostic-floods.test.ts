/**
 * Issue 14 item 8: floods of one diagnostic. Every code is reported at most 1000 times per capture (the
 * engine's cap), and one engine.diagnostics-suppressed per code counts the rest, in every report.
 */
import { describe, expect, it } from 'vitest';
import { frame, u32 } from '../h2/frame-bytes.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { decodeBytes } from '../robustness/decode-bytes.js';
import { unaryCalls } from './h2-calls.js';
import { tcpCapture, type Send } from './tcp-capture.js';

const codes = (list: Array<{ code: string }>): Map<string, number> => {
  const m = new Map<string, number>();
  for (const d of list) m.set(d.code, (m.get(d.code) ?? 0) + 1);
  return m;
};

describe('floods of one diagnostic', () => {
  it('3000 zero-increment WINDOW_UPDATEs: 1000 reported, 2000 counted', async () => {
    const flood = Buffer.concat(Array.from({ length: 3000 }, () => frame(0x8, 0, 0, u32(0))));
    const r = await decodeBytes(tcpCapture([...unaryCalls(1), { from: 'client', data: flood }]));
    const byCode = codes(r.diagnostics);
    expect(byCode.get('h2.frame.zero-increment')).toBe(1000);
    const note = r.diagnostics.find((d) => d.code === 'engine.diagnostics-suppressed')!;
    expect(note.evidence).toMatchObject({
      suppressed: 2000,
      suppressedCode: 'h2.frame.zero-increment',
      limit: 1000,
    });
    expect(note.message).toBe(
      '2000 more h2.frame.zero-increment diagnostics were not reported (limit 1000 per code)',
    );
  });

  it('3000 holes in one direction: 1000 tcp.gap reported, the rest counted, in json', async () => {
    const holes: Send[] = Array.from({ length: 3000 }, () => ({
      from: 'client',
      data: Buffer.alloc(10, 0x41),
      skip: 10,
    }));
    const capture = tcpCapture([{ from: 'client', data: Buffer.from('GET / HTTP/1.1\r\n\r\n') }, ...holes]);
    const r = await runCliCaptured(['-', '--format', 'json'], { stdin: capture });
    const doc = JSON.parse(r.stdout) as {
      diagnostics: Array<{ code: string; evidence: Record<string, unknown> }>;
    };
    const byCode = codes(doc.diagnostics);
    expect(byCode.get('tcp.gap')).toBe(1000);
    const note = doc.diagnostics.find((d) => d.code === 'engine.diagnostics-suppressed')!;
    expect(note.evidence).toMatchObject({ suppressedCode: 'tcp.gap', limit: 1000 });
    expect(note.evidence.suppressed).toBeGreaterThan(1900);
  });
});
