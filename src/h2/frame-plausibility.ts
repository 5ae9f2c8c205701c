import { FRAME_HEADER_LENGTH, FrameType, definedFlagBits, hasFlag, isKnownFrameType } from './constants.js';

/** A frame header read for plausibility checks. */
export interface HeaderView {
  length: number;
  type: number;
  flags: number;
  stream: number;
}

export function viewHeader(buf: Buffer, at: number): HeaderView & { reserved: boolean } {
  const word = buf.readUInt32BE(at + 5);
  return {
    length: buf.readUIntBE(at, 3),
    type: buf.readUInt8(at + 3),
    flags: buf.readUInt8(at + 4),
    stream: word & 0x7fffffff,
    reserved: (word & 0x80000000) !== 0,
  };
}

/** A header block left open by `prev` must be followed by its CONTINUATION (RFC 9113 §6.10). */
function blockOpen(prev: HeaderView | null): boolean {
  if (prev === null) return false;
  const opens = prev.type === FrameType.HEADERS || prev.type === FrameType.PUSH_PROMISE;
  return (opens || prev.type === FrameType.CONTINUATION) && !hasFlag(prev.flags, 'END_HEADERS');
}

/**
 * Could a real sender have written this header here? RFC 9113 §4.1 (reserved bit and undefined flags
 * unset), §6 (which stream, which lengths per type), and §6.10 (CONTINUATION follows an open block),
 * plus two legal-but-pointless shapes real senders do not produce (empty DATA without END_STREAM, empty
 * HEADERS), which is what zero padding and text look like.
 * `payload` is checked too when it is already in the buffer (padding fits, non-zero increments).
 */
export function plausibleFrame(
  buf: Buffer,
  at: number,
  prev: HeaderView | null,
  maxLength: number,
): HeaderView | null {
  const h = viewHeader(buf, at);
  if (h.reserved || h.length > maxLength || !isKnownFrameType(h.type)) return null;
  if ((h.flags & ~definedFlagBits(h.type)) !== 0) return null;
  const isContinuation = h.type === FrameType.CONTINUATION;
  if (blockOpen(prev) ? !isContinuation || h.stream !== prev!.stream : isContinuation && prev !== null)
    return null;
  if (!plausibleShape(h)) return null;
  const payloadAt = at + FRAME_HEADER_LENGTH;
  if (payloadAt + h.length <= buf.length && !plausiblePayload(h, buf, payloadAt)) return null;
  return h;
}

/** Stream and length rules per type (RFC 9113 §6.1-§6.10, RFC 7838 §4, RFC 8336 §2, RFC 9218 §7.1). */
function plausibleShape(h: HeaderView): boolean {
  const onZero = h.stream === 0;
  const pad = hasFlag(h.flags, 'PADDED') ? 1 : 0;
  switch (h.type) {
    case FrameType.DATA:
      // Legal but useless, and what runs of zero bytes look like: an empty DATA frame that does not end the stream.
      return !onZero && h.length >= pad && (h.length > 0 || hasFlag(h.flags, 'END_STREAM'));
    case FrameType.HEADERS:
      // An empty header block is as unlikely from a real sender (every request and response has pseudo-headers).
      return !onZero && h.length > pad + (hasFlag(h.flags, 'PRIORITY') ? 5 : 0);
    case FrameType.PRIORITY:
      return !onZero && h.length === 5;
    case FrameType.RST_STREAM:
      return !onZero && h.length === 4;
    case FrameType.SETTINGS:
      return onZero && (hasFlag(h.flags, 'ACK') ? h.length === 0 : h.length % 6 === 0);
    case FrameType.PUSH_PROMISE:
      return !onZero && h.length >= pad + 4;
    case FrameType.PING:
      return onZero && h.length === 8;
    case FrameType.GOAWAY:
      return onZero && h.length >= 8;
    case FrameType.WINDOW_UPDATE:
      return h.length === 4;
    case FrameType.CONTINUATION:
      return !onZero;
    case FrameType.ALTSVC:
      return h.length >= 2;
    case FrameType.ORIGIN:
      return onZero;
    case FrameType.PRIORITY_UPDATE:
      return onZero && h.length >= 4;
    default:
      return false;
  }
}

function plausiblePayload(h: HeaderView, buf: Buffer, at: number): boolean {
  if (hasFlag(h.flags, 'PADDED') && h.length > 0 && buf.readUInt8(at) > h.length - 1) return false;
  if (h.type === FrameType.WINDOW_UPDATE) return (buf.readUInt32BE(at) & 0x7fffffff) !== 0;
  return true;
}
