import { MAX_FRAME_LENGTH, DEFAULT_MAX_FRAME_SIZE, SettingsId } from './constants.js';
import type { HpackDecoder } from './hpack-decoder.js';

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
  /** SETTINGS this direction sent that the peer has not acknowledged yet, oldest first. */
  readonly unacked: Array<Array<[number, number]>> = [];

  /** Applies the peer's oldest unacknowledged SETTINGS to this direction, which just sent the ACK. */
  applyAck(peer: SendLimits, hpack: HpackDecoder): void {
    const settings = peer.unacked.shift();
    if (settings === undefined) return; // its SETTINGS came before the capture started
    for (const [id, value] of settings) {
      if (id === SettingsId.HEADER_TABLE_SIZE) hpack.setProtocolMaxTableSize(value);
      // Out-of-range values are a connection error (RFC 9113 §6.5.2): they never take effect.
      if (id === SettingsId.MAX_FRAME_SIZE && value >= DEFAULT_MAX_FRAME_SIZE && value <= MAX_FRAME_LENGTH) {
        this.maxFrameSize = value;
      }
    }
  }
}
