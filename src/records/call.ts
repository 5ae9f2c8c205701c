/**
 * The gRPC call record: part of the output contract (docs/output.md). One record per gRPC call (an
 * HTTP/2 stream whose request content-type is application/grpc*, or a stream recognised as gRPC without
 * its request headers: then `guessed` says so). Times are epoch seconds from the capture; durations ms.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { Role } from './role.js';

/** Stable outcome names; see outcomeOf() in call-finish.ts for the rules. */
export type CallOutcome =
  | 'ok'
  | 'error'
  | 'reset'
  | 'refused'
  | 'connection-closed'
  | 'deadline-exceeded'
  | 'incomplete'
  | 'http-error'
  | 'status-unknown';

export type CallKind = 'unary' | 'server-streaming' | 'client-streaming' | 'bidi';

/** Where `status` came from: sent in trailers, or synthesized as a client would (PROTOCOL-HTTP2.md). */
export type StatusSource = 'trailers' | 'http-status' | 'rst-stream' | 'goaway' | 'connection' | 'deadline';

export type DecodedMessage =
  /** Decoded with the schema of the call's method (proto3 JSON shape). */
  | { kind: 'schema'; type: string; value: JsonValue; unknownFields?: number[] }
  /** Schema-less protobuf decode (`protoc --decode_raw`). */
  | { kind: 'raw'; fields: RawField[] }
  /** application/grpc+json and other text bodies. */
  | { kind: 'text'; text: string }
  /** Not protobuf (or not decodable): a hex preview. */
  | { kind: 'bytes'; hex: string; truncated: boolean; error: string }
  /** Not decoded at all: over a cap, or compressed with an encoding h2scope cannot inflate. */
  | { kind: 'skipped'; reason: string };

export interface CallMessageRecord {
  /** Message-Length from the prefix (compressed size when compressed). */
  length: number;
  compressed: boolean;
  /** Size after decompression, when the message was compressed and inflated. */
  decompressedLength?: number;
  /** Capture time of the DATA frame holding the message's first byte (its 5-byte prefix). */
  firstTime: number;
  /** Capture time of the DATA frame that completed the message. */
  time: number;
  /** Record number (0-based) of the packet that completed the message, as FrameRecord.packet. */
  packet: number | null;
  decoded: DecodedMessage;
}

/**
 * Why a call's status is unknown (outcome 'status-unknown'), and a guess when the evidence makes one value
 * overwhelmingly likely. A guess is never a decoded status: `status` stays null. docs/grpc.md explains it.
 */
export interface StatusUnknown {
  /** "HPACK entries from before the capture", "HPACK entries lost in a gap", ... */
  reason: string;
  guess: StatusGuess | null;
}

export interface StatusGuess {
  status: number;
  statusName: string;
  /** The evidence, in words. */
  basis: string;
}

export interface CallGuess {
  what: 'grpc-call' | 'method';
  /** Why, in words: "response content-type application/grpc", "schema fit score 4 (tied: ...)". */
  reason: string;
}

export interface CallRecord {
  connection: string;
  /**
   * The HTTP/2 stream; for a gRPC-Web call over HTTP/1.1 (`transport`), the exchange's place on the
   * connection numbered as a client's streams would be (1, 3, 5, ...: the n-th request is 2n - 1).
   */
  stream: number;
  /** "http/1.1" for gRPC-Web over HTTP/1.1; absent over HTTP/2. */
  transport?: 'http/1.1';
  /** Full :path, e.g. "/helloworld.Greeter/SayHello"; null when the request headers were not seen. */
  method: string | null;
  service: string | null;
  methodName: string | null;
  authority: string | null;
  /** grpc-status, or the status a client would synthesize (see statusSource); null when unknown. */
  status: number | null;
  statusName: string | null;
  statusSource: StatusSource | null;
  /** grpc-message, percent-decoded. */
  message: string | null;
  /** grpc-status-details-bin decoded as google.rpc.Status. */
  statusDetails: RpcStatus | null;
  outcome: CallOutcome;
  /** Only with outcome 'status-unknown': why, and a marked guess. */
  statusUnknown?: StatusUnknown;
  /** RST_STREAM that ended the call: who sent it and its error code. */
  reset: { by: Role; errorCode: string } | null;
  kind: CallKind;
  /** True when the kind comes from message counts and END_STREAM timing rather than the schema. */
  kindInferred: boolean;
  start: number;
  end: number;
  durationMs: number;
  /** From start to the first response HEADERS or DATA. */
  firstResponseMs: number | null;
  /** grpc-timeout in ms. */
  deadlineMs: number | null;
  contentType: string | null;
  requestEncoding: string | null;
  responseEncoding: string | null;
  /** Message counts; `requests`/`responses` keep at most maxMessagesPerCall of them. */
  requestCount: number;
  responseCount: number;
  requests: CallMessageRecord[];
  responses: CallMessageRecord[];
  requestHeaders: Array<[string, string]>;
  responseHeaders: Array<[string, string]>;
  trailers: Array<[string, string]>;
  /** The response was a single HEADERS block with END_STREAM (Trailers-Only). */
  trailersOnly: boolean;
  /** Custom-Metadata of each header block, -bin values decoded (hex). */
  metadata: { request: MetadataEntry[]; response: MetadataEntry[]; trailers: MetadataEntry[] };
  httpStatus: number | null;
  /** Non-gRPC response body (http-error): a preview. */
  responseBody: { length: number; text?: string; hex?: string; truncated: boolean } | null;
  guessed: boolean;
  guesses: CallGuess[];
  /**
   * Only when the method's types came from a schema the capture carried (gRPC server reflection
   * responses before this call's request headers) rather than --proto / --descriptor-set.
   */
  schemaSource?: 'reflection';
  /** Where the call's time went, from the wire (src/analysis/call-latency.ts, docs/analysis.md). */
  latency?: CallLatency;
  /**
   * json and ndjson only: this call was relayed by an L7 proxy, and the proxy's own call to a backend (its
   * backend leg, an earlier call record) is the same call seen again (src/analysis/relay-legs.ts). Set on
   * the client's call, the one reports count; the leg's record came out before the pairing was known.
   */
  relay?: CallRelay;
}

/** A relayed call (CallRecord.relay): the proxy it went through and the backend leg's call. */
export interface CallRelay {
  role: 'frontend';
  /** The proxy's endpoint: this call's server. */
  proxy: string;
  /** The proxy's call to the backend: its connection and stream identify its call record. */
  backendLeg: { connection: string; stream: number; server: string };
}

/**
 * A call's duration split by what it waited for. `requestMs + serverMs + responseMs + clientFlowWaitMs +
 * serverFlowWaitMs + retransmissionMs + unaccountedMs = durationMs` (each rounded to the microsecond;
 * `unaccountedMs` holds the rounding and any phase the capture did not show). Before the call, `setup` is
 * the connection's establishment a first call waited for, and `streamLimit` says the connection was at
 * its MAX_CONCURRENT_STREAMS when the call could start.
 */
export interface CallLatency {
  /** Request HEADERS to the client's END_STREAM (time spent sending the request). */
  requestMs: number;
  /** Request end to the first response HEADERS (the server working). */
  serverMs: number;
  /** The rest, to the call's end (time spent sending the response). */
  responseMs: number;
  /** The client's DATA waited for flow-control window (the server's WINDOW_UPDATE). */
  clientFlowWaitMs: number;
  /** The server's DATA waited for flow-control window (the client's WINDOW_UPDATE). */
  serverFlowWaitMs: number;
  /** TCP retransmissions on the connection held the bytes up (either direction: head-of-line blocking). */
  retransmissionMs: number;
  unaccountedMs: number;
  /** Why some time is unaccounted, when a phase boundary was not seen. */
  unaccountedReason?: string;
  /** The largest component above. */
  dominant: CallLatencyComponent;
  /** For the connection's first calls: the setup they waited for before their HEADERS (not in durationMs). */
  setup: CallSetup | null;
  /** The client had MAX_CONCURRENT_STREAMS streams open until just before this call's HEADERS. */
  streamLimit: { limit: number; fullMs: number } | null;
}

export type CallLatencyComponent =
  'request' | 'server' | 'response' | 'clientFlowWait' | 'serverFlowWait' | 'retransmission' | 'unaccounted';

export interface CallSetup {
  /** SYN to the ACK completing the handshake; null when the handshake was not captured. */
  tcpConnectMs: number | null;
  /** Handshake end to the first payload byte: the client's own delay before it spoke (not the network). */
  idleMs: number | null;
  /** First payload byte to the client's first HTTP/2 frame: TLS (or an h2c upgrade); 0 when none. */
  tlsMs: number | null;
  /** The client's first HTTP/2 frame (preface, SETTINGS) to this call's HEADERS. */
  settingsMs: number;
  totalMs: number;
}

/**
 * The part of a call that lists, sorting and display filters read: every scalar and the three header
 * lists, without the decoded messages, metadata and status details (the TUI's store keeps this part in
 * memory and the rest on disk; the latency breakdown too, read with the call's detail).
 */
export type CallSummary = Omit<
  CallRecord,
  | 'requests'
  | 'responses'
  | 'metadata'
  | 'statusDetails'
  | 'responseBody'
  | 'guesses'
  | 'schemaSource'
  | 'transport'
  | 'latency'
>;

/**
 * The one rule every count of failed calls follows (summary, markdown, TUI): a call failed unless it
 * ended ok, or its status is unknown (outcome 'status-unknown': the capture could not show it, which says
 * nothing about the call; it is counted on its own, guessed or not).
 */
export function callNotOk(c: Pick<CallRecord, 'outcome'>): boolean {
  return c.outcome !== 'ok' && c.outcome !== 'status-unknown';
}

export type GrpcEvent = { kind: 'call'; call: CallRecord } | { kind: 'diagnostic'; diagnostic: Diagnostic };

// ---- Shapes inside call records (built by src/grpc/: metadata.ts, proto-json.ts, protobuf-raw.ts, rpc-status.ts) ----

export type BinaryEncoding = 'base64' | 'true-binary' | 'raw';

export interface MetadataEntry {
  name: string;
  /** ASCII values as sent; for -bin values the decoded bytes as lowercase hex. */
  value: string;
  binary: boolean;
  /** -bin values only: how the bytes travelled ('raw' = undecodable, kept as sent). */
  encoding?: BinaryEncoding;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type RawWire = 'varint' | 'i64' | 'len' | 'i32' | 'sgroup';

export type RawField =
  | { field: number; wire: 'varint'; value: number | string }
  | { field: number; wire: 'i64'; value: RawFixed }
  | { field: number; wire: 'i32'; value: RawFixed }
  | { field: number; wire: 'len'; value: RawLen }
  | { field: number; wire: 'sgroup'; value: RawField[] };

export interface RawFixed {
  /** Little-endian value as 0x-prefixed hex, zero-padded (what protoc prints). */
  hex: string;
  /** The same bits as a double (i64) or float (i32); NaN and infinities as strings so JSON keeps them. */
  float: number | string;
}

export type RawLen =
  | { kind: 'message'; fields: RawField[] }
  | { kind: 'string'; text: string }
  /**
   * packedVarints: the bytes read fully as a list of varints (a packed repeated field, perhaps). With
   * --payload head a longer field keeps only its first bytes in `hex`, with its `length` and `truncated`.
   */
  | { kind: 'bytes'; hex: string; packedVarints?: Array<number | string>; length?: number; truncated?: true };

export interface RpcStatusDetail {
  typeUrl: string;
  /** Full name of the decoded type ("google.rpc.ErrorInfo"), null when unknown. */
  type: string | null;
  /** The decoded detail (JSON-friendly), null when the type is unknown or its bytes do not decode. */
  value: JsonValue | null;
  /** Unknown or undecodable types: schema-less decode of the bytes, or their hex when even that fails. */
  raw?: RawField[];
  hex?: string;
}

export interface RpcStatus {
  code: number;
  codeName: string;
  message: string;
  details: RpcStatusDetail[];
}
