import { describe, expect, it } from 'vitest';
import {
  looksLikeTls,
  MAX_CIPHERTEXT_LENGTH,
  sniffTls,
  type TlsRecord,
  type TlsRecordEvent,
  TlsRecordReader,
} from '../../src/tls/record-reader.js';
import { record } from './builders.js';
import { CLIENT_HELLO_RECORD, SERVER_HELLO_RECORD } from './fixtures/rfc8448.js';

const records = (events: TlsRecordEvent[]): TlsRecord[] =>
  events.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
const codes = (events: TlsRecordEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));

/** Three application_data records of 10, 20 and 30 bytes filled with 0xa1, 0xa2, 0xa3. */
const A = record(23, Buffer.alloc(10, 0xa1));
const B = record(23, Buffer.alloc(20, 0xa2));
const C = record(23, Buffer.alloc(30, 0xa3));

describe('sniffTls / looksLikeTls', () => {
  it('recognises the RFC 8448 §3 ClientHello and ServerHello records', () => {
    expect(sniffTls(CLIENT_HELLO_RECORD)).toBe('client-hello');
    expect(sniffTls(SERVER_HELLO_RECORD)).toBe('server-hello');
    expect(looksLikeTls(CLIENT_HELLO_RECORD)).toBe(true);
  });

  it('needs up to 9 bytes to decide on a ClientHello', () => {
    for (let n = 0; n < 9; n++) expect(sniffTls(CLIENT_HELLO_RECORD.subarray(0, n))).toBe('need-more');
    expect(sniffTls(CLIENT_HELLO_RECORD.subarray(0, 9))).toBe('client-hello');
    expect(looksLikeTls(CLIENT_HELLO_RECORD.subarray(0, 4))).toBe(false);
  });

  it('rejects the HTTP/2 preface and HTTP/1.1 at the first byte', () => {
    expect(sniffTls(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'))).toBe('not-tls');
    expect(sniffTls(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('not-tls');
    expect(sniffTls(Buffer.from([0x16]))).toBe('need-more');
  });

  it('accepts other record headers mid-connection and checks version and length', () => {
    expect(sniffTls(Buffer.from('1703030010', 'hex'))).toBe('record');
    expect(sniffTls(Buffer.from('1703050010', 'hex'))).toBe('not-tls'); // minor version 5
    expect(sniffTls(Buffer.from('1702030010', 'hex'))).toBe('not-tls'); // major version 2
    expect(sniffTls(Buffer.from('1403030000', 'hex'))).toBe('not-tls'); // empty change_cipher_spec
    expect(sniffTls(Buffer.from('1703034801', 'hex'))).toBe('not-tls'); // 18433 > 2^14 + 2048
    expect(sniffTls(Buffer.from('1703034800', 'hex'))).toBe('record'); // exactly 2^14 + 2048
    expect(sniffTls(Buffer.from('1903030010', 'hex'))).toBe('not-tls'); // tls12_cid is DTLS-only (RFC 9146)
  });

  it('rejects a handshake record whose hello is too short to be one', () => {
    // client_hello with a 10-byte body: RFC 8446 §4.1.2 needs at least 41.
    expect(sniffTls(Buffer.from('160301000e0100000a', 'hex'))).toBe('not-tls');
    // server_hello with a 38-byte body is the smallest possible.
    expect(sniffTls(Buffer.from('160303002a02000026', 'hex'))).toBe('server-hello');
  });
});

describe('TlsRecordReader', () => {
  it('reads a whole record from one push with every field', () => {
    const r = new TlsRecordReader();
    const out = records(r.push(CLIENT_HELLO_RECORD, 12.5, 3));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      contentType: 22,
      version: 0x0301,
      length: 196,
      offset: 0,
      time: 12.5,
      packetIndex: 3,
      gapBefore: 0,
    });
    expect(out[0]!.fragment.equals(CLIENT_HELLO_RECORD.subarray(5))).toBe(true);
    expect(r.finish()).toEqual([]);
  });

  it('reassembles records pushed one byte at a time, stamped with the completing packet', () => {
    const r = new TlsRecordReader();
    const stream = Buffer.concat([A, B]);
    const got: { at: number; rec: TlsRecord }[] = [];
    for (let i = 0; i < stream.length; i++) {
      for (const rec of records(r.push(stream.subarray(i, i + 1), i, i))) got.push({ at: i, rec });
    }
    expect(got.map((g) => g.at)).toEqual([A.length - 1, A.length + B.length - 1]);
    expect(got.map((g) => g.rec.offset)).toEqual([0, A.length]);
    expect(got[1]!.rec).toMatchObject({ packetIndex: stream.length - 1, length: 20, gapBefore: 0 });
    expect(got[1]!.rec.fragment.equals(Buffer.alloc(20, 0xa2))).toBe(true);
  });

  it('returns several records completed by one push, and keeps a partial one', () => {
    const r = new TlsRecordReader();
    const out = records(r.push(Buffer.concat([A, B, C.subarray(0, 7)]), 1, 1));
    expect(out.map((x) => x.length)).toEqual([10, 20]);
    const rest = records(r.push(C.subarray(7), 2, 2));
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatchObject({ offset: A.length + B.length, length: 30, time: 2 });
  });

  it('accepts an empty application_data record (RFC 5246 §6.2.1)', () => {
    const out = records(new TlsRecordReader().push(record(23, Buffer.alloc(0)), 0, 0));
    expect(out).toHaveLength(1);
    expect(out[0]!.length).toBe(0);
  });

  it('stops on bytes that were never TLS', () => {
    const r = new TlsRecordReader({ connection: 'c4' });
    const events = r.push(Buffer.from('GET / HTTP/1.1\r\n'), 5, 9);
    expect(codes(events)).toEqual(['tls.not-tls']);
    const d = events[0]!.kind === 'diagnostic' ? events[0]!.diagnostic : undefined;
    expect(d).toMatchObject({ connection: 'c4', time: 5, evidence: { offset: 0, bytes: '474554202f' } });
    expect(r.state).toBe('not-tls');
    expect(r.push(A, 6, 10)).toEqual([]);
    expect(r.finish()).toEqual([]);
  });

  it('resynchronises after garbage between records and counts the skipped bytes', () => {
    const r = new TlsRecordReader();
    const garbage = Buffer.from('00112233445566', 'hex');
    const events = r.push(Buffer.concat([A, garbage, B, C]), 1, 1);
    expect(codes(events)).toEqual(['tls.record-garbage', 'tls.resync']);
    const out = records(events);
    expect(out.map((x) => [x.length, x.offset, x.gapBefore])).toEqual([
      [10, 0, 0],
      [20, A.length + 7, 7],
      [30, A.length + 7 + B.length, 0],
    ]);
    const resync = events.find((e) => e.kind === 'diagnostic' && e.diagnostic.code === 'tls.resync');
    expect(resync?.kind === 'diagnostic' && resync.diagnostic.evidence).toEqual({
      offset: A.length + 7,
      skipped: 7,
    });
  });

  it('after a TCP gap drops the partial record and finds the next boundary', () => {
    const r = new TlsRecordReader();
    expect(records(r.push(Buffer.concat([A, B.subarray(0, 8)]), 1, 1))).toHaveLength(1);
    // 10 bytes of B lost; the next segment holds B's last 7 bytes, then C.
    const events = r.push(Buffer.concat([B.subarray(18), C]), 2, 2, 10);
    const out = records(events);
    expect(out).toHaveLength(1);
    // Lost: 8 buffered bytes dropped + 10 gap + 7 skipped.
    expect(out[0]).toMatchObject({ length: 30, gapBefore: 25, offset: A.length + B.length });
    expect(codes(events)).toEqual(['tls.resync']);
  });

  it('marks records after a capture that starts mid-stream as gapBefore -1', () => {
    const r = new TlsRecordReader();
    const out = records(r.push(Buffer.concat([A.subarray(4), B, C]), 1, 1, -1));
    expect(out.map((x) => [x.length, x.gapBefore])).toEqual([
      [20, -1],
      [30, 0],
    ]);
  });

  it('a record ending exactly at the end of the data confirms the boundary', () => {
    const r = new TlsRecordReader();
    const out = records(r.push(B, 1, 1, -1));
    expect(out.map((x) => x.length)).toEqual([20]);
  });

  it('waits for the next header before trusting a boundary, and rejects a false one', () => {
    const r = new TlsRecordReader();
    // A plausible header (17 03 03 00 03) whose 3-byte record would end inside B, where no header is.
    const fake = Buffer.from('170303000300ff', 'hex');
    const first = r.push(fake.subarray(0, 5), 1, 1, -1);
    expect(first).toEqual([]);
    const out = r.push(Buffer.concat([fake.subarray(5), B, C]), 2, 2);
    expect(records(out).map((x) => [x.length, x.gapBefore])).toEqual([
      [20, -1],
      [30, 0],
    ]);
    expect(codes(out)).toEqual(['tls.resync']);
  });

  it('gives up resynchronising after 2 maximal records of non-TLS bytes', () => {
    const r = new TlsRecordReader();
    const events = r.push(Buffer.alloc(40_000, 0), 1, 1, -1);
    expect(codes(events)).toEqual(['tls.not-tls']);
    expect(r.state).toBe('not-tls');
  });

  it('reads an over-long record with a diagnostic once the framing is established', () => {
    const r = new TlsRecordReader();
    const big = record(23, Buffer.alloc(MAX_CIPHERTEXT_LENGTH + 1, 7));
    const events = r.push(Buffer.concat([A, big, B]), 1, 1);
    expect(records(events).map((x) => x.length)).toEqual([10, MAX_CIPHERTEXT_LENGTH + 1, 20]);
    expect(codes(events)).toEqual(['tls.record-overflow']);
  });

  it('reports a record cut by the end of the capture', () => {
    const r = new TlsRecordReader();
    r.push(Buffer.concat([A, B.subarray(0, 12)]), 1, 1);
    const events = r.finish();
    expect(codes(events)).toEqual(['tls.record-truncated']);
    const d = events[0]!.kind === 'diagnostic' ? events[0]!.diagnostic : undefined;
    expect(d?.evidence).toEqual({ offset: A.length, have: 12, need: 25 });
  });
});
