/**
 * What the link layer says about the network layer. One instance per decoder is reused for every packet
 * (scratch state that never leaves the decoder), so link decoding allocates nothing.
 */
export class LinkHeader {
  /** The EtherType of what follows; ETHERTYPE_IPV4 or ETHERTYPE_IPV6 once decodeLink succeeded. */
  etherType = 0;
  /** Offset of the next header (the IP header once decodeLink succeeded) in the packet bytes. */
  offset = 0;
}
