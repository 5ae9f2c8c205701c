/**
 * TlsConnection on real TLS bytes (node:tls client and server over an in-memory wire, writes replayed in
 * the order they happened, as a capture shows them) and on hand-built records (RFC 8446 §4, §6).
 */
import { describe, expect, it } from 'vitest';
import { KeyLog } from '../../src/tls/keylog.js';
import { type TlsRecord, TlsRecordReader } from '../../src/tls/record-reader.js';
import { TlsConnection, type TlsConnectionEvent, type WireDir } from '../../src/tls/tls-connection.js';
import {
  alpnExt,
  clientHelloBody,
  ext,
  handshake,
  record,
  serverHelloBody,
  sniExt,
  u16,
  vec8,
} from './builders.js';
import { liveSession, type LiveSessionOptions, type WireWrite } from './live-session.js';

const CLIENT_PAYLOAD = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 251));
const SERVER_PAYLOAD = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7) % 253));

function live(
  version: LiveSessionOptions['version'],
  cipher: string,
  extra: Partial<LiveSessionOptions> = {},
) {
  return liveSession({
    version,
    cipher,
    clientPayload: CLIENT_PAYLOAD,
    serverPayload: SERVER_PAYLOAD,
    ...extra,
  });
}

/** Replays the writes as TCP chunks; the client's go to `clientDir`. Time and packet = write number. */
function replay(conn: TlsConnection, writes: WireWrite[], clientDir: WireDir = 0): TlsConnectionEvent[] {
  return writes.flatMap((w, i) =>
    conn.push(w.from === 'client' ? clientDir : clientDir === 0 ? 1 : 0, w.data, 0, i, i),
  );
}

const plaintextOf = (events: TlsConnectionEvent[], dir: WireDir): Buffer =>
  Buffer.concat(events.flatMap((e) => (e.kind === 'plaintext' && e.dir === dir ? [e.data] : [])));
const codes = (events: TlsConnectionEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));

function keyLogOf(text: string): KeyLog {
  const keyLog = new KeyLog();
  expect(keyLog.addText(text)).toEqual([]);
  return keyLog;
}

/** The same key log with each secret's last byte inverted: client randoms match, secrets do not. */
const corrupt = (text: string): string =>
  text.replace(/([0-9a-f]{2})$/gim, (hex) => (Number.parseInt(hex, 16) ^ 0xff).toString(16).padStart(2, '0'));

describe('TlsConnection with the key log', () => {
  it.each([
    ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'TLS 1.3', 'TLS_AES_128_GCM_SHA256'],
    ['TLSv1.3', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS 1.3', 'TLS_CHACHA20_POLY1305_SHA256'],
    ['TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS 1.2', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
    ['TLSv1.2', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'TLS 1.2', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  ] as const)(
    '%s %s: both directions decrypted, in order, with the handshake facts',
    async (v, cipher, name, iana) => {
      const session = await live(v, cipher);
      const conn = new TlsConnection({ connection: 'c1', keyLog: keyLogOf(session.keyLog) });
      const events = replay(conn, session.order);
      conn.finish();
      expect(plaintextOf(events, 0).equals(CLIENT_PAYLOAD)).toBe(true);
      expect(plaintextOf(events, 1).equals(SERVER_PAYLOAD)).toBe(true);
      expect(events.filter((e) => e.kind === 'plaintext' && e.gapBefore !== 0)).toEqual([]);
      expect(codes(events)).toEqual(['tls.close-notify', 'tls.close-notify']);
      const info = conn.info();
      expect(info).toMatchObject({
        version: name,
        cipher: iana,
        sni: 'h2scope.test',
        alpnOffered: ['h2', 'http/1.1'],
        alpnSelected: 'h2',
        decryption: 'decrypted',
        alerts: [
          // The server closes first: it answers the client's payload and ends (live-session.ts).
          { from: 'server', level: 'warning', description: 'close_notify' },
          { from: 'client', level: 'warning', description: 'close_notify' },
        ],
      });
      expect(info.records.failed).toBe(0);
      expect(info.records.decrypted).toBe(info.records.encrypted);
      expect(conn.clientDir).toBe(0);
    },
  );

  it('uses secrets added to the shared key log after it was created, before the ServerHello', async () => {
    const session = await live('TLSv1.3', 'TLS_AES_256_GCM_SHA384');
    const keyLog = new KeyLog();
    const conn = new TlsConnection({ keyLog });
    const [clientHello, ...rest] = session.order;
    const events = replay(conn, [clientHello!]);
    keyLog.addText(session.keyLog); // a pcapng Decryption Secrets Block read between packets
    events.push(...replay(conn, rest));
    expect(plaintextOf(events, 1).equals(SERVER_PAYLOAD)).toBe(true);
  });

  it('learns the client from the ClientHello when it is endpoint b', async () => {
    const session = await live('TLSv1.3', 'TLS_AES_128_GCM_SHA256');
    const conn = new TlsConnection({ keyLog: keyLogOf(session.keyLog), clientDir: 0 });
    const events = replay(conn, session.order, 1);
    expect(conn.clientDir).toBe(1);
    expect(conn.clientDirKnown).toBe(true);
    expect(plaintextOf(events, 1).equals(CLIENT_PAYLOAD)).toBe(true);
    expect(plaintextOf(events, 0).equals(SERVER_PAYLOAD)).toBe(true);
  });

  it.each(['TLSv1.3', 'TLSv1.2'] as const)(
    '%s: client records captured before the ServerHello wait for their keys',
    async (v) => {
      // A capture may hold one direction's packets ahead of the other's: here every client write first.
      const session = await live(
        v,
        v === 'TLSv1.3' ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-ECDSA-AES128-GCM-SHA256',
      );
      const conn = new TlsConnection({ keyLog: keyLogOf(session.keyLog) });
      const clientFirst = [
        ...session.order.filter((w) => w.from === 'client'),
        ...session.order.filter((w) => w.from === 'server'),
      ];
      const events = replay(conn, clientFirst);
      expect(codes(events).filter((c) => c !== 'tls.close-notify')).toEqual([]);
      expect(plaintextOf(events, 0).equals(CLIENT_PAYLOAD)).toBe(true);
      expect(plaintextOf(events, 1).equals(SERVER_PAYLOAD)).toBe(true);
    },
  );

  it('selects http/1.1 by ALPN in EncryptedExtensions: tls.alpn-not-h2', async () => {
    const session = await live('TLSv1.3', 'TLS_AES_128_GCM_SHA256', {
      clientAlpn: ['http/1.1'],
      serverAlpn: ['http/1.1'],
    });
    const conn = new TlsConnection({ connection: 'c4', keyLog: keyLogOf(session.keyLog) });
    const events = replay(conn, session.order);
    const alpn = events.find((e) => e.kind === 'diagnostic' && e.diagnostic.code === 'tls.alpn-not-h2');
    expect(alpn?.kind === 'diagnostic' && alpn.diagnostic.evidence).toEqual({
      selected: 'http/1.1',
      offered: 'http/1.1',
    });
    expect(conn.info().alpnSelected).toBe('http/1.1');
  });
});

/** Cuts a direction's writes into records, each re-serialized on its own (one record per TCP chunk). */
function records(writes: WireWrite[], from: 'client' | 'server'): TlsRecord[] {
  const reader = new TlsRecordReader();
  return writes
    .filter((w) => w.from === from)
    .flatMap((w) => reader.push(w.data, 0, 0))
    .flatMap((e) => (e.kind === 'record' ? [e.record] : []));
}
const wire = (r: TlsRecord): Buffer => record(r.contentType, r.fragment, r.version);

describe('TlsConnection when bytes are lost', () => {
  it('skips a lost application record and tells the next delivery how many bytes were lost', async () => {
    const session = await live('TLSv1.3', 'TLS_AES_128_GCM_SHA256');
    const conn = new TlsConnection({ keyLog: keyLogOf(session.keyLog) });
    const events: TlsConnectionEvent[] = [];
    for (const r of records(session.order, 'client')) events.push(...conn.push(0, wire(r), 0, 0, 0));
    // RFC 8446 §5.2: a full record carries 2^14 plaintext bytes + content type (1) + AES-GCM tag (16).
    const serverRecords = records(session.order, 'server');
    const lost = serverRecords.filter((r) => r.fragment.length === 16_384 + 17)[1]!;
    const lostBytes = 5 + lost.fragment.length;
    let gap = 0;
    for (const r of serverRecords) {
      if (r === lost) {
        gap = lostBytes;
        continue;
      }
      events.push(...conn.push(1, wire(r), gap, 0, 0));
      gap = 0;
    }
    const delivered = events.flatMap((e) => (e.kind === 'plaintext' && e.dir === 1 ? [e] : []));
    expect(delivered.map((e) => e.gapBefore)).toEqual([0, lostBytes, 0]);
    const expected = Buffer.concat([SERVER_PAYLOAD.subarray(0, 16_384), SERVER_PAYLOAD.subarray(32_768)]);
    expect(Buffer.concat(delivered.map((e) => e.data)).equals(expected)).toBe(true);
    expect(conn.info().decryption).toBe('decrypted');
  });

  it('cannot decrypt a capture that starts after the handshake: tls.handshake-not-seen once', async () => {
    const session = await live('TLSv1.3', 'TLS_AES_128_GCM_SHA256');
    const conn = new TlsConnection({ connection: 'c2', keyLog: keyLogOf(session.keyLog) });
    const appRecords = records(session.order, 'server').filter((r) => r.fragment.length === 16_384 + 17);
    const events = appRecords.flatMap((r, i) => conn.push(1, wire(r), i === 0 ? -1 : 0, 7, 3));
    expect(codes(events)).toEqual(['tls.handshake-not-seen']);
    expect(events[0]?.kind === 'diagnostic' && events[0].diagnostic.evidence).toEqual({
      missing: 'handshake (ClientHello and ServerHello)',
    });
    expect(conn.info()).toEqual({
      decryption: 'no-handshake',
      records: { encrypted: 3, decrypted: 0, failed: 0 },
    });
  });
});

describe('TlsConnection without the right keys', () => {
  it.each([
    ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', undefined],
    ['TLSv1.2', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'h2'],
  ] as const)(
    '%s without keys: facts from the hellos, one tls.encrypted-no-keys',
    async (v, cipher, alpn) => {
      const session = await live(v, cipher);
      const conn = new TlsConnection({ connection: 'c3' });
      const events = replay(conn, session.order);
      expect(events.filter((e) => e.kind === 'plaintext')).toEqual([]);
      expect(codes(events)).toEqual(['tls.encrypted-no-keys']);
      const info = conn.info();
      expect(info.decryption).toBe('no-keys');
      expect(info.sni).toBe('h2scope.test');
      // TLS 1.3 selects ALPN in the encrypted EncryptedExtensions: unknown without keys.
      expect(info.alpnSelected).toBe(alpn);
      expect(info.alerts).toBeUndefined(); // the close_notify alerts are encrypted too
    },
  );

  it('reports records that do not authenticate once per direction: decryption failed', async () => {
    const session = await live('TLSv1.3', 'TLS_AES_128_GCM_SHA256');
    const conn = new TlsConnection({ connection: 'c5', keyLog: keyLogOf(corrupt(session.keyLog)) });
    const events = replay(conn, session.order);
    expect(events.filter((e) => e.kind === 'plaintext')).toEqual([]);
    const failures = events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
    expect(failures.map((d) => [d.code, d.evidence?.side, d.evidence?.reason])).toEqual([
      ['tls.decrypt-failed', 'server', 'auth-failed'],
      ['tls.decrypt-failed', 'client', 'auth-failed'],
    ]);
    const info = conn.info();
    expect(info.decryption).toBe('failed');
    expect(info.records.failed).toBe(info.records.encrypted);
  });
});

describe('TlsConnection on hand-built handshakes', () => {
  // RFC 8446 §4.1.2 ClientHello offering TLS 1.3 (supported_versions) and TLS 1.2, ALPN h2, SNI.
  const clientHello13 = record(
    22,
    handshake(
      1,
      clientHelloBody({
        extensions: [sniExt('api.test'), alpnExt('h2'), ext(43, vec8(u16(0x0304), u16(0x0303)))],
      }),
    ),
    0x0301,
  );
  const clientHello12 = record(
    22,
    handshake(1, clientHelloBody({ suites: [0xc02f], extensions: [alpnExt('h2')] })),
    0x0301,
  );

  it('a fatal handshake_failure answering the ClientHello: tls.handshake-alert, nothing encrypted', () => {
    const conn = new TlsConnection({ connection: 'c6' });
    const events = [
      ...conn.push(0, clientHello13, 0, 1, 0),
      ...conn.push(1, record(21, Buffer.from([2, 40])), 0, 2, 1),
    ];
    const alert = events.find((e) => e.kind === 'diagnostic');
    expect(alert?.kind === 'diagnostic' && [alert.diagnostic.code, alert.diagnostic.evidence]).toEqual([
      'tls.handshake-alert',
      { side: 'server', level: 'fatal', description: 'handshake_failure' },
    ]);
    expect(conn.info()).toEqual({
      version: 'TLS 1.3 offered',
      sni: 'api.test',
      alpnOffered: ['h2'],
      ciphersOffered: ['TLS_AES_128_GCM_SHA256'],
      decryption: 'not-encrypted',
      records: { encrypted: 0, decrypted: 0, failed: 0 },
      alerts: [{ from: 'server', level: 'fatal', description: 'handshake_failure' }],
    });
  });

  // RFC 8446 §4.1.3: a TLS 1.3 server negotiating TLS 1.2 ends its random with DOWNGRD\x01.
  const downgraded = Buffer.concat([Buffer.alloc(24, 0x5a), Buffer.from('444f574e47524401', 'hex')]);
  const serverHello12 = record(
    22,
    handshake(2, serverHelloBody({ suite: 0xc02f, random: downgraded, extensions: [alpnExt('h2')] })),
  );

  it('warns of the downgrade sentinel only when the client offered TLS 1.3', () => {
    const only12 = new TlsConnection();
    const quiet = [...only12.push(0, clientHello12, 0, 1, 0), ...only12.push(1, serverHello12, 0, 2, 1)];
    // The capture ends inside the handshake: nothing is encrypted yet, so no advice to capture a key log.
    expect(codes(quiet)).toEqual([]);
    expect(only12.info().decryption).toBe('not-encrypted');
    expect(only12.info()).toMatchObject({
      version: 'TLS 1.2',
      alpnSelected: 'h2',
      cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    });
    const offered13 = new TlsConnection();
    const warned = [
      ...offered13.push(0, clientHello13, 0, 1, 0),
      ...offered13.push(1, serverHello12, 0, 2, 1),
    ];
    expect(codes(warned)).toEqual(['tls.downgrade-sentinel']);
    // The first encrypted record brings the advice, once.
    const appData = record(23, Buffer.alloc(40, 0xee));
    expect(codes([...offered13.push(0, appData, 0, 3, 2), ...offered13.push(0, appData, 0, 4, 3)])).toEqual([
      'tls.encrypted-no-keys',
    ]);
    expect(offered13.info().decryption).toBe('no-keys');
  });

  it('takes the side that sends the ServerHello for the server when the ClientHello was not captured', () => {
    const conn = new TlsConnection({ clientDir: 0 });
    const plain = record(22, handshake(2, serverHelloBody({ suite: 0xc02f, extensions: [alpnExt('h2')] })));
    const events = conn.push(0, plain, -1, 2, 1);
    expect(conn.clientDir).toBe(1);
    expect(codes(events)).toEqual(['tls.handshake-not-seen']);
    expect(events[0]?.kind === 'diagnostic' && events[0].diagnostic.evidence).toEqual({
      missing: 'ClientHello',
    });
  });

  it('reports a record cut by the end of the capture', () => {
    const conn = new TlsConnection({ connection: 'c7' });
    conn.push(0, clientHello13.subarray(0, 40), 0, 1, 0);
    expect(conn.finish().map((d) => [d.code, d.evidence])).toEqual([
      ['tls.record-truncated', { offset: 0, have: 40, need: clientHello13.length }],
    ]);
  });
});
