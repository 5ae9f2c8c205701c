/**
 * What failed, for the Overview's first lines: failing gRPC methods with their statuses and counts, and
 * for plain HTTP/2 captures the requests by :status. Pure reads of the store.
 */
import { relaysOf } from './store-relays.js';
import { storeCallFailed } from './store-selectors.js';
import { selectHttpRequests } from './store-requests.js';
import type { CaptureStore } from './store.js';

export interface FailingMethod {
  method: string;
  calls: number;
  failed: number;
  /** Status names (or outcomes, when no status came: "reset", "deadline-exceeded"), most frequent first. */
  statuses: Array<[string, number]>;
}

const byCount = (m: Map<string, number>): Array<[string, number]> =>
  [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

/** Methods with at least one failed call (callFailed), most failures first; a relayed call once. */
export function selectFailingMethods(store: CaptureStore): FailingMethod[] {
  if (store.failedCallCount === 0) return [];
  const calls = new Map<string, number>();
  const failing = new Map<string, Map<string, number>>();
  // A call relayed by a proxy counts once, as the client's call (as --summary's per-method table).
  const relays = relaysOf(store);
  for (let i = 0; i < store.callCount; i++) {
    if (relays.isLeg(i)) continue;
    // Every call is read: a failing method's line says how many of its calls failed.
    const row = store.callRow(i, false);
    const method = row.method ?? '?';
    calls.set(method, (calls.get(method) ?? 0) + 1);
    if (!storeCallFailed(store, i)) continue;
    let m = failing.get(method);
    if (!m) failing.set(method, (m = new Map()));
    const label =
      row.status !== null && row.status !== 0 ? (row.statusName ?? String(row.status)) : row.outcome;
    m.set(label, (m.get(label) ?? 0) + 1);
  }
  return [...failing]
    .map(([method, m]) => {
      const statuses = byCount(m);
      const failed = statuses.reduce((n, [, c]) => n + c, 0);
      return { method, calls: calls.get(method) ?? failed, failed, statuses };
    })
    .sort((a, b) => b.failed - a.failed || (a.method < b.method ? -1 : 1));
}

export interface RequestStatuses {
  requests: number;
  /** ":status" values ("200", "404", or the outcome "reset" when none came), most frequent first. */
  statuses: Array<[string, number]>;
}

/** Plain HTTP/2 requests (no gRPC) by response :status. */
export function selectRequestStatuses(store: CaptureStore): RequestStatuses {
  const m = new Map<string, number>();
  const rows = selectHttpRequests(store);
  for (const r of rows) {
    const label = r.status !== null ? String(r.status) : r.outcome;
    m.set(label, (m.get(label) ?? 0) + 1);
  }
  return { requests: rows.length, statuses: byCount(m) };
}
