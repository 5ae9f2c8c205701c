import type { Diagnostic } from '../diagnostics/types.js';
import type { CallRecord } from '../records/call.js';
import { hostOf } from './capture-facts.js';
import { endpointImbalance, pinnedImbalance, type Share } from './detect-imbalance.js';
import type { AnalysisOptions } from './options.js';

/** The slices a window is counted in: it slides by a twelfth of its length. */
const SLICES = 12;

interface OpenConnection {
  id: string;
  clientIp: string;
  server: string;
  /** Capture time of its first call (its start is not known here): where a pinned warning points. */
  start: number | null;
  /**
   * The counting keys of its latest call's service (a connection mostly carries one): made once, not two
   * joined strings per call that the slice's map then flattens to hash.
   */
  service: string | null;
  endpointKey: string;
  connectionKey: string;
}

/** Calls per key in one slice of capture time. */
interface Slice {
  start: number;
  /** `service \0 server endpoint` and `service \0 connection id` -> calls. */
  counts: Map<string, number>;
}

/**
 * Load imbalance while the capture goes on: calls per service and server endpoint, and per service and
 * connection, counted over the last `imbalanceWindowMs` of capture time in slices, so a capture that never
 * ends (a live pipe, channels that live for hours) gets its imbalance warning when a full window shows it,
 * not when the input ends. Once the capture has lasted a whole window, each time a slice closes the window is
 * judged with the same rules as the whole-capture detectors (detect-imbalance.ts), once per service (per
 * service and client/server pair for pinning). A capture shorter than one window is judged only at its end,
 * by the whole-capture detectors, so short captures get exactly the answers they always did.
 * Memory: at most `captureMaxKeys` keys a slice, and the open connections (which the engine holds anyway).
 */
export class LiveImbalance {
  private readonly slices: Slice[] = [];
  private readonly sliceMs: number;
  private readonly open = new Map<string, OpenConnection>();
  /** Start of the first call's slice (ms): windows are judged once the calls span a whole window. */
  private first: number | null = null;
  /** Services raised (endpoints), and `service \0 pair` raised (pinned). */
  readonly raisedEndpoints = new Set<string>();
  readonly raisedPinned = new Set<string>();

  constructor(private readonly opts: AnalysisOptions) {
    this.sliceMs = opts.imbalanceWindowMs / SLICES;
  }

  /** Endpoints of L7 proxies seen relaying calls (CaptureAnalyzer): left out of the endpoint spread. */
  readonly proxies = new Set<string>();

  /** An HTTP/2 connection's endpoints are known (other protocols carry no calls to balance). */
  opened(id: string, client: string, server: string): void {
    this.open.set(id, {
      id,
      clientIp: hostOf(client),
      server,
      start: null,
      service: null,
      endpointKey: '',
      connectionKey: '',
    });
  }

  closed(id: string): void {
    this.open.delete(id);
  }

  /** A call ended: count it, and judge the window when the call closes a slice. */
  call(call: CallRecord): Diagnostic[] {
    const conn = this.open.get(call.connection);
    if (conn === undefined) return [];
    const time = call.end;
    conn.start ??= call.start;
    const found = this.advance(time);
    const service = call.service ?? call.authority ?? '(unknown service)';
    const counts = this.slices[this.slices.length - 1]!.counts;
    if (conn.service !== service) {
      conn.service = service;
      conn.endpointKey = `${service}\u0000${conn.server}`;
      conn.connectionKey = `${service}\u0001${conn.id}`;
    }
    this.count(counts, conn.endpointKey);
    this.count(counts, conn.connectionKey);
    return found;
  }

  private count(counts: Map<string, number>, key: string): void {
    if (counts.has(key) || counts.size < this.opts.captureMaxKeys)
      counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** Starts the slice `time` falls in; when one closed, judges the window that ended with it. */
  private advance(time: number): Diagnostic[] {
    const at = Math.floor((time * 1000) / this.sliceMs) * this.sliceMs;
    this.first ??= at;
    const last = this.slices[this.slices.length - 1];
    if (last !== undefined && last.start >= at) return [];
    const found =
      last !== undefined && last.start + this.sliceMs - this.first! >= this.opts.imbalanceWindowMs
        ? this.judge(last.start + this.sliceMs)
        : [];
    this.slices.push({ start: at, counts: new Map() });
    while (this.slices[0]!.start <= at - this.opts.imbalanceWindowMs) this.slices.shift();
    return found;
  }

  /** The window ending at `endMs`: every service's spread over endpoints, and over the open connections. */
  private judge(endMs: number): Diagnostic[] {
    const from = endMs - this.opts.imbalanceWindowMs;
    const total = new Map<string, number>();
    for (const s of this.slices)
      if (s.start >= from) for (const [k, n] of s.counts) total.set(k, (total.get(k) ?? 0) + n);
    const byServer = new Map<string, Share[]>();
    const byConn = new Map<string, Map<string, number>>();
    for (const [key, calls] of total) {
      const server = key.indexOf('\u0000');
      if (server >= 0) {
        const service = key.slice(0, server);
        const list = byServer.get(service) ?? [];
        const endpoint = key.slice(server + 1);
        if (this.proxies.has(endpoint)) continue;
        const busiest = this.busiestOn(service, endpoint, total);
        list.push({ key: endpoint, calls, connection: busiest });
        byServer.set(service, list);
      } else {
        const at = key.indexOf('\u0001');
        const service = key.slice(0, at);
        const m = byConn.get(service) ?? new Map<string, number>();
        m.set(key.slice(at + 1), calls);
        byConn.set(service, m);
      }
    }
    const window = { windowMs: this.opts.imbalanceWindowMs, windowEnd: endMs / 1000 };
    const found: Diagnostic[] = [];
    for (const [service, list] of byServer) {
      if (this.raisedEndpoints.has(service)) continue;
      const d = endpointImbalance(service, list, this.opts);
      if (d === null) continue;
      this.raisedEndpoints.add(service);
      d.evidence = { ...d.evidence, ...window };
      found.push(d);
    }
    for (const [service, perConn] of byConn) {
      for (const pair of this.pairs()) {
        const key = `${service}\u0000${pair[0]!.clientIp} ${pair[0]!.server}`;
        if (this.raisedPinned.has(key) || !pair.some((c) => (perConn.get(c.id) ?? 0) > 0)) continue;
        const d = pinnedImbalance(
          service,
          pair[0]!.server,
          pair.map((c) => ({ id: c.id, start: c.start ?? 0, calls: perConn.get(c.id) ?? 0 })),
          this.opts,
        );
        if (d === null) continue;
        this.raisedPinned.add(key);
        d.evidence = { ...d.evidence, ...window };
        found.push(d);
      }
    }
    return found;
  }

  /** The open connection to `endpoint` that carried the most calls of `service` in the window. */
  private busiestOn(service: string, endpoint: string, total: Map<string, number>): Share['connection'] {
    let best: OpenConnection | null = null;
    let most = -1;
    for (const c of this.open.values()) {
      if (c.server !== endpoint) continue;
      const n = total.get(`${service}\u0001${c.id}`) ?? 0;
      if (n > most) [best, most] = [c, n];
    }
    return { id: best?.id ?? '', start: best?.start ?? 0 };
  }

  /** Open connections grouped by client host and server endpoint, in connection order. */
  private pairs(): OpenConnection[][] {
    const m = new Map<string, OpenConnection[]>();
    for (const c of this.open.values()) {
      const key = `${c.clientIp} ${c.server}`;
      const list = m.get(key) ?? [];
      list.push(c);
      m.set(key, list);
    }
    return [...m.values()];
  }
}
