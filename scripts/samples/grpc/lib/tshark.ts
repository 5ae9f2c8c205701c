// tshark's view of a capture: every HTTP/2 frame in tshark's order (packet order, then order within the
// packet) and every gRPC message its gRPC dissector found. Used to verify the samples, never by src/.
import { execFileSync } from 'node:child_process';

export interface TsharkFrame {
  packet: number;
  /** frame.time_epoch as tshark prints it. */
  time: string;
  src: string;
  dst: string;
  tcpStream: number;
  stream: number;
  type: number;
  flags: number;
  length: number;
  /** [name, value] in order, or null when tshark decoded none (or the frame carries no header block). */
  headers: [string, string][] | null;
  /** DATA payload, padding excluded. */
  data?: Buffer;
  /** RST_STREAM and GOAWAY. */
  errorCode?: number;
  lastStreamId?: number;
  /** GOAWAY additional debug data. */
  debugData?: Buffer;
  windowIncrement?: number;
  /** SETTINGS identifier -> value, in order. */
  settings?: [number, number][];
}

export interface TsharkGrpcMessage {
  packet: number;
  length: number;
  compressed: boolean;
}

export interface TcpSide {
  packets: number;
  /** Sum of tcp.len: payload bytes including retransmissions. */
  payloadBytes: number;
  /** Up to 64 bytes of the first payload, hex. */
  firstPayload?: string;
  syn: number;
  fin: number;
  rst: number;
}

export interface TcpStreamInfo {
  /** The first packet's source: the side that sent the SYN (captures here always start before it). */
  client: string;
  server: string;
  sides: Record<'client' | 'server', TcpSide>;
}

export interface TsharkView {
  version: string;
  command: string;
  frames: TsharkFrame[];
  grpc: TsharkGrpcMessage[];
  tcpStreams: Map<number, TcpStreamInfo>;
}

type Tree = Record<string, unknown>;

export function runTshark(pcap: string, ports: number[]): TsharkView {
  const args = ['-r', pcap, '-o', 'tcp.desegment_tcp_streams:TRUE'];
  for (const port of ports) args.push('-d', `tcp.port==${port},http2`);
  args.push('-T', 'json', '--no-duplicate-keys');
  // tshark 4.0 has no http2.decompress_body preference: gRPC compression is per message anyway.
  const out = execFileSync('tshark', args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const packets = JSON.parse(out.toString('utf8')) as { _source: { layers: Tree } }[];
  const view: TsharkView = {
    version: tsharkVersion(),
    command: `tshark ${args.join(' ')}`,
    frames: [],
    grpc: [],
    tcpStreams: new Map(),
  };
  for (const packet of packets) addPacket(view, packet._source.layers);
  return view;
}

function tsharkVersion(): string {
  const out = execFileSync('tshark', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  return /TShark \(Wireshark\) (\S+?)[\s.]*\(/.exec(out)?.[1] ?? out.split('\n')[0] ?? 'unknown';
}

function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function str(tree: Tree, key: string): string | undefined {
  const value = tree[key];
  return typeof value === 'string' ? value : undefined;
}

function num(tree: Tree, key: string): number | undefined {
  const value = str(tree, key);
  return value === undefined ? undefined : Number(value);
}

/** tshark prints FT_BYTES as colon-separated hex ("" for none). */
function bytes(tree: Tree, key: string): Buffer | undefined {
  const value = str(tree, key);
  return value === undefined ? undefined : Buffer.from(value.replaceAll(':', ''), 'hex');
}

function addPacket(view: TsharkView, layers: Tree): void {
  const frame = layers.frame as Tree;
  const tcp = layers.tcp as Tree | undefined;
  if (!tcp) return;
  const ip = (layers.ip ?? layers.ipv6) as Tree;
  const [srcKey, dstKey] = layers.ip ? ['ip.src', 'ip.dst'] : ['ipv6.src', 'ipv6.dst'];
  const src = `${str(ip, srcKey)}:${str(tcp, 'tcp.srcport')}`;
  const dst = `${str(ip, dstKey)}:${str(tcp, 'tcp.dstport')}`;
  const tcpStream = num(tcp, 'tcp.stream') ?? -1;
  addSegment(view, tcpStream, src, dst, tcp);
  const packet = num(frame, 'frame.number') ?? 0;
  const time = str(frame, 'frame.time_epoch') ?? '';
  for (const layer of list(layers.http2 as Tree | Tree[] | undefined)) {
    for (const stream of list(layer['http2.stream'] as Tree | Tree[] | undefined)) {
      if (str(stream, 'http2.type') === undefined) continue; // the connection preface
      view.frames.push({ packet, time, src, dst, tcpStream, ...decodeFrame(stream) });
    }
  }
  for (const grpc of list(layers.grpc as Tree | Tree[] | undefined)) {
    const length = num(grpc, 'grpc.message_length');
    if (length === undefined) continue;
    view.grpc.push({ packet, length, compressed: str(grpc, 'grpc.compressed_flag') === '1' });
  }
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;

function emptySide(): TcpSide {
  return { packets: 0, payloadBytes: 0, syn: 0, fin: 0, rst: 0 };
}

function addSegment(view: TsharkView, tcpStream: number, src: string, dst: string, tcp: Tree): void {
  let info = view.tcpStreams.get(tcpStream);
  if (!info) {
    info = { client: src, server: dst, sides: { client: emptySide(), server: emptySide() } };
    view.tcpStreams.set(tcpStream, info);
  }
  const side = info.sides[src === info.client ? 'client' : 'server'];
  const flags = Number.parseInt(str(tcp, 'tcp.flags') ?? '0', 16);
  side.packets++;
  side.payloadBytes += num(tcp, 'tcp.len') ?? 0;
  if (side.firstPayload === undefined) {
    const payload = bytes(tcp, 'tcp.payload');
    if (payload && payload.length > 0) side.firstPayload = payload.subarray(0, 64).toString('hex');
  }
  if (flags & SYN) side.syn++;
  if (flags & FIN) side.fin++;
  if (flags & RST) side.rst++;
}

type FrameFields = Omit<TsharkFrame, 'packet' | 'time' | 'src' | 'dst' | 'tcpStream'>;

function decodeFrame(tree: Tree): FrameFields {
  const frame: FrameFields = {
    stream: num(tree, 'http2.streamid') ?? -1,
    type: num(tree, 'http2.type') ?? -1,
    flags: Number.parseInt(str(tree, 'http2.flags') ?? '0', 16),
    length: num(tree, 'http2.length') ?? -1,
    headers: null,
  };
  const fields = list(tree['http2.header'] as Tree | Tree[] | undefined);
  if (fields.length > 0) {
    frame.headers = fields.map((f) => [str(f, 'http2.header.name') ?? '', str(f, 'http2.header.value') ?? '']);
  }
  const data = bytes(tree, 'http2.data.data');
  if (data) frame.data = data;
  const errorCode = num(tree, 'http2.rst_stream.error') ?? num(tree, 'http2.goaway.error');
  if (errorCode !== undefined) frame.errorCode = errorCode;
  const lastStreamId = num(tree, 'http2.goaway.last_stream_id');
  if (lastStreamId !== undefined) frame.lastStreamId = lastStreamId;
  const debugData = bytes(tree, 'http2.goaway.addata');
  if (debugData) frame.debugData = debugData;
  const increment = num(tree, 'http2.window_update.window_size_increment');
  if (increment !== undefined) frame.windowIncrement = increment;
  const settings = list(tree['http2.settings'] as Tree | Tree[] | undefined);
  if (settings.length > 0) frame.settings = settings.map((s) => [num(s, 'http2.settings.id') ?? -1, settingValue(s)]);
  return frame;
}

function settingValue(setting: Tree): number {
  for (const [key, value] of Object.entries(setting)) {
    if (key !== 'http2.settings.id' && typeof value === 'string') return Number(value);
  }
  return -1;
}
