import type { ConnectionSummary } from './capture-facts.js';

/**
 * Where a connection sits in capture order: by start time, then by connection number (the order the
 * whole-capture detectors list connections in). `sub` orders services within one connection.
 */
export interface Ref {
  id: string;
  start: number;
  num: number;
  sub: number;
}

export function refOf(c: ConnectionSummary, sub = 0): Ref {
  return { id: c.id, start: c.start, num: Number(c.id.slice(1)), sub };
}

export function before(a: Ref, b: Ref): boolean {
  return a.start < b.start || (a.start === b.start && (a.num < b.num || (a.num === b.num && a.sub < b.sub)));
}

export function byRef(a: { first: Ref }, b: { first: Ref }): number {
  return before(a.first, b.first) ? -1 : before(b.first, a.first) ? 1 : 0;
}

/** Counters of one client host to one server endpoint, exact for every connection of the capture. */
export interface PairFacts {
  clientIp: string;
  server: string;
  /** Earliest connection of the pair. */
  first: Ref;
  /** HTTP/2 connections, those with at most one call, their calls, the earliest and the latest end. */
  h2: number;
  single: number;
  calls: number;
  h2First: Ref | null;
  h2LastEnd: number;
  /** Refused TCP connections and the earliest of them. */
  refused: number;
  refusedFirst: Ref | null;
}

/** Calls of one service on one server endpoint, and the connection that carried most of them. */
export interface ServiceServerFacts {
  service: string;
  server: string;
  calls: number;
  first: Ref;
  busiest: Ref;
  busiestCalls: number;
}

/**
 * What the whole-capture detectors keep: counters per (client host, server endpoint) and per (service,
 * server endpoint), at most `maxKeys` of each, and at most `maxConnections` connection summaries for the
 * detectors that need times (bursts, pinned calls, median lives) and for evidence lists. Memory is bounded
 * by those caps, not by the capture's length; past them the results are approximate and say so.
 */
export class CaptureAggregate {
  readonly pairs = new Map<string, PairFacts>();
  readonly serviceServers = new Map<string, ServiceServerFacts>();
  /** Services by the first connection (and position in it) that carried them. */
  readonly services = new Map<string, Ref>();
  readonly details: ConnectionSummary[] = [];
  connections = 0;
  /** Connections not kept in detail, and connections of pairs or services not counted (past the caps). */
  detailsDropped = 0;
  keysDropped = 0;

  constructor(
    private readonly maxConnections: number,
    private readonly maxKeys: number,
  ) {}

  get approximate(): boolean {
    return this.detailsDropped > 0 || this.keysDropped > 0;
  }

  add(c: ConnectionSummary): void {
    this.connections++;
    if (this.details.length < this.maxConnections) this.details.push(c);
    else this.detailsDropped++;
    const ref = refOf(c);
    this.addPair(c, ref);
    let sub = 0;
    for (const [service, calls] of c.services) this.addService(c, service, calls, sub++);
  }

  private addPair(c: ConnectionSummary, ref: Ref): void {
    const key = `${c.clientIp} ${c.server}`;
    let p = this.pairs.get(key);
    if (p === undefined) {
      if (this.pairs.size >= this.maxKeys) return void this.keysDropped++;
      p = {
        clientIp: c.clientIp,
        server: c.server,
        first: ref,
        h2: 0,
        single: 0,
        calls: 0,
        h2First: null,
        h2LastEnd: -Infinity,
        refused: 0,
        refusedFirst: null,
      };
      this.pairs.set(key, p);
    }
    if (before(ref, p.first)) p.first = ref;
    if (c.http2) {
      p.h2++;
      if (c.calls <= 1) p.single++;
      p.calls += c.calls;
      if (p.h2First === null || before(ref, p.h2First)) p.h2First = ref;
      p.h2LastEnd = Math.max(p.h2LastEnd, c.end);
    }
    if (c.refused) {
      p.refused++;
      if (p.refusedFirst === null || before(ref, p.refusedFirst)) p.refusedFirst = ref;
    }
  }

  private addService(c: ConnectionSummary, service: string, calls: number, sub: number): void {
    const ref = refOf(c, sub);
    const key = `${service}\u0000${c.server}`;
    let s = this.serviceServers.get(key);
    if (s === undefined) {
      if (this.serviceServers.size >= this.maxKeys || !this.noteService(service, ref)) {
        return void this.keysDropped++;
      }
      s = { service, server: c.server, calls: 0, first: ref, busiest: ref, busiestCalls: calls };
      this.serviceServers.set(key, s);
    }
    this.noteService(service, ref);
    s.calls += calls;
    if (before(ref, s.first)) s.first = ref;
    // The busiest connection; on a tie the earliest in capture order (as a left-to-right reduce would).
    if (calls > s.busiestCalls || (calls === s.busiestCalls && before(ref, s.busiest))) {
      s.busiest = ref;
      s.busiestCalls = calls;
    }
  }

  /** False when the service is new and the cap on services is reached. */
  private noteService(service: string, ref: Ref): boolean {
    const seen = this.services.get(service);
    if (seen === undefined) {
      if (this.services.size >= this.maxKeys) return false;
      this.services.set(service, ref);
    } else if (before(ref, seen)) this.services.set(service, ref);
    return true;
  }
}
