/**
 * The output contract (docs/output.md). Field names here are read by other tools: change them only with
 * a note in docs/output.md. Records refer to each other by id, never by pointer.
 */
import type { Diagnostic } from '../diagnostics/types.js';

export type { Role } from './role.js';
import type { Role } from './role.js';
export type Protocol = 'h2c' | 'h2' | 'http/1.1' | 'tls' | 'unknown';
/**
 * How the client side was decided: the TCP SYN, the HTTP/2 preface, request/response header blocks (a
 * mid-connection capture), the TLS ClientHello, or the port heuristic (the ephemeral or higher port is the
 * client).
 */
export type ClientRuleName = 'syn' | 'preface' | 'headers' | 'stream-order' | 'client-hello' | 'port';

export interface ConnectionRecord {
  id: string;
  /** "ip:port", IPv6 as "[::1]:50051". */
  client: string;
  server: string;
  clientRule: ClientRuleName;
  protocol: Protocol;
  start: number;
  end: number;
  /** True when the client connection preface was seen. */
  preface: boolean;
  /** How HTTP/2 was recognised: "preface", "h2c-upgrade", "mid-connection", "decode-as", or null. */
  h2Detection: 'preface' | 'h2c-upgrade' | 'mid-connection' | 'decode-as' | null;
  /** What a non-HTTP/2 connection looks like, e.g. "HTTP/1.1 request GET /", "TLS ClientHello". */
  summary?: string;
  /** TLS facts, when the connection is TLS (docs/tls.md). */
  tls?: ConnectionTls;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  /**
   * Every FIN and RST seen, per side, in capture order: the first entry says who closed (or aborted) the
   * connection first. Absent when neither side closed within the capture.
   */
  closes?: Array<{ from: Role; how: 'fin' | 'rst'; time: number }>;
  /** How the TCP connection ended; "open" on a snapshot of a connection that has not ended. */
  endReason: 'fin' | 'rst' | 'capture-end' | 'port-reuse' | 'idle-evicted' | 'open';
  /**
   * Present (true) only on a snapshot of a connection still open (`Engine.snapshot()`, ndjson
   * `--snapshot-interval`): its figures are as of `end`, the capture time of the snapshot, and a later
   * snapshot or the final record (without `open`) replaces it.
   */
  open?: true;
  frameCount: number;
  /** h2c connections that began as an HTTP/1.1 upgrade (h2Detection "h2c-upgrade"). */
  upgrade?: UpgradeRecord;
  /**
   * The connection is an HTTP CONNECT tunnel through a forward proxy (RFC 9110 §9.3.6): the client's
   * CONNECT and the proxy's 2xx, after which the bytes are the tunnelled protocol's (HTTP/2 from its preface,
   * TLS, or else undecoded). `client`/`server` are the client and the proxy.
   */
  tunnel?: TunnelRecord;
  // Connection analysis (src/analysis/, docs/analysis.md): present on HTTP/2 connections only.
  flowControl?: FlowControlRecord;
  settings?: SettingsRecord;
  pings?: PingsRecord;
  goaway?: GoawayRecord[];
  streams?: StreamRecord[];
  /** Streams left out of `streams` (over the analysis cap); they are still counted everywhere else. */
  streamsOmitted?: number;
  concurrency?: ConcurrencyRecord;
  hpack?: HpackRecord;
  /** TCP analysis (src/tcp/tcp-analysis.ts, docs/analysis.md "TCP analysis"): every TCP connection. */
  tcp?: TcpAnalysisRecord;
}

/** Retransmissions, duplicate ACKs, zero windows and round trips per side (the side that sent). */
export interface TcpAnalysisRecord {
  /** The three-way handshake, when its SYN was captured. */
  handshake: TcpHandshake | null;
  client: TcpDirectionAnalysis;
  server: TcpDirectionAnalysis;
}

/** What one direction's sender did, as seen at the capture point (output contract: TcpDirectionRecord). */
export interface TcpDirectionAnalysis {
  /** Every retransmitted segment (tshark tcp.analysis.retransmission: generic, fast and spurious together). */
  retransmissions: number;
  fastRetransmissions: number;
  /** Retransmissions of bytes the receiver had already acknowledged. */
  spuriousRetransmissions: number;
  outOfOrder: number;
  /** Segments after a range the capture never saw (tshark "previous segment not captured"). */
  lostSegments: number;
  /** Pure ACKs from this side repeating its previous ACK (tshark tcp.analysis.duplicate_ack). */
  duplicateAcks: number;
  /** Segments from this side advertising a zero receive window (tshark tcp.analysis.zero_window). */
  zeroWindows: number;
  zeroWindowProbes: number;
  keepAlives: number;
  /**
   * Time the stream stood still for retransmissions: for each retransmitted segment, from its first copy
   * (or, when the capture never saw it, from the segment that revealed the hole) to the retransmission.
   */
  retransmissionDelayMs: number;
  maxRetransmissionDelayMs: number;
  /**
   * Round trips of this side's segments: from a segment to the ACK from the other side that acknowledges
   * exactly its end (tshark tcp.analysis.ack_rtt, shown on the ACK), at the capture point.
   */
  ackRtt: { samples: number; minMs: number; avgMs: number; maxMs: number } | null;
  /** The smallest receive window this side advertised after its SYN (scaled when both SYNs agreed). */
  minWindow: number | null;
  // Window, ACK and SACK analysis (src/tcp/tcp-window.ts).
  /** Pure ACKs from this side that only changed its window (tshark tcp.analysis.window_update). */
  windowUpdates: number;
  /** Segments from this side that filled the peer's advertised window (tshark tcp.analysis.window_full). */
  windowFull: number;
  /** ACKs from this side of bytes the capture never saw the peer send (tshark ack_lost_segment). */
  ackedUnseen: number;
  keepAliveAcks: number;
  zeroWindowProbeAcks: number;
  /** Segments from this side carrying SACK blocks, and those whose first block is a D-SACK (RFC 2883). */
  sackSegments: number;
  dsacks: number;
  /** Largest tshark tcp.analysis.bytes_in_flight of this side's segments (0: never known). */
  maxBytesInFlight: number;
}

/** The three-way handshake as seen (times are capture seconds, RTTs ms). */
export interface TcpHandshake {
  syn: number;
  synAck: number | null;
  ack: number | null;
  /** SYN to SYN-ACK. */
  synToSynAckMs: number | null;
  /** SYN-ACK to the ACK that completes the handshake. */
  synAckToAckMs: number | null;
  /** SYN to that ACK (tshark tcp.analysis.initial_rtt). */
  initialRttMs: number | null;
  synRetransmissions: number;
}

/**
 * What became of a TLS connection's encrypted records: all decrypted, some, none with the keys given
 * ('failed': wrong key log), none for lack of keys or of a decryptable cipher suite, the handshake was not
 * captured, or nothing was encrypted (the handshake failed or the capture ended first).
 */
export type TlsDecryption =
  'decrypted' | 'partial' | 'failed' | 'no-keys' | 'unsupported-cipher' | 'no-handshake' | 'not-encrypted';

/** TLS parameters of a connection, from its ClientHello, ServerHello and (decrypted) EncryptedExtensions. */
export interface ConnectionTls {
  /** Negotiated version ("TLS 1.3"); without a ServerHello, the client's highest offer ("TLS 1.3 offered"). */
  version?: string;
  /** server_name from the ClientHello. */
  sni?: string;
  alpnOffered?: string[];
  /** ALPN the server selected: from the ServerHello (TLS 1.2) or the decrypted EncryptedExtensions (TLS 1.3). */
  alpnSelected?: string;
  /** Negotiated cipher suite, IANA name. */
  cipher?: string;
  /** Cipher suites the client offered, IANA names in its order (GREASE values left out). */
  ciphersOffered?: string[];
  /** The server accepted a resumption (TLS 1.3 pre_shared_key, TLS 1.2 session id echoed). */
  resumed?: boolean;
  /** The server asked for a second ClientHello (HelloRetryRequest). */
  helloRetry?: boolean;
  decryption: TlsDecryption;
  /** Protected records seen, decrypted, and failed (wrong keys or damaged), both directions together. */
  records: { encrypted: number; decrypted: number; failed: number };
  /** Alerts whose content was readable (in the clear or decrypted), in capture order. */
  alerts?: Array<{ from: Role; level: string; description: string }>;
}

/** An HTTP CONNECT tunnel (ConnectionRecord.tunnel). */
export interface TunnelRecord {
  /** The CONNECT request's authority-form target, "host:port": where the proxy connected the tunnel. */
  target: string;
  /** The proxy's status line, e.g. "HTTP/1.1 200 Connection Established". */
  statusLine: string;
  /** What the tunnel carries: "h2" from the client preface, "tls", or a description of its first bytes. */
  carries: string;
}

/**
 * An h2c upgrade (RFC 7540 §3.2): the HTTP/1.1 request becomes stream 1 of the HTTP/2 connection (its
 * response arrives as HEADERS/DATA on stream 1, with no HEADERS from the client), accepted by a 101.
 */
export interface UpgradeRecord {
  /** The HTTP/1.1 request; header names lowercased, in order. */
  request: { method: string; target: string; headers: Array<[string, string]> };
  /** The server's status line, e.g. "HTTP/1.1 101 Switching Protocols". */
  statusLine: string;
  /**
   * The HTTP2-Settings header decoded (RFC 7540 §3.2.1): the client's first SETTINGS, acknowledged by the 101.
   * Names as in a SETTINGS frame's `settings`.
   */
  settings: Record<string, number>;
  /** Why `settings` is empty or partial: the header is missing, repeated, or not base64url of 6-octet settings. */
  settingsError?: string;
}

export interface FrameRecord {
  connection: string;
  /** 0-based frame number within the connection, in the order frames completed. */
  index: number;
  /** Epoch seconds of the packet that completed the frame. */
  time: number;
  /** Record number (0-based) of that packet in the capture. */
  packet: number;
  from: Role;
  /** RFC 9113 name, or "UNKNOWN_0xNN". */
  type: string;
  stream: number;
  /** Payload length from the 9-byte frame header (padding included). */
  length: number;
  flags: string[];
  /** Raw flags byte. */
  flagBits: number;
  // by type
  padLength?: number;
  /** DATA: payload length without padding (what flow control sees is `length`). */
  dataLength?: number;
  priority?: { exclusive: boolean; dependency: number; weight: number };
  headers?: Array<[string, string]>;
  /** When the header block could not be decoded (HPACK state lost, corrupt): why. */
  headersError?: string;
  /**
   * The block was decoded with a dynamic table kept across a gap that ended on a frame boundary, on the
   * assumption that the lost frames held no header block (docs/hpack.md#gaps): how sure, and why. Absent
   * when the table is exact (or the assumption was proven).
   */
  headersAssumed?: { confidence: 'high' | 'medium'; basis: string };
  /**
   * Fields decoded but not kept in `headers` (the list crossed its size limit, or an HPACK bomb): how many,
   * and their RFC 9113 §6.5.2 size. They always follow the kept ones.
   */
  headersOmitted?: { fields: number; size: number };
  /** Header block fragment bytes (HEADERS/PUSH_PROMISE + CONTINUATIONs joined), on the frame that ends it. */
  headerBlockLength?: number;
  promisedStream?: number;
  errorCode?: string;
  errorCodeValue?: number;
  lastStreamId?: number;
  debugData?: string;
  increment?: number;
  settings?: Record<string, number>;
  ack?: boolean;
  opaque?: string;
  /** Unknown frame types and undecodable payloads: hex of the payload (capped). */
  raw?: string;
}

export interface CaptureRecord {
  file: string;
  format: 'pcap' | 'pcapng' | null;
  compressed: boolean;
  linkTypes: number[];
  packets: number;
  bytes: number;
  start: number | null;
  end: number | null;
  /** False when the input ended early (truncated file, read error). */
  complete: boolean;
}

export type { Diagnostic };
/** gRPC calls (docs/output.md "call"), defined beside the tracker that builds them. */
export type {
  CallGuess,
  CallSummary,
  CallKind,
  CallMessageRecord,
  CallOutcome,
  CallRecord,
  DecodedMessage,
  StatusSource,
} from './call.js';

// ---- Connection analysis (src/analysis/, docs/analysis.md, docs/output.md "connection analysis") ----

/** One point of a time series: [epoch seconds, value]. */
export type SeriesPoint = [number, number];

/** A flow-control window over time (RFC 9113 §6.9). */
export interface WindowRecord {
  initial: number;
  final: number;
  /** Lowest value reached (negative after a SETTINGS decrease, RFC 9113 §6.9.2) and when. */
  min: number;
  minTime: number | null;
  /** [time, window] after each change; when longer than the cap, halved keeping the lower point of each pair. */
  series: SeriesPoint[];
  decimated: boolean;
}

/** DATA that waited for window: from the DATA that left too little, to the DATA sent once there was room. */
export interface StallRecord {
  stream: number;
  /** Which window held the DATA back. */
  window: 'stream' | 'connection' | 'both';
  start: number;
  /** Window left at `start`, and the length of the DATA frame that then had to wait for more. */
  windowLeft: number;
  needed: number;
  /** The WINDOW_UPDATE (or SETTINGS change) that made room. */
  windowUpdate: number;
  /** The DATA frame that went out then. */
  resume: number;
  /** resume - start. */
  waitedMs: number;
}

export interface StreamFlowRecord {
  stream: number;
  window: WindowRecord;
  /** DATA payload bytes, padding included (what flow control counts). */
  bytes: number;
  frames: number;
  first: number | null;
  last: number | null;
  stalls: number;
  stalledMs: number;
}

/** The DATA one side sends and the windows the other side grants it. */
export interface FlowDirectionRecord {
  /** SETTINGS_INITIAL_WINDOW_SIZE of the receiver in force at the end (65,535 until acknowledged). */
  initialWindow: number;
  connection: WindowRecord;
  /** Streams this side sent DATA on. */
  streams: StreamFlowRecord[];
  stalls: StallRecord[];
  stalledMs: number;
  bytes: number;
  frames: number;
  windowUpdates: number;
  /** Bytes per second between the first and the last DATA frame; null with fewer than two. */
  throughput: number | null;
  /** DATA frames larger than the window (FLOW_CONTROL_ERROR, RFC 9113 §6.9.1). */
  overruns: number;
}

export interface FlowControlRecord {
  /** False when windows are estimates: capture joined mid-connection, bytes lost, h2c upgrade settings. */
  exact: boolean;
  note?: string;
  /** Keyed by the side that sends the DATA. */
  client: FlowDirectionRecord;
  server: FlowDirectionRecord;
}

export interface SettingsFrameRecord {
  time: number;
  /** Frame index within the connection. */
  frame: number;
  values: Record<string, number>;
  /** When the peer's SETTINGS ACK came, and the latency. */
  ackTime: number | null;
  ackMs: number | null;
}

export interface SettingsSideRecord {
  frames: SettingsFrameRecord[];
  /** The values in force at the end: this side's acknowledged SETTINGS, merged in order. */
  acknowledged: Record<string, number>;
}

/** Keyed by the side that announced the SETTINGS. */
export interface SettingsRecord {
  client: SettingsSideRecord;
  server: SettingsSideRecord;
}

export interface PingRecord {
  time: number;
  frame: number;
  /** 8 bytes as 16 hex digits: the ACK is matched by it (RFC 9113 §6.7). */
  opaque: string;
  ackTime: number | null;
  rttMs: number | null;
  /** Streams open (or half-closed) when the PING was sent. */
  activeStreams: number;
}

export interface PingSideRecord {
  sent: number;
  acked: number;
  unanswered: number;
  rttMs: { min: number; median: number; max: number } | null;
  /** Median time between this side's PINGs, split by whether streams were active at the later one. */
  intervalMs: { active: number | null; idle: number | null };
  /** The first PINGs (capped). */
  list: PingRecord[];
}

/** Keyed by the side that sent the PING. */
export interface PingsRecord {
  client: PingSideRecord;
  server: PingSideRecord;
}

export interface GoawayRecord {
  from: Role;
  time: number;
  frame: number;
  lastStreamId: number;
  errorCode: string;
  errorCodeValue: number;
  debugData: string;
  /** Streams the receiver opened above lastStreamId: never processed, safe to retry (RFC 9113 §6.8). */
  refused: number[];
  /** Streams at or below lastStreamId still open at the GOAWAY, and how each ended. */
  inFlight: Array<{ stream: number; outcome: 'completed' | 'reset' | 'unfinished' }>;
  /**
   * 'notice': the first GOAWAY of a graceful two-step shutdown (last-stream-id 2^31-1); 'final': the one
   * after it; 'repeat': the same GOAWAY sent again; null otherwise.
   */
  phase: 'notice' | 'final' | 'repeat' | null;
}

/**
 * RFC 9113 §5.1 states, named from the client's point of view ("local" is the client): the client's
 * END_STREAM makes a stream half-closed-local, the server's half-closed-remote.
 */
export type StreamState =
  | 'idle'
  | 'reserved-local'
  | 'reserved-remote'
  | 'open'
  | 'half-closed-local'
  | 'half-closed-remote'
  | 'closed';

export interface StreamTransition {
  time: number;
  state: StreamState;
  /** The side whose frame caused it. */
  by: Role;
  /** What caused it, e.g. "HEADERS", "DATA END_STREAM", "RST_STREAM CANCEL", "GOAWAY". */
  cause: string;
  frame: number | null;
}

export interface StreamRecord {
  id: number;
  initiator: Role;
  /** "POST /pkg.Service/Method" from the request HEADERS, when seen. */
  request: string | null;
  state: StreamState;
  states: StreamTransition[];
  reset: { by: Role; errorCode: string; time: number } | null;
  /** Refused: by RST_STREAM REFUSED_STREAM or by a GOAWAY's last-stream-id; never processed. */
  refused: 'rst-stream' | 'goaway' | null;
}

/** Streams open at once, by the side that opened them (RFC 9113 §5.1.2). */
export interface ConcurrencySideRecord {
  opened: number;
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS in force at the end; null: unlimited (never set). */
  limit: number | null;
  peak: number;
  peakTime: number | null;
  /** [time, active streams] after each change; decimated keeping the higher point of each pair. */
  series: SeriesPoint[];
  decimated: boolean;
}

export interface ConcurrencyRecord {
  client: ConcurrencySideRecord;
  server: ConcurrencySideRecord;
}

/** One side's HPACK encoder as its header blocks show it (RFC 7541 §4). */
export interface HpackSideRecord {
  blocks: number;
  /** Dynamic table size (RFC 7541 §4.1: name + value + 32 per entry) after the last block. */
  size: number;
  peak: number;
  /** The table's maximum size (last dynamic table size update), null while unknown. */
  maxSize: number | null;
  /** SETTINGS_HEADER_TABLE_SIZE the other side announced, which bounds maxSize; null if never announced. */
  setting: number | null;
  /** False while the table is not fully known (mid-connection start, lost bytes). */
  known: boolean;
  series: SeriesPoint[];
  decimated: boolean;
}

/** Keyed by the side that encodes (sends) the header blocks. */
export interface HpackRecord {
  client: HpackSideRecord;
  server: HpackSideRecord;
}

/** The capture record before anything was read: the engine fills it in as packets arrive. */
export function emptyCaptureRecord(file: string): CaptureRecord {
  return {
    file,
    format: null,
    compressed: false,
    linkTypes: [],
    packets: 0,
    bytes: 0,
    start: null,
    end: null,
    complete: true,
  };
}
