import { describe, expect, it } from 'vitest';
import {
  REPORT_NODE_FLAGS,
  reportNodeFlags,
  THREADED_NODE_FLAGS,
  wantsReportHeap,
} from '../../src/cli/launch.js';

// bin/h2scope.js gives reports a large young generation and leaves the TUI with V8's default.
describe('wantsReportHeap', () => {
  const plain: string[] = [];
  it('is false for the TUI: one capture, a terminal, no report asked for', () => {
    expect(wantsReportHeap(['x.pcap'], true, plain, {})).toBe(false);
  });
  it('is true for reports, diffs and a non-terminal stdout', () => {
    expect(wantsReportHeap(['x.pcap'], false, plain, {})).toBe(true);
    expect(wantsReportHeap(['x.pcap', '--format', 'json'], true, plain, {})).toBe(true);
    expect(wantsReportHeap(['x.pcap', '--summary'], true, plain, {})).toBe(true);
    expect(wantsReportHeap(['a.pcap', 'b.pcap'], true, plain, {})).toBe(true);
    expect(wantsReportHeap(['diff', 'a.pcap', 'b.pcap'], true, plain, {})).toBe(true);
  });
  it('is false when nothing is decoded or the heap is already chosen', () => {
    expect(wantsReportHeap(['--help'], false, plain, {})).toBe(false);
    expect(wantsReportHeap(['--version'], false, plain, {})).toBe(false);
    expect(wantsReportHeap(['--no-such-option'], false, plain, {})).toBe(false);
    expect(wantsReportHeap(['x.pcap'], false, ['--max-semi-space-size=16'], {})).toBe(false);
    expect(wantsReportHeap(['x.pcap'], false, plain, { NODE_OPTIONS: '--max-semi-space-size=32' })).toBe(
      false,
    );
    expect(wantsReportHeap(['x.pcap'], false, plain, { H2SCOPE_REPORT_HEAP: '1' })).toBe(false);
  });
});

describe('reportNodeFlags', () => {
  const sample = 'samples/grpc-js-unary.pcap';
  it('adds the threaded flags only to a report that will run on several threads', () => {
    const threaded = [...REPORT_NODE_FLAGS, ...THREADED_NODE_FLAGS];
    expect(reportNodeFlags([sample, '--threads', '2', '--format', 'ndjson'])).toEqual(threaded);
    expect(reportNodeFlags([sample, '--threads', '1'])).toEqual(REPORT_NODE_FLAGS);
    // standard input and live snapshots stay on one thread, whatever --threads says
    expect(reportNodeFlags(['-', '--threads', '2'])).toEqual(REPORT_NODE_FLAGS);
    expect(reportNodeFlags(['diff', sample, sample])).toEqual(REPORT_NODE_FLAGS);
  });
});
