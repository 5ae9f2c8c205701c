/**
 * gRPC-Web over HTTP/1.1 (grpc/grpc doc/PROTOCOL-WEB.md): a request with content-type application/grpc-web
 * (+proto, -text) and its response are one call, whatever the transport. HTTP/1.1 carries what HTTP/2 does
 * in HEADERS and DATA: the request and response heads (with :method, :path, :authority and :status as
 * RFC 9113 §8.3 maps them), and bodies holding the Length-Prefixed-Messages and the trailers frame (0x80),
 * base64 for -text. So each exchange goes through the same GrpcCallTracker as an HTTP/2 stream, as the
 * header lists and bodies it would have had: numbered 1, 3, 5, ... in request order (responses come in
 * the same order, RFC 9112 §9.3.2). These are the tracker's inputs only, never shown as frames.
 */
import type { HeaderField } from '../h2/types.js';
import type { GrpcEvent } from '../records/call.js';
import type { FrameRecord } from '../records/records.js';
import type { Http1MessageEvent } from '../session/events.js';
import type { Http1Head } from '../session/http1.js';
import type { GrpcCallTracker } from './call-tracker.js';

/** Connection-specific fields that HTTP/2 does not carry (RFC 9113 §8.2.2), and Host (:authority). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export class GrpcWebH1Exchanges {
  private requests = 0;
  private responses = 0;

  constructor(
    private readonly connection: string,
    private readonly tracker: () => GrpcCallTracker,
  ) {}

  push(ev: Http1MessageEvent): GrpcEvent[] {
    const { message } = ev;
    const request = message.head.kind === 'request';
    const stream = 2 * (request ? this.requests++ : this.responses++) + 1;
    // Only bodies of gRPC-Web messages are kept (session/connection-session.ts): others are not calls.
    if (message.body === null) return [];
    const from = request ? 'client' : 'server';
    const fields = request ? requestFields(message.head) : responseFields(message.head);
    const empty = message.bodyBytes === 0;
    const headers = this.frame(
      from,
      stream,
      'HEADERS',
      message.start,
      message.packetIndex,
      empty && message.complete,
    );
    const tracker = this.tracker();
    const out = [...tracker.push({ kind: 'frame', frame: headers, fields })];
    if (!empty || !message.complete) {
      const data = this.frame(from, stream, 'DATA', message.time, message.packetIndex, message.complete);
      out.push(...tracker.push({ kind: 'frame', frame: data, data: message.body }));
    }
    for (const e of out) if (e.kind === 'call') e.call.transport = 'http/1.1';
    return out;
  }

  private frame(
    from: 'client' | 'server',
    stream: number,
    type: 'HEADERS' | 'DATA',
    time: number,
    packet: number,
    endStream: boolean,
  ): FrameRecord {
    const flags = type === 'HEADERS' ? ['END_HEADERS'] : [];
    if (endStream) flags.push('END_STREAM');
    const flagBits = (type === 'HEADERS' ? 0x4 : 0) | (endStream ? 0x1 : 0);
    return {
      connection: this.connection,
      index: -1,
      time,
      packet,
      from,
      type,
      stream,
      length: 0,
      flags,
      flagBits,
    };
  }
}

function field(name: string, value: string): HeaderField {
  return { name, value, raw: Buffer.from(value, 'latin1') };
}

function rest(head: Http1Head): HeaderField[] {
  return head.headers.filter(([n]) => !HOP_BY_HOP.has(n)).map(([n, v]) => field(n, v));
}

function requestFields(head: Http1Head): HeaderField[] {
  const host = head.headers.find(([n]) => n === 'host')?.[1] ?? '';
  return [
    field(':method', head.method ?? ''),
    field(':scheme', 'http'),
    field(':path', head.target ?? ''),
    field(':authority', host),
    ...rest(head),
  ];
}

function responseFields(head: Http1Head): HeaderField[] {
  return [field(':status', String(head.status ?? 0)), ...rest(head)];
}
