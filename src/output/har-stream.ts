/**
 * One HTTP/2 stream as HAR needs it: request and response header blocks, bodies (capped), and the times
 * of the events that HAR timings are made of (RFC 9113 §8.1: HEADERS, DATA*, optional trailing HEADERS).
 */
import type { H2Event } from '../h2/types.js';
import type { FrameRecord } from '../records/records.js';

/** Body bytes kept per direction; HAR viewers choke on huge entries, and the size is reported anyway. */
export const HAR_BODY_CAP = 1024 * 1024;

export interface BodyBuffer {
  chunks: Buffer[];
  kept: number;
  size: number;
}

export interface HarStream {
  connection: string;
  stream: number;
  requestHeaders: Array<[string, string]> | null;
  responseHeaders: Array<[string, string]> | null;
  trailers: Array<[string, string]>;
  request: BodyBuffer;
  response: BodyBuffer;
  start: number | null;
  requestEnd: number | null;
  firstResponse: number | null;
  last: number;
  responseEnded: boolean;
  reset: string | null;
  /** Frame records, kept until the connection ends when a filter must look at them. */
  frames: FrameRecord[];
}

export function newHarStream(connection: string, stream: number, time: number): HarStream {
  const body = (): BodyBuffer => ({ chunks: [], kept: 0, size: 0 });
  return {
    connection,
    stream,
    requestHeaders: null,
    responseHeaders: null,
    trailers: [],
    request: body(),
    response: body(),
    start: null,
    requestEnd: null,
    firstResponse: null,
    last: time,
    responseEnded: false,
    reset: null,
    frames: [],
  };
}

export function applyFrame(s: HarStream, f: FrameRecord, ev: Extract<H2Event, { kind: 'frame' }>): void {
  s.last = f.time;
  const client = f.from === 'client';
  if (ev.fields && (f.type === 'HEADERS' || f.type === 'CONTINUATION')) headerBlock(s, f, client);
  if (f.type === 'DATA' && ev.data) {
    if (!client && s.firstResponse === null) s.firstResponse = f.time;
    append(client ? s.request : s.response, ev.data);
  }
  if (f.type === 'RST_STREAM') s.reset = f.errorCode ?? 'UNKNOWN';
  if (f.flags.includes('END_STREAM')) {
    if (client) s.requestEnd = f.time;
    else s.responseEnded = true;
  }
}

function headerBlock(s: HarStream, f: FrameRecord, client: boolean): void {
  const headers = f.headers ?? [];
  if (client) {
    if (s.requestHeaders === null) {
      s.requestHeaders = headers;
      s.start = f.time;
    } else s.trailers.push(...headers);
    return;
  }
  if (s.firstResponse === null) s.firstResponse = f.time;
  const status = headers.find(([n]) => n === ':status')?.[1];
  // RFC 9113 §8.1: 1xx informational responses precede the final one.
  if (status !== undefined && /^1\d\d$/.test(status)) return;
  if (s.responseHeaders === null) s.responseHeaders = headers;
  else s.trailers.push(...headers);
}

function append(b: BodyBuffer, data: Buffer): void {
  b.size += data.length;
  const room = HAR_BODY_CAP - b.kept;
  if (room <= 0) return;
  const part = data.length > room ? data.subarray(0, room) : data;
  b.chunks.push(Buffer.from(part)); // a copy: the frame's buffer may be a view of a large capture chunk
  b.kept += part.length;
}
