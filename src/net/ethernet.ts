import { type LayerStop, malformed, truncated } from './layer-stop.js';
import type { LinkHeader } from './link-header.js';
import { ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_VLAN } from './link-types.js';
import { u16 } from './bytes.js';

/** Destination MAC (6), source MAC (6), EtherType (2): IEEE 802.3 clause 3.1.1. */
const ETHERNET_HEADER_LENGTH = 14;
/** Tag Control Information (2) + the next EtherType (2): IEEE 802.1Q clause 9.3. */
const VLAN_TAG_LENGTH = 4;
/** More stacked tags than any real network uses; bounds the walk on garbage. */
const MAX_VLAN_TAGS = 8;

/** Ethernet II (LINKTYPE_ETHERNET). The frame check sequence is not part of pcap captures. */
export function decodeEthernet(data: Buffer, out: LinkHeader): LayerStop | undefined {
  if (data.length < ETHERNET_HEADER_LENGTH) return truncated('Ethernet', ETHERNET_HEADER_LENGTH, data.length);
  out.etherType = u16(data, 12);
  out.offset = ETHERNET_HEADER_LENGTH;
  return undefined;
}

function isVlanTpid(etherType: number): boolean {
  return etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_QINQ_OLD;
}

/**
 * Skips 802.1Q / 802.1ad (QinQ) tags: `out.etherType` is a tag protocol identifier while a tag follows at
 * `out.offset`; afterwards it is the encapsulated EtherType and `out.offset` points past the last tag.
 */
export function resolveVlanTags(data: Buffer, out: LinkHeader): LayerStop | undefined {
  for (let tags = 0; isVlanTpid(out.etherType); tags++) {
    if (tags === MAX_VLAN_TAGS) return malformed('802.1Q', `more than ${MAX_VLAN_TAGS} stacked VLAN tags`);
    const end = out.offset + VLAN_TAG_LENGTH;
    if (data.length < end) return truncated('802.1Q', end, data.length);
    out.etherType = u16(data, out.offset + 2);
    out.offset = end;
  }
  return undefined;
}
