/**
 * What the IP layer says about its payload: the fields the TCP decoder and the fragment reassembler need.
 * One instance per decoder is reused for every packet (scratch state that never leaves the decoder); the
 * address strings are copied into the TcpSegment, never the object.
 */
export class IpHeader {
  version: 4 | 6 = 4;
  /** Upper-layer protocol: IPv4 protocol field, or IPv6 next header after the extension headers. */
  protocol = 0;
  src = '';
  dst = '';
  /** Offset of the upper-layer header (or, for a fragment, of the fragment's data) in the packet bytes. */
  payloadStart = 0;
  /** End of the payload bytes present: the smaller of declaredEnd and the captured length. */
  payloadEnd = 0;
  /** Where the IP length field says the payload ends; beyond payloadEnd when the capture cut the packet. */
  declaredEnd = 0;
  /** True when this packet is one fragment of a larger datagram (not an RFC 6946 atomic fragment). */
  fragmented = false;
  /** Byte offset of this fragment's data in the reassembled payload. */
  fragmentOffset = 0;
  moreFragments = false;
  /** IPv4 Identification (16 bits) or IPv6 Fragment header Identification (32 bits). */
  fragmentId = 0;

  resetFragment(): void {
    this.fragmented = false;
    this.fragmentOffset = 0;
    this.moreFragments = false;
    this.fragmentId = 0;
  }
}
