import { decodeEthernet, resolveVlanTags } from './ethernet.js';
import { type LayerStop, malformed, skip, truncated } from './layer-stop.js';
import {
  DLT_RAW_12,
  DLT_RAW_14,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from './link-types.js';
import type { LinkHeader } from './link-header.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.js';
import { decodeLoopback } from './loopback.js';

export function isSupportedLinkType(linkType: number): boolean {
  switch (linkType) {
    case LINKTYPE_NULL:
    case LINKTYPE_ETHERNET:
    case DLT_RAW_12:
    case DLT_RAW_14:
    case LINKTYPE_RAW:
    case LINKTYPE_LOOP:
    case LINKTYPE_LINUX_SLL:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
    case LINKTYPE_LINUX_SLL2:
      return true;
    default:
      return false;
  }
}

/**
 * Decodes the link header of a packet of a supported link type (see isSupportedLinkType) down to an IPv4 or
 * IPv6 header. Returns undefined on success (out filled), or why the packet stops here.
 */
export function decodeLink(linkType: number, data: Buffer, out: LinkHeader): LayerStop | undefined {
  const stop = decodeLinkHeader(linkType, data, out);
  if (stop !== undefined) return stop;
  return classifyEtherType(data, out);
}

function decodeLinkHeader(linkType: number, data: Buffer, out: LinkHeader): LayerStop | undefined {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return decodeEthernet(data, out);
    case LINKTYPE_NULL:
      return decodeLoopback(data, out, false);
    case LINKTYPE_LOOP:
      return decodeLoopback(data, out, true);
    case LINKTYPE_LINUX_SLL:
      return decodeLinuxSll(data, out);
    case LINKTYPE_LINUX_SLL2:
      return decodeLinuxSll2(data, out);
    case LINKTYPE_RAW:
    case DLT_RAW_12:
    case DLT_RAW_14:
      return decodeRawIp(data, out);
    case LINKTYPE_IPV4:
      return setRaw(out, ETHERTYPE_IPV4);
    case LINKTYPE_IPV6:
      return setRaw(out, ETHERTYPE_IPV6);
    default:
      throw new Error(`decodeLink called for unsupported link type ${linkType}`); // caller checks first
  }
}

/** Raw IP with no link header: the IP version nibble says which IP it is. */
function decodeRawIp(data: Buffer, out: LinkHeader): LayerStop | undefined {
  if (data.length < 1) return truncated('raw IP', 1, 0);
  const version = data[0]! >> 4;
  if (version === 4) return setRaw(out, ETHERTYPE_IPV4);
  if (version === 6) return setRaw(out, ETHERTYPE_IPV6);
  return malformed('raw IP', `IP version ${version} (expected 4 or 6)`);
}

function setRaw(out: LinkHeader, etherType: number): undefined {
  out.etherType = etherType;
  out.offset = 0;
  return undefined;
}

/** Walks VLAN tags, then keeps IPv4/IPv6 and turns everything else into a (silent) skip. */
function classifyEtherType(data: Buffer, out: LinkHeader): LayerStop | undefined {
  const stop = resolveVlanTags(data, out);
  if (stop !== undefined) return stop;
  if (out.etherType === ETHERTYPE_IPV4 || out.etherType === ETHERTYPE_IPV6) return undefined;
  return skip(out.etherType === ETHERTYPE_ARP ? 'arp' : 'non-ip');
}
