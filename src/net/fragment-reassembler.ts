/**
 * IP fragment reassembly by hole filling (RFC 815, for the RFC 791 §3.2 / RFC 8200 §4.5 procedures), shared
 * by IPv4 and IPv6. Overlaps are accepted and the bytes received first win; the caller is told when
 * overlapping fragments disagree. Memory is bounded: pending datagrams and bytes are capped, and a datagram
 * expires `timeout` seconds of capture time after its first fragment.
 */

export interface FragmentLimits {
  /** Seconds of capture time a datagram may wait for its missing fragments (Linux ipfrag_time: 30 s). */
  timeout: number;
  maxDatagrams: number;
  /** Fragment bytes held across all pending datagrams. */
  maxBytes: number;
  /** Fragments per datagram; beyond it the datagram is dropped (tiny-fragment floods). */
  maxFragments: number;
}

export const DEFAULT_FRAGMENT_LIMITS: FragmentLimits = {
  timeout: 30,
  maxDatagrams: 1024,
  maxBytes: 16 * 1024 * 1024,
  maxFragments: 1024,
};

/** RFC 791 §3.1 / RFC 8200 §4.5: a reassembled payload fits a 16-bit length. */
const MAX_DATAGRAM_PAYLOAD = 65535;

export type IncompleteReason = 'timeout' | 'evicted' | 'too-many-fragments' | 'capture-end';

export interface CompletedDatagram<M> {
  kind: 'complete';
  meta: M;
  payload: Buffer;
  fragments: number;
  /** Bytes received more than once. */
  overlapBytes: number;
  /** Overlapping fragments carried different bytes (a sign of an evasion attempt or a broken sender). */
  conflicting: boolean;
}

export type FragmentResult<M> =
  | CompletedDatagram<M>
  | { kind: 'pending' }
  /** The fragment contradicts the datagram or RFC 791/8200 and was dropped; the datagram stays pending. */
  | { kind: 'rejected'; detail: string };

export interface IncompleteDatagram<M> {
  meta: M;
  reason: IncompleteReason;
  fragments: number;
  bytes: number;
  firstPacketIndex: number;
  firstTime: number;
}

interface Hole {
  first: number;
  /** Inclusive; Infinity until the last fragment (MF = 0) is seen. */
  last: number;
}

interface Fragment {
  offset: number;
  data: Buffer;
}

interface Pending<M> {
  meta: M;
  firstTime: number;
  firstPacketIndex: number;
  holes: Hole[];
  /** In arrival order. */
  fragments: Fragment[];
  bytes: number;
  /** Payload length, once the last fragment arrived; -1 before. */
  totalLength: number;
  overlapBytes: number;
  conflicting: boolean;
}

const PENDING: FragmentResult<never> = Object.freeze({ kind: 'pending' });

export class FragmentReassembler<M> {
  /** Insertion order is arrival order of first fragments, so the oldest datagram is always first. */
  private readonly pending = new Map<string, Pending<M>>();
  private bytes = 0;
  private incomplete: IncompleteDatagram<M>[] = [];

  constructor(private readonly limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Adds one fragment. `meta` describes the datagram (addresses, protocol); the offset-0 fragment's meta
   * replaces any earlier one, as RFC 791 takes the reassembled header from the first fragment.
   */
  add(
    key: string,
    meta: M,
    offset: number,
    more: boolean,
    data: Buffer,
    time: number,
    packetIndex: number,
  ): FragmentResult<M> {
    const problem = checkFragment(offset, more, data.length);
    if (problem !== undefined) return { kind: 'rejected', detail: problem };
    const datagram = this.pending.get(key) ?? this.open(key, meta, time, packetIndex);
    const rejected = checkAgainst(datagram, offset, more, data.length);
    if (rejected !== undefined) return { kind: 'rejected', detail: rejected };
    if (offset === 0) datagram.meta = meta;
    if (datagram.fragments.length >= this.limits.maxFragments) {
      this.drop(key, datagram, 'too-many-fragments');
      return PENDING;
    }
    this.store(datagram, offset, more, data);
    if (datagram.holes.length > 0) {
      this.enforceByteLimit(key);
      return PENDING;
    }
    this.forget(key, datagram);
    return complete(datagram);
  }

  /** Drops datagrams whose first fragment is older than the timeout. Cheap when nothing expires. */
  expire(now: number): void {
    for (const [key, datagram] of this.pending) {
      if (now - datagram.firstTime <= this.limits.timeout) return;
      this.drop(key, datagram, 'timeout');
    }
  }

  /** At the end of the capture: every datagram still pending is incomplete. */
  finish(): void {
    for (const [key, datagram] of this.pending) this.drop(key, datagram, 'capture-end');
  }

  /** Datagrams given up since the last call, oldest first. */
  takeIncomplete(): IncompleteDatagram<M>[] {
    const out = this.incomplete;
    if (out.length > 0) this.incomplete = [];
    return out;
  }

  private open(key: string, meta: M, time: number, packetIndex: number): Pending<M> {
    if (this.pending.size >= this.limits.maxDatagrams) this.dropOldest();
    const datagram: Pending<M> = {
      meta,
      firstTime: time,
      firstPacketIndex: packetIndex,
      holes: [{ first: 0, last: Infinity }],
      fragments: [],
      bytes: 0,
      totalLength: -1,
      overlapBytes: 0,
      conflicting: false,
    };
    this.pending.set(key, datagram);
    return datagram;
  }

  private store(datagram: Pending<M>, offset: number, more: boolean, data: Buffer): void {
    noteOverlaps(datagram, offset, data);
    // A copy: a view would keep the whole capture chunk behind the packet alive while the datagram waits.
    datagram.fragments.push({ offset, data: Buffer.from(data) });
    datagram.bytes += data.length;
    this.bytes += data.length;
    if (!more) datagram.totalLength = offset + data.length;
    datagram.holes = fillHoles(datagram.holes, offset, offset + data.length - 1, more);
    if (datagram.totalLength >= 0) datagram.holes = clipHoles(datagram.holes, datagram.totalLength);
  }

  private enforceByteLimit(current: string): void {
    while (this.bytes > this.limits.maxBytes && this.pending.size > 0) {
      const oldest = this.pending.keys().next().value!;
      // Evict others first; the current datagram goes only when it alone is over the limit.
      if (oldest === current && this.pending.size > 1) {
        const next = [...this.pending.keys()][1]!;
        this.drop(next, this.pending.get(next)!, 'evicted');
      } else {
        this.drop(oldest, this.pending.get(oldest)!, 'evicted');
      }
    }
  }

  private dropOldest(): void {
    const first = this.pending.entries().next();
    if (!first.done) this.drop(first.value[0], first.value[1], 'evicted');
  }

  private drop(key: string, datagram: Pending<M>, reason: IncompleteReason): void {
    this.forget(key, datagram);
    this.incomplete.push({
      meta: datagram.meta,
      reason,
      fragments: datagram.fragments.length,
      bytes: datagram.bytes,
      firstPacketIndex: datagram.firstPacketIndex,
      firstTime: datagram.firstTime,
    });
  }

  private forget(key: string, datagram: Pending<M>): void {
    this.pending.delete(key);
    this.bytes -= datagram.bytes;
  }
}

/** Rules every fragment obeys on its own. */
function checkFragment(offset: number, more: boolean, length: number): string | undefined {
  if (offset + length > MAX_DATAGRAM_PAYLOAD) {
    return `fragment at offset ${offset} with ${length} bytes ends past ${MAX_DATAGRAM_PAYLOAD} bytes`;
  }
  // RFC 791 §3.2, RFC 8200 §4.5: every fragment but the last carries a multiple of 8 bytes.
  if (more && (length === 0 || length % 8 !== 0)) {
    return `non-final fragment at offset ${offset} carries ${length} bytes, not a positive multiple of 8`;
  }
  return undefined;
}

/** Rules a fragment obeys against what the datagram already holds: one consistent end. */
function checkAgainst<M>(
  datagram: Pending<M>,
  offset: number,
  more: boolean,
  length: number,
): string | undefined {
  const end = offset + length;
  if (datagram.totalLength >= 0) {
    if (!more && end !== datagram.totalLength) {
      return `a second last fragment ends at ${end}, the first ended at ${datagram.totalLength}`;
    }
    if (more && end > datagram.totalLength) {
      return `fragment ends at ${end}, past the datagram end ${datagram.totalLength}`;
    }
  } else if (!more) {
    const furthest = datagram.fragments.reduce((m, f) => Math.max(m, f.offset + f.data.length), 0);
    if (furthest > end) return `last fragment ends at ${end}, but a fragment already reached ${furthest}`;
  }
  return undefined;
}

/** RFC 815 §3 steps 1-7: every hole the fragment touches is replaced by what remains of it on either side. */
function fillHoles(holes: Hole[], first: number, last: number, more: boolean): Hole[] {
  const out: Hole[] = [];
  for (const hole of holes) {
    if (first > hole.last || last < hole.first) {
      out.push(hole);
      continue;
    }
    if (first > hole.first) out.push({ first: hole.first, last: first - 1 });
    if (last < hole.last && more) out.push({ first: last + 1, last: hole.last });
  }
  return out;
}

/** Once the end is known, nothing past it is missing (a hole opened before the last fragment arrived). */
function clipHoles(holes: Hole[], totalLength: number): Hole[] {
  const out: Hole[] = [];
  for (const hole of holes) {
    if (hole.first < totalLength) out.push({ first: hole.first, last: Math.min(hole.last, totalLength - 1) });
  }
  return out;
}

function noteOverlaps<M>(datagram: Pending<M>, offset: number, data: Buffer): void {
  const end = offset + data.length;
  for (const f of datagram.fragments) {
    const lo = Math.max(offset, f.offset);
    const hi = Math.min(end, f.offset + f.data.length);
    if (lo >= hi) continue;
    datagram.overlapBytes += hi - lo;
    const before = f.data.subarray(lo - f.offset, hi - f.offset);
    if (!before.equals(data.subarray(lo - offset, hi - offset))) datagram.conflicting = true;
  }
}

function complete<M>(datagram: Pending<M>): CompletedDatagram<M> {
  const payload = Buffer.alloc(datagram.totalLength);
  // Latest first, so that where fragments overlap the bytes received first are the ones left in place.
  for (let i = datagram.fragments.length - 1; i >= 0; i--) {
    const f = datagram.fragments[i]!;
    f.data.copy(payload, f.offset);
  }
  return {
    kind: 'complete',
    meta: datagram.meta,
    payload,
    fragments: datagram.fragments.length,
    overlapBytes: datagram.overlapBytes,
    conflicting: datagram.conflicting,
  };
}
