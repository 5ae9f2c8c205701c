/**
 * HTTP/2 inside an HTTP CONNECT tunnel (RFC 9110 §9.3.6; issue #12 item 4): the real grpc-js capture through a
 * forward proxy (samples/grpc-js-connect-proxy, scripts/samples/grpc/scenarios/grpc-js-connect-proxy.ts), and
 * hand-built tunnels for TLS inside, a refused CONNECT and a tunnel of unknown bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConnectionLine } from '../../src/output/text.js';
import type { ConnectionRecord } from '../../src/records/records.js';
import { ConnectionSession, type SessionEvent } from '../../src/session/connection-session.js';
import { HANDSHAKE_STATS, handConnection } from '../helpers/session-fixture.js';
import { frame } from '../h2/frame-bytes.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

interface Meta {
  ports: number[];
  expect: { tunnels: string[]; calls: Array<{ method: string; status: number; message: string }> };
}

describe('grpc-js through a CONNECT proxy (samples/grpc-js-connect-proxy)', () => {
  const meta = JSON.parse(readFileSync(join(SAMPLES, 'grpc-js-connect-proxy.meta.json'), 'utf8')) as Meta;
  const [serverPort, proxyPort] = meta.ports as [number, number];

  it('decodes HTTP/2 in the tunnel and shows the tunnel on the connection', async () => {
    const d = await decodeFile(join(SAMPLES, 'grpc-js-connect-proxy.pcap'));
    const tunnel = d.connections.find((c) => c.server.endsWith(`:${proxyPort}`))!;
    expect(tunnel).toMatchObject({ protocol: 'h2c', h2Detection: 'preface', preface: true });
    expect(tunnel.tunnel).toEqual({
      target: meta.expect.tunnels[0],
      statusLine: 'HTTP/1.1 200 Connection established',
      carries: 'h2',
    });
    expect(formatConnectionLine(tunnel)).toContain(`tunnel=CONNECT 127.0.0.1:${serverPort}`);
    const note = d.diagnostics.find((x) => x.code === 'session.connect-tunnel')!;
    expect(note.message).toMatch(/carries HTTP\/2 \(client preface\)/);
    // The same calls on both legs, as the client saw them.
    const want = meta.expect.calls.map((c) => [c.method, c.status, c.message]);
    for (const conn of d.connections)
      expect(conn.calls.map((c) => [c.method, c.status, c.message])).toEqual(want);
    const direct = d.connections.find((c) => c.server.endsWith(`:${serverPort}`))!;
    expect(direct.tunnel).toBeUndefined();
    expect(d.diagnostics.filter((x) => x.severity !== 'info')).toEqual([]);
  });
});

describe('curl through tinyproxy (samples/peer-curl-connect-proxy)', () => {
  interface CurlMeta {
    ports: number[];
    expect: { tcpConnections: number; responses: Array<{ path: string; status: number; bytes: number }> };
  }
  const meta = JSON.parse(
    readFileSync(join(SAMPLES, 'peer-curl-connect-proxy.meta.json'), 'utf8'),
  ) as CurlMeta;
  const [serverPort, proxyPort] = meta.ports as [number, number];

  it("decodes curl's HTTP/2 in each tunnel, the same responses on tinyproxy's legs to nghttpd", async () => {
    const d = await decodeFile(join(SAMPLES, 'peer-curl-connect-proxy.pcap'));
    expect(d.connections).toHaveLength(meta.expect.tcpConnections);
    const tunnels = d.connections.filter((c) => c.server.endsWith(`:${proxyPort}`));
    const legs = d.connections.filter((c) => c.server.endsWith(`:${serverPort}`));
    expect(tunnels).toHaveLength(2);
    expect(legs).toHaveLength(2);
    for (const t of tunnels) {
      expect(t).toMatchObject({ protocol: 'h2c', h2Detection: 'preface', preface: true });
      // tinyproxy answers in HTTP/1.0.
      expect(t.tunnel).toEqual({
        target: `127.0.0.1:${serverPort}`,
        statusLine: 'HTTP/1.0 200 Connection established',
        carries: 'h2',
      });
    }
    for (const l of legs) expect(l.tunnel).toBeUndefined();
    /** The :path, :status and DATA bytes of each stream of a connection. */
    const exchanges = (c: (typeof d.connections)[number]): Array<[string, string, number]> => {
      const s = new Map<number, [string, string, number]>();
      for (const f of c.frames) {
        const e = s.get(f.stream) ?? ['', '', 0];
        if (f.type === 'HEADERS' && 'headers' in f && f.headers)
          for (const [k, v] of f.headers) {
            if (k === ':path') e[0] = v;
            if (k === ':status') e[1] = v;
          }
        if (f.type === 'DATA' && f.from === 'server') e[2] += f.length - (f.padLength ?? 0);
        if (f.stream > 0) s.set(f.stream, e);
      }
      return [...s.values()];
    };
    const want = meta.expect.responses.map((r): [string, string, number] => [
      r.path,
      String(r.status),
      r.bytes,
    ]);
    expect(tunnels.flatMap(exchanges)).toEqual(want);
    expect(legs.flatMap(exchanges)).toEqual(want);
    expect(d.diagnostics.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(d.diagnostics.filter((x) => x.code === 'session.connect-tunnel')).toHaveLength(2);
  });
});

describe('ConnectionSession after CONNECT', () => {
  const conn = handConnection(3128);
  const stats = HANDSHAKE_STATS;
  const CONNECT = Buffer.from('CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\n\r\n', 'latin1');
  const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

  function run(reply: string, client: Buffer, server: Buffer = Buffer.alloc(0)) {
    const s = new ConnectionSession(conn);
    const events: SessionEvent[] = [
      ...s.data(0, CONNECT, 0, 100.1, 3),
      // The server's bytes in the tunnel may come before the client's (an HTTP/2 server's SETTINGS).
      ...s.data(1, Buffer.concat([Buffer.from(reply, 'latin1'), server]), 0, 100.2, 4),
      ...s.data(0, client, 0, 100.3, 5),
      ...s.end(101, 'fin', stats),
    ];
    const last = events.at(-1)!;
    const record = (last as { record: ConnectionRecord }).record;
    return { events, record };
  }

  it('starts HTTP/2 at the client preface, with frames from both sides', () => {
    const { events, record } = run(
      'HTTP/1.1 200 OK\r\n\r\n',
      Buffer.concat([PREFACE, frame(4, 0, 0), frame(4, 1, 0)]),
      Buffer.concat([frame(4, 0, 0), frame(4, 1, 0)]),
    );
    expect(record).toMatchObject({ protocol: 'h2c', preface: true, frameCount: 4 });
    expect(record.tunnel).toEqual({
      target: 'api.example:443',
      statusLine: 'HTTP/1.1 200 OK',
      carries: 'h2',
    });
    const frames = events.flatMap((e) => (e.kind === 'frame' ? [e.frame.from] : []));
    expect(frames.sort()).toEqual(['client', 'client', 'server', 'server']);
  });

  it('hands TLS in the tunnel to the TLS layer and keeps the tunnel on its record', () => {
    // A TLS record header of a ClientHello (RFC 8446 §5.1), the rest never captured.
    const hello = Buffer.from('160301002a0100002603030000', 'hex');
    const { record } = run('HTTP/1.1 200 Connection established\r\n\r\n', hello);
    expect(record.protocol).toBe('tls');
    expect(record.tunnel).toMatchObject({ target: 'api.example:443', carries: 'tls' });
  });

  it('a refused CONNECT is an HTTP/1.1 exchange, not a tunnel', () => {
    const { record } = run(
      'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n',
      Buffer.alloc(0),
    );
    expect(record.protocol).toBe('http/1.1');
    expect(record.tunnel).toBeUndefined();
  });

  it('a tunnel of other bytes is listed with them', () => {
    const { record } = run('HTTP/1.1 200 OK\r\n\r\n', Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'));
    expect(record.protocol).toBe('unknown');
    expect(record.tunnel?.carries).toMatch(/^unknown payload starting "SSH-2.0/);
  });
});
