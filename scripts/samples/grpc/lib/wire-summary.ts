// Condenses tshark's frames into per-connection, per-stream facts a sample's meta.json can state:
// paths, grpc-status, message lengths, RST_STREAM, GOAWAY, PING, flow-control stalls.
import type { TcpSide, TsharkFrame, TsharkView } from './tshark.js';

// RFC 9113 §6: frame types and flags.
const DATA = 0;
const HEADERS = 1;
const RST_STREAM = 3;
const SETTINGS = 4;
const PING = 6;
const GOAWAY = 7;
const WINDOW_UPDATE = 8;
const END_STREAM = 0x1;
const ACK = 0x1;
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
const DEFAULT_WINDOW = 65_535; // RFC 9113 §6.9.2

export type Side = 'client' | 'server';

export interface WireMessage {
  length: number;
  compressed: boolean;
}

export interface StreamSummary {
  stream: number;
  /** First and last packet carrying a frame of this stream. */
  packets: [number, number];
  path?: string;
  userAgent?: string;
  httpStatus?: string;
  contentType?: string;
  grpcTimeout?: string;
  requestEncoding?: string;
  responseEncoding?: string;
  /** grpc-status from the response's last HEADERS (trailers, or trailers-only response). */
  grpcStatus?: number;
  /** grpc-message exactly as on the wire (percent-encoded). */
  grpcMessage?: string;
  trailersOnly?: boolean;
  /** grpc-status-details-bin as on the wire (base64). */
  grpcStatusDetails?: string;
  requestMessages: WireMessage[];
  responseMessages: WireMessage[];
  dataFrames: Record<Side, number>;
  /** Bytes of an unfinished gRPC message left at the end of the stream, per direction. */
  leftover?: Partial<Record<Side, number>>;
  endStream: Side[];
  rstStream?: { from: Side; errorCode: number; packet: number }[];
}

export interface GoawaySummary {
  from: Side;
  packet: number;
  lastStreamId: number;
  errorCode: number;
  debugData: string;
}

export interface StallSummary {
  from: Side;
  stream: number;
  /** Which window reached zero: the stream's or the connection's. */
  window: 'stream' | 'connection';
  /** The DATA frame that used the window up, and how long the sender then waited. */
  packet: number;
  waitedMs: number;
}

export interface ConnectionSummary {
  tcpStream: number;
  client: string;
  server: string;
  tcp: Record<Side, TcpSide>;
  http2Frames: Record<Side, number>;
  streams: StreamSummary[];
  goaway: GoawaySummary[];
  pings: Record<Side, { sent: number; acks: number }>;
  windowUpdates: Record<Side, number>;
  stalls: StallSummary[];
}

export function summarize(view: TsharkView): ConnectionSummary[] {
  const out: ConnectionSummary[] = [];
  for (const [tcpStream, ends] of view.tcpStreams) {
    const frames = view.frames.filter((f) => f.tcpStream === tcpStream);
    const side = (f: TsharkFrame): Side => (f.src === ends.client ? 'client' : 'server');
    out.push({
      tcpStream,
      client: ends.client,
      server: ends.server,
      tcp: ends.sides,
      http2Frames: {
        client: frames.filter((f) => side(f) === 'client').length,
        server: frames.filter((f) => side(f) === 'server').length,
      },
      streams: summarizeStreams(frames, side),
      goaway: frames.filter((f) => f.type === GOAWAY).map((f) => goaway(f, side(f))),
      pings: {
        client: countPings(frames.filter((f) => side(f) === 'client')),
        server: countPings(frames.filter((f) => side(f) === 'server')),
      },
      windowUpdates: {
        client: frames.filter((f) => f.type === WINDOW_UPDATE && side(f) === 'client').length,
        server: frames.filter((f) => f.type === WINDOW_UPDATE && side(f) === 'server').length,
      },
      stalls: findStalls(frames, side),
    });
  }
  return out;
}

function goaway(f: TsharkFrame, from: Side): GoawaySummary {
  const debug = f.debugData ?? Buffer.alloc(0);
  const printable = /^[\x20-\x7e]*$/.test(debug.toString('latin1'));
  return {
    from,
    packet: f.packet,
    lastStreamId: f.lastStreamId ?? -1,
    errorCode: f.errorCode ?? -1,
    debugData: printable ? debug.toString('latin1') : `hex:${debug.toString('hex')}`,
  };
}

function countPings(frames: TsharkFrame[]): { sent: number; acks: number } {
  const pings = frames.filter((f) => f.type === PING);
  const acks = pings.filter((f) => f.flags & ACK).length;
  return { sent: pings.length - acks, acks };
}

function header(headers: [string, string][] | null, name: string): string | undefined {
  return headers?.find(([n]) => n === name)?.[1];
}

function summarizeStreams(frames: TsharkFrame[], side: (f: TsharkFrame) => Side): StreamSummary[] {
  const ids = [...new Set(frames.filter((f) => f.stream > 0).map((f) => f.stream))].sort((a, b) => a - b);
  return ids.map((id) => summarizeStream(id, frames.filter((f) => f.stream === id), side));
}

function summarizeStream(id: number, frames: TsharkFrame[], side: (f: TsharkFrame) => Side): StreamSummary {
  const summary: StreamSummary = {
    stream: id,
    packets: [frames[0]?.packet ?? 0, frames.at(-1)?.packet ?? 0],
    requestMessages: [],
    responseMessages: [],
    dataFrames: { client: 0, server: 0 },
    endStream: [],
  };
  const responseHeaders = frames.filter((f) => f.type === HEADERS && side(f) === 'server');
  const request = frames.find((f) => f.type === HEADERS && side(f) === 'client')?.headers ?? null;
  const first = responseHeaders[0]?.headers ?? null;
  const last = responseHeaders.at(-1)?.headers ?? null;
  assign(summary, 'path', header(request, ':path'));
  assign(summary, 'userAgent', header(request, 'user-agent'));
  assign(summary, 'grpcTimeout', header(request, 'grpc-timeout'));
  assign(summary, 'requestEncoding', header(request, 'grpc-encoding'));
  assign(summary, 'httpStatus', header(first, ':status'));
  assign(summary, 'contentType', header(first, 'content-type'));
  assign(summary, 'responseEncoding', header(first, 'grpc-encoding'));
  const status = header(last, 'grpc-status');
  if (status !== undefined) summary.grpcStatus = Number(status);
  assign(summary, 'grpcMessage', header(last, 'grpc-message'));
  assign(summary, 'grpcStatusDetails', header(last, 'grpc-status-details-bin'));
  if (status !== undefined) summary.trailersOnly = responseHeaders.length === 1;
  for (const from of ['client', 'server'] as const) {
    const mine = frames.filter((f) => side(f) === from);
    const data = mine.filter((f) => f.type === DATA);
    summary.dataFrames[from] = data.length;
    const { messages, leftover } = splitMessages(data);
    summary[from === 'client' ? 'requestMessages' : 'responseMessages'] = messages;
    if (leftover) summary.leftover = { ...summary.leftover, [from]: leftover };
    if (mine.some((f) => (f.type === DATA || f.type === HEADERS) && f.flags & END_STREAM)) {
      summary.endStream.push(from);
    }
  }
  const rst = frames.filter((f) => f.type === RST_STREAM);
  if (rst.length > 0) {
    summary.rstStream = rst.map((f) => ({ from: side(f), errorCode: f.errorCode ?? -1, packet: f.packet }));
  }
  return summary;
}

function assign<K extends keyof StreamSummary>(target: StreamSummary, key: K, value: StreamSummary[K]): void {
  if (value !== undefined) target[key] = value;
}

/** gRPC length-prefixed messages (PROTOCOL-HTTP2.md: 1-byte flag, 4-byte big-endian length). */
function splitMessages(data: TsharkFrame[]): { messages: WireMessage[]; leftover: number } {
  const bytes = Buffer.concat(data.map((f) => f.data ?? Buffer.alloc(0)));
  const messages: WireMessage[] = [];
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    const length = bytes.readUInt32BE(offset + 1);
    if (offset + 5 + length > bytes.length) break;
    messages.push({ length, compressed: bytes[offset] === 1 });
    offset += 5 + length;
  }
  return { messages, leftover: bytes.length - offset };
}

/**
 * Replays flow control (RFC 9113 §6.9) per sender: after each DATA frame, if the stream's or the
 * connection's window is used up, the next DATA frame on that stream shows how long the sender waited.
 */
function findStalls(frames: TsharkFrame[], side: (f: TsharkFrame) => Side): StallSummary[] {
  const stalls: StallSummary[] = [];
  for (const sender of ['client', 'server'] as const) {
    const initial = { value: DEFAULT_WINDOW };
    let connection = DEFAULT_WINDOW;
    const streams = new Map<number, number>();
    const blocked = new Map<number, { window: 'stream' | 'connection'; packet: number; time: number }>();
    for (const f of frames) {
      const fromSender = side(f) === sender;
      if (!fromSender && f.type === SETTINGS && !(f.flags & ACK)) {
        applyInitialWindow(f, initial, streams);
      } else if (!fromSender && f.type === WINDOW_UPDATE) {
        const increment = f.windowIncrement ?? 0;
        if (f.stream === 0) connection += increment;
        else streams.set(f.stream, (streams.get(f.stream) ?? initial.value) + increment);
      } else if (fromSender && f.type === DATA) {
        const wait = blocked.get(f.stream);
        if (wait) {
          const waitedMs = Math.round((Number(f.time) - wait.time) * 1e6) / 1e3;
          stalls.push({ from: sender, stream: f.stream, window: wait.window, packet: wait.packet, waitedMs });
          blocked.delete(f.stream);
        }
        const window = (streams.get(f.stream) ?? initial.value) - f.length;
        streams.set(f.stream, window);
        connection -= f.length;
        if (f.flags & END_STREAM) continue;
        if (window <= 0) blocked.set(f.stream, { window: 'stream', packet: f.packet, time: Number(f.time) });
        else if (connection <= 0) {
          blocked.set(f.stream, { window: 'connection', packet: f.packet, time: Number(f.time) });
        }
      }
    }
  }
  return stalls;
}

/** RFC 9113 §6.9.2: a new SETTINGS_INITIAL_WINDOW_SIZE shifts every open stream's window. */
function applyInitialWindow(f: TsharkFrame, initial: { value: number }, streams: Map<number, number>): void {
  for (const [id, value] of f.settings ?? []) {
    if (id !== SETTINGS_INITIAL_WINDOW_SIZE) continue;
    const delta = value - initial.value;
    initial.value = value;
    for (const [stream, window] of streams) streams.set(stream, window + delta);
  }
}
