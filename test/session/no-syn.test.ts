/**
 * Captures that miss the TCP handshake but still start at the connection's first bytes (tcpdump started a
 * moment after connect): the client's preface or h2c upgrade request, the server's SETTINGS or 101 are
 * there, so HPACK and flow control are exact and nothing "starts mid-connection". Real samples with their
 * SYN, SYN-ACK and ACK (packets 1-3 in tshark) dropped; the frames must be those of the uncut capture.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { JsonCollector, type JsonDocument } from '../../src/output/json.js';

async function decode(name: string, firstPacket = 0): Promise<JsonDocument> {
  const file = new URL(`../../samples/${name}`, import.meta.url).pathname;
  const events = (await readCaptureFile(file)).filter(
    (e) => e.kind !== 'packet' || e.packet.index >= firstPacket,
  );
  const collector = new JsonCollector();
  const engine = createEngine({ file: name }, collector.sink);
  engine.push(events);
  engine.finish();
  return { ...collector.doc, connections: collector.sortedConnections() };
}

const FALSE_ALARMS = [
  'session.mid-connection',
  'h2.mid-stream-sync',
  'h2.hpack-lost',
  'h2.hpack.unknown-entries',
];

describe('no SYN, but the preface or the upgrade', () => {
  for (const [name, detection, rule] of [
    ['h2-curl-prior-knowledge.pcap', 'preface', 'preface'],
    ['grpc-js-unary.pcap', 'preface', 'preface'], // the server's SETTINGS come before the client's preface
    ['h2-curl-upgrade.pcap', 'h2c-upgrade', 'headers'], // the request line names the client,
  ] as const)
    it(`${name}: exact HPACK and flow control, no mid-connection diagnostics`, async () => {
      const whole = await decode(name);
      const cut = await decode(name, 3);
      const codes = cut.diagnostics.map((d) => d.code);
      for (const code of FALSE_ALARMS) expect(codes).not.toContain(code);
      expect(codes).toContain('tcp.mid-stream-start'); // true: the SYN is not in the capture
      const c = cut.connections[0]!;
      expect(c).toMatchObject({ h2Detection: detection, clientRule: rule });
      expect(c.hpack).toMatchObject({ client: { known: true }, server: { known: true } });
      // As exact as with the handshake (an h2c upgrade's windows are estimates either way).
      const { exact, note } = whole.connections[0]!.flowControl!;
      expect(c.flowControl).toMatchObject(note === undefined ? { exact } : { exact, note });
      if (detection === 'preface') expect(exact).toBe(true);
      const frames = (d: JsonDocument) =>
        d.connections[0]!.frames.map((f) => [f.from, f.type, f.stream, f.headers]);
      expect(frames(cut)).toEqual(frames(whole));
      expect(cut.connections[0]!.calls.map((x) => x.outcome)).toEqual(
        whole.connections[0]!.calls.map((x) => x.outcome),
      );
    });
});
