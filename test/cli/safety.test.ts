/**
 * Capture content is untrusted: an ESC sequence in a header value or grpc-message must not reach a
 * terminal (text, summary) or inject Markdown/HTML into a ticket (markdown) raw.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/records/call.js';
import type { CaptureRecord } from '../../src/records/records.js';
import { MarkdownReport } from '../../src/output/markdown.js';
import { mdText, shellQuote } from '../../src/output/markdown-text.js';
import { SummaryReport } from '../../src/output/summary.js';
import { decodeFile } from '../helpers/decode.js';

// Terminal controls a report must never write raw: C0 (but \t and \n), DEL, C1 and the bidi override.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/;
const EVIL = 'x\x1b]0;pwned\x07\x1b[2J|[link](http://e.vil)<img src=x>\u202e';
const unary = await decodeFile('samples/grpc-js-unary.pcap');
const conn = unary.connections[0]!;
const failed = conn.calls[3]!;
const evilCall: CallRecord = { ...failed, method: `/${EVIL}/M`, message: EVIL };
const capture: CaptureRecord = unary.capture!;

function render(report: MarkdownReport | SummaryReport): string {
  report.sink.call?.(evilCall);
  report.sink.connection(conn);
  report.sink.diagnostic({ severity: 'error', code: 'grpc.test', message: EVIL, evidence: { value: EVIL } });
  report.sink.capture(capture);
  let out = '';
  report.write((s) => (out += s));
  return out;
}

describe('escaping of capture content', () => {
  it('summary: no control characters reach the terminal', () => {
    const out = render(new SummaryReport());
    expect(out).not.toMatch(RAW_CONTROLS);
    expect(out).toContain('x\\x1b]0;pwned\\x07\\x1b[2J|[link](http://e.vil)<img src=x>\\u202e');
  });

  it('markdown: no control characters, no live Markdown or HTML from the capture', () => {
    const out = render(new MarkdownReport({ input: 'cap.pcap', decodeArgs: [], filter: null }));
    expect(out).not.toMatch(RAW_CONTROLS);
    expect(out).not.toContain('[link](');
    expect(out).not.toMatch(/(^|[^\\])<img/); // only as the escaped \<img
    expect(out).toContain(
      'x\\\\x1b\\]0;pwned\\\\x07\\\\x1b\\[2J\\|\\[link\\]\\(http://e.vil\\)\\<img src=x\\>\\\\u202e',
    );
  });

  it('mdText and shellQuote', () => {
    expect(mdText('a|b*c_d`e')).toBe('a\\|b\\*c\\_d\\`e');
    expect(shellQuote('grpc.status != 0')).toBe("'grpc.status != 0'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('samples/a-b.pcap')).toBe('samples/a-b.pcap');
  });
});
