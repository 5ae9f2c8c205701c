// Several captures as one (mergecap-style): samples of real grpc-js traffic merged by time.
import { describe, expect, it } from 'vitest';
import { MergedCaptureSource, type CaptureInput } from '../../src/capture/merged-source.js';
import { CaptureSource } from '../../src/capture/source.js';
import type { RawPacket } from '../../src/capture/types.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { JsonCollector, type JsonDocument } from '../../src/output/json.js';

const UNARY = 'samples/grpc-js-unary.pcap';
const WINDOW = 'samples/grpc-small-window.pcap';
const TWO_IFACES = 'samples/derived-two-interfaces.pcapng';

async function packets(input: CaptureInput): Promise<RawPacket[]> {
  const out: RawPacket[] = [];
  for await (const chunk of input.events())
    for (const ev of chunk) if (ev.kind === 'packet') out.push(ev.packet);
  return out;
}

async function decode(input: CaptureInput): Promise<JsonDocument> {
  const collector = new JsonCollector();
  const engine = createEngine({ file: input.name }, collector.sink);
  for await (const chunk of input.events()) engine.push(chunk);
  engine.finish();
  return { ...collector.doc, connections: collector.sortedConnections() };
}

describe('MergedCaptureSource', () => {
  it('merges by time and numbers the packets of the merged stream', async () => {
    const a = await packets(new CaptureSource(UNARY));
    const b = await packets(new CaptureSource(WINDOW));
    // Small chunks: the merge must hold across many reads of each file.
    const merged = await packets(new MergedCaptureSource([WINDOW, UNARY]));
    expect(merged).toHaveLength(a.length + b.length);
    expect(merged.map((p) => p.index)).toEqual(merged.map((_, i) => i));
    for (let i = 1; i < merged.length; i++) expect(merged[i]!.timeNs >= merged[i - 1]!.timeNs).toBe(true);
    // Every packet of each file is there once, with its bytes (pcap interface 0 becomes 0 and 1).
    const key = (p: RawPacket): string => `${p.timeNs}:${p.data.toString('hex')}`;
    expect(merged.filter((p) => p.interfaceId === 1).map(key)).toEqual(a.map(key));
    expect(merged.filter((p) => p.interfaceId === 0).map(key)).toEqual(b.map(key));
    const progress = new MergedCaptureSource([WINDOW, UNARY]);
    await packets(progress);
    expect(progress.progress).toMatchObject({ packets: a.length + b.length, done: true });
    expect(progress.name).toBe(`${WINDOW} + ${UNARY}`);
  });

  it('keeps pcapng interface ids apart per file', async () => {
    const one = await packets(new CaptureSource(TWO_IFACES));
    const merged = await packets(new MergedCaptureSource([TWO_IFACES, TWO_IFACES]));
    const ids = (ps: RawPacket[]): number[] => [...new Set(ps.map((p) => p.interfaceId))].sort();
    expect(ids(one)).toEqual([0, 1]);
    expect(ids(merged)).toEqual([0, 1, 2, 3]);
  });

  it('decodes two captures as one analysis: every connection and call of each, ids unique', async () => {
    const a = await decode(new CaptureSource(UNARY));
    const b = await decode(new CaptureSource(WINDOW));
    const merged = await decode(new MergedCaptureSource([UNARY, WINDOW]));
    expect(merged.connections).toHaveLength(a.connections.length + b.connections.length);
    const ids = merged.connections.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const methods = (d: JsonDocument): string[] =>
      d.connections.flatMap((c) => c.calls.map((x) => `${x.method} ${x.statusName}`)).sort();
    expect(methods(merged)).toEqual([...methods(a), ...methods(b)].sort());
    expect(merged.capture?.packets).toBe(a.capture!.packets + b.capture!.packets);
  });

  it('one connection captured twice (two hosts) is one connection, its duplicate segments counted once', async () => {
    const single = await decode(new CaptureSource(UNARY));
    const twice = await decode(new MergedCaptureSource([UNARY, UNARY]));
    expect(twice.connections).toHaveLength(1);
    const calls = (d: JsonDocument): unknown[] =>
      d.connections[0]!.calls.map((c) => [
        c.stream,
        c.method,
        c.statusName,
        c.requests.map((m) => m.decoded),
      ]);
    expect(calls(twice)).toEqual(calls(single));
    expect(twice.connections[0]!.bytes).toEqual(single.connections[0]!.bytes);
  });
});
