import { describe, expect, it } from 'vitest';
import { type HandshakeEvent, type HandshakeMessage, HandshakeReader } from '../../src/tls/handshake.js';
import { handshake } from './builders.js';
import { CLIENT_HELLO_RECORD, SERVER_FLIGHT_PLAINTEXT } from './fixtures/rfc8448.js';

const messages = (events: HandshakeEvent[]): HandshakeMessage[] =>
  events.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
const diagnostics = (events: HandshakeEvent[]) =>
  events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));

/** RFC 8448 §3 server flight: EncryptedExtensions (36), Certificate (441), CertificateVerify (132), Finished (32). */
const FLIGHT_SHAPE = [
  [8, 36],
  [11, 441],
  [15, 132],
  [20, 32],
];

describe('HandshakeReader', () => {
  it('reads the RFC 8448 ClientHello from its record', () => {
    const out = messages(new HandshakeReader().push(CLIENT_HELLO_RECORD.subarray(5), 1.5, 7));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ msgType: 1, length: 192, time: 1.5, packetIndex: 7 });
    expect(out[0]!.body.equals(CLIENT_HELLO_RECORD.subarray(9))).toBe(true);
  });

  it('reads several messages from one record (RFC 8448 server flight)', () => {
    const out = messages(new HandshakeReader().push(SERVER_FLIGHT_PLAINTEXT, 0, 0));
    expect(out.map((m) => [m.msgType, m.length])).toEqual(FLIGHT_SHAPE);
    expect(out[3]!.body.toString('hex')).toBe(
      '9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718',
    );
  });

  it.each([1, 2, 3, 5, 100, 441])('reassembles messages spanning records of %i bytes', (size) => {
    const r = new HandshakeReader();
    const got: HandshakeMessage[] = [];
    for (let i = 0, n = 0; i < SERVER_FLIGHT_PLAINTEXT.length; i += size, n++) {
      got.push(...messages(r.push(SERVER_FLIGHT_PLAINTEXT.subarray(i, i + size), n, n)));
    }
    expect(got.map((m) => [m.msgType, m.length])).toEqual(FLIGHT_SHAPE);
    // Each message is stamped with the record that completed it: Finished ends the flight.
    expect(got[3]!.packetIndex).toBe(Math.ceil(SERVER_FLIGHT_PLAINTEXT.length / size) - 1);
    expect(Buffer.concat(got.map((m) => handshake(m.msgType, m.body))).equals(SERVER_FLIGHT_PLAINTEXT)).toBe(
      true,
    );
    expect(r.midMessage).toBe(false);
  });

  it('reads an empty message (server_hello_done, RFC 5246 §7.4.5)', () => {
    const out = messages(new HandshakeReader().push(Buffer.from('0e000000', 'hex'), 0, 0));
    expect(out).toEqual([{ msgType: 14, length: 0, body: Buffer.alloc(0), time: 0, packetIndex: 0 }]);
  });

  it('skips a message over the limit, even across records, and goes on', () => {
    const r = new HandshakeReader({ maxMessageLength: 200, connection: 'c2' });
    const events = [
      ...r.push(SERVER_FLIGHT_PLAINTEXT.subarray(0, 60), 1, 1),
      ...r.push(SERVER_FLIGHT_PLAINTEXT.subarray(60, 300), 2, 2),
      ...r.push(SERVER_FLIGHT_PLAINTEXT.subarray(300), 3, 3),
    ];
    expect(messages(events).map((m) => m.msgType)).toEqual([8, 15, 20]);
    const d = diagnostics(events);
    expect(d.map((x) => x.code)).toEqual(['tls.handshake-too-long']);
    expect(d[0]).toMatchObject({
      connection: 'c2',
      evidence: { type: 'certificate', length: 441, limit: 200 },
    });
  });

  it('reports a handshake message interrupted by another record type', () => {
    const r = new HandshakeReader();
    r.push(SERVER_FLIGHT_PLAINTEXT.subarray(0, 50), 1, 1);
    expect(r.midMessage).toBe(true);
    const d = diagnostics(r.interrupt(21, 2));
    expect(d.map((x) => x.message)).toEqual([
      'A record of type alert arrived inside a fragmented certificate handshake message (RFC 8446 §5.1 forbids it); the partial message was dropped',
    ]);
    expect(r.midMessage).toBe(false);
    expect(r.interrupt(21, 3)).toEqual([]);
  });

  it('reports a partial message at the end, with the bytes seen and needed', () => {
    const r = new HandshakeReader();
    r.push(SERVER_FLIGHT_PLAINTEXT.subarray(0, 42), 1, 1); // EE (40 bytes) + 2 bytes of Certificate
    const d = diagnostics(r.finish());
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      code: 'tls.handshake-truncated',
      evidence: { type: 'certificate', have: 2, need: 4 },
    });
    const r2 = new HandshakeReader();
    r2.push(SERVER_FLIGHT_PLAINTEXT.subarray(0, 100), 1, 1);
    expect(diagnostics(r2.finish())[0]!.evidence).toEqual({ type: 'certificate', have: 60, need: 445 });
  });

  it('reset() forgets a partial message after lost bytes', () => {
    const r = new HandshakeReader();
    r.push(SERVER_FLIGHT_PLAINTEXT.subarray(0, 50), 1, 1);
    r.reset();
    expect(r.finish()).toEqual([]);
    expect(messages(r.push(handshake(20, Buffer.alloc(32, 1)), 2, 2)).map((m) => m.msgType)).toEqual([20]);
  });
});
