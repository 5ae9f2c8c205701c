/**
 * h2c upgrade (RFC 7540 §3.2): the HTTP/1.1 request that becomes stream 1 is exposed on the connection
 * record, its HTTP2-Settings are decoded and applied as the client's acknowledged first SETTINGS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/records/records.js';
import { ConnectionSession, type SessionEvent } from '../../src/session/connection-session.js';
import { describeH2cUpgrade } from '../../src/session/h2c-upgrade.js';
import { parseHttp1Head, type Http1Head } from '../../src/session/http1.js';
import { HANDSHAKE_STATS, handConnection } from '../helpers/session-fixture.js';
import { frame } from '../h2/frame-bytes.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

const head = (text: string): Http1Head => {
  const r = parseHttp1Head(Buffer.from(text, 'latin1'));
  if (!r.ok) throw new Error(`not a head: ${text}`);
  return r.head;
};
const SWITCHING = head('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
const request = (extra: string): Http1Head =>
  head(`GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n${extra}\r\n`);

describe('h2c upgrade on the curl --http2 sample (samples/h2-curl-upgrade.pcap)', () => {
  const meta = JSON.parse(readFileSync(join(SAMPLES, 'h2-curl-upgrade.meta.json'), 'utf8')) as {
    expect: {
      upgrade: { request: string[]; interimStatusLine: string };
      response: { headers: Array<[string, string]> };
    };
  };

  it('puts the upgrade request, the 101 and the decoded HTTP2-Settings on the connection record', async () => {
    const decoded = await decodeFile(join(SAMPLES, 'h2-curl-upgrade.pcap'));
    expect(decoded.connections).toHaveLength(1);
    const conn = decoded.connections[0]!;
    expect(conn).toMatchObject({ protocol: 'h2c', h2Detection: 'h2c-upgrade', preface: true });
    // curl -v printed the request it sent: "GET /index.html HTTP/1.1" then "Name: value" lines.
    const [requestLine, ...lines] = meta.expect.upgrade.request;
    expect(requestLine).toBe('GET /index.html HTTP/1.1');
    const headers = lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)]);
    expect(conn.upgrade).toEqual({
      request: { method: 'GET', target: '/index.html', headers },
      statusLine: meta.expect.upgrade.interimStatusLine,
      // HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA (curl 7.88.1's defaults)
      settings: { MAX_CONCURRENT_STREAMS: 100, INITIAL_WINDOW_SIZE: 33554432, ENABLE_PUSH: 0 },
    });
  });

  it('answers stream 1 with HTTP/2 frames only from the server: the request itself was HTTP/1.1', async () => {
    const decoded = await decodeFile(join(SAMPLES, 'h2-curl-upgrade.pcap'));
    const stream1 = decoded.allFrames.filter((f) => f.stream === 1);
    expect(stream1.map((f) => [f.from, f.type, f.flags])).toEqual([
      ['server', 'HEADERS', ['END_HEADERS']],
      ['server', 'DATA', ['END_STREAM']],
    ]);
    // The response curl printed ("HTTP/2 200" and its headers), in wire order.
    expect(stream1[0]!.headers).toEqual([[':status', '200'], ...meta.expect.response.headers]);
    expect(stream1[1]!.dataLength).toBe(60); // content-length: 60 (scripts/samples/h2/docroot.mjs index.html)
    expect(decoded.diagnostics.map((d) => d.code)).toEqual(['session.h2c-upgrade']);
  });
});

describe('describeH2cUpgrade', () => {
  it('decodes HTTP2-Settings by setting name', () => {
    // 00 04 00 00 ff ff = INITIAL_WINDOW_SIZE 65535; 00 01 00 00 00 00 = HEADER_TABLE_SIZE 0.
    const u = describeH2cUpgrade(request('HTTP2-Settings: AAQAAP__AAEAAAAA\r\n'), SWITCHING.startLine);
    expect(u.settings).toEqual([
      [4, 65535],
      [1, 0],
    ]);
    expect(u.record.settings).toEqual({ INITIAL_WINDOW_SIZE: 65535, HEADER_TABLE_SIZE: 0 });
    expect(u.record.settingsError).toBeUndefined();
    expect(u.record.statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(u.record.request.method).toBe('GET');
  });

  it('accepts an empty HTTP2-Settings (no settings: all defaults)', () => {
    const u = describeH2cUpgrade(request('HTTP2-Settings: \r\n'), SWITCHING.startLine);
    expect(u.record).toMatchObject({ settings: {} });
    expect(u.record.settingsError).toBeUndefined();
  });

  it('says why the settings are missing: no header, two headers, not base64url, not whole settings', () => {
    const error = (extra: string): string | undefined =>
      describeH2cUpgrade(request(extra), SWITCHING.startLine).record.settingsError;
    expect(error('')).toBe('no HTTP2-Settings header');
    expect(error('HTTP2-Settings: AAMAAABk\r\nHTTP2-Settings: AAMAAABk\r\n')).toBe(
      '2 HTTP2-Settings headers, exactly one allowed',
    );
    // "+" and "/" belong to base64, not base64url (RFC 4648 §5).
    expect(error('HTTP2-Settings: AAQAAP//\r\n')).toBe(
      'HTTP2-Settings is not base64url of whole 6-octet settings',
    );
    expect(error('HTTP2-Settings: AAMAAA\r\n')).toBe(
      'HTTP2-Settings is not base64url of whole 6-octet settings',
    );
  });
});

describe('ConnectionSession with an h2c upgrade', () => {
  const conn = handConnection(8080);
  const stats = HANDSHAKE_STATS;
  const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

  function run(settingsHeader: string): { events: SessionEvent[]; record: ConnectionRecord } {
    const s = new ConnectionSession(conn);
    const req = `GET / HTTP/1.1\r\nHost: b\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n${settingsHeader}\r\n`;
    const events = [
      ...s.data(0, Buffer.from(req, 'latin1'), 0, 100.1, 3),
      ...s.data(
        1,
        Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\n\r\n'), frame(4, 0, 0)]),
        0,
        100.2,
        4,
      ),
      ...s.data(0, Buffer.concat([PREFACE, frame(4, 0, 0), frame(4, 1, 0)]), 0, 100.3, 5),
      // A 20,000-byte DATA frame: over the default SETTINGS_MAX_FRAME_SIZE of 16,384 (RFC 9113 §4.2).
      ...s.data(1, Buffer.concat([frame(4, 1, 0), frame(0, 1, 1, Buffer.alloc(20000))]), 0, 100.4, 6),
      ...s.end(101, 'fin', stats),
    ];
    const last = events.at(-1)!;
    if (last.kind !== 'connection') throw new Error('no connection record');
    return { events, record: last.record };
  }
  const codes = (events: SessionEvent[]): string[] =>
    events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));

  it('applies HTTP2-Settings from the first server frame on: the 101 acknowledged them (RFC 7540 §3.2.1)', () => {
    // 00 05 00 00 80 00 = MAX_FRAME_SIZE 32768, base64url "AAUAAIAA".
    const { events, record } = run('HTTP2-Settings: AAUAAIAA\r\n');
    expect(codes(events)).toEqual(['session.h2c-upgrade']);
    expect(record.upgrade?.settings).toEqual({ MAX_FRAME_SIZE: 32768 });
    const frames = events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
    expect(frames.map((f) => `${f.from} ${f.type} ${f.stream}`)).toEqual([
      'server SETTINGS 0',
      'client SETTINGS 0',
      'client SETTINGS 0',
      'server SETTINGS 0',
      'server DATA 1',
    ]);
  });

  it('without them the same DATA frame is too large, and a missing HTTP2-Settings is reported', () => {
    const { events, record } = run('');
    expect(codes(events)).toEqual([
      'session.h2c-upgrade',
      'session.h2c-upgrade-settings',
      'h2.frame.too-large',
    ]);
    expect(record.upgrade).toMatchObject({ settings: {}, settingsError: 'no HTTP2-Settings header' });
    const warning = events.find(
      (e) => e.kind === 'diagnostic' && e.diagnostic.code === 'session.h2c-upgrade-settings',
    );
    expect(warning?.kind === 'diagnostic' && warning.diagnostic.message).toBe(
      'The h2c upgrade request from 10.0.0.1:40000 has no HTTP2-Settings header. RFC 7540 §3.2.1 requires exactly ' +
        'one HTTP2-Settings header (the base64url SETTINGS payload) and a server must not upgrade without it; ' +
        '10.0.0.2:8080 upgraded anyway. Client settings that could not be decoded are taken to be their RFC defaults.',
    );
  });

  it('a declined upgrade (200 instead of 101) has no upgrade object', () => {
    const s = new ConnectionSession(conn);
    const req = 'GET / HTTP/1.1\r\nHost: b\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n';
    s.data(0, Buffer.from(req, 'latin1'), 0, 100.1, 3);
    s.data(1, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 0, 100.2, 4);
    const last = s.end(101, 'fin', stats).at(-1)!;
    expect(last.kind === 'connection' && last.record).toMatchObject({
      protocol: 'http/1.1',
      h2Detection: null,
    });
    expect(last.kind === 'connection' && last.record.upgrade).toBeUndefined();
  });
});
