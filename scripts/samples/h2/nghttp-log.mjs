// Parses the `-v` output of nghttp (client) and nghttpd (server) into frames and header lists per connection.
// This is the implementations' own account of what went over the wire: meta.json `expect` is built from it,
// so sample tests do not depend on tshark (which is wrong in places, e.g. after a table size update).
import { createHash } from 'node:crypto';

// RFC 9113 §6 frame type codes, by the names nghttp2 prints.
const FRAME_TYPE = {
  DATA: 0,
  HEADERS: 1,
  PRIORITY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PUSH_PROMISE: 5,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
};
const FLAG_PADDED = 0x8;

// "[id=1] [  0.510] recv HEADERS frame <length=59, flags=0x2d, stream_id=13>" (nghttpd adds "[id=N] ").
const LINE = /^(?:\[id=(\d+)\] )?\[\s*[\d.]+\] (.*)$/;
const FRAME = /^(send|recv) (\w+) frame <length=(\d+), flags=0x([0-9a-f]+), stream_id=(\d+)>$/;
const RECV_HEADER = /^recv \(stream_id=(\d+)\) (.*)$/;
const DETAIL = /^ {10}(.*)$/;

/**
 * @param {string} text  the verbose log
 * @param {'client'|'server'} perspective  whose log it is: "send" lines are that side's frames
 * @returns {Map<number, {frames: object[]}>} connections by nghttpd's id (1 for an nghttp log)
 */
export function parseNghttpLog(text, perspective) {
  const connections = new Map();
  const peer = perspective === 'client' ? 'server' : 'client';
  let current = null;
  let pendingHeaders = new Map();
  for (const raw of text.split('\n')) {
    const detail = DETAIL.exec(raw);
    if (detail && current !== null) {
      addDetail(current, detail[1]);
      continue;
    }
    const line = LINE.exec(raw);
    if (!line) continue;
    const id = line[1] === undefined ? 1 : Number(line[1]);
    if (!connections.has(id)) connections.set(id, { frames: [] });
    const conn = connections.get(id);
    const recvHeader = RECV_HEADER.exec(line[2]);
    if (recvHeader) {
      const key = `${id}/${recvHeader[1]}`;
      pendingHeaders.set(key, [...(pendingHeaders.get(key) ?? []), splitHeader(recvHeader[2])]);
      current = null;
      continue;
    }
    const frame = FRAME.exec(line[2]);
    if (!frame) {
      current = null;
      continue;
    }
    current = makeFrame(frame, frame[1] === 'send' ? perspective : peer);
    if (frame[1] === 'recv' && (current.name === 'HEADERS' || current.name === 'PUSH_PROMISE')) {
      const key = `${id}/${current.stream}`;
      current.headers = pendingHeaders.get(key) ?? [];
      pendingHeaders.delete(key);
    }
    conn.frames.push(current);
  }
  for (const conn of connections.values()) conn.frames.forEach(finishFrame);
  return connections;
}

function makeFrame(match, from) {
  const name = match[2];
  const frame = { from, type: FRAME_TYPE[name] ?? null, name, length: Number(match[3]) };
  frame.flags = parseInt(match[4], 16);
  frame.stream = Number(match[5]);
  if (name === 'HEADERS' || name === 'PUSH_PROMISE') frame.headers = [];
  return frame;
}

// Detail lines: "; END_STREAM", "(padlen=8, dep_stream_id=11, ...)", "[SETTINGS_X(0x03):100]", or a header.
function addDetail(frame, text) {
  if (text.startsWith(';')) return;
  if (text.startsWith('(')) {
    frame.params = { ...frame.params, ...parseParams(text) };
    return;
  }
  const setting = /^\[(\w+)\(0x([0-9a-f]+)\):(\d+)\]$/.exec(text);
  if (setting) {
    frame.settings = [...(frame.settings ?? []), [parseInt(setting[2], 16), Number(setting[3])]];
    return;
  }
  if (frame.headers !== undefined) frame.headers.push(splitHeader(text));
}

function parseParams(text) {
  const params = {};
  for (const part of text.slice(1, -1).split(', ')) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return params;
}

/** "name: value", where a pseudo-header name starts with ':'. */
export function splitHeader(text) {
  const colon = text.indexOf(':', text.startsWith(':') ? 1 : 0);
  if (colon < 0) return [text, ''];
  return [text.slice(0, colon), text.slice(colon + 2)];
}

// Turns nghttp2's printed parameters into RFC 9113 field values.
function finishFrame(frame) {
  const p = frame.params ?? {};
  delete frame.params;
  // nghttp2's "padlen" counts the Pad Length octet itself; RFC 9113 §6.1 Pad Length does not.
  if (frame.flags & FLAG_PADDED && (frame.name === 'DATA' || frame.name === 'HEADERS')) {
    frame.padLength = Number(p.padlen) - 1;
  }
  if (frame.name === 'WINDOW_UPDATE') frame.increment = Number(p.window_size_increment);
  if (frame.name === 'GOAWAY') {
    frame.lastStreamId = Number(p.last_stream_id);
    frame.errorCode = errorCode(p.error_code);
  }
  if (frame.name === 'RST_STREAM') frame.errorCode = errorCode(p.error_code);
  if (frame.name === 'SETTINGS' && frame.settings === undefined) frame.settings = [];
}

// "NO_ERROR(0x00)" -> 0
function errorCode(text) {
  const m = /\(0x([0-9a-f]+)\)/.exec(text ?? '');
  return m ? parseInt(m[1], 16) : null;
}

/** Header value lookup in a list of pairs. */
export function headerValue(headers, name) {
  return headers.find(([n]) => n === name)?.[1];
}

/** Description of a body for meta.json: length, sha256 and, when short UTF-8 text, the text. */
export function describeBody(bytes) {
  const body = { length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  const text = bytes.toString('utf8');
  if (bytes.length <= 512 && Buffer.from(text, 'utf8').equals(bytes)) body.text = text;
  return body;
}

/**
 * Per-stream summary of one connection's frames: request and response headers, trailers and DATA byte
 * counts (padding excluded), so a test can assert decoded exchanges without replaying the frames.
 */
export function summarizeStreams(frames) {
  const streams = new Map();
  const get = (id) => {
    if (!streams.has(id)) streams.set(id, { id, request: newHalf(), response: newHalf() });
    return streams.get(id);
  };
  for (const f of frames) {
    if (f.stream === 0 || (f.name !== 'HEADERS' && f.name !== 'DATA')) continue;
    const half = get(f.stream)[f.from === 'client' ? 'request' : 'response'];
    if (f.name === 'DATA') half.dataLength += f.length - (f.padLength === undefined ? 0 : f.padLength + 1);
    else if (half.headers === null) half.headers = f.headers;
    else half.trailers = f.headers;
    if (f.flags & 0x1) half.endStream = true;
  }
  return [...streams.values()];
}

function newHalf() {
  return { headers: null, trailers: null, dataLength: 0, endStream: false };
}

/** The compact per-direction frame list stored in meta.json (headers live in the stream summary). */
export function framesByDirection(frames) {
  const strip = ({ from: _from, headers: _headers, ...rest }) => rest;
  return {
    client: frames.filter((f) => f.from === 'client').map(strip),
    server: frames.filter((f) => f.from === 'server').map(strip),
  };
}
