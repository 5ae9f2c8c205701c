// A deliberately abusive HTTP/2 client for the abuse samples (issue 16 item 2): node:net, frames built by
// hand (scripts/samples/crafted/peer.mjs), against real servers on loopback. Every pattern is bounded (a
// fixed number of frames, then a clean close) and records what the server answered, frame by frame: that
// log is the truth meta.json states.
import net from 'node:net';
import { F, PREFACE, T, frame, sleep } from '../crafted/peer.mjs';

export const CANCEL = 0x8; // RFC 9113 §7
const NAMES = { 0: 'DATA', 1: 'HEADERS', 3: 'RST_STREAM', 4: 'SETTINGS', 6: 'PING', 7: 'GOAWAY', 8: 'WINDOW_UPDATE', 9: 'CONTINUATION' };
const ERRORS = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];

/** RFC 7541 §6.2.2 literal without indexing, new name; lengths below 127, no Huffman. */
export function literal(name, value) {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  return Buffer.concat([Buffer.from([0x00, n.length]), n, Buffer.from([v.length]), v]);
}

/** GET / on http://127.0.0.1:port, from the static table (RFC 7541 Appendix A: 2 GET, 4 /, 6 http). */
export function getRequest(port, extra = []) {
  return Buffer.concat([Buffer.from([0x82, 0x84, 0x86]), literal(':authority', `127.0.0.1:${port}`), ...extra]);
}

/** A gRPC unary request's HEADERS block (PROTOCOL-HTTP2.md), literal fields only. */
export function grpcRequest(port, path) {
  return Buffer.concat([
    Buffer.from([0x83, 0x86]), // :method POST, :scheme http
    literal(':path', path),
    literal(':authority', `127.0.0.1:${port}`),
    literal('content-type', 'application/grpc'),
    literal('te', 'trailers'),
  ]);
}

export function rstStream(stream, code) {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(code, 0);
  return frame(T.RST_STREAM, 0, stream, p);
}

export function ping(n) {
  const p = Buffer.alloc(8);
  p.writeBigUInt64BE(BigInt(n), 0);
  return frame(T.PING, 0, 0, p);
}

/**
 * Connects, sends the preface and an empty SETTINGS, ACKs the server's SETTINGS (and, unless told not to,
 * its PINGs) and logs every server frame. `run(session)` drives the pattern; the socket is closed after it.
 */
export async function withSession(port, run, { ackPings = true } = {}) {
  const socket = net.createConnection({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const log = [];
  const session = {
    socket,
    log,
    closed: false,
    goaway: null,
    send: (b) => (socket.writable ? socket.write(b) : false),
    /** Resolves when the kernel took everything written so far (or the socket closed). */
    drain: () =>
      socket.writableLength === 0 || !socket.writable
        ? Promise.resolve()
        : new Promise((resolve) => {
            socket.once('drain', resolve);
            socket.once('close', resolve);
          }),
  };
  let buf = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('close', () => (session.closed = true));
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 9) {
      const length = buf.readUIntBE(0, 3);
      if (buf.length < 9 + length) break;
      const type = buf[3];
      const flags = buf[4];
      const stream = buf.readUInt32BE(5) & 0x7fffffff;
      const payload = buf.subarray(9, 9 + length);
      buf = buf.subarray(9 + length);
      const entry = { type: NAMES[type] ?? `0x${type.toString(16)}`, flags, stream, length };
      if (type === T.GOAWAY) {
        entry.lastStreamId = payload.readUInt32BE(0) & 0x7fffffff;
        entry.errorCode = ERRORS[payload.readUInt32BE(4)] ?? payload.readUInt32BE(4);
        entry.debug = payload.subarray(8).toString('latin1');
        session.goaway ??= entry;
      }
      if (type === T.RST_STREAM) entry.errorCode = ERRORS[payload.readUInt32BE(0)] ?? payload.readUInt32BE(0);
      log.push(entry);
      if (type === T.SETTINGS && !(flags & F.ACK)) session.send(frame(T.SETTINGS, F.ACK, 0));
      if (type === T.PING && !(flags & F.ACK) && ackPings) session.send(frame(T.PING, F.ACK, 0, payload));
    }
  });
  session.send(Buffer.concat([Buffer.from(PREFACE), frame(T.SETTINGS, 0, 0)]));
  await sleep(50);
  try {
    await run(session);
  } finally {
    await sleep(200);
    socket.end();
    await sleep(100);
    socket.destroy();
  }
  return session;
}

/** What the server sent, counted by frame type, with its GOAWAY (meta.json `expect.server`). */
export function serverSummary(session) {
  const frames = {};
  for (const f of session.log) frames[f.type] = (frames[f.type] ?? 0) + 1;
  const rst = {};
  for (const f of session.log.filter((x) => x.type === 'RST_STREAM')) rst[f.errorCode] = (rst[f.errorCode] ?? 0) + 1;
  const g = session.goaway;
  return {
    frames,
    ...(Object.keys(rst).length > 0 ? { rstStreamCodes: rst } : {}),
    goaway: g === null ? null : { lastStreamId: g.lastStreamId, errorCode: g.errorCode, debug: g.debug },
  };
}

export { F, T, frame, sleep };
