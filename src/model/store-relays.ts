/**
 * Calls relayed by an L7 proxy, in the store: which calls are the proxy's backend leg of a client's call
 * (src/analysis/relay-legs.ts pairs them), so the TUI counts each relayed call once, as the client saw it,
 * as --summary and markdown do (src/output/relayed-calls.ts). Calls are append-only, so the index reads each
 * new call once. A call that could be a leg is undecided ("held") until its frontend comes, the matcher's
 * window passes or the capture ends; counts that must agree with --summary leave held calls out until then.
 */
import { RelayMatcher, type RelayCallFacts, type RelayProxyCount } from '../analysis/relay-legs.js';
import { storeCallFailed } from './store-selectors.js';
import { currentRecord, type CaptureStore } from './store.js';

export class StoreRelays {
  private readonly matcher = new RelayMatcher<number>();
  private calls = 0;
  private connections = 0;
  private ended = false;
  /** Backend leg call index -> its frontend call index. */
  private readonly legs = new Map<number, number>();
  /** Frontend call index -> its backend legs' call indexes. */
  private readonly fronts = new Map<number, number[]>();
  /** Calls the matcher holds (may still turn out to be a backend leg). */
  private readonly held = new Set<number>();
  /** By proxy endpoint, in the order first seen (the Overview's "relayed by" line). */
  readonly proxies = new Map<string, RelayProxyCount>();

  /** Reads the connections and calls that arrived since the last update; true if anything changed. */
  update(store: CaptureStore): boolean {
    const conns = store.connections;
    const calls = store.callCount;
    const ended = store.captureRecord !== null;
    if (calls === this.calls && conns.length === this.connections && ended === this.ended) return false;
    // Endpoints before calls: a connection's peers are known before any of its calls ended.
    for (; this.connections < conns.length; this.connections++) {
      const entry = conns[this.connections]!;
      const rec = currentRecord(entry);
      const client = rec?.client ?? entry.peers?.client;
      const server = rec?.server ?? entry.peers?.server;
      if (client !== undefined && server !== undefined) this.matcher.opened({ id: entry.id, client, server });
      // A connection seen before its endpoints: read again next time.
      else break;
    }
    for (; this.calls < calls; this.calls++) this.add(store, this.calls);
    if (ended && !this.ended) {
      for (const i of this.matcher.drain()) this.held.delete(i);
      this.ended = true;
    }
    return true;
  }

  /** Call `i` is a proxy's backend leg of another call: not counted again. */
  isLeg(i: number): boolean {
    return this.legs.has(i);
  }

  /** Call `i` is not decided yet (it may still be paired as a backend leg). */
  isHeld(i: number): boolean {
    return this.held.has(i);
  }

  /** The client's call a backend leg relays, or -1. */
  frontendOf(i: number): number {
    return this.legs.get(i) ?? -1;
  }

  /** The backend legs of a frontend call (none for other calls). */
  legsOf(i: number): readonly number[] {
    return this.fronts.get(i) ?? [];
  }

  /** Call indexes of the backend legs found so far. */
  legIndexes(): IterableIterator<number> {
    return this.legs.keys();
  }

  /** Backend legs found so far. */
  get legCount(): number {
    return this.legs.size;
  }

  /** Calls counted once each: neither a backend leg nor held. */
  counted(i: number): boolean {
    return !this.legs.has(i) && !this.held.has(i);
  }

  private add(store: CaptureStore, i: number): void {
    const row = store.callRow(i, false);
    const facts: RelayCallFacts = {
      connection: row.connection,
      stream: row.stream,
      method: row.method,
      start: row.start,
      end: row.end,
      requestCount: row.requestCount,
      requestBytes: row.requestBytes,
    };
    this.held.add(i);
    const step = this.matcher.call(facts, i);
    for (const c of step.count) this.held.delete(c);
    const r = step.relayed;
    if (r === null) return;
    const leg = r.legPayload;
    this.held.delete(leg);
    this.legs.set(leg, i);
    const list = this.fronts.get(i);
    if (list) list.push(leg);
    else this.fronts.set(i, [leg]);
    let proxy = this.proxies.get(r.proxy);
    if (!proxy) this.proxies.set(r.proxy, (proxy = { calls: 0, backends: new Map() }));
    proxy.calls++;
    proxy.backends.set(r.backend, (proxy.backends.get(r.backend) ?? 0) + 1);
  }
}

const relays = new WeakMap<CaptureStore, StoreRelays>();

/** The store's relay index, brought up to date. */
export function relaysOf(store: CaptureStore): StoreRelays {
  let r = relays.get(store);
  if (!r) relays.set(store, (r = new StoreRelays()));
  r.update(store);
  return r;
}

/** The Overview's call counts, each relayed call once (as --summary counts them). */
export interface CountedCalls {
  calls: number;
  failed: number;
  /** Indexes of the calls whose status is unknown (backend legs left out). */
  unknown: number[];
  /** Backend legs left out of the counts. */
  legs: number;
  proxies: ReadonlyMap<string, RelayProxyCount>;
}

export function selectCountedCalls(store: CaptureStore): CountedCalls {
  const relays = relaysOf(store);
  let failedLegs = 0;
  for (const i of relays.legIndexes()) if (storeCallFailed(store, i)) failedLegs++;
  const unknown: number[] = [];
  if (store.unknownCallCount > 0)
    for (let i = 0; i < store.callCount; i++)
      if (store.callOutcome(i) === 'status-unknown' && !relays.isLeg(i)) unknown.push(i);
  return {
    calls: store.callCount - relays.legCount,
    failed: store.failedCallCount - failedLegs,
    unknown,
    legs: relays.legCount,
    proxies: relays.proxies,
  };
}
