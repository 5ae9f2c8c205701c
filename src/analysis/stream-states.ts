import type { FrameRecord, Role, StreamRecord, StreamState, StreamTransition } from '../records/records.js';
import type { HeaderField } from '../h2/types.js';

/** A frame the sender was not allowed to send in the stream's state (RFC 9113 §5.1, §5.1.1). */
export interface StateViolation {
  stream: number;
  from: Role;
  time: number;
  frame: string;
  state: StreamState;
  rule: string;
  section: string;
}

export interface StreamEntry {
  id: number;
  initiator: Role;
  request: string | null;
  states: StreamTransition[];
  /** END_STREAM seen from each side. */
  ended: Record<Role, boolean>;
  reserved: boolean;
  /** The side the id belongs to sent HEADERS on it (or it was reserved, or is the h2c upgrade stream). */
  initiatorOpened: boolean;
  reset: { by: Role; errorCode: string; time: number } | null;
  refused: 'rst-stream' | 'goaway' | null;
  opened: number | null;
  closed: number | null;
  /** Last HEADERS/DATA from each side (deadline analysis). */
  lastSent: Record<Role, number | null>;
  /** Listed in the record (the first maxStreams streams are). */
  listed: boolean;
}

/** Stream opened by `side`: odd ids by the client, even ids by the server (RFC 9113 §5.1.1). */
export function initiatorOf(stream: number): Role {
  return stream % 2 === 1 ? 'client' : 'server';
}

export function peerOf(side: Role): Role {
  return side === 'client' ? 'server' : 'client';
}

/** State of a stream from the client's point of view ("local" is the client). */
export function stateOf(s: StreamEntry): StreamState {
  if (s.reset !== null || s.refused !== null || (s.ended.client && s.ended.server)) return 'closed';
  if (s.opened === null) return s.reserved ? 'reserved-remote' : 'idle';
  if (s.ended.client) return 'half-closed-local';
  if (s.ended.server) return 'half-closed-remote';
  return 'open';
}

/** Open and half-closed streams count against SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2). */
export function isActive(state: StreamState): boolean {
  return state === 'open' || state === 'half-closed-local' || state === 'half-closed-remote';
}

/** The frames that change stream state; others (PRIORITY, WINDOW_UPDATE) leave it alone. */
export interface StreamChange {
  entry: StreamEntry;
  before: StreamState;
  after: StreamState;
  violation: StateViolation | null;
}

/**
 * The streams of one connection and their RFC 9113 §5.1 states, driven by HEADERS, DATA, RST_STREAM and
 * PUSH_PROMISE from both sides, with the frames that were not allowed. The first `maxListed` streams keep
 * their history for the record (the others are counted in `omitted`); past `maxTracked` streams, the oldest
 * closed unlisted ones are forgotten so a long connection stays bounded.
 */
export class StreamTable {
  /**
   * Made at the first stream (an idle connection has none). A closed unlisted stream's value is its slot in
   * `closed` (a number): it keeps its place in the Map's order, which all() and its consumers' output follow.
   */
  private streams: Map<number, StreamEntry | number> | null = null;
  /** Highest stream id each side opened, as two fields rather than a record per connection. */
  private highestClient = 0;
  private highestServer = 0;
  private listedCount = 0;
  /** Closed streams that are not listed, packed, oldest first: the ones to forget first. Made at the first. */
  private closed: ClosedStreams | null = null;
  private forgotten = 0;
  /** Made at the first request line (packed streams refer to it by index). */
  private requestLines: RequestLines | null = null;
  omitted = 0;
  openedCount = 0;

  constructor(
    private readonly maxListed: number,
    private readonly maxTracked: number,
  ) {}

  get(id: number): StreamEntry | undefined {
    const v = this.streams?.get(id);
    return typeof v === 'number' ? this.closed!.entry(v, id) : v;
  }

  /** The time of the last HEADERS or DATA `side` sent on the stream, without unpacking a closed one. */
  lastSentBy(id: number, side: Role): number | null {
    const v = this.streams?.get(id);
    if (v === undefined) return null;
    return typeof v === 'number' ? this.closed!.lastSent(v, side) : v.lastSent[side];
  }

  private highest(side: Role): number {
    return side === 'client' ? this.highestClient : this.highestServer;
  }

  private setHighest(side: Role, id: number): void {
    if (side === 'client') this.highestClient = id;
    else this.highestServer = id;
  }

  /** Every tracked stream, in the order first seen (closed unlisted ones unpacked into fresh entries). */
  *all(): IterableIterator<StreamEntry> {
    if (this.streams === null) return;
    const closed = this.closed;
    for (const [id, v] of this.streams) yield typeof v === 'number' ? closed!.entry(v, id) : v;
  }

  /** The streams still held as objects (open ones, listed ones): packed streams are never listed. */
  private *objects(): IterableIterator<StreamEntry> {
    if (this.streams === null) return;
    for (const v of this.streams.values()) if (typeof v !== 'number') yield v;
  }

  /** A frame on a stream (id > 0). Returns the change, or null when the frame does not touch states. */
  onFrame(f: FrameRecord, fields: HeaderField[] | undefined): StreamChange | null {
    switch (f.type) {
      case 'HEADERS':
      case 'DATA':
        return this.headersOrData(f, fields);
      case 'RST_STREAM': {
        // A RST_STREAM on a stream that already closed (crossing END_STREAM) changes nothing (§5.1 "closed").
        const e = this.entry(f.stream);
        const before = stateOf(e);
        if (before === 'closed') return null;
        e.reset = { by: f.from, errorCode: f.errorCode ?? 'UNKNOWN', time: f.time };
        if (f.errorCode === 'REFUSED_STREAM') e.refused = 'rst-stream';
        return this.changed(e, f, before);
      }
      case 'PUSH_PROMISE': {
        const promised = f.promisedStream;
        if (promised === undefined || promised === 0) return null;
        const e = this.entry(promised);
        const before = stateOf(e);
        e.reserved = true;
        if (before === 'closed') this.repack(e);
        return this.changed(e, f, before);
      }
      default:
        return null;
    }
  }

  /** An h2c upgrade: stream 1 is the HTTP/1.1 request, already half-closed by the client (RFC 7540 §3.2). */
  upgraded(time: number, request: string | null): StreamChange {
    const e = this.entry(1);
    e.request ??= request;
    const before = stateOf(e);
    e.opened = time;
    e.initiatorOpened = true;
    e.ended.client = true;
    this.openedCount++;
    this.highestClient = 1;
    const after = stateOf(e);
    if (before === 'closed') this.repack(e);
    this.push(e, { time, state: after, by: 'client', cause: 'HTTP/1.1 Upgrade: h2c', frame: null });
    return { entry: e, before, after, violation: null };
  }

  /** A GOAWAY refused this tracked stream (it was above last-stream-id). */
  refuseByGoaway(id: number, from: Role, time: number, frame: number): void {
    const e = this.get(id)!;
    if (e.refused !== null) return;
    const before = stateOf(e);
    e.refused = 'goaway';
    if (before !== 'closed') this.push(e, { time, state: 'closed', by: from, cause: 'GOAWAY', frame });
    else this.repack(e);
  }

  /**
   * Streams the other side sent on but whose owner never opened (RFC 9113 §5.1.1: a server cannot open
   * odd-numbered streams, a client even-numbered ones), known only once the whole connection was seen.
   */
  unopened(): StateViolation[] {
    const out: StateViolation[] = [];
    for (const e of this.all()) {
      if (e.initiatorOpened || e.reserved || e.opened === null) continue;
      const from = peerOf(e.initiator);
      out.push({
        stream: e.id,
        from,
        time: e.opened,
        frame: 'HEADERS or DATA',
        state: 'idle',
        rule: `the ${from} used a stream id only the ${e.initiator} may open, and the ${e.initiator} never opened it`,
        section: '§5.1.1',
      });
    }
    return out;
  }

  records(): StreamRecord[] {
    const out: StreamRecord[] = [];
    // Not all(): a record (also a live snapshot's) would unpack every closed unlisted stream to skip it.
    for (const e of this.objects()) {
      if (!e.listed) continue;
      out.push({
        id: e.id,
        initiator: e.initiator,
        request: e.request,
        state: stateOf(e),
        states: e.states,
        reset: e.reset,
        refused: e.refused,
      });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  // Runs for every HEADERS and DATA frame: no closure or temporary object unless the state changes (the
  // two closures per frame it made were half of its allocation: 15 of 30 MB on the 30 MB bench file).
  private headersOrData(f: FrameRecord, fields: HeaderField[] | undefined): StreamChange | null {
    const e = this.entry(f.stream);
    const endStream = f.flags.includes('END_STREAM');
    const before = stateOf(e);
    const violation = this.violation(e, f, before, endStream);
    if (f.type === 'HEADERS' && e.request === null && f.from === 'client' && fields !== undefined) {
      const line = requestLine(fields);
      e.request = line === null ? null : (this.requestLines ??= new RequestLines()).shared(line);
    }
    e.lastSent[f.from] = f.time;
    if (f.type === 'HEADERS' && f.from === e.initiator) e.initiatorOpened = true;
    if (e.opened === null && (f.type === 'HEADERS' || !e.reserved)) {
      e.opened = f.time;
      this.openedCount++;
      if (e.initiator === f.from) this.setHighest(f.from, Math.max(this.highest(f.from), e.id));
      // §5.1: reserved (remote) -> half-closed (local): the client never sends on a pushed stream.
      if (e.reserved) e.ended.client = true;
    }
    if (endStream) e.ended[f.from] = true;
    // A frame after the close (crossing END_STREAM, a peer's late DATA) may still mark a packed stream.
    if (before === 'closed') this.repack(e);
    const change = this.changed(e, f, before);
    if (change !== null) change.violation = violation;
    else if (violation !== null) return { entry: e, before: stateOf(e), after: stateOf(e), violation };
    return change;
  }

  /**
   * The first rule the frame breaks, if any, `state` being the stream's state before it. Only what the
   * sender itself knew counts (no races).
   */
  private violation(
    e: StreamEntry,
    f: FrameRecord,
    state: StreamState,
    endStream: boolean,
  ): StateViolation | null {
    let rule: string;
    let section = '§5.1';
    if (e.ended[f.from]) rule = `the ${f.from} had already ended the stream with END_STREAM`;
    else if (e.reset?.by === f.from) rule = `the ${f.from} had already reset the stream`;
    // Past the cap, closed streams are forgotten: an unknown id below the highest may be one of them.
    else if (this.forgotten > 0 && e.id <= this.highest(e.initiator)) return null;
    // Across directions the capture order is not the order each side saw (a response can be captured
    // before its request): a frame from the other side on an idle stream is judged at the end (unopened()).
    else if (state !== 'idle' || e.initiator !== f.from) return null;
    else if (f.type === 'DATA') rule = 'DATA on a stream that was never opened';
    else if (e.id <= this.highest(f.from)) {
      rule = `stream ids must increase, but ${this.highest(f.from)} was opened before`;
      section = '§5.1.1';
    } else return null;
    const frame = endStream ? `${f.type} END_STREAM` : f.type;
    return { stream: e.id, from: f.from, time: f.time, frame, state, rule, section };
  }

  /** After a frame changed the entry: the change from `before`, or null when the state stayed. */
  private changed(e: StreamEntry, f: FrameRecord, before: StreamState): StreamChange | null {
    const after = stateOf(e);
    if (after === before) return null;
    if (after === 'closed') e.closed = f.time;
    // Only listed streams keep their history: no transition (nor its cause text) for the others.
    if (e.listed)
      e.states.push({ time: f.time, state: after, by: f.from, cause: causeOf(f), frame: f.index });
    const change: StreamChange = { entry: e, before, after, violation: null };
    if (after === 'closed') this.forgetIfOverCap(e);
    return change;
  }

  private push(e: StreamEntry, t: StreamTransition): void {
    if (e.listed) e.states.push(t);
  }

  /**
   * A closed unlisted stream is packed (its entry object goes), then the oldest packed ones are forgotten
   * while the connection tracks more than maxTracked streams.
   */
  private forgetIfOverCap(e: StreamEntry): void {
    if (e.listed) return;
    const closed = (this.closed ??= new ClosedStreams(
      this.maxTracked,
      (this.requestLines ??= new RequestLines()),
    ));
    const streams = this.streams!;
    streams.set(e.id, closed.add(e));
    while (streams.size > this.maxTracked && closed.size > 0) {
      streams.delete(closed.dropOldest());
      this.forgotten++;
    }
  }

  /** Writes a packed stream's entry back after a frame changed it (no-op for a stream not packed). */
  private repack(e: StreamEntry): void {
    const v = this.streams?.get(e.id);
    if (typeof v === 'number') this.closed!.write(v, e);
  }

  private entry(id: number): StreamEntry {
    const streams = (this.streams ??= new Map());
    const v = streams.get(id);
    if (typeof v === 'number') return this.closed!.entry(v, id);
    let e = v;
    if (e === undefined) {
      const listed = this.listedCount < this.maxListed;
      if (listed) this.listedCount++;
      else this.omitted++;
      e = {
        id,
        initiator: initiatorOf(id),
        request: null,
        // Only listed streams keep a history (changed(), push()): the others share one empty list.
        states: listed ? [] : NO_TRANSITIONS,
        ended: { client: false, server: false },
        reserved: false,
        initiatorOpened: false,
        reset: null,
        refused: null,
        opened: null,
        closed: null,
        lastSent: { client: null, server: null },
        listed,
      };
      streams.set(id, e);
    }
    return e;
  }
}

/** Frozen: a push on an unlisted stream's history would be a bug, and throws instead of leaking. */
const NO_TRANSITIONS = Object.freeze([]) as unknown as StreamTransition[];

function causeOf(f: FrameRecord): string {
  if (f.type === 'RST_STREAM') return `RST_STREAM ${f.errorCode ?? 'UNKNOWN'}`;
  if (f.type === 'PUSH_PROMISE') return `PUSH_PROMISE on stream ${f.stream}`;
  return f.flags.includes('END_STREAM') ? `${f.type} END_STREAM` : f.type;
}

/** "POST /pkg.Service/Method" from the request pseudo-headers (RFC 9113 §8.3.1), first of each. */
function requestLine(fields: HeaderField[]): string | null {
  let method: string | undefined;
  let path: string | undefined;
  for (const h of fields) {
    if (method === undefined && h.name === ':method') method = h.value;
    else if (path === undefined && h.name === ':path') path = h.value;
  }
  if (method === undefined && path === undefined) return null;
  return `${method ?? '?'} ${path ?? ''}`.trim();
}

const ENDED_CLIENT = 1;
const ENDED_SERVER = 2;
const RESERVED = 4;
const INITIATOR_OPENED = 8;
const REFUSED_RST = 16;
const REFUSED_GOAWAY = 32;
/** Request index of a line not in the RequestLines table (kept in `oddLines`, dropped with its stream); 0 is null. */
const ODD_LINE = 0xff;

/**
 * The distinct request lines of one connection, each kept once: the thousands of streams of one method
 * share one string instead of a concatenation each (~50 B of "POST /pkg.Service/Method"), and a packed
 * stream refers to its line by a one-byte index. Past ODD_LINE - 1 lines (a scan of many paths) new lines
 * are neither shared nor indexed, so such a scan does not keep them all.
 */
class RequestLines {
  private readonly lines: string[] = [];
  private readonly indexes = new Map<string, number>();

  /** The line's index (1-based), added while there is room; 0 when the table is full and it is new. */
  indexOf(line: string): number {
    const k = this.indexes.get(line);
    if (k !== undefined) return k;
    if (this.lines.length >= ODD_LINE - 1) return 0;
    this.indexes.set(line, this.lines.push(line));
    return this.lines.length;
  }

  /** The shared copy of `line` (itself when the table is full). */
  shared(line: string): string {
    const k = this.indexOf(line);
    return k === 0 ? line : this.lines[k - 1]!;
  }

  at(k: number): string {
    return this.lines[k - 1]!;
  }
}

/**
 * The closed unlisted streams of one connection, packed into columns of a ring (oldest first), ~40 B
 * each instead of a ~300 B entry object (docs/performance.md, "Closed streams, session 9"). A stream is
 * known by its slot: a number that only grows, the ring's index being the slot modulo its capacity. The
 * few values most streams lack (a reset, a request line outside the table) are kept in maps by slot.
 */
class ClosedStreams {
  private head = 0;
  private tail = 0;
  private cap = 0;
  private ids = new Uint32Array(0);
  private flags = new Uint8Array(0);
  private requests = new Uint8Array(0);
  /** opened, closed, lastSent.client, lastSent.server per stream (NaN for null). */
  private times = new Float64Array(0);
  private oddLines: Map<number, string> | null = null;
  private resets: Map<number, NonNullable<StreamEntry['reset']>> | null = null;

  constructor(
    private readonly maxCap: number,
    private readonly lines: RequestLines,
  ) {}

  get size(): number {
    return this.tail - this.head;
  }

  /** Packs a closed stream; returns its slot. */
  add(e: StreamEntry): number {
    if (this.size === this.cap) this.grow();
    const slot = this.tail++;
    this.ids[slot % this.cap] = e.id;
    this.write(slot, e);
    return slot;
  }

  /** The id of the oldest packed stream, dropped. */
  dropOldest(): number {
    const slot = this.head++;
    this.resets?.delete(slot);
    this.oddLines?.delete(slot);
    return this.ids[slot % this.cap]!;
  }

  write(slot: number, e: StreamEntry): void {
    const i = slot % this.cap;
    let bits = 0;
    if (e.ended.client) bits |= ENDED_CLIENT;
    if (e.ended.server) bits |= ENDED_SERVER;
    if (e.reserved) bits |= RESERVED;
    if (e.initiatorOpened) bits |= INITIATOR_OPENED;
    if (e.refused === 'rst-stream') bits |= REFUSED_RST;
    else if (e.refused === 'goaway') bits |= REFUSED_GOAWAY;
    this.flags[i] = bits;
    this.requests[i] = this.lineOf(slot, e.request);
    if (e.reset !== null) (this.resets ??= new Map()).set(slot, e.reset);
    const t = i * 4;
    this.times[t] = e.opened ?? NaN;
    this.times[t + 1] = e.closed ?? NaN;
    this.times[t + 2] = e.lastSent.client ?? NaN;
    this.times[t + 3] = e.lastSent.server ?? NaN;
  }

  lastSent(slot: number, side: Role): number | null {
    return timeOrNull(this.times[(slot % this.cap) * 4 + (side === 'client' ? 2 : 3)]!);
  }

  /** A fresh entry with the packed stream's values (same shape as StreamTable's own). */
  entry(slot: number, id: number): StreamEntry {
    const i = slot % this.cap;
    const bits = this.flags[i]!;
    const line = this.requests[i]!;
    const t = i * 4;
    const times = this.times;
    return {
      id,
      initiator: initiatorOf(id),
      request: line === 0 ? null : line === ODD_LINE ? this.oddLines!.get(slot)! : this.lines.at(line),
      states: NO_TRANSITIONS,
      ended: { client: (bits & ENDED_CLIENT) !== 0, server: (bits & ENDED_SERVER) !== 0 },
      reserved: (bits & RESERVED) !== 0,
      initiatorOpened: (bits & INITIATOR_OPENED) !== 0,
      reset: this.resets?.get(slot) ?? null,
      refused: (bits & REFUSED_RST) !== 0 ? 'rst-stream' : (bits & REFUSED_GOAWAY) !== 0 ? 'goaway' : null,
      opened: timeOrNull(times[t]!),
      closed: timeOrNull(times[t + 1]!),
      lastSent: { client: timeOrNull(times[t + 2]!), server: timeOrNull(times[t + 3]!) },
      listed: false,
    };
  }

  private lineOf(slot: number, line: string | null): number {
    if (line === null) return 0;
    const k = this.lines.indexOf(line);
    if (k !== 0) return k;
    (this.oddLines ??= new Map()).set(slot, line);
    return ODD_LINE;
  }

  /** Doubles the ring (up to the connection's cap), each slot moving to its index in the new one. */
  private grow(): void {
    const cap = Math.max(16, Math.min(this.cap * 2, this.maxCap + 1), this.cap + 1);
    const ids = new Uint32Array(cap);
    const flags = new Uint8Array(cap);
    const requests = new Uint8Array(cap);
    const times = new Float64Array(cap * 4);
    for (let slot = this.head; slot < this.tail; slot++) {
      const from = slot % this.cap;
      const to = slot % cap;
      ids[to] = this.ids[from]!;
      flags[to] = this.flags[from]!;
      requests[to] = this.requests[from]!;
      times.set(this.times.subarray(from * 4, from * 4 + 4), to * 4);
    }
    this.cap = cap;
    this.ids = ids;
    this.flags = flags;
    this.requests = requests;
    this.times = times;
  }
}

function timeOrNull(t: number): number | null {
  return Number.isNaN(t) ? null : t;
}
