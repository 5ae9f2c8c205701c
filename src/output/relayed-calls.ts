/**
 * Reports count a call relayed by an L7 proxy once: as the call the client made to the proxy (what the
 * client saw, its status and its latency), with the proxy's call to the backend shown as a leg of it
 * (src/analysis/relay-legs.ts finds the pairs). --summary and --format markdown use this; json and ndjson
 * keep both legs as calls of their connections, the client's call marked with its leg (relayMarkSink).
 */
import {
  callRelay,
  RelayMatcher,
  relayedByLines,
  relayFacts,
  type RelayEndpoints,
  type RelayProxyCount,
} from '../analysis/relay-legs.js';
import type { RecordSink } from '../engine/engine.js';
import type { CallRecord } from '../records/call.js';

export class RelayedCalls<T> {
  private readonly matcher = new RelayMatcher<T>();
  /** By proxy endpoint, in the order first seen. */
  readonly proxies = new Map<string, RelayProxyCount>();
  /** Relayed calls by method. */
  readonly methods = new Map<string, number>();
  legs = 0;

  /** `count` receives every call to count, once, when it is known not to be a backend leg. */
  constructor(private readonly count: (payload: T) => void) {}

  opened(peers: RelayEndpoints): void {
    this.matcher.opened(peers);
  }

  call(c: CallRecord, payload: T): void {
    const step = this.matcher.call(relayFacts(c), payload);
    for (const p of step.count) this.count(p);
    const r = step.relayed;
    if (r === null) return;
    this.legs++;
    let proxy = this.proxies.get(r.proxy);
    if (!proxy) this.proxies.set(r.proxy, (proxy = { calls: 0, backends: new Map() }));
    proxy.calls++;
    proxy.backends.set(r.backend, (proxy.backends.get(r.backend) ?? 0) + 1);
    const method = r.frontend.method ?? '(unknown method)';
    this.methods.set(method, (this.methods.get(method) ?? 0) + 1);
  }

  /** The capture ended: calls still held (no frontend came) are counted. */
  finish(): void {
    for (const p of this.matcher.drain()) this.count(p);
  }

  /** "relayed by 127.0.0.1:50700: 6 calls (backend legs: 6 to 127.0.0.1:50701), each counted once". */
  lines(): string[] {
    return relayedByLines(this.proxies);
  }
}

/**
 * json and ndjson: passes every record on as it comes and sets `relay` on a client's call whose backend
 * leg was seen (CallRecord.relay). The leg's record is not held back (it ends before its frontend and
 * json and ndjson write records as they arrive): a reader finds it by the connection and stream given.
 */
export function relayMarkSink(sink: RecordSink): RecordSink {
  const matcher = new RelayMatcher<null>();
  return {
    ...sink,
    opened: (peers, time) => {
      matcher.opened(peers);
      sink.opened?.(peers, time);
    },
    call: (rec) => {
      const r = matcher.call(relayFacts(rec), null).relayed;
      sink.call?.(r === null ? rec : { ...rec, relay: callRelay(r) });
    },
  };
}
