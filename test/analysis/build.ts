/**
 * Hand-built HTTP/2 event sequences for the connection analysis, shaped as src/h2 emits them
 * (src/h2/types.ts H2Event, src/model/records.ts FrameRecord), and a runner that feeds them to one
 * ConnectionAnalyzer the way the engine does (events, then end(record, reason)).
 */
import { analysisObserverFactory } from '../../src/analysis/connection-analyzer.js';
import type { AnalysisOptions } from '../../src/analysis/options.js';
import { DIAGNOSTICS } from '../../src/diagnostics/catalogue.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import type { ObservedEvent } from '../../src/engine/observer.js';
import type { CallRecord } from '../../src/records/call.js';
import type { H2Event, HeaderField } from '../../src/h2/types.js';
import type { ConnectionRecord, FrameRecord, Role } from '../../src/records/records.js';
import type { TcpEndReason } from '../../src/tcp/types.js';

/** Frames get consecutive indexes, like H2ConnectionDecoder numbers them across both directions. */
export class Frames {
  private index = 0;
  readonly events: ObservedEvent[] = [];

  private push(
    from: Role,
    type: string,
    stream: number,
    time: number,
    flags: string[],
    extra: Partial<FrameRecord>,
  ) {
    const frame: FrameRecord = {
      connection: 'c1',
      index: this.index++,
      time,
      packet: this.index,
      from,
      type,
      stream,
      length: 0,
      flags,
      flagBits: 0,
      ...extra,
    };
    const ev: H2Event = { kind: 'frame', frame };
    this.events.push(ev);
    return ev;
  }

  settings(from: Role, time: number, settings: Record<string, number> = {}): this {
    this.push(from, 'SETTINGS', 0, time, [], {
      settings,
      ack: false,
      length: 6 * Object.keys(settings).length,
    });
    return this;
  }

  settingsAck(from: Role, time: number): this {
    this.push(from, 'SETTINGS', 0, time, ['ACK'], { ack: true });
    return this;
  }

  /** The usual start: both SETTINGS, both ACKs. */
  handshake(time: number, client: Record<string, number> = {}, server: Record<string, number> = {}): this {
    return this.settings('client', time, client)
      .settings('server', time, server)
      .settingsAck('client', time)
      .settingsAck('server', time);
  }

  headers(from: Role, stream: number, time: number, pairs: Array<[string, string]>, endStream = false): this {
    const flags = endStream ? ['END_STREAM', 'END_HEADERS'] : ['END_HEADERS'];
    const ev = this.push(from, 'HEADERS', stream, time, flags, { headers: pairs });
    if (ev.kind === 'frame') ev.fields = fields(pairs);
    return this;
  }

  request(stream: number, time: number, path = '/pkg.Svc/Get', endStream = true): this {
    return this.headers(
      'client',
      stream,
      time,
      [
        [':method', 'POST'],
        [':path', path],
      ],
      endStream,
    );
  }

  response(stream: number, time: number, endStream = false): this {
    return this.headers('server', stream, time, [[':status', '200']], endStream);
  }

  /** DATA of `length` payload bytes (`pad`: Pad Length byte + padding included in `length`). */
  data(from: Role, stream: number, time: number, length: number, endStream = false, pad = 0): this {
    const flags = [...(endStream ? ['END_STREAM'] : []), ...(pad > 0 ? ['PADDED'] : [])];
    const extra: Partial<FrameRecord> = { length, dataLength: pad > 0 ? length - 1 - pad : length };
    if (pad > 0) extra.padLength = pad;
    this.push(from, 'DATA', stream, time, flags, extra);
    return this;
  }

  windowUpdate(from: Role, stream: number, time: number, increment: number): this {
    this.push(from, 'WINDOW_UPDATE', stream, time, [], { increment, length: 4 });
    return this;
  }

  rst(from: Role, stream: number, time: number, errorCode: string): this {
    this.push(from, 'RST_STREAM', stream, time, [], { errorCode, length: 4 });
    return this;
  }

  ping(from: Role, time: number, opaque: string, ack = false): this {
    this.push(from, 'PING', 0, time, ack ? ['ACK'] : [], { opaque, ack, length: 8 });
    return this;
  }

  goaway(from: Role, time: number, lastStreamId: number, errorCode = 'NO_ERROR', debugData = ''): this {
    this.push(from, 'GOAWAY', 0, time, [], {
      lastStreamId,
      errorCode,
      debugData,
      length: 8 + debugData.length,
    });
    return this;
  }

  pushPromise(stream: number, promisedStream: number, time: number): this {
    this.push('server', 'PUSH_PROMISE', stream, time, ['END_HEADERS'], { promisedStream });
    return this;
  }

  diagnostic(d: Diagnostic): this {
    this.events.push({ kind: 'diagnostic', diagnostic: d });
    return this;
  }

  call(call: CallRecord): this {
    this.events.push({ kind: 'call', call });
    return this;
  }
}

export function fields(pairs: Array<[string, string]>): HeaderField[] {
  return pairs.map(([name, value]) => ({ name, value, raw: Buffer.from(value) }));
}

export function connectionRecord(over: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    id: 'c1',
    client: '10.0.0.1:40000',
    server: '10.0.0.2:50051',
    clientRule: 'syn',
    protocol: 'h2c',
    start: 0,
    end: 10,
    preface: true,
    h2Detection: 'preface',
    packets: { client: 10, server: 10 },
    bytes: { client: 100, server: 100 },
    endReason: 'fin',
    frameCount: 10,
    ...over,
  };
}

export interface Analysed {
  diagnostics: Diagnostic[];
  record: ConnectionRecord;
  codes: string[];
}

/** Runs one connection through a fresh ConnectionAnalyzer. */
export function analyse(
  frames: Frames,
  record: Partial<ConnectionRecord> = {},
  reason: TcpEndReason = 'fin',
  options: Partial<AnalysisOptions> = {},
): Analysed {
  const base = connectionRecord(record);
  const observer = analysisObserverFactory(options)({
    id: base.id,
    a: { ip: '10.0.0.1', port: 40000 },
    b: { ip: '10.0.0.2', port: 50051 },
    clientRule: 'syn',
    synSeen: true,
    start: base.start,
    firstPacketIndex: 0,
  });
  // Diagnostics raised while the connection is open come from event(), the others from end().
  const early = frames.events.flatMap((ev) => observer.event(ev));
  const { outputs, extend } = observer.end(base, reason);
  const diagnostics = [...early, ...outputs].flatMap((o) => (o.kind === 'diagnostic' ? [o.diagnostic] : []));
  for (const d of diagnostics) assertFilled(d);
  return { diagnostics, record: { ...base, ...extend }, codes: diagnostics.map((d) => d.code) };
}

/** Every `{name}` of the code's template got a value (a missing one stays visible in the message). */
export function assertFilled(d: Diagnostic): void {
  const spec = DIAGNOSTICS[d.code];
  if (spec === undefined) throw new Error(`${d.code} is not in the catalogue`);
  for (const [, name] of spec.text.matchAll(/\{(\w+)\}/g)) {
    const v = d.evidence?.[name!];
    if (v === undefined || v === null) throw new Error(`${d.code}: no value for {${name}}: ${d.message}`);
  }
}

/** A finished gRPC call as src/grpc builds it; only what the analysis reads needs to be realistic. */
export function callRecord(over: Partial<CallRecord>): CallRecord {
  return {
    connection: 'c1',
    stream: 1,
    method: '/pkg.Svc/Get',
    service: 'pkg.Svc',
    methodName: 'Get',
    authority: 'svc:50051',
    status: 0,
    statusName: 'OK',
    statusSource: 'trailers',
    message: null,
    statusDetails: null,
    outcome: 'ok',
    reset: null,
    kind: 'unary',
    kindInferred: true,
    start: 0,
    end: 0.01,
    durationMs: 10,
    firstResponseMs: 5,
    deadlineMs: null,
    contentType: 'application/grpc',
    requestEncoding: null,
    responseEncoding: null,
    requestCount: 1,
    responseCount: 1,
    requests: [],
    responses: [],
    requestHeaders: [],
    responseHeaders: [],
    trailers: [],
    trailersOnly: false,
    metadata: { request: [], response: [], trailers: [] },
    httpStatus: 200,
    responseBody: null,
    guessed: false,
    guesses: [],
    ...over,
  } as CallRecord;
}
