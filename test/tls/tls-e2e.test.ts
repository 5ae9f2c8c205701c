/**
 * End to end on real TLS bytes: node:tls (OpenSSL 3) client and server talk over an in-memory wire; the
 * recorded bytes go through the record reader, handshake parsing, the key log the client wrote,
 * key derivation and decryption, and must give back exactly the application data each side sent.
 */
import { describe, expect, it } from 'vitest';
import { decodeAlerts } from '../../src/tls/alert.js';
import { decodeClientHello } from '../../src/tls/client-hello.js';
import { HandshakeType } from '../../src/tls/constants.js';
import type { TlsDecryptOutcome } from '../../src/tls/decrypt.js';
import { type HandshakeMessage, HandshakeReader } from '../../src/tls/handshake.js';
import { KeyLog } from '../../src/tls/keylog.js';
import { type TlsRecord, TlsRecordReader } from '../../src/tls/record-reader.js';
import { decodeEncryptedExtensions, decodeServerHello } from '../../src/tls/server-hello.js';
import { sessionDecryptors } from '../../src/tls/session-keys.js';
import { liveSession } from './live-session.js';

function recordsOf(writes: Buffer[]): TlsRecord[] {
  const reader = new TlsRecordReader();
  const events = writes.flatMap((w, i) => reader.push(w, i, i));
  expect(reader.finish()).toEqual([]);
  return events.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
}

/** The first handshake message of a direction, from its clear records. */
function firstMessage(records: TlsRecord[]): HandshakeMessage {
  const reader = new HandshakeReader();
  const events = records
    .filter((r) => r.contentType === 22)
    .flatMap((r) => reader.push(r.fragment, r.time, r.packetIndex));
  const first = events[0];
  if (first?.kind !== 'message') throw new Error('no handshake message');
  return first.message;
}

const appData = (outcomes: TlsDecryptOutcome[]) =>
  Buffer.concat(outcomes.flatMap((o) => (o.ok && o.encrypted && o.contentType === 23 ? [o.plaintext] : [])));

const CASES = [
  ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', 0x1301],
  ['TLSv1.3', 'TLS_AES_256_GCM_SHA384', 0x1302],
  ['TLSv1.3', 'TLS_CHACHA20_POLY1305_SHA256', 0x1303],
  ['TLSv1.2', 'ECDHE-ECDSA-AES128-GCM-SHA256', 0xc02b],
  ['TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', 0xc02c],
  ['TLSv1.2', 'ECDHE-ECDSA-CHACHA20-POLY1305', 0xcca9],
] as const;

describe('decrypting a real node:tls session with its key log', () => {
  it.each(CASES)('%s %s', async (version, cipher, suiteId) => {
    // 40 KB and 50 KB: more than 2^14, so both directions span several records.
    const clientPayload = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 251));
    const serverPayload = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7) % 253));
    const live = await liveSession({ version, cipher, clientPayload, serverPayload });
    expect(live.alpn).toBe('h2');

    const clientRecords = recordsOf(live.clientWrites);
    const serverRecords = recordsOf(live.serverWrites);
    const ch = decodeClientHello(firstMessage(clientRecords).body);
    const sh = decodeServerHello(firstMessage(serverRecords).body);
    if (!ch.ok || !sh.ok) throw new Error('hello did not decode');
    expect(ch.value.serverName).toBe('h2scope.test');
    expect(ch.value.alpn).toEqual(['h2', 'http/1.1']);
    expect(sh.value.cipherSuite).toBe(suiteId);
    expect(sh.value.version).toBe(version === 'TLSv1.3' ? 0x0304 : 0x0303);

    const keyLog = new KeyLog();
    expect(keyLog.addText(live.keyLog, 'node keylog')).toEqual([]);
    const { client, server, diagnostics } = sessionDecryptors(ch.value, sh.value, keyLog);
    expect(diagnostics).toEqual([]);
    if (client === undefined || server === undefined) throw new Error('no decryptors');
    const clientOut = clientRecords.map((r) => client.decrypt(r));
    const serverOut = serverRecords.map((r) => server.decrypt(r));
    expect(clientOut.filter((o) => !o.ok)).toEqual([]);
    expect(serverOut.filter((o) => !o.ok)).toEqual([]);
    expect(appData(clientOut).equals(clientPayload)).toBe(true);
    expect(appData(serverOut).equals(serverPayload)).toBe(true);
    // Both sides close with an encrypted close_notify alert (RFC 8446 §6.1).
    for (const out of [clientOut, serverOut]) {
      const last = out[out.length - 1];
      const alerts = last?.ok && last.contentType === 21 ? decodeAlerts(last.plaintext).alerts : [];
      expect(alerts.map((a) => a.descriptionName)).toEqual(['close_notify']);
    }

    // The selected ALPN: ServerHello in TLS 1.2, EncryptedExtensions (decrypted) in TLS 1.3.
    if (version === 'TLSv1.2') {
      expect(sh.value.alpn).toBe('h2');
    } else {
      const hs = new HandshakeReader();
      const messages = serverOut.flatMap((o) =>
        o.ok && o.contentType === 22 ? hs.push(o.plaintext, 0, 0) : [],
      );
      const ee = messages.find(
        (e) => e.kind === 'message' && e.message.msgType === HandshakeType.encrypted_extensions,
      );
      const decoded = ee?.kind === 'message' ? decodeEncryptedExtensions(ee.message.body) : undefined;
      expect(decoded?.ok && decoded.value.alpn).toBe('h2');
    }
  });
});
