import { MAX_FRAME_LENGTH, DEFAULT_MAX_FRAME_SIZE, SettingsId } from './constants.js';
import type { HpackDecoding } from './hpack-lazy.js';

/**
 * What one side's SETTINGS impose on the other side's sending, once acknowledged (RFC 9113 §6.5.3).
 * SETTINGS from X bound what X receives: SETTINGS_HEADER_TABLE_SIZE bounds the peer's HPACK encoder,
 * i.e. the decoder of the peer's direction (RFC 7541 §4.2); SETTINGS_MAX_FRAME_SIZE bounds the frames
 * the peer sends (RFC 9113 §4.2). The peer applies them when it sends its ACK, so applying them at the
 * ACK, in the peer's byte order, is exact for everything the peer sends after it.
 */
export class SendLimits {
  /** Largest frame this direction may send; null when unknown (joined mid-connection). */
  maxFrameSize: number | null = DEFAULT_MAX_FRAME_SIZE;
  /**
   * The oldest SETTINGS this direction sent that the peer has not acknowledged yet (what of it applies),
   * null when none. In a field, not a list: one waits on most connections, and on an idle one it may wait
   * for its whole life.
   */
  private firstUnacked: Applicable | null = null;
  /** The others after the oldest, oldest first: null unless more than one waits. */
  private moreUnacked: Applicable[] | null = null;

  /** This direction sent SETTINGS (not an ACK). */
  sent(settings: Array<[number, number]>): void {
    const kept = applicable(settings);
    if (this.firstUnacked === null) this.firstUnacked = kept;
    else if (this.moreUnacked === null) this.moreUnacked = [kept];
    else this.moreUnacked.push(kept);
  }

  /** SETTINGS acknowledged before any frame (the HTTP2-Settings of an h2c upgrade), oldest of all. */
  sentBefore(settings: Array<[number, number]>): void {
    const previous = this.firstUnacked;
    this.firstUnacked = applicable(settings);
    if (previous !== null) this.moreUnacked = [previous, ...(this.moreUnacked ?? [])];
  }

  /** Applies the peer's oldest unacknowledged SETTINGS to this direction, which just sent the ACK. */
  applyAck(peer: SendLimits, hpack: HpackDecoding): void {
    const settings = peer.firstUnacked;
    if (settings === null) return; // its SETTINGS came before the capture started
    peer.firstUnacked = peer.moreUnacked?.shift() ?? null;
    if (peer.moreUnacked?.length === 0) peer.moreUnacked = null;
    for (const [id, value] of settings) {
      if (id === SettingsId.HEADER_TABLE_SIZE) hpack.setProtocolMaxTableSize(value);
      // Out-of-range values are a connection error (RFC 9113 §6.5.2): they never take effect.
      if (id === SettingsId.MAX_FRAME_SIZE && value >= DEFAULT_MAX_FRAME_SIZE && value <= MAX_FRAME_LENGTH) {
        this.maxFrameSize = value;
      }
    }
  }
}

type Applicable = ReadonlyArray<readonly [number, number]>;

/** SETTINGS that change nothing applyAck() looks at, shared (frozen, never written to). */
const NONE_APPLICABLE: Applicable = Object.freeze([]);

/**
 * The settings applyAck() acts on, in order: a SETTINGS frame waits here until the peer's ACK, which on an
 * idle connection may never come (or come hours later), and its whole list (an array grown by push, a
 * pair array per setting) was most of what waiting cost.
 */
function applicable(settings: Array<[number, number]>): Applicable {
  const kept = settings.filter(
    ([id]) => id === SettingsId.HEADER_TABLE_SIZE || id === SettingsId.MAX_FRAME_SIZE,
  );
  return kept.length === 0 ? NONE_APPLICABLE : kept;
}
