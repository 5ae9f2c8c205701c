import type { AddressCache } from './address-cache.js';
import type { IpHeader } from './ip-header.js';
import { walkExtensionHeaders } from './ipv6-extensions.js';
import { type LayerStop, malformed, truncated } from './layer-stop.js';

/** RFC 8200 §3: the fixed header is 40 bytes. */
const IPV6_HEADER_LENGTH = 40;

/**
 * Decodes an IPv6 header at `offset` and its extension headers into `out`. A fragment stops the walk with
 * out.fragmented set (the rest is walked after reassembly). Payload length 0 (TSO/GSO on the capturing
 * host, or a jumbogram) means: trust the captured length.
 */
export function decodeIpv6(
  data: Buffer,
  offset: number,
  out: IpHeader,
  addresses: AddressCache,
): LayerStop | undefined {
  const have = data.length - offset;
  if (have < IPV6_HEADER_LENGTH) return truncated('IPv6', IPV6_HEADER_LENGTH, have);
  const version = data[offset]! >> 4;
  if (version !== 6) return malformed('IPv6', `version ${version} in an IPv6 packet`);
  const payloadLength = data.readUInt16BE(offset + 4);
  out.version = 6;
  out.src = addresses.ipv6(data, offset + 8);
  out.dst = addresses.ipv6(data, offset + 24);
  const start = offset + IPV6_HEADER_LENGTH;
  out.declaredEnd = payloadLength === 0 ? data.length : start + payloadLength;
  out.payloadEnd = Math.min(out.declaredEnd, data.length);
  out.resetFragment();
  return walkExtensionHeaders(data, start, data[offset + 6]!, out, true);
}
