/** One option of a pcapng block (draft-ietf-opsawg-pcapng §3.5): code, then the unpadded value. */
export interface PcapngOption {
  code: number;
  value: Buffer;
}

export interface PcapngOptions {
  options: PcapngOption[];
  /** Why the list stopped early, when an option overran the block. */
  error?: string;
}

/** §3.5: opt_endofopt ends the list; a list may also simply end with the block. */
const OPT_ENDOFOPT = 0;

/**
 * Reads an options list. Values are padded to 32 bits; a value that overruns the block ends the list
 * with an error and keeps the options read before it.
 */
export function readOptions(buf: Buffer, le: boolean): PcapngOptions {
  const options: PcapngOption[] = [];
  let pos = 0;
  while (buf.length - pos >= 4) {
    const code = le ? buf.readUInt16LE(pos) : buf.readUInt16BE(pos);
    const length = le ? buf.readUInt16LE(pos + 2) : buf.readUInt16BE(pos + 2);
    if (code === OPT_ENDOFOPT) break;
    const end = pos + 4 + length;
    if (end > buf.length) {
      const error = `option ${code} claims ${length} bytes but only ${buf.length - pos - 4} remain in the block`;
      return { options, error };
    }
    options.push({ code, value: buf.subarray(pos + 4, end) });
    pos = pos + 4 + pad4(length);
  }
  return { options };
}

/** Lengths in pcapng are padded to 32-bit boundaries (§3.1). */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}
