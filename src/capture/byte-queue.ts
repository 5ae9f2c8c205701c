/**
 * The unconsumed bytes of a stream, kept as the chunks they arrived in.
 *
 * `peek(n)` gives a buffer that starts at the first pending byte and holds at least `n` bytes. It is
 * the first chunk itself when that is long enough, so records inside a chunk are parsed in place and
 * handed out as subarrays, never copied. Only a record that straddles chunks is copied: the tail of
 * one chunk plus just the bytes it needs from the next, not the whole next chunk. Chunks are never
 * written to, so subarrays handed out stay valid after later pushes.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private length = 0;
  private start = 0;

  get available(): number {
    return this.length;
  }

  /** Byte offset, in the whole stream, of the first pending byte. */
  get offset(): number {
    return this.start;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The pending bytes from the first one, at least `n` of them; null while fewer are pending. */
  peek(n: number): Buffer | null {
    if (this.length < n || this.length === 0) return null;
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const parts: Buffer[] = [];
    let got = 0;
    let i = 0;
    while (got < n) {
      const chunk = this.chunks[i]!;
      const take = Math.min(chunk.length, n - got);
      parts.push(chunk.subarray(0, take));
      got += take;
      if (take < chunk.length) this.chunks[i] = chunk.subarray(take);
      else i++;
    }
    const merged = Buffer.concat(parts, n);
    this.chunks.splice(0, i, merged);
    return merged;
  }

  /** Drops the first `n` pending bytes. */
  consume(n: number): void {
    if (n > this.length) throw new RangeError(`consume(${n}) with ${this.length} bytes pending`);
    this.length -= n;
    this.start += n;
    while (n > 0) {
      const head = this.chunks[0]!;
      if (n < head.length) {
        this.chunks[0] = head.subarray(n);
        return;
      }
      this.chunks.shift();
      n -= head.length;
    }
  }

  /** Forgets everything pending (after a reader stopped on corruption). */
  clear(): void {
    this.consume(this.length);
  }
}
