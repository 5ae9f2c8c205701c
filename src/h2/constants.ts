/**
 * HTTP/2 protocol constants, spelled as in RFC 9113 (and the RFCs of the extension frames we name).
 * Unknown values are never an error here: they get an `UNKNOWN_0x..` name (RFC 9113 §5.5: unknown
 * frame types, settings and error codes must be ignored, so an observer only needs to show them).
 */

/** RFC 9113 §3.4: the client connection preface. */
export const CONNECTION_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/** RFC 9113 §4.1: every frame starts with a 9-octet header. */
export const FRAME_HEADER_LENGTH = 9;

/** RFC 9113 §4.2: a 24-bit length, so no frame payload is longer than 2^24-1 octets. */
export const MAX_FRAME_LENGTH = 0xffffff;

/** RFC 9113 §6.5.2: initial SETTINGS_MAX_FRAME_SIZE, also the smallest value a peer may advertise. */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;

/** RFC 9113 §6.5.2 / RFC 7541 §4.2: initial SETTINGS_HEADER_TABLE_SIZE. */
export const DEFAULT_HEADER_TABLE_SIZE = 4_096;

/** RFC 9113 §6.9.1: largest flow-control window, 2^31-1. */
export const MAX_WINDOW_SIZE = 0x7fffffff;

/** RFC 9113 §6: frame types 0x0-0x9; 0xa ALTSVC (RFC 7838), 0xc ORIGIN (RFC 8336), 0x10 PRIORITY_UPDATE (RFC 9218). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  ALTSVC: 0xa,
  ORIGIN: 0xc,
  PRIORITY_UPDATE: 0x10,
} as const;
export type FrameTypeName = keyof typeof FrameType;

/** RFC 9113 §6: flag bits. ACK shares 0x1 with END_STREAM; which one applies depends on the frame type. */
export const FrameFlag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;
export type FrameFlagName = keyof typeof FrameFlag;

/** The flags each frame type defines, in ascending bit order (RFC 9113 §6.1-§6.10). */
const FLAGS_BY_TYPE: ReadonlyMap<number, ReadonlyArray<FrameFlagName>> = new Map<number, FrameFlagName[]>([
  [FrameType.DATA, ['END_STREAM', 'PADDED']],
  [FrameType.HEADERS, ['END_STREAM', 'END_HEADERS', 'PADDED', 'PRIORITY']],
  [FrameType.SETTINGS, ['ACK']],
  [FrameType.PUSH_PROMISE, ['END_HEADERS', 'PADDED']],
  [FrameType.PING, ['ACK']],
  [FrameType.CONTINUATION, ['END_HEADERS']],
]);

/** RFC 9113 §7: error codes for RST_STREAM and GOAWAY. */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

/** RFC 9113 §6.5.2; 0x8 from RFC 8441, 0x9 from RFC 9218. */
export const SettingsId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  ENABLE_CONNECT_PROTOCOL: 0x8,
  NO_RFC7540_PRIORITIES: 0x9,
} as const;

function reverse(table: Record<string, number>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name]));
}
const FRAME_TYPE_NAMES = reverse(FrameType);
const ERROR_CODE_NAMES = reverse(ErrorCode);
const SETTINGS_NAMES = reverse(SettingsId);

function unknownName(value: number, digits: number): string {
  return `UNKNOWN_0x${value.toString(16).padStart(digits, '0')}`;
}

/** "HEADERS", or "UNKNOWN_0xfa" (lowercase hex, two digits) for a type we do not know. */
export function frameTypeName(type: number): string {
  return FRAME_TYPE_NAMES.get(type) ?? unknownName(type, 2);
}

/** True for the types this layer knows (RFC 9113 core types and the named extensions). */
export function isKnownFrameType(type: number): boolean {
  return FRAME_TYPE_NAMES.has(type);
}

/** "CANCEL", or "UNKNOWN_0x1f" (at least two hex digits) for a code we do not know. */
export function errorCodeName(code: number): string {
  return ERROR_CODE_NAMES.get(code) ?? unknownName(code, 2);
}

/** "HEADER_TABLE_SIZE", or "UNKNOWN_0x00ff" (four hex digits, the width of a setting identifier). */
export function settingName(id: number): string {
  return SETTINGS_NAMES.get(id) ?? unknownName(id, 4);
}

/** Names of the known flags set in `flags` for this frame type, in ascending bit order. */
export function flagNames(type: number, flags: number): string[] {
  // One array per (type, flags byte), shared by every frame that has them: callers must not mutate it.
  // Bounded (256 types x 256 flag bytes); saves a filter and an array per frame.
  const key = (type << 8) | flags;
  let names = FLAG_NAMES.get(key);
  if (names === undefined) {
    const defined = FLAGS_BY_TYPE.get(type) ?? [];
    names = defined.filter((name) => (flags & FrameFlag[name]) !== 0);
    FLAG_NAMES.set(key, names);
  }
  return names;
}
const FLAG_NAMES = new Map<number, string[]>();

/** The flag bits this frame type defines; RFC 9113 §4.1: senders leave the others unset. */
export function definedFlagBits(type: number): number {
  const defined = FLAGS_BY_TYPE.get(type) ?? [];
  return defined.reduce((bits, name) => bits | FrameFlag[name], 0);
}

export function hasFlag(flags: number, flag: FrameFlagName): boolean {
  return (flags & FrameFlag[flag]) !== 0;
}
