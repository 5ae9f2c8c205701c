/**
 * One HAR 1.2 entry from an HTTP/2 stream (har-stream.ts) and, for gRPC, its call record. Timings
 * (HAR 1.2 "timings"): send = request HEADERS to the client's END_STREAM, wait = then to the first
 * response frame, receive = then to the last frame of the stream, all from capture times.
 */
import { splitEndpoint } from '../filter/endpoint.js';
import { isoDateTime } from '../records/time-text.js';
import type { CallRecord } from '../records/call.js';
import type { ConnectionRecord } from '../records/records.js';
import type { HarBody, HarEntry, HarHeader } from './har-types.js';
import type { BodyBuffer, HarStream } from './har-stream.js';

type Headers = ReadonlyArray<[string, string]> | null;

export function buildEntry(s: HarStream, call: CallRecord | null, conn: ConnectionRecord): HarEntry | null {
  const req = s.requestHeaders ?? (call && call.requestHeaders.length > 0 ? call.requestHeaders : null);
  if (req === null && call === null) return null;
  const resp = s.responseHeaders ?? (call && call.responseHeaders.length > 0 ? call.responseHeaders : null);
  const start = s.start ?? call?.start ?? s.last;
  const timings = harTimings(s, start);
  const entry: HarEntry = {
    startedDateTime: isoDateTime(start),
    time: round(timings.send + timings.wait + timings.receive),
    request: harRequest(s, req, call, conn),
    response: harResponse(s, resp, call),
    cache: {},
    timings,
    connection: conn.id,
    _stream: s.stream,
  };
  const ip = splitEndpoint(conn.server)?.ip;
  if (ip) entry.serverIPAddress = ip;
  const notes = [
    s.reset ? `RST_STREAM ${s.reset}` : '',
    s.responseEnded || s.reset ? '' : 'response incomplete',
  ];
  const comment = notes.filter(Boolean).join('; ');
  if (comment) entry.comment = comment;
  if (call) entry._grpc = grpcFields(call);
  return entry;
}

function harRequest(
  s: HarStream,
  req: Headers,
  call: CallRecord | null,
  conn: ConnectionRecord,
): HarEntry['request'] {
  const scheme = header(req, ':scheme') ?? (conn.protocol === 'h2' ? 'https' : 'http');
  const authority = header(req, ':authority') ?? header(req, 'host') ?? conn.server;
  const url = `${scheme}://${authority}${header(req, ':path') ?? call?.method ?? '/'}`;
  const request: HarEntry['request'] = {
    method: header(req, ':method') ?? 'POST',
    url,
    httpVersion: 'HTTP/2',
    cookies: [],
    headers: pairs(req ?? []),
    queryString: queryString(url),
    headersSize: -1,
    bodySize: s.request.size,
  };
  if (s.request.size > 0) request.postData = body(s.request, header(req, 'content-type'));
  return request;
}

function harResponse(s: HarStream, resp: Headers, call: CallRecord | null): HarEntry['response'] {
  const response: HarEntry['response'] = {
    status: Number(header(resp, ':status') ?? 0) || 0,
    statusText: '',
    httpVersion: 'HTTP/2',
    cookies: [],
    headers: pairs(resp ?? []),
    content: { size: s.response.size, ...body(s.response, header(resp, 'content-type')) },
    redirectURL: '',
    headersSize: -1,
    bodySize: s.response.size,
  };
  if (s.response.kept < s.response.size)
    response.content.comment = `first ${s.response.kept} of ${s.response.size} bytes`;
  // Without frames of the stream (it began before the capture), the call record has the trailers.
  const framesSeen = s.requestHeaders !== null || s.responseHeaders !== null;
  const trailers = framesSeen || call?.trailersOnly ? s.trailers : (call?.trailers ?? []);
  if (trailers.length > 0) response._trailers = pairs(trailers);
  return response;
}

function harTimings(s: HarStream, start: number): HarEntry['timings'] {
  const reqEnd = s.requestEnd ?? start;
  const first = s.firstResponse;
  // Bidirectional streams answer before the request ends: no negative phases.
  const wait = first === null ? 0 : Math.max(0, (first - reqEnd) * 1000);
  const receive = first === null ? 0 : Math.max(0, (s.last - Math.max(first, reqEnd)) * 1000);
  const send = Math.max(0, (reqEnd - start) * 1000);
  return {
    blocked: -1,
    dns: -1,
    connect: -1,
    ssl: -1,
    send: round(send),
    wait: round(wait),
    receive: round(receive),
  };
}

function header(list: Headers, name: string): string | undefined {
  return list?.find(([n]) => n === name)?.[1];
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function pairs(list: ReadonlyArray<[string, string]>): HarHeader[] {
  return list.map(([name, value]) => ({ name, value }));
}

function queryString(url: string): HarHeader[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

const TEXTUAL =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|grpc-web-text|[\w.+-]*\+(json|xml)))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function body(b: BodyBuffer, contentType: string | undefined): HarBody {
  const mimeType = contentType ?? 'application/octet-stream';
  if (b.size === 0) return { mimeType };
  const bytes = Buffer.concat(b.chunks);
  if (TEXTUAL.test(mimeType)) {
    try {
      return { mimeType, text: utf8.decode(bytes) };
    } catch {
      // not UTF-8 after all: base64 below
    }
  }
  return { mimeType, text: bytes.toString('base64'), encoding: 'base64' };
}

function grpcFields(c: CallRecord): Record<string, unknown> {
  return {
    method: c.method,
    status: c.status,
    statusName: c.statusName,
    message: c.message,
    outcome: c.outcome,
    kind: c.kind,
    durationMs: c.durationMs,
    requests: c.requests.map((m) => m.decoded),
    responses: c.responses.map((m) => m.decoded),
    ...(c.statusDetails ? { statusDetails: c.statusDetails } : {}),
    ...(c.reset ? { reset: c.reset } : {}),
    ...(c.guessed ? { guessed: true } : {}),
  };
}
