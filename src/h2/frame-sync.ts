import { FRAME_HEADER_LENGTH, MAX_FRAME_LENGTH } from './constants.js';
import { plausibleFrame, type HeaderView } from './frame-plausibility.js';

/**
 * Finding frame boundaries in a byte stream whose start we did not see: a capture that joins an HTTP/2
 * connection mid-way, or the bytes after a TCP gap. A candidate offset is accepted when `minFrames`
 * consecutive plausible frames start there (frame-plausibility.ts), each one's length leading to the next.
 */
export interface FrameSyncOptions {
  /** Consecutive plausible frames needed (default 3). */
  minFrames?: number;
  /** Also accept a chain of fewer frames that runs into the end of the buffer (default true). */
  acceptPartialAtEnd?: boolean;
  /** Longest plausible payload, e.g. the receiver's SETTINGS_MAX_FRAME_SIZE (default 2^24-1). */
  maxFrameLength?: number;
}

export interface FrameSync {
  offset: number;
  /** Plausible frame headers counted from `offset` (at most `minFrames`; the last may be partial). */
  frames: number;
}

/**
 * 'ok': `minFrames` plausible frames. 'pending': the chain runs into the end of the buffer; 'exact' when
 * it does so right after a complete frame (senders write whole frames, so segments tend to end there).
 */
export type Chain = { status: 'ok' | 'exact' | 'pending' | 'fail'; frames: number };

/** Follows the chain of plausible frames starting at `at`, up to `minFrames` of them. */
export function followChain(buf: Buffer, at: number, minFrames: number, maxLength: number): Chain {
  let pos = at;
  let prev: HeaderView | null = null;
  let frames = 0;
  while (frames < minFrames) {
    if (pos === buf.length && frames > 0) return { status: 'exact', frames };
    if (pos + FRAME_HEADER_LENGTH > buf.length) return { status: 'pending', frames };
    const header = plausibleFrame(buf, pos, prev, maxLength);
    if (header === null) return { status: 'fail', frames };
    frames++;
    pos += FRAME_HEADER_LENGTH + header.length;
    prev = header;
  }
  return { status: 'ok', frames };
}

/** Among chains that run into the end, the longest (then the earliest): one stray header is weak evidence. */
export function better(best: FrameSync | null, at: number, chain: Chain): FrameSync | null {
  if ((chain.status !== 'pending' && chain.status !== 'exact') || chain.frames === 0) return best;
  return best !== null && best.frames >= chain.frames ? best : { offset: at, frames: chain.frames };
}

/**
 * The first offset where `minFrames` plausible frames follow; failing that (with `acceptPartialAtEnd`),
 * the offset with the longest chain of plausible frames running to the end of the buffer (the first of
 * equals). Null when neither exists.
 */
export function findFrameSync(buf: Buffer, opts: FrameSyncOptions = {}): FrameSync | null {
  const minFrames = opts.minFrames ?? 3;
  const maxLength = opts.maxFrameLength ?? MAX_FRAME_LENGTH;
  let partial: FrameSync | null = null;
  for (let at = 0; at < buf.length; at++) {
    const chain = followChain(buf, at, minFrames, maxLength);
    if (chain.status === 'ok') return { offset: at, frames: chain.frames };
    partial = better(partial, at, chain);
  }
  return opts.acceptPartialAtEnd === false ? null : partial;
}
