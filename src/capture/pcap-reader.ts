import { ByteQueue } from './byte-queue.js';
import { captureDiagnostic, type FormatReader } from './events.js';
import type { CaptureEvent, RawPacket } from './types.js';

// Classic pcap, draft-ietf-opsawg-pcap: §4 File Header (24 bytes), §5 Packet Record (16-byte header).
const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;
const PCAP_VERSION_MAJOR = 2;

/** §4 Magic Number, as the first four bytes read big-endian. */
export const PCAP_MAGIC = {
  MICROSECONDS: 0xa1b2c3d4,
  NANOSECONDS: 0xa1b23c4d,
  MICROSECONDS_SWAPPED: 0xd4c3b2a1,
  NANOSECONDS_SWAPPED: 0x4d3cb2a1,
} as const;

/** §4: the link type is the lower 16 bits; the upper bits carry the FCS length and its flag. */
const LINKTYPE_MASK = 0xffff;
/** A record longer than this is corruption, not data. */
export const MAX_RECORD_LENGTH = 256 * 1024 * 1024;
/** libpcap's MAXIMUM_SNAPLEN: real records may exceed a small snaplen, but not this as well. */
const MAXIMUM_SNAPLEN = 262144;
const NS_PER_SECOND = 1_000_000_000n;

interface PcapHeader {
  le: boolean;
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
}

/** Incremental classic pcap reader: bytes in any split, `packet` events out in file order. */
export class PcapReader implements FormatReader {
  private readonly queue = new ByteQueue();
  private header: PcapHeader | null = null;
  /** Bytes the next step needs, counted from the first pending byte. */
  private need = FILE_HEADER_LENGTH;
  private halted = false;
  private index = 0;
  /** Timestamps of consecutive packets mostly share their second: convert it to bigint once. */
  private lastSec = -1;
  private lastSecNs = 0n;

  get stopped(): boolean {
    return this.halted;
  }

  push(chunk: Buffer): CaptureEvent[] {
    if (this.halted) return [];
    this.queue.push(chunk);
    const out: CaptureEvent[] = [];
    for (let buf = this.queue.peek(this.need); buf; buf = this.queue.peek(this.need)) {
      const used = this.readSome(buf, out);
      if (this.halted) return this.stop(out);
      this.queue.consume(used);
    }
    return out;
  }

  finish(): CaptureEvent[] {
    if (this.halted) return [];
    this.halted = true;
    const have = this.queue.available;
    const offset = this.queue.offset;
    if (!this.header) {
      const missing = FILE_HEADER_LENGTH - have;
      return [truncated('the pcap file header', offset, missing, 'header')];
    }
    if (have === 0) return [];
    const what = `record ${this.index}`;
    if (have < RECORD_HEADER_LENGTH) {
      return [truncated(what, offset, RECORD_HEADER_LENGTH - have, 'record header', this.index)];
    }
    const incl = readU32(this.queue.peek(have)!, 8, this.header.le);
    return [truncated(what, offset, RECORD_HEADER_LENGTH + incl - have, 'record data', this.index)];
  }

  /** Reads the file header or the records wholly in `buf`; returns the bytes used. */
  private readSome(buf: Buffer, out: CaptureEvent[]): number {
    if (this.header) return this.readRecords(buf, 0, this.header, out);
    this.header = this.readHeader(buf, out);
    if (!this.header) this.halted = true;
    this.need = RECORD_HEADER_LENGTH;
    return FILE_HEADER_LENGTH;
  }

  private stop(out: CaptureEvent[]): CaptureEvent[] {
    this.halted = true;
    this.queue.clear();
    return out;
  }

  private readHeader(buf: Buffer, out: CaptureEvent[]): PcapHeader | null {
    const magic = buf.readUInt32BE(0);
    const le = magic === PCAP_MAGIC.MICROSECONDS_SWAPPED || magic === PCAP_MAGIC.NANOSECONDS_SWAPPED;
    const nanosecond = magic === PCAP_MAGIC.NANOSECONDS || magic === PCAP_MAGIC.NANOSECONDS_SWAPPED;
    if (!le && !nanosecond && magic !== PCAP_MAGIC.MICROSECONDS) {
      throw new Error(`PcapReader fed a non-pcap magic 0x${magic.toString(16)}`); // the sniffer's job
    }
    const versionMajor = le ? buf.readUInt16LE(4) : buf.readUInt16BE(4);
    const versionMinor = le ? buf.readUInt16LE(6) : buf.readUInt16BE(6);
    if (versionMajor !== PCAP_VERSION_MAJOR) {
      const params = { format: 'pcap', offset: 0, versionMajor, versionMinor };
      out.push(captureDiagnostic('capture.unknown-version', params));
      return null;
    }
    const snaplen = readU32(buf, 16, le);
    const linkType = readU32(buf, 20, le) & LINKTYPE_MASK;
    const byteOrder = le ? 'le' : 'be';
    out.push({ kind: 'format', format: 'pcap', nanosecond, byteOrder, versionMajor, versionMinor });
    const tsUnitsPerSecond = nanosecond ? 1e9 : 1e6;
    out.push({ kind: 'interface', iface: { id: 0, linkType, tsUnitsPerSecond, snaplen } });
    return { le, nanosecond, versionMajor, versionMinor, snaplen, linkType };
  }

  /** The hot loop: returns the offset of the first record not wholly in `buf`. */
  private readRecords(buf: Buffer, start: number, h: PcapHeader, out: CaptureEvent[]): number {
    let pos = start;
    while (buf.length - pos >= RECORD_HEADER_LENGTH) {
      const incl = readU32(buf, pos + 8, h.le);
      const reason = absurdLength(incl, h.snaplen);
      if (reason) {
        const params = { record: this.index, offset: this.queue.offset + pos, length: incl, reason };
        out.push(captureDiagnostic('capture.corrupt-record', params));
        this.halted = true;
        return pos;
      }
      const end = pos + RECORD_HEADER_LENGTH + incl;
      if (end > buf.length) {
        this.need = end - pos;
        return pos;
      }
      out.push({ kind: 'packet', packet: this.record(buf, pos, incl, h) });
      pos = end;
    }
    this.need = RECORD_HEADER_LENGTH;
    return pos;
  }

  private record(buf: Buffer, pos: number, incl: number, h: PcapHeader): RawPacket {
    const sec = readU32(buf, pos, h.le);
    const frac = readU32(buf, pos + 4, h.le);
    if (sec !== this.lastSec) {
      this.lastSec = sec;
      this.lastSecNs = BigInt(sec) * NS_PER_SECOND;
    }
    const fracNs = h.nanosecond ? frac : frac * 1000;
    return {
      index: this.index++,
      time: sec + fracNs / 1e9,
      timeNs: this.lastSecNs + BigInt(fracNs),
      linkType: h.linkType,
      interfaceId: 0,
      data: buf.subarray(pos + RECORD_HEADER_LENGTH, pos + RECORD_HEADER_LENGTH + incl),
      originalLength: readU32(buf, pos + 12, h.le),
      offset: this.queue.offset + pos,
    };
  }
}

function readU32(buf: Buffer, at: number, le: boolean): number {
  return le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
}

/** Why a captured length cannot be real, or null when it can. */
function absurdLength(incl: number, snaplen: number): string | null {
  if (incl > MAX_RECORD_LENGTH) return `more than the ${MAX_RECORD_LENGTH} bytes any record may have`;
  if (incl > snaplen * 2 && incl > MAXIMUM_SNAPLEN) {
    return `more than twice the snapshot length of ${snaplen} bytes and more than ${MAXIMUM_SNAPLEN}`;
  }
  return null;
}

function truncated(
  what: string,
  offset: number,
  missing: number,
  part: string,
  record?: number,
): CaptureEvent {
  return captureDiagnostic('capture.truncated', { what, offset, missing, part, record });
}
