/**
 * Classic pcap output for --write-pcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html): a 24-byte
 * global header, then per packet a 16-byte record header and the captured bytes, little-endian. Microsecond
 * magic a1b2c3d4, or the nanosecond magic a1b23c4d when the source had nanosecond timestamps, so times
 * survive exactly. One file holds one link type: packets of another link type are refused and counted.
 * Pure: bytes go to the `write` callback; the caller owns the file.
 */
import type { RawPacket } from '../capture/types.js';

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
/** libpcap's MAXIMUM_SNAPLEN: readers accept records up to this size. */
export const PCAP_SNAPLEN = 262144;

export interface PcapWriterOptions {
  nanosecond: boolean;
}

export class PcapWriter {
  private linkType: number | null = null;
  written = 0;
  /** Packets refused because their link type differs from the file's. */
  skippedLinkType = 0;

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly options: PcapWriterOptions,
  ) {}

  /** The file's link type (that of the first packet), or null before any packet. */
  get fileLinkType(): number | null {
    return this.linkType;
  }

  packet(p: RawPacket): boolean {
    if (this.linkType === null) {
      this.linkType = p.linkType;
      this.write(globalHeader(p.linkType, this.options.nanosecond));
    } else if (p.linkType !== this.linkType) {
      this.skippedLinkType++;
      return false;
    }
    this.write(recordHeader(p, this.options.nanosecond));
    this.write(p.data);
    this.written++;
    return true;
  }
}

export function globalHeader(linkType: number, nanosecond: boolean): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(nanosecond ? MAGIC_NANO : MAGIC_MICRO, 0);
  b.writeUInt16LE(2, 4); // version 2.4
  b.writeUInt16LE(4, 6);
  b.writeInt32LE(0, 8); // thiszone: times are UTC
  b.writeUInt32LE(0, 12); // sigfigs
  b.writeUInt32LE(PCAP_SNAPLEN, 16);
  b.writeUInt32LE(linkType, 20);
  return b;
}

export function recordHeader(p: RawPacket, nanosecond: boolean): Buffer {
  const b = Buffer.alloc(16);
  const seconds = p.timeNs / 1_000_000_000n;
  const fractionNs = p.timeNs % 1_000_000_000n;
  b.writeUInt32LE(Number(seconds & 0xffffffffn), 0);
  b.writeUInt32LE(Number(nanosecond ? fractionNs : fractionNs / 1000n), 4);
  b.writeUInt32LE(p.data.length, 8);
  b.writeUInt32LE(Math.max(p.originalLength, p.data.length), 12);
  return b;
}
