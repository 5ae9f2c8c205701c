/**
 * Calls relayed by an L7 proxy (nginx grpc_pass, HAProxy, Envoy): the client's call to the proxy (the
 * frontend leg) and the proxy's call to a backend (the backend leg) are one call seen twice. A backend leg is
 * a call that
 * - runs on a connection whose client address is the proxy's address (the server of the frontend
 *   connection), to another server endpoint than the proxy's;
 * - has the frontend's method, starts no earlier and ends no later than the frontend call (the proxy forwards
 *   the request after it arrived and the trailers after they came back);
 * - carries the same request messages (count and bytes: gRPC proxies forward messages unchanged).
 * Backend legs end before their frontend, so a call that could be one (its client address is a server
 * address of another endpoint) is held until its frontend comes or `windowS` seconds of capture time have
 * passed since it ended; at most `maxHeld` are held (the oldest go on unmatched), so memory stays bounded.
 * A proxy's own answer (nginx's 502 when no backend listens) has no backend leg and stays a call of its own.
 */
import type { CallRecord, CallRelay } from '../records/call.js';
import { hostOf } from './capture-facts.js';

/** What the matcher reads of a call. */
export interface RelayCallFacts {
  connection: string;
  stream: number;
  method: string | null;
  start: number;
  end: number;
  requestCount: number;
  requestBytes: number;
}

export interface RelayEndpoints {
  id: string;
  client: string;
  server: string;
}

/** A frontend call and the backend leg it was relayed as. */
export interface RelayPair<T> {
  /** The proxy: the frontend connection's server endpoint. */
  proxy: string;
  /** The backend leg's server endpoint. */
  backend: string;
  frontend: RelayCallFacts;
  leg: RelayCallFacts;
  /** The payload the backend leg was held with (its statistics are not counted again). */
  legPayload: T;
}

export interface RelayStep<T> {
  /** Calls to count now: held calls whose frontend never came, and this one unless it is held. */
  count: T[];
  /** This call was the frontend of a held backend leg. */
  relayed: RelayPair<T> | null;
}

interface Held<T> {
  facts: RelayCallFacts;
  payload: T;
}

export const RELAY_DEFAULTS = { windowS: 10, maxHeld: 10_000 } as const;

/** A connection's endpoints with its client's host, worked out once rather than at each of its calls. */
interface KnownEndpoints extends RelayEndpoints {
  clientHost: string;
}

export class RelayMatcher<T> {
  private readonly endpoints = new Map<string, KnownEndpoints>();
  /** Server endpoints by host: a host that serves several endpoints may be a proxy of the others. */
  private readonly serversByHost = new Map<string, Set<string>>();
  /** Held calls by method, in arrival order (the order of their ends). */
  private readonly held = new Map<string, Array<Held<T>>>();
  private heldCount = 0;

  constructor(
    private readonly windowS: number = RELAY_DEFAULTS.windowS,
    private readonly maxHeld: number = RELAY_DEFAULTS.maxHeld,
  ) {}

  /** A connection's endpoints, known before its calls (RecordSink.opened). */
  opened(peers: RelayEndpoints): void {
    const { id, client, server } = peers;
    this.endpoints.set(id, { id, client, server, clientHost: hostOf(client) });
    const host = hostOf(peers.server);
    let set = this.serversByHost.get(host);
    if (!set) this.serversByHost.set(host, (set = new Set()));
    set.add(peers.server);
  }

  call(facts: RelayCallFacts, payload: T): RelayStep<T> {
    const count = this.expire(facts.end);
    const relayed = this.match(facts);
    if (relayed === null && facts.method !== null && this.mayBeLeg(facts)) {
      let list = this.held.get(facts.method);
      if (!list) this.held.set(facts.method, (list = []));
      list.push({ facts, payload });
      if (++this.heldCount > this.maxHeld) {
        this.heldCount--;
        count.push(list.shift()!.payload);
      }
    } else count.push(payload);
    return { count, relayed };
  }

  /** The capture ended: every held call is a call of its own. */
  drain(): T[] {
    const out: T[] = [];
    for (const list of this.held.values()) for (const h of list) out.push(h.payload);
    this.held.clear();
    this.heldCount = 0;
    return out;
  }

  private expire(now: number): T[] {
    const out: T[] = [];
    if (this.heldCount === 0) return out;
    for (const list of this.held.values()) {
      let n = 0;
      while (n < list.length && list[n]!.facts.end < now - this.windowS) out.push(list[n++]!.payload);
      if (n > 0) list.splice(0, n);
    }
    this.heldCount -= out.length;
    return out;
  }

  /** Its connection's client host serves another endpoint than its server: it may come from a proxy. */
  private mayBeLeg(facts: RelayCallFacts): boolean {
    const ep = this.endpoints.get(facts.connection);
    if (!ep) return false;
    const servers = this.serversByHost.get(ep.clientHost);
    if (!servers) return false;
    for (const s of servers) if (s !== ep.server) return true;
    return false;
  }

  private match(f: RelayCallFacts): RelayPair<T> | null {
    const front = this.endpoints.get(f.connection);
    const list = f.method === null ? undefined : this.held.get(f.method);
    if (!front || !list) return null;
    const proxyHost = hostOf(front.server);
    let best = -1;
    // Newest first, down to the legs that ended before this call started (none older can lie inside it).
    for (let i = list.length - 1; i >= 0; i--) {
      const b = list[i]!.facts;
      if (b.end < f.start) break;
      if (b.connection === f.connection || b.start < f.start || b.end > f.end) continue;
      if (b.requestCount !== f.requestCount || b.requestBytes !== f.requestBytes) continue;
      const back = this.endpoints.get(b.connection);
      if (!back || back.clientHost !== proxyHost || back.server === front.server) continue;
      // The earliest start: the proxy opens the backend stream as soon as the request headers arrive.
      if (best < 0 || b.start <= list[best]!.facts.start) best = i;
    }
    if (best < 0) return null;
    const [h] = list.splice(best, 1);
    this.heldCount--;
    const back = this.endpoints.get(h!.facts.connection)!;
    return { proxy: front.server, backend: back.server, frontend: f, leg: h!.facts, legPayload: h!.payload };
  }
}

/** A call's relay facts; `requests` may hold only the messages' lengths (--summary under --threads). */
export function relayFacts(
  c: Pick<CallRecord, 'connection' | 'stream' | 'method' | 'start' | 'end' | 'requestCount'> & {
    requests: ReadonlyArray<{ length: number }>;
  },
): RelayCallFacts {
  let requestBytes = 0;
  for (const m of c.requests) requestBytes += m.length;
  return {
    connection: c.connection,
    stream: c.stream,
    method: c.method,
    start: c.start,
    end: c.end,
    requestCount: c.requestCount,
    requestBytes,
  };
}

/** Relayed calls through one proxy endpoint. */
export interface RelayProxyCount {
  /** Frontend calls whose backend leg was seen. */
  calls: number;
  /** Backend legs by backend endpoint, in the order first seen. */
  backends: Map<string, number>;
}

/** "relayed by 127.0.0.1:50700: 6 calls (backend legs: 6 to 127.0.0.1:50701), each counted once". */
export function relayedByLines(proxies: ReadonlyMap<string, RelayProxyCount>): string[] {
  return [...proxies].map(([proxy, p]) => {
    const legs = [...p.backends].map(([b, n]) => `${n} to ${b}`).join(', ');
    return `relayed by ${proxy}: ${p.calls} call${p.calls === 1 ? '' : 's'} (backend legs: ${legs}), each counted once`;
  });
}

/** The `relay` field json and ndjson set on the frontend call of a pair (CallRecord.relay). */
export function callRelay(r: RelayPair<unknown>): CallRelay {
  return {
    role: 'frontend',
    proxy: r.proxy,
    backendLeg: { connection: r.leg.connection, stream: r.leg.stream, server: r.backend },
  };
}
