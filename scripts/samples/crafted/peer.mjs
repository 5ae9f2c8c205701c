// A deliberately misbehaving HTTP/2 server for the crafted samples (issue 4): node:net, frames built by
// hand (RFC 9113 §4.1 frame layout), header blocks as HPACK literals without Huffman (RFC 7541 §6.2.2).
// Well-behaved implementations never produce these frames; real clients (grpc-js, nghttp) talk to it.
import net from 'node:net';

export const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'; // RFC 9113 §3.4
export const T = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 };
export const F = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 };
export const E = { NO_ERROR: 0, INTERNAL_ERROR: 2, FLOW_CONTROL_ERROR: 3, REFUSED_STREAM: 7, COMPRESSION_ERROR: 9, ENHANCE_YOUR_CALM: 11 }; // RFC 9113 §7

/** RFC 9113 §4.1: 24-bit length, 8-bit type, 8-bit flags, reserved bit + 31-bit stream id. */
export function frame(type, flags, stream, payload = Buffer.alloc(0)) {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([h, payload]);
}

/** RFC 7541 §6.2.2 literal without indexing, new name, lengths below 127, no Huffman. */
function literal(name, value) {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  return Buffer.concat([Buffer.from([0x00, n.length]), n, Buffer.from([v.length]), v]);
}

/** ":status 200" is static table entry 8 (RFC 7541 Appendix A), then literals. */
export function headerBlock(fields, status200 = true) {
  const parts = status200 ? [Buffer.from([0x88])] : [];
  for (const [k, v] of fields) parts.push(literal(k, v));
  return Buffer.concat(parts);
}

export function goaway(lastStreamId, errorCode, debug = '') {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  p.writeUInt32BE(errorCode, 4);
  return frame(T.GOAWAY, 0, 0, Buffer.concat([p, Buffer.from(debug)]));
}

/** A gRPC OK answer: response HEADERS, one empty length-prefixed message, trailers (gRPC PROTOCOL-HTTP2). */
export function grpcOk(stream) {
  return Buffer.concat([
    frame(T.HEADERS, F.END_HEADERS, stream, headerBlock([['content-type', 'application/grpc']])),
    frame(T.DATA, 0, stream, Buffer.alloc(5)),
    frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, stream, headerBlock([['grpc-status', '0']], false)),
  ]);
}

/**
 * Listens on 127.0.0.1:port. For each connection: sends its SETTINGS (empty) at once, reads the client
 * preface and frames, ACKs the client's SETTINGS and PINGs unless told not to, and calls
 * handler.onFrame(conn, {type, flags, stream, payload}) for every client frame.
 */
export function craftedServer(port, handler, { ackSettings = true, ackPings = true } = {}) {
  const sockets = new Set();
  let connections = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const conn = { index: connections++, socket, send: (b) => socket.writable && socket.write(b), state: {} };
    socket.write(frame(T.SETTINGS, 0, 0));
    let buf = Buffer.alloc(0);
    let prefaceSeen = false;
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!prefaceSeen) {
        if (buf.length < PREFACE.length) return;
        prefaceSeen = true;
        buf = buf.subarray(PREFACE.length);
      }
      while (buf.length >= 9) {
        const length = buf.readUIntBE(0, 3);
        if (buf.length < 9 + length) break;
        const f = { type: buf[3], flags: buf[4], stream: buf.readUInt32BE(5) & 0x7fffffff };
        f.payload = buf.subarray(9, 9 + length);
        buf = buf.subarray(9 + length);
        if (f.type === T.SETTINGS && !(f.flags & F.ACK) && ackSettings) conn.send(frame(T.SETTINGS, F.ACK, 0));
        if (f.type === T.PING && !(f.flags & F.ACK) && ackPings) conn.send(frame(T.PING, F.ACK, 0, f.payload));
        handler.onFrame?.(conn, f);
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () =>
      resolve({
        connections: () => connections,
        stop: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
