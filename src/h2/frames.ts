import {
  FrameFlag,
  FrameType,
  MAX_FRAME_LENGTH,
  MAX_WINDOW_SIZE,
  SettingsId,
  flagNames,
  frameTypeName,
  hasFlag,
  settingName,
} from './constants.js';
import { badLength, badPadding, badStream, problem, type FrameProblem } from './frame-problems.js';
import type { RawFrame } from './types.js';

export type { FrameProblem };

/** RFC 9113 §5.3.2 (deprecated scheme, still on the wire): E bit, 31-bit dependency, weight 1-256. */
export interface PriorityFields {
  exclusive: boolean;
  dependency: number;
  weight: number;
}

interface FrameBase {
  raw: RawFrame;
  /** RFC 9113 name or "UNKNOWN_0xNN". */
  typeName: string;
  /** Known flag names for this type, ascending bit order; the raw byte is `raw.flags`. */
  flags: string[];
  /** Protocol violations in this frame; fields that could not be read are left undefined. */
  problems: FrameProblem[];
}

/** Header block fragment: null when the frame's padding or length make its extent unknowable. */
type Fragment = Buffer | null;

export type FrameBody =
  | { kind: 'DATA'; padLength?: number; data: Buffer | null }
  | { kind: 'HEADERS'; padLength?: number; priority?: PriorityFields; fragment: Fragment }
  | { kind: 'PRIORITY'; priority?: PriorityFields }
  | { kind: 'RST_STREAM'; errorCode?: number }
  | { kind: 'SETTINGS'; ack: boolean; settings: Array<[number, number]> }
  | { kind: 'PUSH_PROMISE'; padLength?: number; promisedStream?: number; fragment: Fragment }
  | { kind: 'PING'; ack: boolean; opaque?: string }
  | { kind: 'GOAWAY'; lastStreamId?: number; errorCode?: number; debugData?: Buffer }
  | { kind: 'WINDOW_UPDATE'; increment?: number }
  | { kind: 'CONTINUATION'; fragment: Buffer }
  /** Extension and unknown types: RFC 9113 §5.5 says ignore them; we only show their bytes. */
  | { kind: 'OTHER' };

/** One frame with its type-specific fields, discriminated by `kind`. */
export type DecodedFrame = FrameBase & FrameBody;

type Body<K extends FrameBody['kind']> = Extract<FrameBody, { kind: K }>;

/** Decodes one frame's payload by type. Pure; malformed frames come back with `problems`, never throw. */
export function decodeFrame(raw: RawFrame): DecodedFrame {
  // Most frames: DATA and HEADERS on a stream, without padding or priority. Built in one literal with the
  // fields (and order) the general path gives them: adding the base fields to a body object afterwards
  // (Object.assign) gave every frame a property store of its own, about 2 % of a report's allocation.
  const type = raw.type;
  if (raw.stream !== 0 && (raw.flags & PADDED_OR_PRIORITY) === 0) {
    if (type === FrameType.DATA) {
      const flags = flagNames(type, raw.flags);
      const data = raw.payload;
      return {
        kind: 'DATA',
        padLength: undefined,
        data,
        raw,
        typeName: 'DATA',
        flags,
        problems: NO_PROBLEMS,
      };
    }
    if (type === FrameType.HEADERS) {
      const flags = flagNames(type, raw.flags);
      const fragment = raw.payload;
      const typeName = 'HEADERS';
      return { kind: 'HEADERS', padLength: undefined, fragment, raw, typeName, flags, problems: NO_PROBLEMS };
    }
  }
  if (found.length !== 0) found.length = 0; // only after a throw; setting length is not free
  const body = decodeBody(raw, found);
  const base: FrameBase = {
    raw,
    typeName: frameTypeName(raw.type),
    flags: flagNames(raw.type, raw.flags),
    problems: found.length === 0 ? NO_PROBLEMS : found.splice(0),
  };
  return Object.assign(body, base);
}

/**
 * The problems of the frame being decoded (decodeFrame is not reentrant), so that the common well-formed
 * frame shares one frozen empty list instead of getting an array of its own.
 */
const found: FrameProblem[] = [];
/** PADDED (0x8) and PRIORITY (0x20): either takes a DATA or HEADERS frame off decodeFrame's fast path. */
const PADDED_OR_PRIORITY = FrameFlag.PADDED | FrameFlag.PRIORITY;
const NO_PROBLEMS = Object.freeze([]) as unknown as FrameProblem[];

function decodeBody(raw: RawFrame, problems: FrameProblem[]): FrameBody {
  switch (raw.type) {
    case FrameType.DATA:
      return decodeData(raw, problems);
    case FrameType.HEADERS:
      return decodeHeaders(raw, problems);
    case FrameType.PRIORITY:
      return decodePriorityFrame(raw, problems);
    case FrameType.RST_STREAM:
      return decodeRstStream(raw, problems);
    case FrameType.SETTINGS:
      return decodeSettings(raw, problems);
    case FrameType.PUSH_PROMISE:
      return decodePushPromise(raw, problems);
    case FrameType.PING:
      return decodePing(raw, problems);
    case FrameType.GOAWAY:
      return decodeGoaway(raw, problems);
    case FrameType.WINDOW_UPDATE:
      return decodeWindowUpdate(raw, problems);
    case FrameType.CONTINUATION:
      requireStream(raw, problems, false, '§6.10');
      return { kind: 'CONTINUATION', fragment: raw.payload };
    default:
      return { kind: 'OTHER' };
  }
}

/** Adds a bad-stream problem when the frame is (onZero) or is not on stream 0 as its type requires. */
function requireStream(raw: RawFrame, problems: FrameProblem[], onZero: boolean, section: string): void {
  if ((raw.stream === 0) !== onZero) problems.push(badStream(raw, section));
}

/**
 * RFC 9113 §6.1, §6.2, §6.6: Pad Length (8, if PADDED) | `fixed` bytes of fields | content | padding.
 * Returns the fixed fields plus content (padding and Pad Length removed), or null when they do not fit.
 */
function unpad(
  raw: RawFrame,
  fixed: number,
  section: string,
  problems: FrameProblem[],
): { padLength?: number; body: Buffer | null } | null {
  const padded = hasFlag(raw.flags, 'PADDED');
  const head = padded ? 1 : 0;
  if (raw.length < head + fixed) {
    const what = padded ? `Pad Length and ${fixed} bytes of fields` : `${fixed} bytes of fields`;
    problems.push(badLength(raw, `too short for ${what}`, section));
    return null;
  }
  if (!padded) return { body: raw.payload };
  const padLength = raw.payload.readUInt8(0);
  const room = raw.length - 1 - fixed;
  if (padLength > room) {
    problems.push(badPadding(raw, padLength, room));
    return { padLength, body: null };
  }
  return { padLength, body: raw.payload.subarray(1, raw.length - padLength) };
}

function readPriority(buf: Buffer, at: number): PriorityFields {
  const word = buf.readUInt32BE(at);
  // RFC 9113 §6.3: Weight is stored minus one.
  return {
    exclusive: (word & 0x80000000) !== 0,
    dependency: word & 0x7fffffff,
    weight: buf.readUInt8(at + 4) + 1,
  };
}

function checkSelfDependency(raw: RawFrame, priority: PriorityFields, problems: FrameProblem[]): void {
  if (raw.stream !== 0 && priority.dependency === raw.stream) {
    problems.push(problem(raw, 'h2.frame.self-dependency'));
  }
}

function decodeData(raw: RawFrame, problems: FrameProblem[]): Body<'DATA'> {
  requireStream(raw, problems, false, '§6.1');
  // Fast path for the common unpadded frame: no cut object (same fields as below).
  if (!hasFlag(raw.flags, 'PADDED')) return { kind: 'DATA', padLength: undefined, data: raw.payload };
  const cut = unpad(raw, 0, '§6.1', problems);
  return { kind: 'DATA', padLength: cut?.padLength, data: cut?.body ?? null };
}

function decodeHeaders(raw: RawFrame, problems: FrameProblem[]): Body<'HEADERS'> {
  requireStream(raw, problems, false, '§6.2');
  const withPriority = hasFlag(raw.flags, 'PRIORITY');
  // Fast path for the common frame without padding or priority: no cut object (same fields as below).
  if (!withPriority && !hasFlag(raw.flags, 'PADDED'))
    return { kind: 'HEADERS', padLength: undefined, fragment: raw.payload };
  const cut = unpad(raw, withPriority ? 5 : 0, '§6.2', problems);
  const out: Body<'HEADERS'> = { kind: 'HEADERS', padLength: cut?.padLength, fragment: null };
  if (cut === null) return out;
  if (withPriority) {
    const at = cut.padLength === undefined ? 0 : 1;
    out.priority = readPriority(raw.payload, at);
    checkSelfDependency(raw, out.priority, problems);
  }
  if (cut.body !== null) out.fragment = withPriority ? cut.body.subarray(5) : cut.body;
  return out;
}

function decodePriorityFrame(raw: RawFrame, problems: FrameProblem[]): Body<'PRIORITY'> {
  requireStream(raw, problems, false, '§6.3');
  if (raw.length !== 5) {
    problems.push(badLength(raw, 'PRIORITY must be 5 bytes', '§6.3'));
    return { kind: 'PRIORITY' };
  }
  const priority = readPriority(raw.payload, 0);
  checkSelfDependency(raw, priority, problems);
  return { kind: 'PRIORITY', priority };
}

function decodeRstStream(raw: RawFrame, problems: FrameProblem[]): Body<'RST_STREAM'> {
  requireStream(raw, problems, false, '§6.4');
  if (raw.length !== 4) {
    problems.push(badLength(raw, 'RST_STREAM must be 4 bytes', '§6.4'));
    return { kind: 'RST_STREAM' };
  }
  return { kind: 'RST_STREAM', errorCode: raw.payload.readUInt32BE(0) };
}

function decodeSettings(raw: RawFrame, problems: FrameProblem[]): Body<'SETTINGS'> {
  requireStream(raw, problems, true, '§6.5');
  const ack = hasFlag(raw.flags, 'ACK');
  if (ack && raw.length !== 0) problems.push(problem(raw, 'h2.frame.settings-ack-payload'));
  else if (raw.length % 6 !== 0)
    problems.push(badLength(raw, 'SETTINGS must be a multiple of 6 bytes', '§6.5'));
  const settings: Array<[number, number]> = [];
  if (ack) return { kind: 'SETTINGS', ack, settings };
  // Decode every complete 6-byte entry, even when a trailing partial one makes the frame malformed.
  for (let at = 0; at + 6 <= raw.length; at += 6) {
    const id = raw.payload.readUInt16BE(at);
    const value = raw.payload.readUInt32BE(at + 2);
    settings.push([id, value]);
    const rule = settingRangeRule(id, value);
    if (rule !== null)
      problems.push(problem(raw, 'h2.frame.bad-setting', { name: settingLabel(id), value, rule }));
  }
  return { kind: 'SETTINGS', ack, settings };
}

function settingLabel(id: number): string {
  return `SETTINGS_${settingName(id)}`;
}

/** RFC 9113 §6.5.2 value ranges (ENABLE_CONNECT_PROTOCOL: RFC 8441 §3; NO_RFC7540_PRIORITIES: RFC 9218 §2.1). */
function settingRangeRule(id: number, value: number): string | null {
  switch (id) {
    case SettingsId.ENABLE_PUSH:
    case SettingsId.ENABLE_CONNECT_PROTOCOL:
    case SettingsId.NO_RFC7540_PRIORITIES:
      return value > 1 ? 'must be 0 or 1' : null;
    case SettingsId.INITIAL_WINDOW_SIZE:
      return value > MAX_WINDOW_SIZE ? `must not exceed ${MAX_WINDOW_SIZE}` : null;
    case SettingsId.MAX_FRAME_SIZE:
      return value < 16_384 || value > MAX_FRAME_LENGTH
        ? `must be between 16384 and ${MAX_FRAME_LENGTH}`
        : null;
    default:
      return null;
  }
}

function decodePushPromise(raw: RawFrame, problems: FrameProblem[]): Body<'PUSH_PROMISE'> {
  requireStream(raw, problems, false, '§6.6');
  const cut = unpad(raw, 4, '§6.6', problems);
  const out: Body<'PUSH_PROMISE'> = { kind: 'PUSH_PROMISE', padLength: cut?.padLength, fragment: null };
  if (cut === null) return out;
  out.promisedStream = raw.payload.readUInt32BE(cut.padLength === undefined ? 0 : 1) & 0x7fffffff;
  if (cut.body !== null) out.fragment = cut.body.subarray(4);
  return out;
}

function decodePing(raw: RawFrame, problems: FrameProblem[]): Body<'PING'> {
  requireStream(raw, problems, true, '§6.7');
  const ack = hasFlag(raw.flags, 'ACK');
  if (raw.length !== 8) {
    problems.push(badLength(raw, 'PING must be 8 bytes', '§6.7'));
    return { kind: 'PING', ack };
  }
  return { kind: 'PING', ack, opaque: raw.payload.toString('hex') };
}

function decodeGoaway(raw: RawFrame, problems: FrameProblem[]): Body<'GOAWAY'> {
  requireStream(raw, problems, true, '§6.8');
  if (raw.length < 8) {
    problems.push(badLength(raw, 'GOAWAY needs at least 8 bytes', '§6.8'));
    return { kind: 'GOAWAY' };
  }
  return {
    kind: 'GOAWAY',
    lastStreamId: raw.payload.readUInt32BE(0) & 0x7fffffff,
    errorCode: raw.payload.readUInt32BE(4),
    debugData: raw.payload.subarray(8),
  };
}

function decodeWindowUpdate(raw: RawFrame, problems: FrameProblem[]): Body<'WINDOW_UPDATE'> {
  // RFC 9113 §6.9: valid on stream 0 (connection window) and on any stream.
  if (raw.length !== 4) {
    problems.push(badLength(raw, 'WINDOW_UPDATE must be 4 bytes', '§6.9'));
    return { kind: 'WINDOW_UPDATE' };
  }
  const increment = raw.payload.readUInt32BE(0) & 0x7fffffff;
  if (increment === 0) problems.push(problem(raw, 'h2.frame.zero-increment'));
  return { kind: 'WINDOW_UPDATE', increment };
}
