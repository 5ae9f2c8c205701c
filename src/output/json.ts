/**
 * json: one document `{ capture, connections: [ {...connection, calls: [...], frames: [...]} ], diagnostics }`.
 * The document needs everything, so it is collected; it is written piecewise so a large capture never
 * becomes one giant string.
 */
import type { RecordSink } from '../engine/engine.js';
import type {
  CallRecord,
  CaptureRecord,
  ConnectionRecord,
  Diagnostic,
  FrameRecord,
} from '../model/records.js';

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

  write(out: (chunk: string) => void): void {
    out(`{"capture":${JSON.stringify(this.doc.capture)},"connections":[`);
    this.sortedConnections().forEach((conn, i) => {
      const { frames, calls, ...rest } = conn;
      const head = JSON.stringify(rest);
      out(`${i > 0 ? ',' : ''}${head.slice(0, -1)},"calls":[`);
      calls.forEach((c, j) => out((j > 0 ? ',' : '') + JSON.stringify(c)));
      out('],"frames":[');
      frames.forEach((f, j) => out((j > 0 ? ',' : '') + JSON.stringify(f)));
      out(']}');
    });
    out(`],"diagnostics":${JSON.stringify(this.doc.diagnostics)}}\n`);
  }
}

function take<T>(map: Map<string, T[]>, id: string): T[] {
  const list = map.get(id) ?? [];
  map.delete(id);
  return list;
}
