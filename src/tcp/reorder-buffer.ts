/** A run of buffered bytes at a stream offset, with the packet that brought it. */
export interface Piece {
  offset: number;
  data: Buffer;
  time: number;
  packetIndex: number;
}

/**
 * Out-of-order bytes of one direction, waiting for a hole before them to fill: pieces sorted by stream
 * offset, never overlapping (a byte is kept from the first segment that carried it). Pieces are copies,
 * so buffering does not pin the capture reader's chunks.
 */
export class ReorderBuffer {
  private pieces: Piece[] = [];
  /** Index of the first live piece: shifting is O(1), compaction is amortised. */
  private head = 0;
  /** Bytes held. */
  bytes = 0;

  get isEmpty(): boolean {
    return this.head === this.pieces.length;
  }

  get count(): number {
    return this.pieces.length - this.head;
  }

  peek(): Piece | undefined {
    return this.pieces[this.head];
  }

  shift(): Piece | undefined {
    const p = this.pieces[this.head];
    if (!p) return undefined;
    this.head++;
    this.bytes -= p.data.length;
    if (this.head === this.pieces.length) {
      this.pieces = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.pieces.length) {
      this.pieces = this.pieces.slice(this.head);
      this.head = 0;
    }
    return p;
  }

  /** Stream offset just past the last buffered byte, or -1 when empty. */
  lastEnd(): number {
    const last = this.pieces[this.pieces.length - 1];
    return last && !this.isEmpty ? last.offset + last.data.length : -1;
  }

  /**
   * Buffers the bytes of [offset, offset + data.length) that are not buffered yet (copied).
   * Returns true when some of them were already buffered (a retransmission or overlap).
   */
  insert(offset: number, data: Buffer, time: number, packetIndex: number): boolean {
    const end = offset + data.length;
    const last = this.pieces[this.pieces.length - 1];
    if (this.isEmpty || (last && offset >= last.offset + last.data.length)) {
      // Common case after a lost segment: each later segment extends the buffer at its end.
      this.pieces.push({ offset, data: Buffer.from(data), time, packetIndex });
      this.bytes += data.length;
      return false;
    }
    const first = this.lowerBound(offset);
    const merged: Piece[] = [];
    let cursor = offset;
    let j = first;
    for (; j < this.pieces.length; j++) {
      const p = this.pieces[j];
      if (!p || p.offset >= end) break;
      if (p.offset > cursor) merged.push(this.copy(data, offset, cursor, p.offset, time, packetIndex));
      merged.push(p);
      cursor = Math.max(cursor, p.offset + p.data.length);
    }
    if (cursor < end) merged.push(this.copy(data, offset, cursor, end, time, packetIndex));
    this.pieces.splice(first, j - first, ...merged);
    return j > first;
  }

  /** True when any buffered byte lies in [start, end). */
  overlaps(start: number, end: number): boolean {
    const p = this.pieces[this.lowerBound(start)];
    return p !== undefined && p.offset < end;
  }

  /** Drops buffered bytes at or beyond `limit` (a FIN's position); returns how many were dropped. */
  truncate(limit: number): number {
    let dropped = 0;
    while (this.pieces.length > this.head) {
      const p = this.pieces[this.pieces.length - 1];
      if (!p || p.offset + p.data.length <= limit) break;
      if (p.offset >= limit) {
        this.pieces.pop();
        dropped += p.data.length;
      } else {
        dropped += p.offset + p.data.length - limit;
        p.data = p.data.subarray(0, limit - p.offset);
      }
    }
    this.bytes -= dropped;
    if (this.isEmpty) {
      this.pieces = [];
      this.head = 0;
    }
    return dropped;
  }

  /** First live index whose piece ends after `offset` (pieces are sorted and disjoint, so ends are too). */
  private lowerBound(offset: number): number {
    let lo = this.head;
    let hi = this.pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.pieces[mid];
      if (p && p.offset + p.data.length <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private copy(
    data: Buffer,
    base: number,
    from: number,
    to: number,
    time: number,
    packetIndex: number,
  ): Piece {
    this.bytes += to - from;
    return { offset: from, data: Buffer.from(data.subarray(from - base, to - base)), time, packetIndex };
  }
}
