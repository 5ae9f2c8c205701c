/**
 * Follows the HTTP/2 events of one connection and turns gRPC streams into CallRecords. A stream is a
 * call when its request content-type is application/grpc* (by port only with --decode-as PORT=grpc,
 * see call-candidate.ts recogniseByPort); a stream whose request
 * headers were not seen (capture started mid-call, HPACK state lost) is a candidate, recognised from a
 * gRPC response content-type, a grpc-status trailer, or DATA that parses as Length-Prefixed-Messages,
 * and then marked `guessed`. A call event is emitted as soon as the call ends, the rest at finish().
 */
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { H2Event, HeaderField, HpackUnknown } from '../h2/types.js';
import type { ConnectionRecord, FrameRecord } from '../records/records.js';
import { decodeCallMessage } from './call-message.js';
import { finishCall, messageContext, whereOf } from './call-finish.js';
import { framedAsGrpc, recognise, recogniseByPort } from './call-candidate.js';
import { applyRequestHeaders, applyServerBlock } from './call-headers.js';
import type { GrpcEvent } from '../records/call.js';
import {
  addBody,
  directionOf,
  newCallState,
  type CallState,
  type Direction,
  type TrackerConfig,
} from './call-state.js';
import type { EndCause } from './call-status.js';
import { parseContentType } from './content-type.js';
import { Base64Stream, parseWebTrailers } from './grpc-web.js';
import { DecompressionBudget } from './compression.js';
import { headerValue } from './metadata.js';
import { DEFAULT_MAX_MESSAGE_BYTES, GrpcMessageReader, type GrpcMessage } from './message-reader.js';
import type { GrpcSchema } from './schema.js';
import { ReflectedSchema } from './reflection-schema.js';
import type { PayloadMode } from './call-message.js';
import { StatusGuesser } from './status-guess.js';
import { ClosedStreams } from './closed-streams.js';

export interface GrpcCallTrackerOptions {
  connection: string;
  schema?: GrpcSchema | null;
  /** The capture's schema learned from server reflection, shared by every connection (default: none). */
  reflection?: ReflectedSchema | null;
  /** Bytes kept per message (default 64 MiB). */
  maxMessageBytes?: number;
  /** Messages kept per direction of a call (default 10,000); the rest are only counted. */
  maxMessagesPerCall?: number;
  /** Messages above this size are not decoded (default 4 MiB). */
  maxDecodeBytes?: number;
  /** Hex previews of undecodable messages (default 1 KiB). */
  hexPreviewBytes?: number;
  /** Preview of a non-gRPC response body (default 4 KiB). */
  bodyPreviewBytes?: number;
  /** How much of each message's payload the records show (--payload; default 'full'). */
  payload?: PayloadMode;
  /** The connection's server port when it is a --decode-as PORT=grpc port: every stream is a call. */
  decodeAsPort?: number | null;
  /** Calls open at once per connection (default 10,000); past it the oldest is ended as incomplete. */
  maxOpenCalls?: number;
  /** Bytes inflated over the whole capture, shared by every connection (default: this connection's own). */
  decompressionBudget?: DecompressionBudget;
}

/**
 * What most events produce: nothing. One shared (frozen) array instead of a new one per frame; nobody
 * appends to an event list they are given.
 */
const NONE: GrpcEvent[] = Object.freeze([]) as unknown as GrpcEvent[];

/** How the connection ended, as in ConnectionRecord.endReason: 'capture-end' leaves calls 'incomplete'. */
export type TrackerEndReason = ConnectionRecord['endReason'];

export class GrpcCallTracker {
  private readonly config: TrackerConfig;
  /** Calls recognised without request headers so far (only the first gets a grpc.guessed-call). */
  private guessedCalls = 0;
  private readonly calls = new Map<number, CallState>();
  /** Streams already reported, or known not to be gRPC: later frames on them are ignored. */
  private readonly closed = new ClosedStreams();
  /** Events of calls ended early to keep at most maxOpenCalls open, waiting for push() to return them. */
  private readonly evicted: GrpcEvent[] = [];
  private evictions = 0;
  /** END_STREAM of a HEADERS frame whose block continues in CONTINUATION frames, by "stream:role". */
  private readonly openBlocks = new Map<string, boolean>();
  private goawayLastStream: number | null = null;
  private readonly guesser = new StatusGuesser();

  constructor(options: GrpcCallTrackerOptions) {
    this.config = {
      connection: options.connection,
      schema: options.schema ?? null,
      reflection: options.reflection ?? null,
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxMessagesPerCall: options.maxMessagesPerCall ?? 10_000,
      maxDecodeBytes: options.maxDecodeBytes ?? 4 * 1024 * 1024,
      hexPreviewBytes: options.hexPreviewBytes ?? 1024,
      bodyPreviewBytes: options.bodyPreviewBytes ?? 4096,
      payload: options.payload ?? 'full',
      decodeAsPort: options.decodeAsPort ?? null,
      budget: options.decompressionBudget ?? new DecompressionBudget(),
      maxOpenCalls: options.maxOpenCalls ?? 10_000,
    };
  }

  push(ev: H2Event): GrpcEvent[] {
    const out = this.route(ev);
    if (this.evicted.length === 0) return out;
    // Calls ended to make room (maxOpenCalls) come out before what the frame produced.
    return [...this.evicted.splice(0), ...out];
  }

  private route(ev: H2Event): GrpcEvent[] {
    if (ev.kind !== 'frame') return NONE;
    const f = ev.frame;
    switch (f.type) {
      case 'HEADERS':
      case 'CONTINUATION':
        return this.onHeaderFrame(f, ev.fields, ev.hpackUnknown);
      case 'DATA':
        return this.onData(f, ev.data ?? Buffer.alloc(0));
      case 'RST_STREAM':
        return this.onReset(f);
      case 'GOAWAY':
        return this.onGoaway(f);
      default:
        return NONE;
    }
  }

  /** Ends every open call: 'capture-end' → incomplete, any other reason → connection-closed. */
  finish(endTime: number, reason: TrackerEndReason = 'capture-end'): GrpcEvent[] {
    const cause: EndCause = reason === 'capture-end' ? 'capture-end' : 'connection-closed';
    const out: GrpcEvent[] = [];
    const open = [...this.calls.values()].sort((a, b) => a.stream - b.stream);
    for (const state of open) out.push(...this.complete(state, cause, Math.max(endTime, state.start)));
    out.push(...this.guesser.finish());
    return out;
  }

  private onHeaderFrame(
    f: FrameRecord,
    fields: HeaderField[] | undefined,
    unknown: HpackUnknown | undefined,
  ): GrpcEvent[] {
    if (f.stream === 0 || this.isClosed(f.stream)) return NONE;
    // The key is built only while a block is open somewhere (rare): not a string per HEADERS frame.
    const endHeaders = f.flags.includes('END_HEADERS');
    const key = endHeaders && this.openBlocks.size === 0 ? '' : `${f.stream}:${f.from}`;
    const endStream =
      f.type === 'HEADERS' ? f.flags.includes('END_STREAM') : (this.openBlocks.get(key) ?? false);
    // RFC 9113 §6.2: END_STREAM rides on HEADERS, the block may end in a later CONTINUATION (END_HEADERS).
    if (!endHeaders) {
      if (f.type === 'HEADERS') this.openBlocks.set(key, endStream);
      return NONE;
    }
    if (key !== '') this.openBlocks.delete(key);
    // The h2 layer passes what it could decode of a damaged block (partial fields) with headersError set.
    const lost = f.headersError !== undefined || fields === undefined;
    const block = fields ?? [];
    return f.from === 'client'
      ? this.onClientBlock(f, block, lost, endStream, unknown)
      : this.onServerBlock(f, block, lost, endStream, unknown);
  }

  private onClientBlock(
    f: FrameRecord,
    fields: HeaderField[],
    lost: boolean,
    endStream: boolean,
    unknown: HpackUnknown | undefined,
  ): GrpcEvent[] {
    const out: Diagnostic[] = [];
    let state = this.calls.get(f.stream);
    if (state === undefined) {
      const contentType = headerValue(fields, 'content-type');
      const parsed = parseContentType(contentType);
      const grpcType = parsed.family !== null;
      // A complete block without a gRPC content-type is plain HTTP/2 (unless --decode-as says gRPC); a
      // damaged one may just have lost it.
      if ((contentType !== undefined || !lost) && !grpcType && this.config.decodeAsPort === null) {
        this.closed.add(f.stream);
        return NONE;
      }
      // Only a --decode-as candidate says why (recogniseByPort): no string per call otherwise.
      const why =
        grpcType || this.config.decodeAsPort === null
          ? undefined
          : lost
            ? 'request headers not decodable'
            : `request content-type ${contentType === undefined ? 'absent' : parsed.mediaType}`;
      state = this.open(f.stream, f.time, grpcType ? 'grpc' : 'candidate', why);
      if (lost) {
        state.requestHeadersLost = true;
        // Unknown HPACK entries are summarized once per direction by the h2 layer, not per call.
        if (unknown === undefined) out.push(this.headersLost(state, 'request', f));
      }
      applyRequestHeaders(this.config, state, fields, out);
      this.useWebReaders(state);
      // A reflection response is read whatever --payload says: it is where the schema comes from.
      if (this.config.reflection !== null && ReflectedSchema.isReflection(state.path) && !this.keepsPlain())
        state.response.reader = this.reader(state.where, false, true);
    }
    if (endStream) state.request.ended = f.time;
    // A stream opened above a GOAWAY's last-stream-id (the client had not seen it yet) is refused too.
    if (this.isRefused(state)) return [...this.emit(state, out), ...this.refuse(state, f.time)];
    return this.emit(state, out);
  }

  private onServerBlock(
    f: FrameRecord,
    fields: HeaderField[],
    lost: boolean,
    endStream: boolean,
    unknown: HpackUnknown | undefined,
  ): GrpcEvent[] {
    const out: Diagnostic[] = [];
    const state = this.calls.get(f.stream) ?? this.open(f.stream, f.time, 'candidate');
    if (lost && unknown === undefined) out.push(this.headersLost(state, 'response', f));
    // Partial fields that say neither :status nor grpc-status cannot tell headers from trailers.
    const known =
      !lost ||
      headerValue(fields, ':status') !== undefined ||
      headerValue(fields, 'grpc-status') !== undefined;
    const block = known ? fields : null;
    // The block ending the stream carries grpc-status; lost with HPACK state, the status is unknown.
    if (lost && endStream && headerValue(fields, 'grpc-status') === undefined) {
      state.statusLost = true;
      state.statusLostEntries = unknown ?? null;
    }
    const kind = applyServerBlock(this.config, state, block, endStream, f.time, out);
    if (kind === 'informational') return NONE;
    if (state.status === 'candidate') {
      const ct = state.responseContentType;
      if (ct !== null && ct.family === null) return this.drop(state);
      if (ct !== null) this.recognise(state, `response content-type ${ct.mediaType}`);
      else if (headerValue(fields, 'grpc-status') !== undefined) this.recognise(state, 'grpc-status trailer');
    }
    const events = this.emit(state, out);
    if (!endStream) return events;
    state.response.ended = f.time;
    return join(events, this.complete(state, 'response-end', f.time));
  }

  private onData(f: FrameRecord, data: Buffer): GrpcEvent[] {
    if (f.stream === 0 || this.isClosed(f.stream)) return NONE;
    const state = this.calls.get(f.stream) ?? this.open(f.stream, f.time, 'candidate');
    const dir = directionOf(f.from);
    const side = state[dir];
    if (dir === 'response') {
      state.firstResponseTime ??= f.time;
      // A non-gRPC response (HTTP error page, proxy JSON): keep a preview instead of parsing messages.
      if (state.responseContentType?.family === null) side.reader = null;
    }
    const out: Diagnostic[] = [];
    if (side.reader !== null) {
      const bytes = side.text === null ? data : side.text.push(data);
      const messages = side.reader.push(bytes, f.time, f.packet);
      for (let i = 0; i < messages.length; i++) this.onMessage(state, dir, messages[i]!, out);
    } else if (dir === 'response' && state.responseContentType?.family === null) {
      addBody(side, data, this.config.bodyPreviewBytes);
    }
    const events = this.emit(state, out);
    if (!f.flags.includes('END_STREAM')) return events;
    side.ended = f.time;
    return dir === 'response' ? join(events, this.complete(state, 'response-end', f.time)) : events;
  }

  private onMessage(state: CallState, dir: Direction, m: GrpcMessage, out: Diagnostic[]): void {
    const side = state[dir];
    if (m.trailer && dir === 'response') {
      applyServerBlock(
        this.config,
        state,
        parseWebTrailers(m.bytes ?? Buffer.alloc(0)),
        false,
        m.lastTime,
        out,
      );
      return;
    }
    side.count++;
    if (m.diagnostics.length > 0) out.push(...m.diagnostics);
    if (m.diagnostics.some((d) => d.code === 'grpc.bad-compressed-flag')) {
      side.framingOk = false;
      // A candidate with a bad flag byte is most likely not gRPC: stop reading (and keeping) its bytes.
      if (state.status === 'candidate') side.reader = null;
    }
    if (dir === 'response' && m.bytes !== null && this.config.reflection !== null)
      if (ReflectedSchema.isReflection(state.path)) {
        // A compressed response (grpc-encoding gzip) is inflated here too; a failure is reported by the
        // message's own decoding below, the schema just does not learn from it.
        const encoding = state.responseFields && (headerValue(state.responseFields, 'grpc-encoding') ?? null);
        const bytes = ReflectedSchema.messageBytes(m.bytes, m.compressed, encoding, this.config.budget);
        if (bytes !== null)
          out.push(...this.config.reflection.learn(bytes, state.path!, { ...state.where, time: m.lastTime }));
      }
    if (side.messages.length + side.deferred.length >= this.config.maxMessagesPerCall) return;
    if (this.config.schema !== null && state.method === null && state.path === null) {
      // Decoded once the method is guessed, at the end of the call. The reader's bytes are fresh copies,
      // kept here as they are.
      side.deferred.push(m);
      return;
    }
    const r = decodeCallMessage(m, messageContext(this.config, state, dir));
    side.messages.push(r.record);
    if (r.diagnostics.length > 0) out.push(...r.diagnostics);
  }

  private onReset(f: FrameRecord): GrpcEvent[] {
    const state = this.calls.get(f.stream);
    if (state === undefined) return NONE;
    const errorCode = f.errorCode ?? 'UNKNOWN';
    state.reset = { by: f.from, errorCode, time: f.time };
    // A client CANCEL is the normal end of a cancelled or timed-out call: the analysis layer explains it
    // (analysis.cancel.client, analysis.deadline.exceeded) with more context, so only other resets are flagged.
    // REFUSED_STREAM likewise: analysis.stream.refused says it is safe to retry (RFC 9113 §8.7).
    const explained = (f.from === 'client' && errorCode === 'CANCEL') || errorCode === 'REFUSED_STREAM';
    if (explained) return this.complete(state, 'reset', f.time);
    const params = { method: state.path ?? '(unknown method)', side: f.from, errorCode };
    const d = diag(GRPC_DIAGNOSTICS, 'grpc.call-reset', params, {
      ...whereOf(this.config, state),
      time: f.time,
    });
    return [...this.emit(state, [d]), ...this.complete(state, 'reset', f.time)];
  }

  /**
   * PROTOCOL-HTTP2.md "GOAWAY Frame": "Clients should consider any stream initiated after the last
   * successfully accepted stream as UNAVAILABLE". Only client-initiated (odd) streams without any response.
   */
  private onGoaway(f: FrameRecord): GrpcEvent[] {
    if (f.from !== 'server' || f.lastStreamId === undefined) return NONE;
    this.goawayLastStream = f.lastStreamId;
    const out: GrpcEvent[] = [];
    for (const state of [...this.calls.values()]) {
      if (this.isRefused(state)) out.push(...this.refuse(state, f.time));
    }
    return out;
  }

  private isRefused(state: CallState): boolean {
    const last = this.goawayLastStream;
    return last !== null && state.stream > last && state.stream % 2 === 1 && state.firstResponseTime === null;
  }

  private refuse(state: CallState, time: number): GrpcEvent[] {
    state.refusedAt = time;
    const params = {
      method: state.path ?? '(unknown method)',
      stream: state.stream,
      lastStreamId: this.goawayLastStream,
    };
    const d = diag(GRPC_DIAGNOSTICS, 'grpc.call-refused', params, { ...whereOf(this.config, state), time });
    return [...this.emit(state, [d]), ...this.complete(state, 'refused', time)];
  }

  private open(
    stream: number,
    time: number,
    status: CallState['status'],
    why = 'request headers not in the capture',
  ): CallState {
    if (this.calls.size >= this.config.maxOpenCalls) this.evictOldest(time);
    // One `where` for both readers of the call.
    const where = { connection: this.config.connection, stream };
    const state = newCallState(
      where,
      stream,
      time,
      status,
      this.reader(where, false),
      this.reader(where, false),
    );
    this.calls.set(stream, state);
    recogniseByPort(this.config, state, why);
    return state;
  }

  /**
   * A connection can open streams and never end them; each open call holds its headers and messages. Past
   * maxOpenCalls the oldest open call is ended as if the capture ended there (outcome incomplete), and
   * the first time a diagnostic says so.
   */
  private evictOldest(time: number): void {
    const oldest = this.calls.values().next().value;
    if (oldest === undefined) return;
    if (this.evictions++ === 0) {
      const params = { limit: this.config.maxOpenCalls, stream: oldest.stream };
      const where = { connection: this.config.connection, stream: oldest.stream, time };
      const diagnostic = diag(GRPC_DIAGNOSTICS, 'grpc.open-calls-capped', params, where);
      this.evicted.push({ kind: 'diagnostic', diagnostic });
    }
    this.evicted.push(...this.complete(oldest, 'capture-end', Math.max(time, oldest.start)));
  }

  private reader(where: DiagnosticWhere, web: boolean, keep = false): GrpcMessageReader {
    const keepPlain = keep || this.keepsPlain();
    return new GrpcMessageReader({ maxMessageBytes: this.config.maxMessageBytes, where, web, keepPlain });
  }

  /** With --payload none and no schema nothing reads an uncompressed message's bytes. */
  private keepsPlain(): boolean {
    return this.config.payload !== 'none' || this.config.schema !== null;
  }

  /** gRPC-Web (PROTOCOL-WEB.md): trailers as a 0x80 frame in the body; -text bodies are base64. */
  private useWebReaders(state: CallState): void {
    const family = state.requestContentType?.family;
    if (family !== 'grpc-web' && family !== 'grpc-web-text') return;
    const where = { connection: this.config.connection, stream: state.stream };
    for (const side of [state.request, state.response]) {
      side.reader = this.reader(where, true);
      side.text = family === 'grpc-web-text' ? new Base64Stream() : null;
    }
  }

  private headersLost(state: CallState, side: Direction, f: FrameRecord): Diagnostic {
    const params = { side, stream: f.stream, reason: f.headersError ?? 'no decoded fields' };
    return diag(GRPC_DIAGNOSTICS, 'grpc.headers-undecoded', params, {
      ...whereOf(this.config, state),
      time: f.time,
    });
  }

  /** Diagnostics of a call go out at once; a candidate's wait until it is recognised (or dropped). */
  private emit(state: CallState, diagnostics: Diagnostic[]): GrpcEvent[] {
    if (state.status === 'candidate') {
      state.held.push(...diagnostics);
      return NONE;
    }
    if (state.held.length === 0 && diagnostics.length === 0) return NONE; // most frames
    const all = [...state.held.splice(0), ...diagnostics];
    return all.map((diagnostic) => ({ kind: 'diagnostic', diagnostic }));
  }

  private isClosed(stream: number): boolean {
    return this.closed.has(stream, this.calls.has(stream));
  }

  private drop(state: CallState): GrpcEvent[] {
    this.calls.delete(state.stream);
    this.closed.add(state.stream);
    return NONE;
  }

  /** A candidate recognised as a call: the connection's first such call carries the diagnostic. */
  private recognise(state: CallState, evidence: string): void {
    if (recognise(this.config, state, evidence, this.guessedCalls === 0)) this.guessedCalls++;
  }

  private complete(state: CallState, cause: EndCause, time: number): GrpcEvent[] {
    if (state.status === 'candidate' && framedAsGrpc(state)) this.recognise(state, 'length-prefixed DATA');
    if (state.status === 'candidate') return this.drop(state);
    this.calls.delete(state.stream);
    this.closed.add(state.stream);
    const held = state.held.splice(0);
    const { record, diagnostics } = finishCall(this.config, state, cause, time);
    const events: GrpcEvent[] = [...held, ...diagnostics].map((diagnostic) => ({
      kind: 'diagnostic',
      diagnostic,
    }));
    events.push({ kind: 'call', call: record });
    return this.guesser.offer(state, events);
  }
}

/** a then b, without a copy when a is empty (the usual case). */
function join(a: GrpcEvent[], b: GrpcEvent[]): GrpcEvent[] {
  return a.length === 0 ? b : [...a, ...b];
}
