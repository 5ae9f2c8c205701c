export interface Endpoint {
  /** Textual address: dotted IPv4 or RFC 5952 compressed IPv6 (no brackets). */
  ip: string;
  port: number;
}

export interface TcpFlags {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
}

/** A TCP segment with the IP addressing it came with; everything the reassembler needs. */
export interface TcpSegment {
  /** RawPacket.index of the packet (of the last fragment, for a reassembled IPv4 datagram). */
  packetIndex: number;
  time: number;
  ipVersion: 4 | 6;
  src: Endpoint;
  dst: Endpoint;
  /** Unsigned 32-bit sequence and acknowledgement numbers. */
  seq: number;
  ack: number;
  flags: TcpFlags;
  window: number;
  /** Window scale option from a SYN, when present. */
  windowScale?: number;
  mss?: number;
  /** SACK blocks (RFC 2018), flat [left, right, ...], on a non-SYN segment that carries the option. */
  sack?: number[];
  payload: Buffer;
}

/** "1.2.3.4:80" or "[::1]:50051", the form the output contract uses. */
export function formatEndpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
