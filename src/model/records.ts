/**
 * The output contract (docs/output.md). Field names here are read by other tools: change them only with
 * a note in docs/output.md. Records refer to each other by id, never by pointer.
 */
import type { Diagnostic } from '../diagnostics/types.js';

export type Role = 'client' | 'server';
export type Protocol = 'h2c' | 'h2' | 'http/1.1' | 'tls' | 'unknown';
/**
 * How the client side was decided: the TCP SYN, the HTTP/2 preface, request/response header blocks (a
 * mid-connection capture), or the port heuristic (the ephemeral or higher port is the client).
 */
export type ClientRuleName = 'syn' | 'preface' | 'headers' | 'port';

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
  /** TLS ClientHello facts, when the connection is TLS. */
  tls?: { sni?: string; alpnOffered?: string[]; alpnSelected?: string; version?: string };
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  /** How the TCP connection ended. */
  endReason: 'fin' | 'rst' | 'capture-end' | 'port-reuse' | 'idle-evicted';
  frameCount: number;
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
