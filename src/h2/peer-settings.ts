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
   * SETTINGS this direction sent that the peer has not acknowledged yet, oldest first; null when none,
   * which is what a connection that stays open holds for its whole life (no array per direction). Made
   * at the size it needs: an array grown by push keeps room for 17 entries.
   */
  private unacked: Array<ReadonlyArray<readonly [number, number]>> | null = null;

  /** This direction sent SETTINGS (not an ACK). */
  sent(settings: Array<[number, number]>): void {
    const kept = applicable(settings);
    if (this.unacked === null) this.unacked = [kept];
    else this.unacked.push(kept);
  }

  /** SETTINGS acknowledged before any frame (the HTTP2-Settings of an h2c upgrade), oldest of all. */
  sentBefore(settings: Array<[number, number]>): void {
    this.unacked = [applicable(settings), ...(this.unacked ?? [])];
  }

  /** Applies the peer's oldest unacknowledged SETTINGS to this direction, which just sent the ACK. */
  applyAck(peer: SendLimits, hpack: HpackDecoding): void {
    const settings = peer.unacked?.shift();
    if (settings === undefined) return; // its SETTINGS came before the capture started
    if (peer.unacked?.length === 0) peer.unacked = null;
    for (const [id, value] of settings) {
      if (id === SettingsId.HEADER_TABLE_SIZE) hpack.setProtocolMaxTableSize(value);
      // Out-of-range values are a connection error (RFC 9113 §6.5.2): they never take effect.
      if (id === SettingsId.MAX_FRAME_SIZE && value >= DEFAULT_MAX_FRAME_SIZE && value <= MAX_FRAME_LENGTH) {
        this.maxFrameSize = value;
      }
    }
  }
}

/** SETTINGS that change nothing applyAck() looks at, shared (frozen, never written to). */
const NONE_APPLICABLE: ReadonlyArray<readonly [number, number]> = Object.freeze([]);

/**
 * The settings applyAck() acts on, in order: a SETTINGS frame waits here until the peer's ACK, which on an
 * idle connection may never come (or come hours later), and its whole list (an array grown by push, a
 * pair array per setting) was most of what waiting cost.
 */
function applicable(settings: Array<[number, number]>): ReadonlyArray<readonly [number, number]> {
  const kept = settings.filter(
    ([id]) => id === SettingsId.HEADER_TABLE_SIZE || id === SettingsId.MAX_FRAME_SIZE,
  );
  return kept.length === 0 ? NONE_APPLICABLE : kept;
}
