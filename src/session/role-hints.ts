/**
 * Which side is the client when neither a SYN nor the preface was captured: the header blocks say it.
 * RFC 9113 §8.3: pseudo-header fields come first in a block; requests carry :method/:path/:scheme/:authority,
 * responses :status. HPACK's static table (RFC 7541 Appendix A) gives them fixed indexes (1-7 request,
 * 8-14 :status), usable even when the dynamic table is unknown. Pure and best-effort.
 */
export type BlockKind = 'request' | 'response' | null;

const FRAME_HEADER = 9;
const HEADERS = 0x1;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

/** Reads an HPACK prefix integer (RFC 7541 §5.1); null when cut off. */
function prefixInt(buf: Buffer, at: number, bits: number): { value: number; next: number } | null {
  const first = buf[at];
  if (first === undefined) return null;
  const max = (1 << bits) - 1;
  let value = first & max;
  let i = at + 1;
  if (value < max) return { value, next: i };
  for (let shift = 0; shift < 28; shift += 7) {
    const b = buf[i++];
    if (b === undefined) return null;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: i };
  }
  return null;
}

/** Classifies a header block by its first field's static-table index. */
export function classifyHeaderBlock(block: Buffer): BlockKind {
  let at = 0;
  // Dynamic table size updates (001xxxxx) may precede the first field.
  while (at < block.length && (block[at]! & 0xe0) === 0x20) {
    const n = prefixInt(block, at, 5);
    if (!n) return null;
    at = n.next;
  }
  const b = block[at];
  if (b === undefined) return null;
  // Indexed (1xxxxxxx, 7-bit index) or literal with indexed name (01xxxxxx 6-bit; 0000xxxx / 0001xxxx 4-bit).
  const bits = b & 0x80 ? 7 : b & 0x40 ? 6 : 4;
  const index = prefixInt(block, at, bits)?.value ?? 0;
  if (index >= 1 && index <= 7) return 'request';
  if (index >= 8 && index <= 14) return 'response';
  return null;
}

/** Walks whole frames from `start` and classifies the first HEADERS block found. */
export function firstHeadersKind(buf: Buffer, start: number): BlockKind {
  let at = start;
  while (at + FRAME_HEADER <= buf.length) {
    const length = buf.readUIntBE(at, 3);
    const type = buf[at + 3]!;
    const flags = buf[at + 4]!;
    const end = at + FRAME_HEADER + length;
    if (type === HEADERS && end <= buf.length) {
      let p = at + FRAME_HEADER;
      const pad = flags & FLAG_PADDED ? buf[p++]! : 0;
      if (flags & FLAG_PRIORITY) p += 5;
      const kind = classifyHeaderBlock(buf.subarray(p, end - pad));
      if (kind) return kind;
    }
    at = end;
  }
  return null;
}

/** A held chunk, in arrival order (both directions interleaved), as the session keeps them while sniffing. */
export interface HeldChunk {
  dir: 0 | 1;
  data: Buffer;
}

export interface StreamOrderVote {
  /** The direction that opened the streams: the client's. */
  client: 0 | 1;
  /** Streams whose first frame says so, and streams that say the opposite. */
  agree: number;
  disagree: number;
}

/**
 * Which side is the client, from who spoke first on each stream seen in both directions (RFC 9113 §5.1.1:
 * a client opens odd-numbered streams, a server only even-numbered ones by PUSH_PROMISE, and nobody sends
 * on a stream before it is opened). For when header blocks cannot say (grpcio puts even `:method` and
 * `:status` in the dynamic table, so a capture that joins late sees only dynamic indexes). The first stream
 * of a late capture may have lost its request, so this is a vote; null without any evidence.
 */
export function streamOrderVote(
  held: HeldChunk[],
  starts: [number | null, number | null],
): StreamOrderVote | null {
  // Arrival position of every frame start: the index in `held` of the chunk holding its first byte.
  const first: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  for (const dir of [0, 1] as const) {
    const start = starts[dir];
    if (start === null) continue;
    const chunks = held.flatMap((c, i) => (c.dir === dir ? [{ i, len: c.data.length }] : []));
    const buf = Buffer.concat(held.filter((c) => c.dir === dir).map((c) => c.data));
    let chunk = 0;
    let chunkEnd = chunks[0]?.len ?? 0;
    for (let at = start; at + FRAME_HEADER <= buf.length; at += FRAME_HEADER + buf.readUIntBE(at, 3)) {
      while (at >= chunkEnd && chunk + 1 < chunks.length) chunkEnd += chunks[++chunk]!.len;
      const stream = buf.readUInt32BE(at + 5) & 0x7fffffff;
      if (stream !== 0 && !first[dir].has(stream)) first[dir].set(stream, chunks[chunk]!.i);
    }
  }
  let votes0 = 0;
  let votes1 = 0;
  for (const [stream, at0] of first[0]) {
    const at1 = first[1].get(stream);
    if (at1 === undefined || at1 === at0) continue;
    // Odd: the first sender is the client; even (pushed): the first sender is the server.
    const zeroIsClient = at0 < at1 === (stream % 2 === 1);
    if (zeroIsClient) votes0++;
    else votes1++;
  }
  if (votes0 === votes1) return null;
  return votes0 > votes1
    ? { client: 0, agree: votes0, disagree: votes1 }
    : { client: 1, agree: votes1, disagree: votes0 };
}
