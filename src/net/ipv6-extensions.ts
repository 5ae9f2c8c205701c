import type { IpHeader } from './ip-header.js';
import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_ESP,
  IPPROTO_EXPERIMENT_1,
  IPPROTO_EXPERIMENT_2,
  IPPROTO_FRAGMENT,
  IPPROTO_HIP,
  IPPROTO_HOPOPTS,
  IPPROTO_MH,
  IPPROTO_ROUTING,
  IPPROTO_SHIM6,
  IPPROTO_TCP,
} from './ip-protocol.js';
import { ESP_STOP, type LayerStop, malformed, truncated } from './layer-stop.js';

/** RFC 8200 §4.5: Next Header (1), reserved (1), offset + flags (2), Identification (4). */
const FRAGMENT_HEADER_LENGTH = 8;
/** RFC 8200 §4.5: fragment offset in 8-octet units in the upper 13 bits; M flag in bit 0. */
const FRAGMENT_OFFSET_MASK = 0xfff8;
const M_FLAG = 0x0001;

/**
 * Walks IPv6 extension headers from `start` (bytes up to out.payloadEnd are present, out.declaredEnd is
 * where the packet claims to end) and leaves in `out` the upper-layer protocol and where it starts.
 * `allowFragment`: false when walking a reassembled payload, which cannot hold another Fragment header.
 */
export function walkExtensionHeaders(
  data: Buffer,
  start: number,
  nextHeader: number,
  out: IpHeader,
  allowFragment: boolean,
): LayerStop | undefined {
  let p = start;
  let next = nextHeader;
  while (true) {
    if (next === IPPROTO_ESP) return ESP_STOP; // RFC 4303: everything after the SPI is encrypted
    if (next === IPPROTO_FRAGMENT) {
      if (!allowFragment) return malformed('IPv6 extension', 'Fragment header inside a reassembled packet');
      const stop = need(p, FRAGMENT_HEADER_LENGTH, out);
      if (stop !== undefined) return stop;
      if (readFragmentHeader(data, p, out)) return undefined;
      next = data[p]!;
      p += FRAGMENT_HEADER_LENGTH;
      continue;
    }
    const length = extensionLength(data, p, next, out);
    if (length === undefined) break; // an upper-layer protocol: done
    if (typeof length !== 'number') return length;
    next = data[p]!;
    p += length;
  }
  out.protocol = next;
  out.payloadStart = p;
  return undefined;
}

/**
 * Length of the extension header `type` at `p`, undefined when `type` is not an extension header, or why
 * it cannot be read.
 */
function extensionLength(
  data: Buffer,
  p: number,
  type: number,
  out: IpHeader,
): number | LayerStop | undefined {
  let length: number;
  switch (type) {
    // RFC 8200 §4.3-4.6 and RFC 6564 §4 uniform format: Hdr Ext Len in 8-octet units, not counting the first 8.
    case IPPROTO_HOPOPTS:
    case IPPROTO_ROUTING:
    case IPPROTO_DSTOPTS:
    case IPPROTO_MH:
    case IPPROTO_HIP:
    case IPPROTO_SHIM6:
    case IPPROTO_EXPERIMENT_1:
    case IPPROTO_EXPERIMENT_2: {
      const stop = need(p, 2, out);
      if (stop !== undefined) return stop;
      length = (data[p + 1]! + 1) * 8;
      break;
    }
    case IPPROTO_AH: {
      // RFC 4302 §2.2: Payload Len in 32-bit words, minus 2.
      const stop = need(p, 2, out);
      if (stop !== undefined) return stop;
      length = (data[p + 1]! + 2) * 4;
      break;
    }
    default:
      return undefined;
  }
  return need(p, length, out) ?? length;
}

/**
 * Whether the fragmentable part of an IPv6 fragment, starting with header `first`, can lead to TCP (TCP
 * itself, or an extension header TCP may follow): only those fragments are worth holding for reassembly.
 */
export function mayLeadToTcp(first: number): boolean {
  switch (first) {
    case IPPROTO_TCP:
    case IPPROTO_ROUTING:
    case IPPROTO_DSTOPTS:
    case IPPROTO_AH:
    case IPPROTO_MH:
    case IPPROTO_HIP:
    case IPPROTO_SHIM6:
    case IPPROTO_EXPERIMENT_1:
    case IPPROTO_EXPERIMENT_2:
      return true;
    default:
      return false;
  }
}

/** Fills the fragment fields of `out`; true when this is a real fragment, false for an RFC 6946 atomic one. */
function readFragmentHeader(data: Buffer, p: number, out: IpHeader): boolean {
  const offsetAndFlags = data.readUInt16BE(p + 2);
  const fragmentOffset = offsetAndFlags & FRAGMENT_OFFSET_MASK; // already in bytes: units of 8, shifted by 3
  const more = (offsetAndFlags & M_FLAG) !== 0;
  if (fragmentOffset === 0 && !more) return false; // RFC 6946: atomic fragment, process as a whole packet
  out.fragmented = true;
  out.fragmentOffset = fragmentOffset;
  out.moreFragments = more;
  out.fragmentId = data.readUInt32BE(p + 4);
  out.protocol = data[p]!;
  out.payloadStart = p + FRAGMENT_HEADER_LENGTH;
  return true;
}

/** Whether `length` bytes at `p` are there: a header past the declared end is malformed, past the capture cut. */
function need(p: number, length: number, out: IpHeader): LayerStop | undefined {
  if (p + length <= out.payloadEnd) return undefined;
  if (p + length > out.declaredEnd) {
    return malformed('IPv6 extension', `${length}-byte header at byte ${p} runs past the end of the packet`);
  }
  return truncated('IPv6 extension', length, out.payloadEnd - p);
}
