import {
  type CompletedDatagram,
  DEFAULT_FRAGMENT_LIMITS,
  type FragmentLimits,
  FragmentReassembler,
  type FragmentResult,
  type IncompleteDatagram,
} from './fragment-reassembler.js';
import type { IpHeader } from './ip-header.js';

/** What a reassembled datagram needs besides its payload, from the RFC 791 key and its first fragment. */
export interface DatagramMeta {
  version: 4 | 6;
  src: string;
  dst: string;
  /** IPv4 protocol, or the IPv6 Fragment header's Next Header (first header of the fragmentable part). */
  protocol: number;
  id: number;
}

export type DatagramResult = FragmentResult<DatagramMeta>;
export type CompletedIpDatagram = CompletedDatagram<DatagramMeta>;
export type IncompleteIpDatagram = IncompleteDatagram<DatagramMeta>;

/**
 * One reassembler per IP version, keyed as RFC 791 §3.2 (src, dst, protocol, id) and RFC 8200 §4.5
 * (src, dst, id) say.
 */
export class IpFragments {
  private readonly v4: FragmentReassembler<DatagramMeta>;
  private readonly v6: FragmentReassembler<DatagramMeta>;

  constructor(limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {
    this.v4 = new FragmentReassembler(limits);
    this.v6 = new FragmentReassembler(limits);
  }

  /** `ip` holds the fragment's decoded header; its data is [payloadStart, payloadEnd) of `data`. */
  add(data: Buffer, ip: IpHeader, time: number, packetIndex: number): DatagramResult {
    const meta: DatagramMeta = {
      version: ip.version,
      src: ip.src,
      dst: ip.dst,
      protocol: ip.protocol,
      id: ip.fragmentId,
    };
    const key =
      ip.version === 4
        ? `${ip.src} ${ip.dst} ${ip.protocol} ${ip.fragmentId}`
        : `${ip.src} ${ip.dst} ${ip.fragmentId}`;
    const reassembler = ip.version === 4 ? this.v4 : this.v6;
    const fragment = data.subarray(ip.payloadStart, ip.payloadEnd);
    return reassembler.add(key, meta, ip.fragmentOffset, ip.moreFragments, fragment, time, packetIndex);
  }

  /** Expires datagrams older than the timeout; returns every datagram given up since the last call. */
  expire(now: number): IncompleteIpDatagram[] {
    if (this.v4.pendingCount > 0) this.v4.expire(now);
    if (this.v6.pendingCount > 0) this.v6.expire(now);
    return this.takeIncomplete();
  }

  finish(): IncompleteIpDatagram[] {
    this.v4.finish();
    this.v6.finish();
    return this.takeIncomplete();
  }

  takeIncomplete(): IncompleteIpDatagram[] {
    const a = this.v4.takeIncomplete();
    const b = this.v6.takeIncomplete();
    return b.length === 0 ? a : a.concat(b);
  }
}
