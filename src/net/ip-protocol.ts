import type { SkipReason } from './layer-stop.js';

/** IANA Assigned Internet Protocol Numbers (https://www.iana.org/assignments/protocol-numbers). */
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_MH = 135;
export const IPPROTO_HIP = 139;
export const IPPROTO_SHIM6 = 140;
/** RFC 3692 experimentation and testing values. */
export const IPPROTO_EXPERIMENT_1 = 253;
export const IPPROTO_EXPERIMENT_2 = 254;

/** How a packet carrying a protocol other than TCP is counted. */
export function skipReasonFor(protocol: number): SkipReason {
  switch (protocol) {
    case IPPROTO_UDP:
      return 'udp';
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
      return 'icmp';
    case IPPROTO_ESP:
      return 'esp';
    default:
      return 'other-protocol';
  }
}
