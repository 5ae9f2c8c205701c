/** Test helper: decode a capture file through the real pipeline and collect every record. */
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine, type PipelineOptions } from '../../src/engine/pipeline.js';
import { JsonCollector, type JsonDocument } from '../../src/output/json.js';

export interface Decoded extends JsonDocument {
  /** All frames of all connections, in capture order (packet, then order of completion). */
  allFrames: JsonDocument['connections'][number]['frames'];
}

export async function decodeFile(path: string, opts: Omit<PipelineOptions, 'file'> = {}): Promise<Decoded> {
  const collector = new JsonCollector();
  const engine = createEngine({ ...opts, file: path }, collector.sink);
  engine.push(await readCaptureFile(path));
  engine.finish();
  const connections = collector.sortedConnections();
  const allFrames = connections
    .flatMap((c) => c.frames)
    .sort((a, b) => a.packet - b.packet || a.index - b.index);
  return { ...collector.doc, connections, allFrames };
}
