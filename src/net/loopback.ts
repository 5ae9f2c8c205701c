import { type LayerStop, skip, truncated } from './layer-stop.js';
import type { LinkHeader } from './link-header.js';
import {
  BSD_AF_INET,
  BSD_AF_INET6_BSD,
  BSD_AF_INET6_DARWIN,
  BSD_AF_INET6_FREEBSD,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
} from './link-types.js';

/** A 4-byte address family precedes the IP header. */
const LOOPBACK_HEADER_LENGTH = 4;

/**
 * BSD loopback. LINKTYPE_NULL stores the family in the byte order of the machine that captured, which a
 * reader of the file cannot know; families are small numbers, so a value with bits in its upper half must be
 * the other byte order (the heuristic Wireshark's packet-null.c uses). LINKTYPE_LOOP is always big-endian.
 */
export function decodeLoopback(data: Buffer, out: LinkHeader, networkOrder: boolean): LayerStop | undefined {
  if (data.length < LOOPBACK_HEADER_LENGTH)
    return truncated('NULL/loopback', LOOPBACK_HEADER_LENGTH, data.length);
  let family = networkOrder ? data.readUInt32BE(0) : data.readUInt32LE(0);
  if (!networkOrder && family > 0xffff) family = data.readUInt32BE(0);
  out.offset = LOOPBACK_HEADER_LENGTH;
  switch (family) {
    case BSD_AF_INET:
      out.etherType = ETHERTYPE_IPV4;
      return undefined;
    case BSD_AF_INET6_BSD:
    case BSD_AF_INET6_FREEBSD:
    case BSD_AF_INET6_DARWIN:
      out.etherType = ETHERTYPE_IPV6;
      return undefined;
    default:
      return skip('non-ip');
  }
}
