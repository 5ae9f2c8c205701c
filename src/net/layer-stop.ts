/**
 * Why decoding stopped before a TCP segment came out (gopacket: "decoding stops with a typed error at the
 * first layer it cannot handle"). Stops are allocated only on the unhappy path; skips are shared constants,
 * so a well-formed packet allocates nothing here.
 */

/**
 * Stable words the engine counts skipped packets by. 'truncated', 'malformed' and 'esp' come with a
 * diagnostic; the others are silent (not errors, just traffic this tool does not follow).
 */
export type SkipReason =
  | 'arp'
  | 'non-ip'
  | 'unknown-linktype'
  | 'udp'
  | 'icmp'
  | 'esp'
  | 'other-protocol'
  /** A TCP-bound IP fragment held for reassembly; the datagram surfaces with the fragment completing it. */
  | 'fragment'
  | 'truncated'
  | 'malformed';

/** Layer names used in diagnostics. */
export type LayerName =
  | 'Ethernet'
  | '802.1Q'
  | 'NULL/loopback'
  | 'Linux SLL'
  | 'Linux SLL2'
  | 'raw IP'
  | 'IPv4'
  | 'IPv6'
  | 'IPv6 extension'
  | 'IPv4 fragment'
  | 'IPv6 fragment'
  | 'TCP';

export type LayerStop =
  /** Not an error: a packet this tool does not follow (ARP, UDP...). */
  | { kind: 'skip'; reason: SkipReason }
  /** The capture holds fewer bytes than the header needs (snaplen or a cut record). */
  | { kind: 'truncated'; layer: LayerName; need: number; have: number }
  /** The bytes contradict the header's own rules. */
  | { kind: 'malformed'; layer: LayerName; detail: string }
  /** IPsec ESP: encrypted, reported once per packet then skipped. */
  | { kind: 'esp' };

const SKIP_REASONS: readonly SkipReason[] = [
  'arp',
  'non-ip',
  'unknown-linktype',
  'udp',
  'icmp',
  'esp',
  'other-protocol',
  'fragment',
  'truncated',
  'malformed',
];

const SKIPS = Object.fromEntries(
  SKIP_REASONS.map((reason) => [reason, Object.freeze({ kind: 'skip', reason })]),
) as Record<SkipReason, LayerStop>;

/** The shared, frozen stop for a skip reason. */
export function skip(reason: SkipReason): LayerStop {
  return SKIPS[reason];
}

export function truncated(layer: LayerName, need: number, have: number): LayerStop {
  return { kind: 'truncated', layer, need, have };
}

export function malformed(layer: LayerName, detail: string): LayerStop {
  return { kind: 'malformed', layer, detail };
}

export const ESP_STOP: LayerStop = Object.freeze({ kind: 'esp' });
