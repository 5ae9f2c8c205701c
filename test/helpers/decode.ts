/** Test helper: decode a capture file through the real pipeline and collect every record. */
import { readCaptureFile } from '../../src/capture/source.js';
import { Engine } from '../../src/engine/engine.js';
import { JsonCollector, type JsonDocument } from '../../src/output/json.js';

export interface Decoded extends JsonDocument {
  /** All frames of all connections, in capture order (packet, then order of completion). */
  allFrames: JsonDocument['connections'][number]['frames'];
}

export async function decodeFile(path: string, opts: { ports?: number[] } = {}): Promise<Decoded> {
  const collector = new JsonCollector();
  const engine = new Engine({ file: path, h2Ports: new Set(opts.ports ?? []) }, collector.sink);
  engine.push(await readCaptureFile(path));
  engine.finish();
  const connections = collector.sortedConnections();
  const allFrames = connections
    .flatMap((c) => c.frames)
    .sort((a, b) => a.packet - b.packet || a.index - b.index);
  return { ...collector.doc, connections, allFrames };
}
