import type { Diagnostic } from '../diagnostics/types.js';

export type CaptureFormat = 'pcap' | 'pcapng';

/** One captured record, as the file holds it, before any link-layer decoding. */
export interface RawPacket {
  /** 0-based record number in the file (pcapng: packet blocks only, in file order). */
  index: number;
  /** Epoch seconds. Float: microsecond precision survives, nanoseconds are kept in `timeNs`. */
  time: number;
  /** Exact timestamp in nanoseconds since the epoch. */
  timeNs: bigint;
  /** LINKTYPE_* value (1 Ethernet, 0 NULL, 101 raw, 113 SLL, 276 SLL2, 228/229 raw IPv4/6, ...). */
  linkType: number;
  /** pcapng interface id; 0 for classic pcap. */
  interfaceId: number;
  /** The captured bytes (may be shorter than originalLength when snaplen cut it). */
  data: Buffer;
  originalLength: number;
  /** Byte offset of the record header in the (decompressed) capture stream. */
  offset: number;
}

export interface CaptureInterface {
  id: number;
  linkType: number;
  /** Units per second of timestamps on this interface (1e6 for microseconds, 1e9 for nanoseconds). */
  tsUnitsPerSecond: number;
  snaplen: number;
  name?: string;
}

export type CaptureEvent =
  | {
      kind: 'format';
      format: CaptureFormat;
      /** Classic pcap only. */
      nanosecond?: boolean;
      byteOrder: 'le' | 'be';
      versionMajor: number;
      versionMinor: number;
    }
  | { kind: 'interface'; iface: CaptureInterface }
  | { kind: 'packet'; packet: RawPacket }
  /** pcapng Decryption Secrets Block, kept for TLS decryption (0x544c534b = TLS key log). */
  | { kind: 'secrets'; secretsType: number; data: Buffer; offset: number }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };
