import type { AddressCache } from './address-cache.js';
import type { IpHeader } from './ip-header.js';
import { IPPROTO_TCP, skipReasonFor } from './ip-protocol.js';
import { type LayerStop, malformed, skip, truncated } from './layer-stop.js';
import { u16 } from './bytes.js';

/** RFC 791 §3.1: a header without options is 5 32-bit words. */
const IPV4_MIN_HEADER_LENGTH = 20;
/** Offset of the protocol field, the last field a cut header must hold for us to know it is not TCP. */
const PROTOCOL_OFFSET = 9;
/** RFC 791 §3.1 flags: bit 2 "More Fragments". */
const MF = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

/**
 * Decodes an IPv4 header at `offset` into `out`. The checksum is not verified: checksum offload leaves it
 * wrong in captures taken on the sending host, loopback included. A packet cut by the capture keeps what it
 * has (payloadEnd < declaredEnd); only a cut header stops decoding.
 */
export function decodeIpv4(
  data: Buffer,
  offset: number,
  out: IpHeader,
  addresses: AddressCache,
): LayerStop | undefined {
  const have = data.length - offset;
  if (have < IPV4_MIN_HEADER_LENGTH) return cutHeader(data, offset, IPV4_MIN_HEADER_LENGTH, have);
  const first = data[offset]!;
  const version = first >> 4;
  if (version !== 4) return malformed('IPv4', `version ${version} in an IPv4 packet`);
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) {
    return malformed('IPv4', `header length ${headerLength} bytes (IHL ${first & 0x0f}, minimum 5)`);
  }
  const totalLength = u16(data, offset + 2);
  // Total length 0: TSO/GSO or BIG TCP on the capturing host left the field unset; trust the capture.
  if (totalLength !== 0 && totalLength < headerLength) {
    return malformed('IPv4', `total length ${totalLength} is shorter than the ${headerLength}-byte header`);
  }
  if (have < headerLength) return cutHeader(data, offset, headerLength, have);
  out.version = 4;
  out.protocol = data[offset + PROTOCOL_OFFSET]!;
  out.src = addresses.ipv4(data, offset + 12);
  out.dst = addresses.ipv4(data, offset + 16);
  out.payloadStart = offset + headerLength;
  // A total length below the captured length means Ethernet padding (frames have a 60-byte minimum).
  out.declaredEnd = totalLength === 0 ? data.length : offset + totalLength;
  out.payloadEnd = Math.min(out.declaredEnd, data.length);
  readFragmentFields(data, offset, out);
  return undefined;
}

function readFragmentFields(data: Buffer, offset: number, out: IpHeader): void {
  const flagsAndOffset = u16(data, offset + 6);
  const fragmentOffset = (flagsAndOffset & FRAGMENT_OFFSET_MASK) * 8; // RFC 791: in 8-octet units
  const more = (flagsAndOffset & MF) !== 0;
  out.fragmented = more || fragmentOffset !== 0;
  out.fragmentOffset = fragmentOffset;
  out.moreFragments = more;
  out.fragmentId = u16(data, offset + 4);
}

/** A cut header is only worth a diagnostic when it could be TCP: one known to carry UDP etc. is just skipped. */
function cutHeader(data: Buffer, offset: number, need: number, have: number): LayerStop {
  if (have > PROTOCOL_OFFSET && data[offset]! >> 4 === 4) {
    const protocol = data[offset + PROTOCOL_OFFSET]!;
    if (protocol !== IPPROTO_TCP) return skip(skipReasonFor(protocol));
  }
  return truncated('IPv4', need, have);
}
