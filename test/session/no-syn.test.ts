/**
 * Captures that miss the TCP handshake but still start at the connection's first bytes (tcpdump started a
 * moment after connect): the client's preface or h2c upgrade request, the server's SETTINGS or 101 are
 * there, so HPACK and flow control are exact and nothing "starts mid-connection". Real samples with their
 * SYN, SYN-ACK and ACK (packets 1-3 in tshark) dropped; the frames must be those of the uncut capture.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { JsonCollector, type JsonDocument } from '../../src/output/json.js';
import { ConnectionSession, type SessionEvent } from '../../src/session/connection-session.js';
import type { TcpConnectionInfo } from '../../src/tcp/types.js';

async function decode(name: string, firstPacket = 0): Promise<JsonDocument> {
  const file = new URL(`../../samples/${name}`, import.meta.url).pathname;
  const events = (await readCaptureFile(file)).filter(
    (e) => e.kind !== 'packet' || e.packet.index >= firstPacket,
  );
  const collector = new JsonCollector();
  const engine = createEngine({ file: name }, collector.sink);
  engine.push(events);
  engine.finish();
  return { ...collector.doc, connections: collector.sortedConnections() };
}

const FALSE_ALARMS = [
  'session.mid-connection',
  'h2.mid-stream-sync',
  'h2.hpack-lost',
  'h2.hpack.unknown-entries',
];

describe('no SYN, but the preface or the upgrade', () => {
  for (const [name, detection, rule] of [
    ['h2-curl-prior-knowledge.pcap', 'preface', 'preface'],
    ['grpc-js-unary.pcap', 'preface', 'preface'], // the server's SETTINGS come before the client's preface
    ['h2-curl-upgrade.pcap', 'h2c-upgrade', 'headers'], // the request line names the client,
  ] as const)
    it(`${name}: exact HPACK and flow control, no mid-connection diagnostics`, async () => {
      const whole = await decode(name);
      const cut = await decode(name, 3);
      const codes = cut.diagnostics.map((d) => d.code);
      for (const code of FALSE_ALARMS) expect(codes).not.toContain(code);
      expect(codes).toContain('tcp.mid-stream-start'); // true: the SYN is not in the capture
      const c = cut.connections[0]!;
      expect(c).toMatchObject({ h2Detection: detection, clientRule: rule });
      expect(c.hpack).toMatchObject({ client: { known: true }, server: { known: true } });
      // As exact as with the handshake (an h2c upgrade's windows are estimates either way).
      const { exact, note } = whole.connections[0]!.flowControl!;
      expect(c.flowControl).toMatchObject(note === undefined ? { exact } : { exact, note });
      if (detection === 'preface') expect(exact).toBe(true);
      const frames = (d: JsonDocument) =>
        d.connections[0]!.frames.map((f) => [f.from, f.type, f.stream, f.headers]);
      expect(frames(cut)).toEqual(frames(whole));
      expect(cut.connections[0]!.calls.map((x) => x.outcome)).toEqual(
        whole.connections[0]!.calls.map((x) => x.outcome),
      );
    });
});

describe('an illegal frame right after the preface', () => {
  const conn: TcpConnectionInfo = {
    id: 'c1',
    a: { ip: '10.0.0.1', port: 40000 },
    b: { ip: '10.0.0.2', port: 50051 },
    clientRule: 'port',
    synSeen: false,
    start: 100,
    firstPacketIndex: 0,
  };
  const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
  function frame(type: number, flags: number, stream: number, payload = Buffer.alloc(0)): Buffer {
    const h = Buffer.alloc(9);
    h.writeUIntBE(payload.length, 0, 3);
    h[3] = type;
    h[4] = flags;
    h.writeUInt32BE(stream, 5);
    return Buffer.concat([h, payload]);
  }
  const show = (events: SessionEvent[]): string[] =>
    events.flatMap((e) =>
      e.kind === 'frame'
        ? [`${e.frame.from} ${e.frame.type} s${e.frame.stream}`]
        : e.kind === 'diagnostic'
          ? [e.diagnostic.code]
          : [],
    );

  // RFC 9113 §6.5: SETTINGS on stream 1 is a connection error (PROTOCOL_ERROR). Whether or not the SYN was
  // captured (gapBefore -1: the stream's start was not seen), the preface says the client's bytes start
  // here, so the frame is decoded and flagged, not skipped by a search for a "plausible" boundary.
  for (const gapBefore of [0, -1])
    it(`is a frame with a PROTOCOL_ERROR diagnostic (gapBefore ${gapBefore})`, () => {
      const s = new ConnectionSession(conn);
      const events = [
        ...s.data(
          0,
          Buffer.concat([PREFACE, frame(4, 0, 1, Buffer.alloc(6)), frame(4, 0, 0)]),
          gapBefore,
          100.1,
          1,
        ),
        ...s.data(1, frame(4, 0, 0), gapBefore, 100.2, 2),
      ];
      expect(show(events)).toEqual([
        'client SETTINGS s1',
        'h2.frame.bad-stream',
        'client SETTINGS s0',
        'server SETTINGS s0',
      ]);
      const bad = events.find((e) => e.kind === 'diagnostic');
      expect(bad?.kind === 'diagnostic' && bad.diagnostic.message).toBe(
        'SETTINGS frame on stream 1: must be sent on stream 0 (RFC 9113 §6.5), a connection error of type PROTOCOL_ERROR',
      );
    });
});

describe('an h2c upgrade whose 101 is missing or damaged (h2-curl-upgrade, altered)', () => {
  const file = new URL('../../samples/h2-curl-upgrade.pcap', import.meta.url).pathname;

  /** The sample with packet 6 (index 5: "HTTP/1.1 101 Switching Protocols" and the server's SETTINGS) changed. */
  async function altered(change: (data: Buffer) => Buffer | null): Promise<JsonDocument> {
    const events = (await readCaptureFile(file)).flatMap((e) => {
      if (e.kind !== 'packet' || e.packet.index !== 5) return [e];
      const data = change(Buffer.from(e.packet.data));
      return data === null ? [] : [{ ...e, packet: { ...e.packet, data } }];
    });
    const collector = new JsonCollector();
    const engine = createEngine({ file: 'altered' }, collector.sink);
    engine.push(events);
    engine.finish();
    return { ...collector.doc, connections: collector.sortedConnections() };
  }

  for (const [what, change] of [
    ['not captured', () => null],
    [
      'damaged ("HTTP/1.1 101" -> "HTTQ/1.1 1?1")',
      (data: Buffer) => {
        const at = data.indexOf('HTTP/1.1 101');
        data.write('HTTQ/1.1 1?1', at, 'latin1');
        return data;
      },
    ],
  ] as const)
    it(`the client's preface after Upgrade: h2c starts HTTP/2 when the 101 is ${what}`, async () => {
      const whole = await decode('h2-curl-upgrade.pcap');
      const d = await altered(change);
      expectUpgradeInferred(d);
      const c = d.connections[0]!;
      expect(c).toMatchObject({ protocol: 'h2c', h2Detection: 'h2c-upgrade' });
      expect(c.upgrade!.request).toEqual(whole.connections[0]!.upgrade!.request);
      // The response on stream 1 decodes as with the 101 (the server's SETTINGS went with it when lost).
      const headers = (x: JsonDocument) =>
        x.connections[0]!.frames.filter((f) => f.type === 'HEADERS').map((f) => [
          f.from,
          f.stream,
          f.headers,
        ]);
      expect(headers(d)).toEqual(headers(whole));
      const clientFrames = (x: JsonDocument) =>
        x.connections[0]!.frames.filter((f) => f.from === 'client').map((f) => f.type);
      expect(clientFrames(d)).toEqual(clientFrames(whole));
    });
});

describe('an h2c upgrade recorded through a capture filter that lost the 101 (h2-curl-upgrade-lost-101)', () => {
  // scripts/samples/h2/curl-upgrade-lost-101.mjs: tcpdump's filter dropped the server segment starting with
  // "HTTP" (the 101, and nghttpx's SETTINGS with it); the capture itself is real, nothing was edited.
  it('starts HTTP/2 at the client preface: the upgrade inferred, the response decoded as tshark does', async () => {
    const d = await decode('h2-curl-upgrade-lost-101.pcap');
    expectUpgradeInferred(d);
    const c = d.connections[0]!;
    expect(c).toMatchObject({ protocol: 'h2c', h2Detection: 'h2c-upgrade', clientRule: 'syn' });
    const meta = JSON.parse(
      readFileSync(new URL('../../samples/h2-curl-upgrade-lost-101.meta.json', import.meta.url), 'utf8'),
    ) as { expect: { upgrade: { request: string[] }; response: { headers: Array<[string, string]> } } };
    // The request as curl -v printed it ("Host: ...", request line first), and no status line captured.
    const req = c.upgrade!.request;
    expect([`${req.method} ${req.target} HTTP/1.1`, ...req.headers.map(([n, v]) => `${n}: ${v}`)]).toEqual(
      meta.expect.upgrade.request.map((l, i) => (i === 0 ? l : l.replace(/^[^:]+/, (n) => n.toLowerCase()))),
    );
    expect(c.upgrade!.statusLine).toBe('(not captured)');
    // The response on stream 1 (the upgraded request) with the headers curl printed.
    const response = c.frames.find((f) => f.from === 'server' && f.type === 'HEADERS')!;
    expect(response.stream).toBe(1);
    const got = response.headers!.filter(([n]) => !n.startsWith(':'));
    expect(got).toEqual(meta.expect.response.headers);
    // The lost bytes are the 101's segment: a gap at the start of the server stream, named as such.
    const gap = d.diagnostics.find((x) => x.code === 'h2.gap');
    expect(gap?.evidence).toMatchObject({ from: 'server' });
  });
});

/** HTTP/2 started at the client preface after an h2c upgrade whose 101 is missing: no HTTP/1 reply blamed. */
function expectUpgradeInferred(d: JsonDocument): void {
  const codes = d.diagnostics.map((x) => x.code);
  expect(codes).toContain('session.h2c-upgrade-inferred');
  for (const code of [
    'session.preface-http1-reply',
    'session.http1-client-h2-server',
    'session.unrecognised',
  ])
    expect(codes).not.toContain(code);
}
