import { HANDSHAKE_HEADER_LENGTH } from './handshake.js';

/**
 * Follows handshake message boundaries in decrypted handshake content without keeping the bytes, so a
 * decryptor can see the messages that change keys (Finished, KeyUpdate, EndOfEarlyData) cheaply.
 */
export class MessageBoundaries {
  private header: number[] = [];
  private remaining = 0;

  /** The types of the messages `data` completes, in order. */
  push(data: Buffer): number[] {
    const completed: number[] = [];
    let i = 0;
    while (i < data.length) {
      if (this.header.length < HANDSHAKE_HEADER_LENGTH) {
        this.header.push(data[i++]!);
        if (this.header.length < HANDSHAKE_HEADER_LENGTH) continue;
        this.remaining = (this.header[1]! << 16) | (this.header[2]! << 8) | this.header[3]!;
      } else {
        const n = Math.min(this.remaining, data.length - i);
        this.remaining -= n;
        i += n;
      }
      if (this.remaining === 0) {
        completed.push(this.header[0]!);
        this.header = [];
      }
    }
    return completed;
  }

  /** True between messages: RFC 8446 §5.1 requires that at every key change. */
  get aligned(): boolean {
    return this.header.length === 0;
  }

  reset(): void {
    this.header = [];
    this.remaining = 0;
  }
}
