/**
 * json: one document `{ capture, connections: [ {...connection, calls: [...], frames: [...]} ], diagnostics }`.
 * JsonCollector keeps it as objects, for in-process use (tests, scripts); the command line writes the same
 * document from serialised pieces with bounded memory (json-stream.ts).
 */
import type { RecordSink } from '../engine/engine.js';
import type {
  CallRecord,
  CaptureRecord,
  ConnectionRecord,
  Diagnostic,
  FrameRecord,
} from '../records/records.js';

export interface JsonDocument {
  capture: CaptureRecord | null;
  connections: Array<ConnectionRecord & { calls: CallRecord[]; frames: FrameRecord[] }>;
  diagnostics: Diagnostic[];
}

export class JsonCollector {
  readonly doc: JsonDocument = { capture: null, connections: [], diagnostics: [] };
  private readonly frames = new Map<string, FrameRecord[]>();
  /** gRPC calls of open connections; a connection's calls all end before its record (engine order). */
  private readonly calls = new Map<string, CallRecord[]>();

  readonly sink: RecordSink = {
    connection: (rec) =>
      this.doc.connections.push({
        ...rec,
        calls: take(this.calls, rec.id),
        frames: take(this.frames, rec.id),
      }),
    frame: (rec) => {
      let list = this.frames.get(rec.connection);
      if (!list) this.frames.set(rec.connection, (list = []));
      list.push(rec);
    },
    call: (rec) => {
      let list = this.calls.get(rec.connection);
      if (!list) this.calls.set(rec.connection, (list = []));
      list.push(rec);
    },
    diagnostic: (d) => this.doc.diagnostics.push(d),
    capture: (rec) => {
      this.doc.capture = rec;
    },
  };

  /** Connections in id order (c1, c2, ...), which is the order they first appeared in the capture. */
  sortedConnections(): JsonDocument['connections'] {
    const num = (id: string): number => Number(id.slice(1));
    return [...this.doc.connections].sort((a, b) => num(a.id) - num(b.id));
  }
}

function take<T>(map: Map<string, T[]>, id: string): T[] {
  const list = map.get(id) ?? [];
  map.delete(id);
  return list;
}
