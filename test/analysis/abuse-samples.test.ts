/**
 * Abuse and overload patterns (issue 16 item 2) on real captures: CRAFTED abusive clients
 * (scripts/samples/abuse/) against REAL servers (nghttpd, grpc-js, grpcio). Each diagnostic with its code,
 * side, key evidence and the moment it was raised; what the server answered is meta.json `expect.server`,
 * as the client read it off its socket. Every other sample raises none of these codes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { sample } from './decode-sample.js';

interface ServerSeen {
  frames: Record<string, number>;
  rstStreamCodes?: Record<string, number>;
  goaway: { lastStreamId: number; errorCode: string; debug: string } | null;
}

function meta<T>(name: string): { crafted: boolean; expect: T } {
  return JSON.parse(readFileSync(`samples/${name}.meta.json`, 'utf8')) as { crafted: boolean; expect: T };
}

const abuse = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.code.startsWith('analysis.abuse.'));

function one(ds: Diagnostic[], code: string): Diagnostic {
  const found = ds.filter((d) => d.code === code);
  expect(found, code).toHaveLength(1);
  return found[0]!;
}

describe('abuse patterns on real captures (scripts/samples/abuse)', () => {
  it('abuse-rapid-reset-nghttpd: 500 streams reset at once, raised at the 101st; nghttpd 1.52 never objects', async () => {
    const m = meta<{ streamsOpenedAndReset: number; server: ServerSeen }>('abuse-rapid-reset-nghttpd');
    expect(m.crafted).toBe(true);
    const s = await sample('abuse-rapid-reset-nghttpd.pcap');
    expect(abuse(s.analysis).map((d) => d.code)).toEqual(['analysis.abuse.rapid-reset']);
    const d = one(s.analysis, 'analysis.abuse.rapid-reset');
    expect([d.connection, d.severity, d.stream]).toEqual(['c1', 'error', 201]);
    // The bucket holds 100; the 101st reset, 25-30 ms into the flood, finds it empty.
    expect(d.evidence).toMatchObject({
      from: 'client',
      peer: 'server',
      prematureResets: 101,
      opened: 101,
      share: 100,
      count: 101,
      limitRate: 33,
      limitBurst: 100,
    });
    expect(d.evidence!['rate'] as number).toBeGreaterThan(1000);
    expect(d.message).toContain('CVE-2023-44487');
    expect(d.message).toContain('nghttp2_option_set_stream_reset_rate_limit');
    // Every one of the client's streams was reset by the client, and the server never sent GOAWAY.
    const c = s.conn('c1');
    const resets = c.streams!.filter((st) => st.reset?.by === 'client' && st.reset.errorCode === 'CANCEL');
    expect(resets).toHaveLength(m.expect.streamsOpenedAndReset);
    expect(m.expect.server.goaway).toBeNull();
    expect(c.goaway).toEqual([]);
  });

  it('abuse-rapid-reset-grpc-js: raised long before grpc-js (nghttp2 1.61) answers GOAWAY INTERNAL_ERROR, which is explained', async () => {
    const m = meta<{ server: ServerSeen }>('abuse-rapid-reset-grpc-js');
    const s = await sample('abuse-rapid-reset-grpc-js.pcap');
    const d = one(s.analysis, 'analysis.abuse.rapid-reset');
    expect(d.evidence).toMatchObject({ from: 'client', peer: 'server', share: 100, limitBurst: 100 });
    expect(d.evidence!['prematureResets'] as number).toBeGreaterThan(100);
    expect(d.evidence!['prematureResets'] as number).toBeLessThan(120);
    const want = m.expect.server.goaway!;
    expect(want.errorCode).toBe('INTERNAL_ERROR');
    const goaway = s.conn('c1').goaway!.find((g) => g.errorCode === 'INTERNAL_ERROR')!;
    expect([goaway.from, goaway.lastStreamId]).toEqual(['server', want.lastStreamId]);
    // The burst of 1,000 resets nghttp2 allows, plus its 33 per second: the GOAWAY comes past stream 2,000.
    expect(want.lastStreamId).toBeGreaterThan(2000);
    expect(d.time!).toBeLessThan(goaway.time);
    const g = s.analysis.find(
      (x) => x.code === 'analysis.goaway.error' && x.evidence?.['errorCode'] === 'INTERNAL_ERROR',
    )!;
    expect(g.evidence!['cause']).toMatch(
      /^ It follows the client's Rapid Reset \(streams reset right after opening\) \(1,9\d\d streams reset before an answer \(of 1,9\d\d opened\)/,
    );
    expect(g.message).toContain('nghttp2_option_set_stream_reset_rate_limit');
  });

  it('abuse-continuation-nghttpd: raised at the 9th CONTINUATION; nghttpd closes without GOAWAY', async () => {
    const m = meta<{ continuations: number; server: ServerSeen }>('abuse-continuation-nghttpd');
    const s = await sample('abuse-continuation-nghttpd.pcap');
    expect(abuse(s.analysis).map((d) => d.code)).toEqual(['analysis.abuse.continuation-flood']);
    const d = one(s.analysis, 'analysis.abuse.continuation-flood');
    expect([d.connection, d.stream, d.severity]).toEqual(['c1', 1, 'error']);
    expect(d.evidence).toMatchObject({
      from: 'client',
      peer: 'server',
      continuations: 9,
      type: 'HEADERS',
      stream: 1,
      limit: 8,
      empty: 0,
      maxHeaderListSize: 'not announced',
    });
    // The HEADERS fragment (GET /, :authority: 31 bytes) and 9 fields of 52 bytes.
    const headers = s.conn('c1');
    expect(d.evidence!['bytes']).toBe(499);
    expect(m.expect.continuations).toBe(100);
    expect(m.expect.server).toEqual({ frames: { SETTINGS: 2 }, goaway: null });
    expect(headers.goaway).toEqual([]);
    expect(headers.closes?.[0]?.from).toBe('server');
  });

  it('abuse-ping-flood-grpc-js: the unread ACKs back up and grpc-js answers GOAWAY INTERNAL_ERROR, explained by the PINGs', async () => {
    const m = meta<{ pingsSent: number; server: ServerSeen }>('abuse-ping-flood-grpc-js');
    const s = await sample('abuse-ping-flood-grpc-js.pcap');
    expect(abuse(s.analysis).map((d) => d.code)).toEqual(['analysis.abuse.ping-flood']);
    const d = one(s.analysis, 'analysis.abuse.ping-flood');
    expect(d.evidence).toMatchObject({
      from: 'client',
      peer: 'server',
      count: 101,
      total: 101,
      limitRate: 10,
    });
    expect(m.expect.server.goaway).toEqual({ lastStreamId: 0, errorCode: 'INTERNAL_ERROR', debug: '' });
    const g = one(s.analysis, 'analysis.goaway.error');
    expect(g.evidence).toMatchObject({ from: 'server', errorCode: 'INTERNAL_ERROR' });
    expect(g.evidence!['cause']).toMatch(/^ It follows the client's PINGs \([\d,]+ PINGs in /);
    expect(d.time!).toBeLessThan(g.time!);
    // The server ACKed some PINGs before it gave up; the client sent far more than it read.
    const pings = s.conn('c1').pings!;
    expect(pings.client.sent).toBeGreaterThan(1000);
    expect(pings.client.sent).toBeLessThanOrEqual(m.expect.pingsSent);
  });

  it('abuse-ping-flood-grpcio: C-core answers GOAWAY ENHANCE_YOUR_CALM too_many_pings; the flood is raised too', async () => {
    const m = meta<{ pings: number; server: ServerSeen }>('abuse-ping-flood-grpcio');
    const s = await sample('abuse-ping-flood-grpcio.pcap');
    expect(m.expect.server.goaway).toEqual({
      lastStreamId: 0,
      errorCode: 'ENHANCE_YOUR_CALM',
      debug: 'too_many_pings',
    });
    const d = one(s.analysis, 'analysis.abuse.ping-flood');
    expect(d.evidence).toMatchObject({ from: 'client', count: 101 });
    const g = one(s.analysis, 'analysis.goaway.too-many-pings');
    expect(g.evidence).toMatchObject({ from: 'server', debug: 'too_many_pings', peerPings: m.expect.pings });
  });

  it('abuse-floods-nghttpd: SETTINGS, empty DATA and WINDOW_UPDATE floods, one connection each', async () => {
    const m = meta<Record<string, ServerSeen>>('abuse-floods-nghttpd');
    const s = await sample('abuse-floods-nghttpd.pcap');
    expect(abuse(s.analysis).map((d) => [d.code, d.connection, d.evidence!['from']])).toEqual([
      ['analysis.abuse.settings-flood', 'c1', 'client'],
      ['analysis.abuse.empty-frames', 'c2', 'client'],
      ['analysis.abuse.window-update-flood', 'c3', 'client'],
    ]);
    expect(one(s.analysis, 'analysis.abuse.settings-flood').evidence).toMatchObject({
      count: 101,
      limitBurst: 100,
    });
    const empty = one(s.analysis, 'analysis.abuse.empty-frames');
    expect([empty.stream, empty.evidence!['types'], empty.evidence!['count']]).toEqual([1, 'DATA', 101]);
    const wu = one(s.analysis, 'analysis.abuse.window-update-flood');
    expect(wu.evidence).toMatchObject({ count: 100, dataFrames: 0, limit: 10 });
    // nghttpd 1.52 acknowledged all 300 SETTINGS (plus the handshake's) and answered the POST.
    expect(m.expect['settingsFlood']!.frames['SETTINGS']).toBe(302);
    expect(s.conn('c1').settings!.client.frames.length).toBe(301);
    expect(m.expect['emptyDataFlood']!.frames['HEADERS']).toBe(1);
  });

  it('abuse-hpack-bomb-nghttpd: the h2 layer names the bomb, the analysis names the side and the setting', async () => {
    const m = meta<{ blocks: number; server: ServerSeen }>('abuse-hpack-bomb-nghttpd');
    const s = await sample('abuse-hpack-bomb-nghttpd.pcap');
    const bombs = s.diagnostics.filter((d) => d.code === 'h2.hpack.bomb');
    expect(bombs.map((d) => d.stream)).toEqual([3, 5, 7]);
    const d = one(s.analysis, 'analysis.abuse.hpack-bomb');
    expect([d.connection, d.stream]).toEqual(['c1', 3]);
    expect(d.evidence).toMatchObject({
      from: 'client',
      peer: 'server',
      bombs: 1,
      stream: 3,
      blockBytes: 4031,
      maxHeaderListSize: 'not announced (unlimited)',
      headerTableSize: '4,096 (the default)',
    });
    expect(d.evidence!['ratio'] as number).toBeGreaterThan(4000);
    // nghttpd refused each bomb with RST_STREAM INTERNAL_ERROR.
    expect(m.expect.server.rstStreamCodes).toEqual({ INTERNAL_ERROR: m.expect.blocks });
  });

  it('each pattern reaches the sinks while its connection is still open (a live capture sees it)', async () => {
    for (const name of ['abuse-rapid-reset-grpc-js', 'abuse-continuation-nghttpd', 'abuse-floods-nghttpd']) {
      const order: string[] = [];
      const path = `samples/${name}.pcap`;
      const engine = createEngine(
        { file: path },
        {
          connection: (c) => order.push(`end ${c.id}`),
          frame: () => undefined,
          diagnostic: (d) => {
            if (d.code.startsWith('analysis.abuse.')) order.push(`${d.code} ${d.connection}`);
          },
          capture: () => undefined,
        },
      );
      engine.push(await readCaptureFile(path));
      engine.finish();
      const raised = order.filter((x) => x.startsWith('analysis.'));
      expect(raised.length, name).toBeGreaterThan(0);
      for (const r of raised) {
        const conn = r.split(' ')[1]!;
        expect(order.indexOf(r), `${name}: ${r}`).toBeLessThan(order.indexOf(`end ${conn}`));
      }
    }
  });

  it('every other sample raises none of the abuse codes', async () => {
    const names = readdirSync('samples').filter(
      (n) =>
        /\.(pcap|pcapng)(\.gz)?$/.test(n) && !n.startsWith('abuse-') && !n.startsWith('damaged-notacapture'),
    );
    expect(names.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const name of names) {
      const s = await sample(name);
      for (const d of abuse(s.analysis)) found.push(`${name}: ${d.code}`);
    }
    expect(found).toEqual([]);
  });
});
