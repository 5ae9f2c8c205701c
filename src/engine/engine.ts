/**
 * The decode pipeline, one way: capture events -> net -> TCP reassembly -> per-connection session (protocol
 * recognition, HTTP/2, HPACK) -> records for a sink. Synchronous and deterministic: the only I/O is the
 * caller's (src/capture/source.ts reads, src/output writes).
 */
import type { CaptureEvent } from '../capture/types.js';
import { diag } from '../diagnostics/make.js';
import { ENGINE_DIAGNOSTICS } from '../diagnostics/engine.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { CaptureRecord, ConnectionRecord, FrameRecord } from '../model/records.js';
import { NetDecoder } from '../net/net-decoder.js';
import { ConnectionSession, type SessionEvent, type SessionOptions } from '../session/connection-session.js';
import { FlowTable } from '../tcp/flow-table.js';
import type { TcpEvent } from '../tcp/types.js';
import type { H2Event } from '../h2/types.js';

/** Where records go as soon as they are complete. */
export interface RecordSink {
  connection(rec: ConnectionRecord): void;
  frame(rec: FrameRecord, event: Extract<H2Event, { kind: 'frame' }>): void;
  diagnostic(d: Diagnostic): void;
  /** Once, after everything else. */
  capture(rec: CaptureRecord): void;
}

export interface EngineOptions extends SessionOptions {
  /** Shown in the capture record (the path, or "-" for stdin). */
  file: string;
}

export class Engine {
  private readonly net = new NetDecoder();
  private readonly flows = new FlowTable();
  private readonly sessions = new Map<string, ConnectionSession>();
  private readonly capture: CaptureRecord;
  private readonly linkTypes = new Set<number>();
  private lastPacket = -1;

  constructor(
    private readonly opts: EngineOptions,
    private readonly sink: RecordSink,
  ) {
    this.capture = {
      file: opts.file,
      format: null,
      compressed: false,
      linkTypes: [],
      packets: 0,
      bytes: 0,
      start: null,
      end: null,
      complete: true,
    };
  }

  push(events: readonly CaptureEvent[]): void {
    for (const ev of events) {
      switch (ev.kind) {
        case 'format':
          this.capture.format = ev.format;
          break;
        case 'interface':
          this.linkTypes.add(ev.iface.linkType);
          break;
        case 'packet':
          this.packet(ev);
          break;
        case 'secrets':
          break; // kept for the TLS work
        case 'diagnostic':
          if (ev.diagnostic.severity === 'error') this.capture.complete = false;
          this.sink.diagnostic(ev.diagnostic);
          break;
      }
    }
  }

  /** Marks the input as gzip-compressed (the source knows, the reader only sees inflated bytes). */
  setCompressed(compressed: boolean): void {
    this.capture.compressed = compressed;
  }

  finish(): CaptureRecord {
    this.guard(() => {
      for (const nev of this.net.finish())
        if (nev.kind === 'diagnostic') this.sink.diagnostic(nev.diagnostic);
      this.tcpEvents(this.flows.finish());
    });
    this.capture.linkTypes = [...this.linkTypes].sort((a, b) => a - b);
    this.sink.capture(this.capture);
    return this.capture;
  }

  private packet(ev: Extract<CaptureEvent, { kind: 'packet' }>): void {
    const raw = ev.packet;
    this.lastPacket = raw.index;
    const cap = this.capture;
    cap.packets++;
    cap.bytes += raw.originalLength;
    if (cap.start === null) cap.start = raw.time;
    cap.end = raw.time;
    this.linkTypes.add(raw.linkType);
    this.guard(() => {
      for (const nev of this.net.push(raw)) {
        if (nev.kind === 'tcp') this.tcpEvents(this.flows.push(nev.segment));
        else if (nev.kind === 'diagnostic') this.sink.diagnostic(nev.diagnostic);
      }
    });
  }

  private tcpEvents(events: TcpEvent[]): void {
    for (const ev of events) {
      switch (ev.kind) {
        case 'open':
          this.sessions.set(ev.conn.id, new ConnectionSession(ev.conn, this.opts));
          break;
        case 'data':
          this.emit(this.sessions.get(ev.conn)?.data(ev.dir, ev.data, ev.gapBefore, ev.time, ev.packetIndex));
          break;
        case 'end': {
          const session = this.sessions.get(ev.conn);
          this.sessions.delete(ev.conn);
          this.emit(session?.end(ev.time, ev.reason, ev.stats));
          break;
        }
        case 'diagnostic':
          this.sink.diagnostic(ev.diagnostic);
          break;
        default:
          break; // packet, fin, rst: counted by the flow table, analysed later
      }
    }
  }

  private emit(events: SessionEvent[] | undefined): void {
    if (!events) return;
    for (const ev of events) {
      if (ev.kind === 'frame') this.sink.frame(ev.frame, ev);
      else if (ev.kind === 'diagnostic') this.sink.diagnostic(ev.diagnostic);
      else this.sink.connection(ev.record);
    }
  }

  /**
   * A safety net, not control flow: decoders return malformed input as values. A throw here is our bug; the
   * user still gets the rest of the capture and a diagnostic that says which packet to report.
   */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.sink.diagnostic(
        diag(ENGINE_DIAGNOSTICS, 'engine.internal-error', { packet: this.lastPacket + 1, error }),
      );
    }
  }
}
