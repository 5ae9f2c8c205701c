/**
 * The SACK option (RFC 2018 §3, kind 5) of any segment: the blocks [left, right) of sequence space the
 * receiver holds beyond its cumulative ACK. Options other than SACK are skipped; a broken option ends the
 * scan with what came before (the header decoder reports no error for it: the bytes are still delivered).
 */
const TCPOPT_EOL = 0;
const TCPOPT_NOP = 1;
const TCPOPT_SACK = 5;
/** RFC 2018 §3: 2 bytes of kind and length, then 8 bytes per block. */
const SACK_BLOCK_BYTES = 8;

/**
 * The SACK blocks in the options area [start, end), flat as [left0, right0, left1, right1, ...] (unsigned
 * sequence numbers), or undefined without a SACK option: the common case allocates nothing.
 */
export function parseSackBlocks(data: Buffer, start: number, end: number): number[] | undefined {
  let p = start;
  while (p < end) {
    const kind = data[p]!;
    if (kind === TCPOPT_EOL) return undefined;
    if (kind === TCPOPT_NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end) return undefined;
    const length = data[p + 1]!;
    if (length < 2 || p + length > end) return undefined;
    if (kind === TCPOPT_SACK) {
      const blocks = Math.floor((length - 2) / SACK_BLOCK_BYTES);
      if (blocks === 0) return undefined;
      const out = new Array<number>(blocks * 2);
      for (let i = 0; i < blocks; i++) {
        out[2 * i] = data.readUInt32BE(p + 2 + i * SACK_BLOCK_BYTES);
        out[2 * i + 1] = data.readUInt32BE(p + 6 + i * SACK_BLOCK_BYTES);
      }
      return out;
    }
    p += length;
  }
  return undefined;
}
