import type { Endpoint, TcpSegment } from '../net/types.js';
import type { ClientRule } from './types.js';

/** IANA's dynamic/private range starts at 49152, but Linux picks from 32768 (ip_local_port_range). */
export const EPHEMERAL_PORT_MIN = 32768;

export interface ClientChoice {
  client: Endpoint;
  server: Endpoint;
  rule: ClientRule;
}

/**
 * Decides which endpoint opened the connection, from its first captured segment.
 * RFC 9293 §3.5: the active opener sends the SYN (without ACK); the SYN-ACK goes back to it.
 * Without either, the port heuristic: an ephemeral port (>= 32768) opposite a non-ephemeral one is the
 * client; otherwise the higher port; equal ports: the sender of the first packet.
 */
export function chooseClient(seg: TcpSegment): ClientChoice {
  const src = { ip: seg.src.ip, port: seg.src.port };
  const dst = { ip: seg.dst.ip, port: seg.dst.port };
  if (seg.flags.syn) {
    return seg.flags.ack
      ? { client: dst, server: src, rule: 'syn' }
      : { client: src, server: dst, rule: 'syn' };
  }
  return srcIsClientByPort(src.port, dst.port)
    ? { client: src, server: dst, rule: 'port' }
    : { client: dst, server: src, rule: 'port' };
}

function srcIsClientByPort(src: number, dst: number): boolean {
  const srcEphemeral = src >= EPHEMERAL_PORT_MIN;
  const dstEphemeral = dst >= EPHEMERAL_PORT_MIN;
  if (srcEphemeral !== dstEphemeral) return srcEphemeral;
  return src >= dst;
}
