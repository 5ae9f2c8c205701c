/**
 * Synthetic captures for live, long-lived connections, built packet by packet (Ethernet, IPv4, TCP, HTTP/2
 * with real HPACK from hpack.js) and handed out as pcap chunks, so the memory they measure goes through the
 * whole real pipeline (capture reader, reassembly, sessions, HPACK, gRPC calls, analysis) without the
 * capture itself sitting in memory:
 *   - idleConnections(n): n connections that open (SYN, SYN-ACK, ACK), exchange the preface and SETTINGS
 *     both ways, and then stay silent: what an idle gRPC channel costs;
 *   - longConnection(seconds): one connection carrying a unary gRPC call every `callEvery` seconds and a
 *     keepalive PING every 30 s, for `seconds` of capture time (24 h is 86,400).
 * IPv4 checksums are left 0 (the decoder does not verify them, as checksum offload leaves them wrong).
 */
import hpack from 'hpack.js';
import { pcapHeader } from './pcap-file.js';

const LINKTYPE_ETHERNET = 1;
const SERVER_IP = 0x0a000001; // 10.0.0.1
const SERVER_PORT = 50051;
const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const T0 = 1_800_000_000;

const SYN = 0x02;
const ACK = 0x10;
const PSH_ACK = 0x18;

interface Endpoint {
  ip: number;
  port: number;
}

/** One pcap record: Ethernet + IPv4 (20 bytes) + TCP (20 bytes) + payload. */
function packet(
  time: number,
  src: Endpoint,
  dst: Endpoint,
  seq: number,
  ack: number,
  flags: number,
  payload: Buffer,
): Buffer {
  const len = 14 + 20 + 20 + payload.length;
  const b = Buffer.alloc(16 + len);
  const micros = Math.round(time * 1e6);
  b.writeUInt32LE(Math.floor(micros / 1e6), 0);
  b.writeUInt32LE(micros % 1e6, 4);
  b.writeUInt32LE(len, 8);
  b.writeUInt32LE(len, 12);
  const e = 16;
  b.writeUInt16BE(0x0800, e + 12);
  const ip = e + 14;
  b[ip] = 0x45;
  b.writeUInt16BE(20 + 20 + payload.length, ip + 2);
  b.writeUInt16BE(0x4000, ip + 6);
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  b.writeUInt32BE(src.ip >>> 0, ip + 12);
  b.writeUInt32BE(dst.ip >>> 0, ip + 16);
  const t = ip + 20;
  b.writeUInt16BE(src.port, t);
  b.writeUInt16BE(dst.port, t + 2);
  b.writeUInt32BE(seq >>> 0, t + 4);
  b.writeUInt32BE(ack >>> 0, t + 8);
  b[t + 12] = 5 << 4;
  b[t + 13] = flags;
  b.writeUInt16BE(65535, t + 14);
  payload.copy(b, t + 20);
  return b;
}

export function frame(
  type: number,
  flags: number,
  stream: number,
  payload: Buffer = Buffer.alloc(0),
): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream >>> 0, 5);
  return Buffer.concat([h, payload]);
}

const SETTINGS = (values: Array<[number, number]>): Buffer => {
  const p = Buffer.alloc(6 * values.length);
  values.forEach(([id, v], i) => {
    p.writeUInt16BE(id, 6 * i);
    p.writeUInt32BE(v, 6 * i + 2);
  });
  return frame(0x4, 0, 0, p);
};

/** A TCP connection seen from the capture: both sides' sequence numbers, packets in either direction. */
export class Conn {
  private seq: [number, number];

  constructor(
    private readonly client: Endpoint,
    private readonly server: Endpoint,
    isn: number,
  ) {
    this.seq = [isn, isn ^ 0x5a5a5a5a];
  }

  handshake(time: number): Buffer[] {
    const [c, s] = this.seq;
    const out = [
      packet(time, this.client, this.server, c, 0, SYN, Buffer.alloc(0)),
      packet(time, this.server, this.client, s, c + 1, SYN | ACK, Buffer.alloc(0)),
      packet(time, this.client, this.server, c + 1, s + 1, ACK, Buffer.alloc(0)),
    ];
    this.seq = [c + 1, s + 1];
    return out;
  }

  /** Payload from the client (fromClient) or the server, acknowledging everything the other side sent. */
  send(time: number, fromClient: boolean, payload: Buffer): Buffer {
    const [c, s] = this.seq;
    const p = fromClient
      ? packet(time, this.client, this.server, c, s, PSH_ACK, payload)
      : packet(time, this.server, this.client, s, c, PSH_ACK, payload);
    this.seq = fromClient ? [(c + payload.length) >>> 0, s] : [c, (s + payload.length) >>> 0];
    return p;
  }
}

/** Groups records into chunks of about 1 MiB (what the file reader hands the capture reader). */
function* chunked(records: Iterable<Buffer>): Generator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for (const r of records) {
    parts.push(r);
    size += r.length;
    if (size >= 1 << 20) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}

/** n connections from distinct client endpoints, 1 ms apart, each left open after its SETTINGS. */
export function* idleConnections(n: number): Generator<Buffer> {
  yield pcapHeader(LINKTYPE_ETHERNET);
  yield* chunked(idleRecords(n));
}

function* idleRecords(n: number): Generator<Buffer> {
  for (let i = 0; i < n; i++) yield* idleOpening(i, T0 + i / 1000).records;
}

/**
 * n idle connections (as idleConnections) in two phases, for what keepalive PINGs add to an idle
 * connection: `opening` opens them all, then `pinging` has each client send `pings` PINGs, 30 s apart,
 * each answered by its ACK 1 ms later (what a grpc-js keepalive does on an idle channel).
 */
export function idlePingPhases(
  n: number,
  pings: number,
): { opening: Generator<Buffer>; pinging: Generator<Buffer> } {
  const conns: Conn[] = [];
  function* openingRecords(): Generator<Buffer> {
    for (let i = 0; i < n; i++) {
      const o = idleOpening(i, T0 + i / 1000);
      conns.push(o.conn);
      yield* o.records;
    }
  }
  function* pingRecords(): Generator<Buffer> {
    for (let k = 0; k < pings; k++) {
      const base = T0 + n / 1000 + 30 * (k + 1);
      for (let i = 0; i < n; i++) {
        const conn = conns[i]!;
        const t = base + i / 1000;
        const opaque = Buffer.alloc(8);
        opaque.writeUInt32BE(k, 4);
        yield conn.send(t, true, frame(0x6, 0, 0, opaque));
        yield conn.send(t + 0.001, false, frame(0x6, 0x1, 0, opaque));
      }
    }
  }
  return {
    opening: (function* () {
      yield pcapHeader(LINKTYPE_ETHERNET);
      yield* chunked(openingRecords());
    })(),
    pinging: chunked(pingRecords()),
  };
}

/**
 * Idle connection number `i` (a client endpoint of its own) opening at `time`: handshake, preface and
 * SETTINGS both ways, as an idle gRPC channel does; its `conn` sends what follows (scripts/bench/live-idle.ts).
 */
export function idleOpening(i: number, time: number): { conn: Conn; records: Buffer[] } {
  const server = { ip: SERVER_IP, port: SERVER_PORT };
  const client = { ip: 0x0a010000 + Math.floor(i / 50_000), port: 10_000 + (i % 50_000) };
  const conn = new Conn(client, server, (i * 2_654_435_761) >>> 0);
  const records = conn.handshake(time);
  records.push(
    conn.send(
      time,
      true,
      Buffer.concat([
        CLIENT_PREFACE,
        SETTINGS([
          [0x2, 0],
          [0x4, 4_194_304],
        ]),
      ]),
    ),
    conn.send(
      time,
      false,
      SETTINGS([
        [0x3, 100],
        [0x6, 16_384],
      ]),
    ),
  );
  return { conn, records };
}

export interface LongConnectionOptions {
  /** Capture time covered, seconds. */
  seconds: number;
  /** Seconds between calls (default 2). */
  callEvery?: number;
  /** Called with the capture time reached, once per chunk (to sample memory along the way). */
  onChunk?: (time: number) => void;
}

/**
 * One connection that never ends: a unary call (request HEADERS + DATA, response HEADERS + DATA + trailers,
 * connection WINDOW_UPDATEs as grpc-js sends them) every `callEvery` seconds, a PING and its ACK every
 * 30 s. Headers are HPACK-encoded by one hpack.js compressor per side, so the dynamic tables are real.
 */
export function* longConnection(opts: LongConnectionOptions): Generator<{ chunk: Buffer; time: number }> {
  yield { chunk: pcapHeader(LINKTYPE_ETHERNET), time: T0 };
  let time = T0;
  for (const chunk of chunked(longRecords(opts, (t) => (time = t)))) yield { chunk, time };
}

function* longRecords(opts: LongConnectionOptions, at: (t: number) => void): Generator<Buffer> {
  const server = { ip: SERVER_IP, port: SERVER_PORT };
  const conn = new Conn({ ip: 0x0a010001, port: 40_000 }, server, 0xfffff000);
  const clientHpack = hpack.compressor.create({ table: { maxSize: 4096 } });
  const serverHpack = hpack.compressor.create({ table: { maxSize: 4096 } });
  const encode = (comp: typeof clientHpack, headers: Array<[string, string]>): Buffer => {
    comp.write(headers.map(([name, value]) => ({ name, value })));
    return comp.read() ?? Buffer.alloc(0);
  };
  yield* conn.handshake(T0);
  yield conn.send(
    T0,
    true,
    Buffer.concat([
      CLIENT_PREFACE,
      SETTINGS([
        [0x2, 0],
        [0x4, 4_194_304],
      ]),
    ]),
  );
  yield conn.send(
    T0,
    false,
    SETTINGS([
      [0x3, 100],
      [0x4, 4_194_304],
    ]),
  );
  yield conn.send(T0, true, frame(0x4, 0x1, 0));
  yield conn.send(T0, false, frame(0x4, 0x1, 0));
  const every = opts.callEvery ?? 2;
  let stream = 1;
  let nextPing = T0 + 30;
  let pings = 0;
  for (let t = T0 + 1; t < T0 + opts.seconds; t += every) {
    at(t);
    const path = `/bench.Svc/Method${stream % 7}`;
    const request = encode(clientHpack, [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', path],
      [':authority', 'bench:50051'],
      ['content-type', 'application/grpc'],
      ['te', 'trailers'],
      ['grpc-timeout', '5S'],
      ['x-request-id', `req-${stream}`],
    ]);
    const message = Buffer.from([0, 0, 0, 0, 6, 0x0a, 0x04, 0x70, 0x69, 0x6e, 0x67]);
    yield conn.send(
      t,
      true,
      Buffer.concat([frame(0x1, 0x4, stream, request), frame(0x0, 0x1, stream, message)]),
    );
    const ms = 0.002;
    const response = encode(serverHpack, [
      [':status', '200'],
      ['content-type', 'application/grpc'],
    ]);
    const trailers = encode(serverHpack, [
      ['grpc-status', '0'],
      ['grpc-message', ''],
    ]);
    const increment = Buffer.alloc(4);
    increment.writeUInt32BE(message.length);
    yield conn.send(
      t + ms,
      false,
      Buffer.concat([
        frame(0x8, 0, 0, increment),
        frame(0x1, 0x4, stream, response),
        frame(0x0, 0, stream, message),
        frame(0x1, 0x5, stream, trailers),
      ]),
    );
    yield conn.send(t + 2 * ms, true, frame(0x8, 0, 0, increment));
    stream += 2;
    if (t >= nextPing) {
      const opaque = Buffer.alloc(8);
      opaque.writeUInt32BE(pings++, 4);
      yield conn.send(t + 3 * ms, true, frame(0x6, 0, 0, opaque));
      yield conn.send(t + 4 * ms, false, frame(0x6, 0x1, 0, opaque));
      nextPing += 30;
    }
  }
}
