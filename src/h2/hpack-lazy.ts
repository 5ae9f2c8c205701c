import { HpackDecoder, type HpackResult } from './hpack-decoder.js';

/** What the h2 layer asks of a direction's HPACK decoder (HpackDecoder, or LazyHpack in front of one). */
export type HpackDecoding = Pick<
  HpackDecoder,
  | 'decode'
  | 'markLost'
  | 'setProtocolMaxTableSize'
  | 'tableSize'
  | 'maxTableSize'
  | 'stateKnown'
  | 'losses'
  | 'unknownEntries'
>;

type Op = { lost: string; beforeCapture: boolean } | { setting: number | null };

/**
 * A direction's HpackDecoder, made at its first header block. Most open connections of a live capture
 * are idle channels that exchanged SETTINGS and nothing else for hours, and a decoder (hpack.js's table and
 * decompressor) was about 600 bytes per direction of each. What happens before the first block (a loss, a
 * SETTINGS_HEADER_TABLE_SIZE taking effect) is kept in order and replayed into the decoder when it is made,
 * so it decodes exactly as one made at the start.
 */
export class LazyHpack implements HpackDecoding {
  private real: HpackDecoder | null = null;
  /** Calls before the first block, in order (rare: made at the first). */
  private ops: Op[] | null = null;
  private lostCount = 0;

  decode(block: Buffer, keepSize?: number): HpackResult {
    return this.decoder().decode(block, keepSize);
  }

  markLost(reason: string, beforeCapture = false): void {
    if (this.real !== null) return this.real.markLost(reason, beforeCapture);
    this.lostCount++;
    (this.ops ??= []).push({ lost: reason, beforeCapture });
  }

  setProtocolMaxTableSize(n: number | null): void {
    if (this.real !== null) return this.real.setProtocolMaxTableSize(n);
    (this.ops ??= []).push({ setting: n });
  }

  get tableSize(): number {
    return this.real?.tableSize ?? 0;
  }

  get maxTableSize(): number | null {
    return this.decoder().maxTableSize;
  }

  get stateKnown(): boolean {
    return this.real?.stateKnown ?? this.lostCount === 0;
  }

  get unknownEntries(): ReturnType<() => HpackDecoder['unknownEntries']> {
    return this.real?.unknownEntries ?? null;
  }

  get losses(): number {
    return this.real?.losses ?? this.lostCount;
  }

  private decoder(): HpackDecoder {
    if (this.real !== null) return this.real;
    const real = new HpackDecoder();
    for (const op of this.ops ?? []) {
      if ('lost' in op) real.markLost(op.lost, op.beforeCapture);
      else real.setProtocolMaxTableSize(op.setting);
    }
    this.ops = null;
    this.real = real;
    return real;
  }
}
