import { type LayerStop, truncated } from './layer-stop.js';
import type { LinkHeader } from './link-header.js';

/**
 * Linux "cooked" captures (`tcpdump -i any`), https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html:
 * packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2).
 */
const SLL_HEADER_LENGTH = 16;
const SLL_PROTOCOL_OFFSET = 14;

/**
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html: protocol (2), reserved (2), interface index
 * (4), ARPHRD type (2), packet type (1), address length (1), address (8).
 */
const SLL2_HEADER_LENGTH = 20;
const SLL2_PROTOCOL_OFFSET = 0;

/**
 * The protocol field holds an EtherType for every device type that carries IP; other values (802.2 LLC,
 * netlink families...) classify as non-IP downstream, which is what they are for this tool.
 */
export function decodeLinuxSll(data: Buffer, out: LinkHeader): LayerStop | undefined {
  if (data.length < SLL_HEADER_LENGTH) return truncated('Linux SLL', SLL_HEADER_LENGTH, data.length);
  out.etherType = data.readUInt16BE(SLL_PROTOCOL_OFFSET);
  out.offset = SLL_HEADER_LENGTH;
  return undefined;
}

export function decodeLinuxSll2(data: Buffer, out: LinkHeader): LayerStop | undefined {
  if (data.length < SLL2_HEADER_LENGTH) return truncated('Linux SLL2', SLL2_HEADER_LENGTH, data.length);
  out.etherType = data.readUInt16BE(SLL2_PROTOCOL_OFFSET);
  out.offset = SLL2_HEADER_LENGTH;
  return undefined;
}
