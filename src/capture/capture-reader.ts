import { captureDiagnostic, type FormatReader } from './events.js';
import { PcapReader } from './pcap-reader.js';
import { PcapngReader } from './pcapng-reader.js';
import { DESCRIBE_LENGTH, MAGIC_LENGTH, describeBytes, formatOfMagicPrefix, sniffFormat } from './sniff.js';
import type { CaptureEvent, CaptureFormat } from './types.js';

/**
 * Reads a capture of either format from bytes pushed in any split: sniffs the first four bytes and
 * hands everything to the pcap or pcapng reader. Input that is not a capture gives one
 * `capture.not-a-capture` diagnostic and nothing else.
 *
 * Packet data are subarrays of the pushed chunks (no copy when a record lies within one chunk), so
 * callers must not reuse or overwrite a chunk after pushing it.
 */
export class CaptureReader {
  private reader: FormatReader | null = null;
  private detected: CaptureFormat | null = null;
  /** Leading bytes held until the format is known. */
  private head: Buffer[] = [];
  private headLength = 0;
  private rejected = false;

  /** The format once the first four bytes have been seen, else null. */
  get format(): CaptureFormat | null {
    return this.detected;
  }

  /** True once nothing more can come out: not a capture, or the format reader stopped. */
  get done(): boolean {
    return this.rejected || (this.reader?.stopped ?? false);
  }

  push(chunk: Buffer): CaptureEvent[] {
    if (this.reader) return this.reader.push(chunk);
    if (this.rejected) return [];
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < MAGIC_LENGTH) return [];
    const head = this.takeHead();
    const format = sniffFormat(head);
    if (format) return this.start(format).push(head);
    // Not a capture: wait for a few more bytes so the description does not depend on chunk sizes.
    if (this.headLength < DESCRIBE_LENGTH) {
      this.head = [head];
      return [];
    }
    return this.reject(head);
  }

  finish(): CaptureEvent[] {
    if (this.reader) return this.reader.finish();
    if (this.rejected) return [];
    const head = this.takeHead();
    const prefixOf = formatOfMagicPrefix(head);
    if (prefixOf) {
      // A capture cut inside its magic: its reader reports the truncated file header.
      const reader = this.start(prefixOf);
      reader.push(head);
      return reader.finish();
    }
    return this.reject(head);
  }

  private takeHead(): Buffer {
    const head = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head, this.headLength);
    this.head = [];
    return head;
  }

  private start(format: CaptureFormat): FormatReader {
    this.detected = format;
    this.reader = format === 'pcap' ? new PcapReader() : new PcapngReader();
    return this.reader;
  }

  private reject(head: Buffer): CaptureEvent[] {
    this.rejected = true;
    const firstBytes = head.subarray(0, 8).toString('hex');
    return [captureDiagnostic('capture.not-a-capture', { looksLike: describeBytes(head), firstBytes })];
  }
}
