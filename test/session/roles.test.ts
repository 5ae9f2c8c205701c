/**
 * Which side is the client when the capture lacks the SYN and the preface: grpc-js-streaming cut at record 9
 * (its first connection has client port 47228 and server port 50102, both ephemeral, so the port heuristic
 * alone picks 50102, the wrong side). Regression test for the mid-connection roles reported by the gRPC work.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine, type PipelineOptions } from '../../src/engine/pipeline.js';
import { JsonCollector, type JsonDocument } from '../../src/output/json.js';

const SAMPLE = new URL('../../samples/grpc-js-streaming.pcap', import.meta.url).pathname;

async function decodeFrom(first: number, opts: Omit<PipelineOptions, 'file'> = {}): Promise<JsonDocument> {
  const events = (await readCaptureFile(SAMPLE)).filter(
    (e) => e.kind !== 'packet' || e.packet.index >= first,
  );
  const collector = new JsonCollector();
  const engine = createEngine({ ...opts, file: 'cut' }, collector.sink);
  engine.push(events);
  engine.finish();
  return { ...collector.doc, connections: collector.sortedConnections() };
}

describe('client and server roles without SYN or preface', () => {
  it('takes them from request and response header blocks (rule "headers")', async () => {
    const doc = await decodeFrom(9);
    const c1 = doc.connections[0]!;
    expect(c1).toMatchObject({
      server: '127.0.0.1:50102',
      clientRule: 'headers',
      h2Detection: 'mid-connection',
    });
    expect(c1.client).toMatch(/^127\.0\.0\.1:\d+$/);
    // Every HEADERS frame the server sent carries a response (:status), never a request.
    const serverHeaders = c1.frames.filter((f) => f.from === 'server' && f.type === 'HEADERS' && f.headers);
    expect(serverHeaders.length).toBeGreaterThan(0);
    for (const f of serverHeaders) expect(f.headers!.some(([n]) => n === ':method')).toBe(false);
  });

  it('--port names the server even when the heuristic picked its port as the client', async () => {
    const doc = await decodeFrom(9, { h2Ports: [50102] });
    const c1 = doc.connections[0]!;
    expect(c1).toMatchObject({ server: '127.0.0.1:50102', h2Detection: 'decode-as' });
    expect(c1.calls?.filter((c) => c.method === '/scope.v1.Lab/Upload').length).toBe(1);
  });
});
