import { readOptions } from './pcapng-options.js';

// Block bodies of pcapng (draft-ietf-opsawg-pcapng). A body is what lies between a block's leading
// type and length and its trailing length (§3.1). Decoders are pure; a body that contradicts itself
// becomes { ok: false, reason }.

/** §10.1 block type codes. */
export const BlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  PACKET: 0x00000002, // obsolete (Appendix A)
  SIMPLE_PACKET: 0x00000003,
  NAME_RESOLUTION: 0x00000004,
  INTERFACE_STATISTICS: 0x00000005,
  ENHANCED_PACKET: 0x00000006,
  SYSTEMD_JOURNAL_EXPORT: 0x00000009,
  DECRYPTION_SECRETS: 0x0000000a,
  CUSTOM: 0x00000bad,
  CUSTOM_NO_COPY: 0x40000bad,
} as const;

/** §4.1 Byte-Order Magic, read big-endian. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
export const PCAPNG_VERSION_MAJOR = 1;

// §4.2 Interface Description Block options.
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

const BLOCK_NAMES: Record<number, string> = {
  [BlockType.SECTION_HEADER]: 'Section Header Block',
  [BlockType.INTERFACE_DESCRIPTION]: 'Interface Description Block',
  [BlockType.PACKET]: 'obsolete Packet Block',
  [BlockType.SIMPLE_PACKET]: 'Simple Packet Block',
  [BlockType.NAME_RESOLUTION]: 'Name Resolution Block',
  [BlockType.INTERFACE_STATISTICS]: 'Interface Statistics Block',
  [BlockType.ENHANCED_PACKET]: 'Enhanced Packet Block',
  [BlockType.SYSTEMD_JOURNAL_EXPORT]: 'systemd Journal Export Block',
  [BlockType.DECRYPTION_SECRETS]: 'Decryption Secrets Block',
  [BlockType.CUSTOM]: 'Custom Block',
  [BlockType.CUSTOM_NO_COPY]: 'Custom Block',
};

export function blockName(type: number): string {
  return BLOCK_NAMES[type] ?? `block type 0x${type.toString(16).padStart(8, '0')}`;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface SectionHeader {
  versionMajor: number;
  versionMinor: number;
}

export interface InterfaceDescription {
  linkType: number;
  snaplen: number;
  name?: string;
  /** Raw if_tsresol byte; absent means 6 (microseconds). */
  tsresol?: number;
  /** if_tsoffset in seconds. */
  tsoffset?: bigint;
  /** Options that were malformed and ignored. */
  optionErrors: string[];
}

export interface PacketBlock {
  interfaceId: number;
  /** Timestamp in interface units, upper and lower 32 bits. */
  tsHigh: number;
  tsLow: number;
  data: Buffer;
  originalLength: number;
}

export interface SecretsBlock {
  secretsType: number;
  data: Buffer;
}

// Decoders take the block's buffer and the [start, end) range of its body rather than a subarray: a
// Buffer view per block is the largest cost of the hot path (measured, docs/dependencies.md).

/** §4.1: after the byte-order magic, major and minor version, then a 64-bit section length. */
export function decodeSectionHeader(buf: Buffer, start: number, le: boolean): SectionHeader {
  return { versionMajor: u16(buf, start + 4, le), versionMinor: u16(buf, start + 6, le) };
}

/** §4.2: LinkType (16), Reserved (16), SnapLen (32), options. */
export function decodeInterfaceDescription(
  buf: Buffer,
  start: number,
  end: number,
  le: boolean,
): Decoded<InterfaceDescription> {
  if (end - start < 8) return short(end - start, 8);
  const value: InterfaceDescription = {
    linkType: u16(buf, start, le),
    snaplen: u32(buf, start + 4, le),
    optionErrors: [],
  };
  const { options, error } = readOptions(buf.subarray(start + 8, end), le);
  if (error) value.optionErrors.push(error);
  for (const { code, value: v } of options) {
    if (code === IF_NAME) value.name = v.toString('utf8');
    else if (code === IF_TSRESOL) {
      if (v.length === 1) value.tsresol = v[0];
      else value.optionErrors.push(`if_tsresol has ${v.length} bytes instead of 1`);
    } else if (code === IF_TSOFFSET) {
      if (v.length === 8) value.tsoffset = le ? v.readBigInt64LE(0) : v.readBigInt64BE(0);
      else value.optionErrors.push(`if_tsoffset has ${v.length} bytes instead of 8`);
    }
  }
  return { ok: true, value };
}

/** §4.3: Interface ID (32), Timestamp (2x32), Captured and Original Packet Length, data, options. */
export function decodeEnhancedPacket(
  buf: Buffer,
  start: number,
  end: number,
  le: boolean,
): Decoded<PacketBlock> {
  if (end - start < 20) return short(end - start, 20);
  return packetBody(buf, start, end, u32(buf, start, le), le);
}

/** Appendix A: Interface ID (16), Drops Count (16), then laid out like an Enhanced Packet Block. */
export function decodeObsoletePacket(
  buf: Buffer,
  start: number,
  end: number,
  le: boolean,
): Decoded<PacketBlock> {
  if (end - start < 20) return short(end - start, 20);
  return packetBody(buf, start, end, u16(buf, start, le), le);
}

/**
 * §4.4: Original Packet Length (32), then data. The captured length is the original length cut to the
 * interface's snaplen (0 = no limit) and to what the block holds.
 */
export function decodeSimplePacket(
  buf: Buffer,
  start: number,
  end: number,
  le: boolean,
  snaplen: number,
): Decoded<PacketBlock> {
  if (end - start < 4) return short(end - start, 4);
  const originalLength = u32(buf, start, le);
  const limit = snaplen > 0 ? Math.min(originalLength, snaplen) : originalLength;
  const data = buf.subarray(start + 4, start + 4 + Math.min(limit, end - start - 4));
  return { ok: true, value: { interfaceId: 0, tsHigh: 0, tsLow: 0, data, originalLength } };
}

/** §4.7: Secrets Type (32), Secrets Length (32), secrets data, options. */
export function decodeDecryptionSecrets(
  buf: Buffer,
  start: number,
  end: number,
  le: boolean,
): Decoded<SecretsBlock> {
  if (end - start < 8) return short(end - start, 8);
  const length = u32(buf, start + 4, le);
  const room = end - start - 8;
  if (length > room) return overrun('secrets length', length, room);
  const data = buf.subarray(start + 8, start + 8 + length);
  return { ok: true, value: { secretsType: u32(buf, start, le), data } };
}

/** The part shared by Enhanced and obsolete Packet Blocks, from the timestamp on. */
function packetBody(
  buf: Buffer,
  start: number,
  end: number,
  interfaceId: number,
  le: boolean,
): Decoded<PacketBlock> {
  const captured = u32(buf, start + 12, le);
  const room = end - (start + 20);
  if (captured > room) return overrun('captured length', captured, room);
  return {
    ok: true,
    value: {
      interfaceId,
      tsHigh: u32(buf, start + 4, le),
      tsLow: u32(buf, start + 8, le),
      data: buf.subarray(start + 20, start + 20 + captured),
      originalLength: u32(buf, start + 16, le),
    },
  };
}

function short<T>(size: number, min: number): Decoded<T> {
  return { ok: false, reason: `its body has ${size} bytes, fewer than the ${min} its fixed fields need` };
}

function overrun<T>(field: string, value: number, room: number): Decoded<T> {
  return { ok: false, reason: `its ${field} of ${value} bytes exceeds the ${room} bytes the block holds` };
}

function u16(buf: Buffer, at: number, le: boolean): number {
  return le ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
}

function u32(buf: Buffer, at: number, le: boolean): number {
  return le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
}
