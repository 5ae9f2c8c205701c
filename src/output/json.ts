/**
 * json: one document `{ capture, connections: [ {...connection, frames: [...]} ], diagnostics: [...] }`.
 * The document needs everything, so it is collected; it is written piecewise so a large capture never
 * becomes one giant string.
 */
import type { RecordSink } from '../engine/engine.js';
import type { CaptureRecord, ConnectionRecord, Diagnostic, FrameRecord } from '../model/records.js';

export interface JsonDocument {
  capture: CaptureRecord | null;
  connections: Array<ConnectionRecord & { frames: FrameRecord[] }>;
  diagnostics: Diagnostic[];
}

export class JsonCollector {
  readonly doc: JsonDocument = { capture: null, connections: [], diagnostics: [] };
  private readonly frames = new Map<string, FrameRecord[]>();

  readonly sink: RecordSink = {
    connection: (rec) => this.doc.connections.push({ ...rec, frames: this.takeFrames(rec.id) }),
    frame: (rec) => {
      let list = this.frames.get(rec.connection);
      if (!list) this.frames.set(rec.connection, (list = []));
      list.push(rec);
    },
    diagnostic: (d) => this.doc.diagnostics.push(d),
    capture: (rec) => {
      this.doc.capture = rec;
    },
  };

  private takeFrames(id: string): FrameRecord[] {
    const list = this.frames.get(id) ?? [];
    this.frames.delete(id);
    return list;
  }

  /** Connections in id order (c1, c2, ...), which is the order they first appeared in the capture. */
  sortedConnections(): JsonDocument['connections'] {
    const num = (id: string): number => Number(id.slice(1));
    return [...this.doc.connections].sort((a, b) => num(a.id) - num(b.id));
  }

  write(out: (chunk: string) => void): void {
    out(`{"capture":${JSON.stringify(this.doc.capture)},"connections":[`);
    this.sortedConnections().forEach((conn, i) => {
      const { frames, ...rest } = conn;
      const head = JSON.stringify(rest);
      out(`${i > 0 ? ',' : ''}${head.slice(0, -1)},"frames":[`);
      frames.forEach((f, j) => out((j > 0 ? ',' : '') + JSON.stringify(f)));
      out(']}');
    });
    out(`],"diagnostics":${JSON.stringify(this.doc.diagnostics)}}\n`);
  }
}
