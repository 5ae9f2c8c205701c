/**
 * The streams a call tracker is done with (reported, or known not to be gRPC), bounded: a connection that
 * lives for days carries millions of streams, and one Set entry per stream grew without end. The latest
 * `cap` ids are kept exactly; older ones are summed up by a watermark, the highest id let go: a stream at
 * or below it that is not an open call is taken as closed. Stream ids only grow (RFC 9113 §5.1.1), so a
 * first frame on an id that low is a stray frame of a stream long done; the one case it misjudges, a stream
 * first seen thousands of streams after younger ones (a capture started mid-connection), has then lost its
 * beginning anyway.
 */
export class ClosedStreams {
  private readonly recent = new Set<number>();
  private watermark = 0;

  constructor(private readonly cap = 1024) {}

  add(stream: number): void {
    this.recent.add(stream);
    if (this.recent.size <= this.cap) return;
    // A Set iterates in insertion order: the first entry is the stream closed longest ago.
    const oldest = this.recent.values().next().value as number;
    this.recent.delete(oldest);
    if (oldest > this.watermark) this.watermark = oldest;
  }

  /** `open`: the stream has a call in progress (never closed, whatever its id). */
  has(stream: number, open: boolean): boolean {
    return this.recent.has(stream) || (!open && stream <= this.watermark);
  }
}
