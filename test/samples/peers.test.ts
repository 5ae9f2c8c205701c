/**
 * Samples of other real HTTP/2 and gRPC peers (scripts/samples/peers/): nginx and HAProxy as L7 gRPC proxies
 * (both legs in one capture), nginx as a static HTTP/2 server over h2c and TLS, Go's net/http with h2c.
 * Each is checked against what its generator recorded in meta.json (the clients' own view).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/records/records.js';
import { decodeFile, type Decoded } from '../helpers/decode.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { selectEndpoints } from '../../src/model/select-stats-endpoints.js';
import { selectIoSeries } from '../../src/model/select-stats-io.js';
import { selectMethodRows, statsIndexOf } from '../../src/model/select-stats.js';
import { captureLines } from '../../src/tui/OverviewScreen.js';
import { lineText } from '../../src/tui/lines.js';
import { loadStore } from '../tui/load-store.js';

const sum = (a: Float64Array): number => a.reduce((n, x) => n + x, 0);

const SAMPLES = 'samples/';

/** A connection with its calls and frames, as the JSON document holds it. */
type Connection = Decoded['connections'][number];

interface MetaCall {
  method: string;
  status: number;
  statusName: string;
  message: string;
}
interface ProxyMeta {
  ports: number[];
  expect: {
    proxy: { listen: number; upstream: number; deadUpstream: number; deadRoute: string };
    calls: MetaCall[];
  };
}

const readMeta = <T>(name: string): T => JSON.parse(readFileSync(`${SAMPLES}${name}.meta.json`, 'utf8')) as T;
const port = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
const byServerPort = (d: Decoded, p: number): Connection[] => d.connections.filter((c) => port(c.server) === p);
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};
/** The response's :status per request path, from the HEADERS frames. */
function statusByPath(c: Connection): Record<string, string> {
  const path = new Map<number, string>();
  const out: Record<string, string> = {};
  for (const f of c.frames) {
    if (f.type !== 'HEADERS' || !('headers' in f) || !f.headers) continue;
    const fields = new Map(f.headers);
    if (f.from === 'client' && fields.has(':path')) path.set(f.stream, fields.get(':path')!);
    const status = fields.get(':status');
    if (f.from === 'server' && status !== undefined) out[path.get(f.stream) ?? `stream ${f.stream}`] = status;
  }
  return out;
}

/** A gRPC L7 proxy sample: the client leg, the backend leg, and the refused connection to the dead upstream. */
function proxySample(name: string, proxySoftware: RegExp, ownHttpStatus: number): void {
  describe(`${name}: both legs of the proxy`, () => {
    const meta = readMeta<ProxyMeta>(name);
    const { proxy, calls: expected } = meta.expect;
    let d: Decoded;
    let front: Connection;
    let back: Connection;
    beforeAll(async () => {
      d = await decodeFile(`${SAMPLES}${name}.pcap`);
      front = only(byServerPort(d, proxy.listen));
      back = only(byServerPort(d, proxy.upstream));
    });

    it('shows the client leg and the backend leg as separate h2c connections, each with its own client', () => {
      expect(d.connections).toHaveLength(3);
      for (const c of [front, back]) {
        expect(c.protocol).toBe('h2c');
        expect(c.preface).toBe(true);
        expect(c.clientRule).toBe('syn');
      }
      // The proxy is the server of the first leg and the client of the second: different ephemeral ports.
      expect(port(front.client)).not.toBe(proxy.upstream);
      expect(port(back.client)).not.toBe(proxy.listen);
      expect(back.client).not.toBe(front.client);
    });

    it('has every call the client made on the client leg, with the status the client saw', () => {
      const seen = front.calls.map((c) => [c.method, c.statusName, c.status]);
      expect(seen).toEqual(expected.map((c) => [c.method, c.statusName, c.status]));
      const messages = front.calls.filter((c) => c.statusSource !== 'http-status').map((c) => c.message);
      expect(messages).toEqual(expected.filter((c) => c.method !== proxy.deadRoute).map((c) => c.message));
    });

    it('has every relayed call on the backend leg, inside the time of its client-leg call', () => {
      const relayed = front.calls.filter((c) => c.method !== proxy.deadRoute);
      expect(back.calls.map((c) => [c.method, c.statusName, c.message])).toEqual(
        relayed.map((c) => [c.method, c.statusName, c.message]),
      );
      back.calls.forEach((b, i) => {
        const f = relayed[i]!;
        expect(b.start).toBeGreaterThanOrEqual(f.start);
        expect(b.end!).toBeLessThanOrEqual(f.end!);
      });
      // The backend answers errors trailers-only, and the proxy relays them that way.
      const notFound = (calls: CallRecord[]) => calls.filter((c) => c.status !== 0 && c.responseCount === 0);
      expect(notFound(back.calls).every((c) => c.trailersOnly)).toBe(true);
      expect(notFound(front.calls).filter((c) => c.statusSource !== 'http-status').every((c) => c.trailersOnly)).toBe(
        true,
      );
    });

    it("shows the proxy's own answer for a dead upstream as UNAVAILABLE from the HTTP status, with its body", () => {
      const own = only(front.calls.filter((c) => c.method === proxy.deadRoute));
      expect(own).toMatchObject({
        httpStatus: ownHttpStatus,
        status: 14,
        statusName: 'UNAVAILABLE',
        statusSource: 'http-status',
        outcome: 'http-error',
      });
      expect(own.responseBody?.text).toMatch(new RegExp(String(ownHttpStatus)));
      expect(own.responseHeaders.some(([k, v]) => k === 'server' && proxySoftware.test(v)) || /haproxy/i.test(name)).toBe(
        true,
      );
      const client = expected.find((c) => c.method === proxy.deadRoute)!;
      expect(client.statusName).toBe('UNAVAILABLE');
      expect(client.message).toContain(String(ownHttpStatus));
      const diag = only(d.diagnostics.filter((x) => x.code === 'grpc.http-error'));
      expect(diag).toMatchObject({ connection: front.id, stream: own.stream });
      // The attempt to reach the dead upstream: a SYN answered by RST, named as refused.
      const refused = only(byServerPort(d, proxy.deadUpstream));
      expect(refused.endReason).toBe('rst');
      expect(d.diagnostics.some((x) => x.code === 'analysis.connection.refused' && x.connection === refused.id)).toBe(
        true,
      );
    });

    it('--summary counts each relayed call once, as the client saw it, with its backend legs shown', async () => {
      const relayed = front.calls.filter((c) => c.method !== proxy.deadRoute).length;
      const notOk = front.calls.filter((c) => c.status !== 0).length;
      const single = await runCliCaptured([`${SAMPLES}${name}.pcap`, '--summary']);
      const lines = single.stdout.split('\n');
      // Both legs are calls of their connections (json keeps both); the totals are the client's calls.
      expect(d.connections.reduce((n, c) => n + c.calls.length, 0)).toBe(front.calls.length + back.calls.length);
      expect(lines[1]).toBe(`3 connections, ${front.calls.length} gRPC calls, ${notOk} not ok`);
      expect(lines[2]).toBe(
        `relayed by ${front.server}: ${relayed} calls (backend legs: ${relayed} to ${back.server}), each counted once`,
      );
      const echo = lines.find((l) => l.startsWith('  /scope.v1.Lab/Echo '))!.trim().split(/\s+/);
      expect(Number(echo[1])).toBe(front.calls.filter((c) => c.method === '/scope.v1.Lab/Echo').length);
      expect(single.stdout).toMatch(/^ {2}relayed \(each counted once, not again as its backend leg\): /m);
      // The connection table still shows each leg's own calls.
      expect(single.stdout).toMatch(new RegExp(`^ {2}${back.id} .* ${back.calls.length} +${back.calls.filter((c) => c.status !== 0).length} `, 'm'));
      const threads = await runCliCaptured([`${SAMPLES}${name}.pcap`, '--summary', '--threads', '2']);
      expect(threads.stdout).toBe(single.stdout);
    });

    it('TUI Overview and Stats (per method, IO graph) count each relayed call once, as --summary', async () => {
      const summary = (await runCliCaptured([`${SAMPLES}${name}.pcap`, '--summary'])).stdout.split('\n');
      const [, calls, notOk] = /^3 connections, (\d+) gRPC calls, (\d+) not ok$/.exec(summary[1]!)!;
      const store = await loadStore(`${name}.pcap`);
      const text = captureLines(store).map(lineText).join('\n');
      expect(text).toContain(`Calls ${calls} · ${notOk} failed`);
      expect(text).toContain(`Relayed      ${summary[2]!.replace(/^relayed /, '')}`);
      // Per method: the rows of --summary's table (calls, errors) and its statuses line.
      const index = statsIndexOf(store);
      const rows = selectMethodRows(index, { column: 'calls', descending: true });
      for (const r of rows) {
        const line = summary.find((l) => l.startsWith(`  ${r.method} `))!.trim().split(/\s+/);
        expect([r.stats.calls, r.stats.errors]).toEqual([Number(line[1]), Number(line[2])]);
      }
      expect(rows.reduce((n, r) => n + r.stats.calls, 0)).toBe(Number(calls));
      const io = selectIoSeries(store, 50)!;
      expect([sum(io.calls), sum(io.errors)]).toEqual([Number(calls), Number(notOk)]);
      // Connections and endpoints keep each connection's own calls, as --summary's connection table.
      const conv = selectEndpoints(store, index).find((e) => e.connection === back.id)!;
      expect(conv.calls).toBe(back.calls.length);
    });

    it('json and ndjson mark each relayed call with its backend leg; both legs stay calls of their connections', async () => {
      const json = JSON.parse((await runCliCaptured([`${SAMPLES}${name}.pcap`, '--format', 'json'])).stdout) as {
        connections: Array<{ id: string; calls: CallRecord[] }>;
      };
      const all = json.connections.flatMap((c) => c.calls);
      const marked = all.filter((c) => c.relay !== undefined);
      expect(marked.length).toBe(front.calls.filter((c) => c.method !== proxy.deadRoute).length);
      for (const c of marked) {
        expect(c.connection).toBe(front.id);
        expect(c.relay).toMatchObject({ role: 'frontend', proxy: front.server, backendLeg: { connection: back.id, server: back.server } });
        const leg = all.find((x) => x.connection === c.relay!.backendLeg.connection && x.stream === c.relay!.backendLeg.stream)!;
        expect([leg.method, leg.requestCount, leg.relay]).toEqual([c.method, c.requestCount, undefined]);
        expect(leg.start).toBeGreaterThanOrEqual(c.start);
        expect(leg.end).toBeLessThanOrEqual(c.end);
      }
      // Each leg once.
      expect(new Set(marked.map((c) => c.relay!.backendLeg.stream)).size).toBe(marked.length);
      const ndjson = (await runCliCaptured([`${SAMPLES}${name}.pcap`, '--format', 'ndjson'])).stdout
        .split('\n')
        .filter((l) => l.startsWith('{"type":"call"'))
        .map((l) => (JSON.parse(l) as { call: CallRecord }).call);
      expect(ndjson.filter((c) => c.relay).map((c) => [c.stream, c.relay])).toEqual(marked.map((c) => [c.stream, c.relay]));
    });

    it('raises nothing else: HPACK is exact on both legs and one proxy is not a load imbalance', () => {
      const codes = d.diagnostics.map((x) => x.code).sort();
      expect(codes).toEqual(['analysis.connection.refused', 'grpc.http-error']);
    });
  });
}

proxySample('peer-nginx-grpc-proxy', /^nginx\//, 502);
proxySample('peer-haproxy-grpc', /haproxy/i, 503);

describe('peer-nginx-h2c and peer-nginx-tls: nginx as a static HTTP/2 server', () => {
  const responses = { '/index.html': '200', '/big.bin': '200', '/missing.txt': '404' };

  it('h2c: nghttp and curl by prior knowledge, every response status, the 256 KiB body paced by the window', async () => {
    const d = await decodeFile(`${SAMPLES}peer-nginx-h2c.pcap`);
    expect(d.connections).toHaveLength(2);
    const [nghttp, curl] = d.connections;
    expect(nghttp!.h2Detection).toBe('preface');
    expect(statusByPath(nghttp!)).toEqual(responses);
    expect(statusByPath(curl!)).toEqual({ '/index.html': '200' });
    const body = nghttp!.frames.filter((f) => f.type === 'DATA' && f.from === 'server');
    expect(body.reduce((n, f) => n + f.length, 0)).toBe(256 * 1024 + 72 + 153);
    expect(nghttp!.frames.some((f) => f.type === 'WINDOW_UPDATE' && f.from === 'client')).toBe(true);
    // A healthy default-window transfer: no flow-control or other diagnostic.
    expect(d.diagnostics).toEqual([]);
  });

  it('TLS: decrypted with the key log curl wrote, ALPN h2, the same three responses on one connection', async () => {
    const d = await decodeFile(`${SAMPLES}peer-nginx-tls.pcap`, { keylog: `${SAMPLES}peer-nginx-tls.keys` });
    const c = only(d.connections);
    expect(c.protocol).toBe('h2');
    expect(statusByPath(c)).toEqual(responses);
    // curl stopped reading for a moment while nginx sent the 256 KiB body: a real zero window (tshark
    // flags the same ACK, tcp.analysis.zero_window), and nothing else.
    expect(d.diagnostics.map((x) => [x.code, x.evidence?.['direction']])).toEqual([
      ['tcp.zero-window', 'client->server'],
    ]);
    const locked = await decodeFile(`${SAMPLES}peer-nginx-tls.pcap`);
    expect(locked.connections[0]!.frames).toHaveLength(0);
  });
});

describe('peer-go-h2c: Go net/http with x/net/http2/h2c', () => {
  let d: Decoded;
  beforeAll(async () => {
    d = await decodeFile(`${SAMPLES}peer-go-h2c.pcap`);
  });

  it('prior knowledge: responses, and the aborted handler as a server RST_STREAM INTERNAL_ERROR', () => {
    const [c1] = d.connections;
    expect(c1!.h2Detection).toBe('preface');
    expect(statusByPath(c1!)).toEqual({ '/hello': '200', '/big': '200', '/teapot': '418', '/abort': '200' });
    const abort = only((c1!.streams ?? []).filter((s) => s.request === 'GET /abort'));
    expect(abort.reset).toMatchObject({ by: 'server', errorCode: 'INTERNAL_ERROR' });
    const partial = c1!.frames.filter((f) => f.type === 'DATA' && f.stream === abort.id);
    expect(partial.reduce((n, f) => n + f.length, 0)).toBe('partial'.length);
    const reset = only(d.diagnostics.filter((x) => x.code === 'analysis.stream.reset'));
    expect(reset).toMatchObject({ connection: c1!.id, stream: abort.id });
  });

  it('POST /echo: the body both ways and the response trailer Go sends after it', () => {
    const c2 = d.connections[1]!;
    const data = c2.frames.filter((f) => f.type === 'DATA');
    expect(data.map((f) => [f.from, f.length])).toEqual([
      ['client', 700],
      ['server', 700],
    ]);
    const last = c2.frames.filter((f) => f.type === 'HEADERS' && f.from === 'server').at(-1)!;
    expect('headers' in last && last.headers).toEqual([['x-body-length', '700']]);
    expect(last.flags).toContain('END_STREAM');
  });

  it("curl's Upgrade: h2c: the 101 starts HTTP/2, the response is stream 1", () => {
    const c3 = d.connections[2]!;
    expect(c3.h2Detection).toBe('h2c-upgrade');
    expect(statusByPath(c3)).toEqual({ 'stream 1': '200' });
    // Stream 1's request is the HTTP/1.1 upgrade request.
    expect(c3.streams?.[0]).toMatchObject({ id: 1, request: 'GET /hello', state: 'closed' });
    expect(d.diagnostics.filter((x) => x.code === 'session.h2c-upgrade').map((x) => x.connection)).toEqual([c3.id]);
    expect(d.diagnostics.map((x) => x.code).sort()).toEqual(['analysis.stream.reset', 'session.h2c-upgrade']);
  });
});

describe('peer-grpc-go-client: a grpc-go 1.33 client against the grpc-js server', () => {
  it('has the four calls with the statuses, messages and deadlines grpc-go saw', async () => {
    const meta = readMeta<{ expect: { calls: Array<MetaCall & { responseBytes: number }> } }>('peer-grpc-go-client');
    const d = await decodeFile(`${SAMPLES}peer-grpc-go-client.pcap`);
    const c = only(d.connections);
    // grpc-go reports no message for OK; grpc-js's server sends grpc-message "OK", which h2scope shows.
    const shown = (status: number | null, message: string | null): string => (status === 0 ? '' : (message ?? ''));
    expect(c.calls.map((x) => [x.method, x.status, shown(x.status, x.message)])).toEqual(
      meta.expect.calls.map((x) => [x.method, x.status, x.message]),
    );
    expect(c.calls.map((x) => x.responses[0]?.length ?? 0)).toEqual(meta.expect.calls.map((x) => x.responseBytes));
    expect(c.calls.filter((x) => x.status !== 0).every((x) => x.trailersOnly)).toBe(true);
    // grpc-go sends grpc-timeout from its 5 s context deadline, a little less once the call starts.
    for (const x of c.calls) expect(x.deadlineMs).toBeGreaterThan(4900);
    expect(c.calls.every((x) => x.metadata.request.some((m) => m.name === 'x-client' && m.value === 'grpc-go'))).toBe(
      true,
    );
    expect(d.diagnostics).toEqual([]);
  });
});
