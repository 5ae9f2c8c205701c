import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  REPORT_HEAP_MIN_BYTES,
  REPORT_NODE_FLAGS,
  reportNodeFlags,
  smallInputs,
  THREADED_NODE_FLAGS,
  wantsReportHeap,
} from '../../src/cli/launch.js';

// bin/h2scope.js gives reports of long inputs a large young generation and leaves the TUI with V8's default.
// The tests run from the checkout's root: samples/ holds small real captures.
describe('wantsReportHeap', () => {
  const plain: string[] = [];
  const big = (): boolean => false;
  it('is false for the TUI: one capture, a terminal, no report asked for', () => {
    expect(wantsReportHeap(['x.pcap'], true, plain, {})).toBe(false);
  });
  it('is true for reports, diffs and a non-terminal stdout', () => {
    expect(wantsReportHeap(['x.pcap'], false, plain, {}, big)).toBe(true);
    expect(wantsReportHeap(['x.pcap', '--format', 'json'], true, plain, {}, big)).toBe(true);
    expect(wantsReportHeap(['x.pcap', '--summary'], true, plain, {}, big)).toBe(true);
    expect(wantsReportHeap(['a.pcap', 'b.pcap'], true, plain, {}, big)).toBe(true);
    expect(wantsReportHeap(['diff', 'a.pcap', 'b.pcap'], true, plain, {}, big)).toBe(true);
  });
  it('is false for a report of small files: the second node would cost more than it gains', () => {
    const sample = 'samples/showcase.pcapng';
    expect(wantsReportHeap([sample, '--summary'], true, plain, {})).toBe(false);
    expect(wantsReportHeap([sample, '--format', 'ndjson'], false, plain, {})).toBe(false);
    expect(wantsReportHeap(['diff', sample, 'samples/grpc-js-unary.pcap'], false, plain, {})).toBe(false);
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

describe('smallInputs', () => {
  it('adds up regular files against REPORT_HEAP_MIN_BYTES', () => {
    expect(smallInputs(['samples/showcase.pcapng', 'samples/grpc-js-unary.pcap'])).toBe(true);
    const size = statSync('samples/showcase.pcapng').size;
    const copies = Array.from(
      { length: Math.ceil(REPORT_HEAP_MIN_BYTES / size) },
      () => 'samples/showcase.pcapng',
    );
    expect(smallInputs(copies)).toBe(false);
  });
  it('is false for standard input, a directory or a file that cannot be read: their length is unknown', () => {
    expect(smallInputs(['-'])).toBe(false);
    expect(smallInputs(['samples'])).toBe(false);
    expect(smallInputs(['samples/no-such-capture.pcap'])).toBe(false);
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
