/**
 * LINKTYPE_* values this decoder understands (https://www.tcpdump.org/linktypes.html) and the EtherType
 * values that matter to it (IEEE 802 numbers, https://www.iana.org/assignments/ieee-802-numbers).
 */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
/** DLT_RAW as written by some BSDs (12) and OpenBSD (14); LINKTYPE_RAW (101) is the portable value. */
export const DLT_RAW_12 = 12;
export const DLT_RAW_14 = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802.1Q customer VLAN tag. */
export const ETHERTYPE_VLAN = 0x8100;
/** IEEE 802.1ad service VLAN tag (QinQ outer tag). */
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ outer tag used by some switches. */
export const ETHERTYPE_QINQ_OLD = 0x9100;
/** Values up to 1500 in the type field are IEEE 802.3 lengths (an LLC frame follows), not EtherTypes. */
export const ETHERNET_MAX_LENGTH_FIELD = 1500;

/** BSD loopback (NULL/LOOP) address families: AF_INET everywhere; AF_INET6 differs per OS. */
export const BSD_AF_INET = 2;
/** NetBSD, OpenBSD, BSD/OS. */
export const BSD_AF_INET6_BSD = 24;
export const BSD_AF_INET6_FREEBSD = 28;
export const BSD_AF_INET6_DARWIN = 30;
