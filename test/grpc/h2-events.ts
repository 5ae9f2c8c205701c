/**
 * Builders for the H2Event sequences the HTTP/2 layer emits (src/h2/types.ts), so tracker tests read like
 * the frame sequences of PROTOCOL-HTTP2.md's examples.
 */
import type { H2Event, HeaderField } from '../../src/h2/types.js';
import type { FrameRecord, Role } from '../../src/records/records.js';

let index = 0;

function frame(
  from: Role,
  type: string,
  stream: number,
  time: number,
  flags: string[],
  extra: Partial<FrameRecord> = {},
): FrameRecord {
  return {
    connection: 'c1',
    index: index++,
    time,
    packet: index,
    from,
    type,
    stream,
    length: 0,
    flags,
    flagBits: 0,
    ...extra,
  };
}

export function fields(pairs: Array<[string, string | Buffer]>): HeaderField[] {
  return pairs.map(([name, v]) => {
    const raw = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    return { name, value: typeof v === 'string' ? v : raw.toString('latin1'), raw };
  });
}

/** A complete header block in one HEADERS frame (END_HEADERS). */
export function headers(
  from: Role,
  stream: number,
  time: number,
  pairs: Array<[string, string | Buffer]>,
  endStream = false,
): H2Event {
  const flags = endStream ? ['END_STREAM', 'END_HEADERS'] : ['END_HEADERS'];
  return { kind: 'frame', frame: frame(from, 'HEADERS', stream, time, flags), fields: fields(pairs) };
}

/** HEADERS without END_HEADERS: the block continues in CONTINUATION frames. */
export function headersStart(from: Role, stream: number, time: number, endStream: boolean): H2Event {
  return { kind: 'frame', frame: frame(from, 'HEADERS', stream, time, endStream ? ['END_STREAM'] : []) };
}

export function continuation(
  from: Role,
  stream: number,
  time: number,
  pairs: Array<[string, string | Buffer]>,
): H2Event {
  return {
    kind: 'frame',
    frame: frame(from, 'CONTINUATION', stream, time, ['END_HEADERS']),
    fields: fields(pairs),
  };
}

/**
 * A header block the HTTP/2 layer could not fully decode (HPACK state lost): it sets headersError and
 * passes the fields it could still decode (src/h2/header-blocks.ts), often none.
 */
export function lostHeaders(
  from: Role,
  stream: number,
  time: number,
  endStream = false,
  partial: Array<[string, string | Buffer]> = [],
): H2Event {
  const flags = endStream ? ['END_STREAM', 'END_HEADERS'] : ['END_HEADERS'];
  const f = frame(from, 'HEADERS', stream, time, flags, { headersError: 'HPACK context lost' });
  return { kind: 'frame', frame: f, fields: fields(partial) };
}

export function data(from: Role, stream: number, time: number, bytes: Buffer, endStream = false): H2Event {
  const f = frame(from, 'DATA', stream, time, endStream ? ['END_STREAM'] : [], {
    length: bytes.length,
    dataLength: bytes.length,
  });
  return { kind: 'frame', frame: f, data: bytes };
}

export function rst(from: Role, stream: number, time: number, errorCode: string): H2Event {
  return { kind: 'frame', frame: frame(from, 'RST_STREAM', stream, time, [], { errorCode }) };
}

export function goaway(from: Role, time: number, lastStreamId: number, errorCode = 'NO_ERROR'): H2Event {
  return { kind: 'frame', frame: frame(from, 'GOAWAY', 0, time, [], { lastStreamId, errorCode }) };
}

/** Length-Prefixed-Message: Compressed-Flag, 4-byte big-endian Message-Length, Message. */
export function lpm(body: Buffer | string, flag = 0): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body.replace(/\s+/g, ''), 'hex') : body;
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(b.length, 1);
  return Buffer.concat([prefix, b]);
}

export const REQUEST = (
  path: string,
  extra: Array<[string, string | Buffer]> = [],
): Array<[string, string | Buffer]> => [
  [':method', 'POST'],
  [':scheme', 'http'],
  [':path', path],
  [':authority', 'localhost:50051'],
  ['content-type', 'application/grpc'],
  ['te', 'trailers'],
  ...extra,
];

export const RESPONSE: Array<[string, string]> = [
  [':status', '200'],
  ['content-type', 'application/grpc'],
];
