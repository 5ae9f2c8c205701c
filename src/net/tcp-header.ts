import type { EndpointCache } from './endpoint-cache.js';
import type { IpHeader } from './ip-header.js';
import { type LayerStop, malformed, truncated } from './layer-stop.js';
import { TCP_SYN, tcpFlags } from './tcp-flags.js';
import { parseSackBlocks } from './tcp-sack.js';
import { parseSynOptions, type TcpSynOptions } from './tcp-options.js';
import type { Endpoint, TcpSegment } from './types.js';
import { u16, u32 } from './bytes.js';

/** RFC 9293 §3.1: a header without options is 5 32-bit words. */
const TCP_MIN_HEADER_LENGTH = 20;
/** Shared by every segment without payload (pure ACKs are half of most captures). Zero bytes: nothing to mutate. */
const EMPTY_PAYLOAD = Buffer.alloc(0);

/**
 * Decodes the TCP header at ip.payloadStart. The payload is a view on the packet bytes (no copy) that ends
 * where the IP layer says the segment ends, or where the capture cut it. MSS and window scale are read on SYNs
 * only (RFC 9293 §3.7.1, RFC 7323 §2.2); other segments are scanned for SACK blocks (RFC 2018) alone.
 */
export function decodeTcp(
  data: Buffer,
  ip: IpHeader,
  packetIndex: number,
  time: number,
  options: TcpSynOptions,
  endpoints?: EndpointCache,
): TcpSegment | LayerStop {
  const start = ip.payloadStart;
  const present = ip.payloadEnd - start;
  if (present < TCP_MIN_HEADER_LENGTH) return shortHeader(ip, TCP_MIN_HEADER_LENGTH, present);
  const dataOffset = data[start + 12]! >> 4;
  const headerLength = dataOffset * 4;
  if (headerLength < TCP_MIN_HEADER_LENGTH) return malformed('TCP', `data offset ${dataOffset} (minimum 5)`);
  if (present < headerLength) return shortHeader(ip, headerLength, present);
  const bits = data[start + 13]!;
  options.mss = undefined;
  options.windowScale = undefined;
  options.problem = undefined;
  let sack: number[] | undefined;
  if (headerLength > TCP_MIN_HEADER_LENGTH) {
    if ((bits & TCP_SYN) !== 0)
      parseSynOptions(data, start + TCP_MIN_HEADER_LENGTH, start + headerLength, options);
    // SACK blocks are only in ACKs after a loss; a timestamp-only options area is scanned in a few steps.
    else sack = parseSackBlocks(data, start + TCP_MIN_HEADER_LENGTH, start + headerLength);
  }
  const payloadStart = start + headerLength;
  return {
    packetIndex,
    time,
    ipVersion: ip.version,
    src: endpoint(ip.src, u16(data, start), endpoints),
    dst: endpoint(ip.dst, u16(data, start + 2), endpoints),
    seq: u32(data, start + 4),
    ack: u32(data, start + 8),
    flags: tcpFlags(bits),
    window: u16(data, start + 14),
    windowScale: options.windowScale,
    mss: options.mss,
    sack,
    payload: payloadStart === ip.payloadEnd ? EMPTY_PAYLOAD : data.subarray(payloadStart, ip.payloadEnd),
  };
}

function endpoint(ip: string, port: number, endpoints: EndpointCache | undefined): Endpoint {
  return endpoints ? endpoints.get(ip, port) : { ip, port };
}

/** Too few bytes for the header: the IP length leaves no room (malformed), or the capture cut it (truncated). */
function shortHeader(ip: IpHeader, need: number, present: number): LayerStop {
  const declared = ip.declaredEnd - ip.payloadStart;
  if (declared < need) {
    return malformed('TCP', `the IP payload of ${declared} bytes cannot hold a ${need}-byte TCP header`);
  }
  return truncated('TCP', need, present);
}
