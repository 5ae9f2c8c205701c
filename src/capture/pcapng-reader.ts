import { ByteQueue } from './byte-queue.js';
import { captureDiagnostic, type FormatReader } from './events.js';
import {
  BYTE_ORDER_MAGIC,
  BYTE_ORDER_MAGIC_SWAPPED,
  BlockType,
  PCAPNG_VERSION_MAJOR,
  blockName,
  decodeDecryptionSecrets,
  decodeEnhancedPacket,
  decodeInterfaceDescription,
  decodeObsoletePacket,
  decodeSectionHeader,
  decodeSimplePacket,
  type Decoded,
  type InterfaceDescription,
  type PacketBlock,
  type SecretsBlock,
} from './pcapng-blocks.js';
import { InterfaceClock, tsresolUnits, type Timestamp } from './timestamp.js';
import type { CaptureEvent, CaptureInterface } from './types.js';

// draft-ietf-opsawg-pcapng §3.1: Block Type (32), Block Total Length (32), body, Block Total Length.
const BLOCK_HEADER_LENGTH = 8;
/** A Section Header Block is recognised before its byte order is known: the magic follows the length. */
const SHB_PROBE_LENGTH = 12;
const MIN_BLOCK_LENGTH = 12;
const MIN_SHB_LENGTH = 28;
/** A block longer than this is corruption, not data. */
export const MAX_BLOCK_LENGTH = 256 * 1024 * 1024;
/** §4.2: without if_tsresol, timestamps are in microseconds. */
const DEFAULT_TSRESOL = 6;

interface Interface {
  iface: CaptureInterface;
  clock: InterfaceClock;
}

interface Section {
  le: boolean;
  /** By interface id; null marks an Interface Description Block that was malformed. */
  interfaces: (Interface | null)[];
}

/** Where a block is, for diagnostics. */
interface BlockAt {
  block: number;
  blockName: string;
  offset: number;
}

/** Incremental pcapng reader: bytes in any split, events out in file order. */
export class PcapngReader implements FormatReader {
  private readonly queue = new ByteQueue();
  private section: Section | null = null;
  private need = BLOCK_HEADER_LENGTH;
  private halted = false;
  private blockIndex = 0;
  private packetIndex = 0;
  /** Type and stream offset of the block being read (diagnostics are built from them only when needed). */
  private blockType = 0;
  private blockOffset = 0;
  private lastTime: Timestamp = { time: 0, timeNs: 0n };
  private spbNoted = false;

  get stopped(): boolean {
    return this.halted;
  }

  push(chunk: Buffer): CaptureEvent[] {
    if (this.halted) return [];
    this.queue.push(chunk);
    const out: CaptureEvent[] = [];
    for (let buf = this.queue.peek(this.need); buf; buf = this.queue.peek(this.need)) {
      let pos = 0;
      for (let used = this.step(buf, pos, out); used > 0; used = this.step(buf, pos, out)) pos += used;
      if (this.halted) {
        this.queue.clear();
        break;
      }
      this.queue.consume(pos);
    }
    return out;
  }

  finish(): CaptureEvent[] {
    if (this.halted) return [];
    this.halted = true;
    const have = this.queue.available;
    if (have === 0) return [];
    const buf = this.queue.peek(have)!;
    // The first block of a file is a Section Header Block even when too little of it arrived to tell.
    const shb = !this.section || (have >= 4 && buf.readUInt32BE(0) === BlockType.SECTION_HEADER);
    const probe = shb ? SHB_PROBE_LENGTH : BLOCK_HEADER_LENGTH;
    const le = have < probe ? null : this.blockOrder(buf, 0);
    const params = { offset: this.queue.offset, block: this.blockIndex, record: this.packetIndex };
    const what = `block ${this.blockIndex}`;
    const truncated =
      le === null
        ? { ...params, what, missing: probe - have, part: 'block header' }
        : {
            ...params,
            what: `${what} (${blockName(u32(buf, 0, le))})`,
            missing: u32(buf, 4, le) - have,
            part: 'block',
          };
    return [captureDiagnostic('capture.truncated', truncated)];
  }

  /** Reads one whole block at `pos`; returns its length, or 0 when it is not all here or reading stopped. */
  private step(buf: Buffer, pos: number, out: CaptureEvent[]): number {
    if (this.halted) return 0;
    const avail = buf.length - pos;
    const isShb = avail >= 4 && buf.readUInt32BE(pos) === BlockType.SECTION_HEADER;
    this.need = isShb ? SHB_PROBE_LENGTH : BLOCK_HEADER_LENGTH;
    if (avail < this.need) return 0;
    this.blockOffset = this.queue.offset + pos;
    const le = this.blockOrder(buf, pos);
    if (le === null) {
      this.blockType = buf.readUInt32BE(pos);
      return this.corrupt(this.orderProblem(buf, pos, isShb), out);
    }
    this.blockType = u32(buf, pos, le);
    const length = u32(buf, pos + 4, le);
    const bad = lengthProblem(length, isShb);
    if (bad) return this.corrupt(bad, out);
    if (avail < length) {
      this.need = length;
      return 0;
    }
    const trailer = u32(buf, pos + length - 4, le);
    if (trailer !== length) {
      return this.corrupt(`its trailing length ${trailer} differs from its leading length ${length}`, out);
    }
    const start = pos + BLOCK_HEADER_LENGTH;
    if (isShb) this.startSection(buf, start, le, out);
    else if (this.section) this.dispatch(buf, start, pos + length - 4, this.section, out);
    this.blockIndex++;
    return length;
  }

  /** The current block, for diagnostics. */
  private at(): BlockAt {
    return { block: this.blockIndex, blockName: blockName(this.blockType), offset: this.blockOffset };
  }

  /** The byte order of the block at `pos`: an SHB says it in its magic, other blocks use their section's. */
  private blockOrder(buf: Buffer, pos: number): boolean | null {
    if (buf.readUInt32BE(pos) !== BlockType.SECTION_HEADER) return this.section ? this.section.le : null;
    const bom = buf.readUInt32BE(pos + 8);
    if (bom === BYTE_ORDER_MAGIC) return false;
    return bom === BYTE_ORDER_MAGIC_SWAPPED ? true : null;
  }

  private orderProblem(buf: Buffer, pos: number, isShb: boolean): string {
    if (!isShb) return 'the file does not start with a Section Header Block';
    const bom = buf.toString('hex', pos + 8, pos + 12);
    return `its byte-order magic is 0x${bom}, neither 1a2b3c4d nor 4d3c2b1a`;
  }

  private corrupt(reason: string, out: CaptureEvent[]): number {
    out.push(captureDiagnostic('capture.bad-block', { ...this.at(), reason }));
    this.halted = true;
    return 0;
  }

  private malformed(reason: string, out: CaptureEvent[]): void {
    out.push(captureDiagnostic('capture.malformed-block', { ...this.at(), reason }));
  }

  /** §4.1: a Section Header Block starts a new section; interfaces of earlier sections no longer apply. */
  private startSection(buf: Buffer, start: number, le: boolean, out: CaptureEvent[]): void {
    const { versionMajor, versionMinor } = decodeSectionHeader(buf, start, le);
    if (versionMajor !== PCAPNG_VERSION_MAJOR) {
      const params = { format: 'pcapng', offset: this.blockOffset, versionMajor, versionMinor };
      out.push(captureDiagnostic('capture.unknown-version', params));
      this.halted = true;
      return;
    }
    this.section = { le, interfaces: [] };
    out.push({ kind: 'format', format: 'pcapng', byteOrder: le ? 'le' : 'be', versionMajor, versionMinor });
  }

  private dispatch(buf: Buffer, start: number, end: number, section: Section, out: CaptureEvent[]): void {
    const le = section.le;
    switch (this.blockType) {
      case BlockType.ENHANCED_PACKET:
        return this.packet(decodeEnhancedPacket(buf, start, end, le), section, out);
      case BlockType.INTERFACE_DESCRIPTION:
        return this.addInterface(decodeInterfaceDescription(buf, start, end, le), section, out);
      case BlockType.PACKET:
        return this.packet(decodeObsoletePacket(buf, start, end, le), section, out);
      case BlockType.SIMPLE_PACKET:
        return this.simplePacket(buf, start, end, section, out);
      case BlockType.DECRYPTION_SECRETS:
        return this.secrets(decodeDecryptionSecrets(buf, start, end, le), out);
      default:
        // Name Resolution, Interface Statistics, custom and unknown blocks: nothing h2scope uses (§3.1
        // lets readers skip any block they do not understand).
        return;
    }
  }

  private addInterface(decoded: Decoded<InterfaceDescription>, section: Section, out: CaptureEvent[]): void {
    if (!decoded.ok) {
      section.interfaces.push(null); // keeps the ids of later interfaces right
      return this.malformed(decoded.reason, out);
    }
    const d = decoded.value;
    for (const reason of d.optionErrors)
      out.push(captureDiagnostic('capture.bad-option', { ...this.at(), reason }));
    const unitsPerSecond = tsresolUnits(d.tsresol ?? DEFAULT_TSRESOL);
    const iface: CaptureInterface = {
      id: section.interfaces.length,
      linkType: d.linkType,
      tsUnitsPerSecond: Number(unitsPerSecond),
      snaplen: d.snaplen,
    };
    if (d.name !== undefined) iface.name = d.name;
    section.interfaces.push({ iface, clock: new InterfaceClock(unitsPerSecond, d.tsoffset ?? 0n) });
    out.push({ kind: 'interface', iface });
  }

  private packet(decoded: Decoded<PacketBlock>, section: Section, out: CaptureEvent[]): void {
    if (!decoded.ok) return this.malformed(decoded.reason, out);
    const p = decoded.value;
    const iface = this.interfaceFor(section, p.interfaceId, out);
    if (iface) this.emit(p, iface, iface.clock.at(p.tsHigh, p.tsLow), out);
  }

  /** §4.4: no interface id (always 0) and no timestamp. */
  private simplePacket(buf: Buffer, start: number, end: number, section: Section, out: CaptureEvent[]): void {
    const iface = this.interfaceFor(section, 0, out);
    if (!iface) return;
    const decoded = decodeSimplePacket(buf, start, end, section.le, iface.iface.snaplen);
    if (!decoded.ok) return this.malformed(decoded.reason, out);
    if (!this.spbNoted) {
      this.spbNoted = true;
      const params = { block: this.blockIndex, offset: this.blockOffset };
      out.push(captureDiagnostic('capture.spb-no-timestamp', params));
    }
    this.emit(decoded.value, iface, this.lastTime, out);
  }

  private emit(p: PacketBlock, iface: Interface, t: Timestamp, out: CaptureEvent[]): void {
    this.lastTime = t;
    out.push({
      kind: 'packet',
      packet: {
        index: this.packetIndex++,
        time: t.time,
        timeNs: t.timeNs,
        linkType: iface.iface.linkType,
        interfaceId: iface.iface.id,
        data: p.data,
        originalLength: p.originalLength,
        offset: this.blockOffset,
      },
    });
  }

  private interfaceFor(section: Section, id: number, out: CaptureEvent[]): Interface | null {
    const iface = section.interfaces[id];
    if (iface) return iface;
    const problem =
      iface === null
        ? 'whose Interface Description Block was malformed'
        : `but the section describes only ${section.interfaces.length} interface(s)`;
    out.push(captureDiagnostic('capture.unknown-interface', { ...this.at(), interfaceId: id, problem }));
    return null;
  }

  private secrets(decoded: Decoded<SecretsBlock>, out: CaptureEvent[]): void {
    if (!decoded.ok) return this.malformed(decoded.reason, out);
    const { secretsType, data } = decoded.value;
    out.push({ kind: 'secrets', secretsType, data, offset: this.blockOffset });
  }
}

/** Why a Block Total Length cannot be real (§3.1: a multiple of 4, at least 12), or null. */
function lengthProblem(length: number, isShb: boolean): string | null {
  const min = isShb ? MIN_SHB_LENGTH : MIN_BLOCK_LENGTH;
  if (length < min) return `its length ${length} is below the ${min} bytes such a block needs`;
  if (length % 4 !== 0) return `its length ${length} is not a multiple of 4`;
  if (length > MAX_BLOCK_LENGTH)
    return `its length ${length} is more than the ${MAX_BLOCK_LENGTH} bytes any block may have`;
  return null;
}

function u32(buf: Buffer, at: number, le: boolean): number {
  return le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
}
