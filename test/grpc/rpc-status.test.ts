import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeRpcStatus, decodeStatusDetailsHeader } from '../../src/grpc/rpc-status.js';

// Hand-encoded protobuf (protobuf.dev encoding spec): tag byte = field << 3 | wire type.
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
const vfield = (field: number, n: number) => Buffer.concat([Buffer.from([field << 3]), varint(n)]);
const lfield = (field: number, b: Buffer | string) => {
  const body = typeof b === 'string' ? Buffer.from(b) : b;
  return Buffer.concat([Buffer.from([(field << 3) | 2]), varint(body.length), body]);
};
// google.protobuf.Any { type_url = 1; value = 2 }
const any = (typeUrl: string, value: Buffer) => Buffer.concat([lfield(1, typeUrl), lfield(2, value)]);
// google.rpc.Status { code = 1; message = 2; details = 3 }
const status = (code: number, message: string, details: Buffer[]) =>
  Buffer.concat([vfield(1, code), lfield(2, message), ...details.map((d) => lfield(3, d))]);

describe('decodeRpcStatus', () => {
  it('decodes code, message and an ErrorInfo detail', () => {
    // ErrorInfo { reason = 1; domain = 2; map<string,string> metadata = 3 } ; map entry { key = 1; value = 2 }
    const errorInfo = Buffer.concat([
      lfield(1, 'API_DISABLED'),
      lfield(2, 'googleapis.com'),
      lfield(3, Buffer.concat([lfield(1, 'service'), lfield(2, 'pubsub.googleapis.com')])),
    ]);
    const bytes = status(7, 'denied', [any('type.googleapis.com/google.rpc.ErrorInfo', errorInfo)]);
    expect(decodeRpcStatus(bytes)).toEqual({
      status: {
        code: 7,
        codeName: 'PERMISSION_DENIED',
        message: 'denied',
        details: [
          {
            typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo',
            type: 'google.rpc.ErrorInfo',
            value: {
              reason: 'API_DISABLED',
              domain: 'googleapis.com',
              metadata: { service: 'pubsub.googleapis.com' },
            },
          },
        ],
      },
      diagnostic: null,
    });
  });

  it('decodes RetryInfo with its Duration, BadRequest and LocalizedMessage', () => {
    // Duration { seconds = 1; nanos = 2 }: 1.5 s
    const retry = lfield(1, Buffer.concat([vfield(1, 1), vfield(2, 500_000_000)]));
    // BadRequest { repeated FieldViolation field_violations = 1 } ; FieldViolation { field = 1; description = 2 }
    const bad = lfield(1, Buffer.concat([lfield(1, 'name'), lfield(2, 'must not be empty')]));
    const loc = Buffer.concat([lfield(1, 'fr-CH'), lfield(2, 'Nom vide')]);
    const r = decodeRpcStatus(
      status(3, 'invalid', [
        any('type.googleapis.com/google.rpc.RetryInfo', retry),
        any('type.googleapis.com/google.rpc.BadRequest', bad),
        any('type.googleapis.com/google.rpc.LocalizedMessage', loc),
      ]),
    );
    expect(r.status?.details.map((d) => d.value)).toEqual([
      { retryDelay: '1.500s' }, // proto3 JSON: a Duration is a string
      { fieldViolations: [{ field: 'name', description: 'must not be empty' }] },
      { locale: 'fr-CH', message: 'Nom vide' },
    ]);
  });

  it('shows unknown Any types by type URL with a raw decode', () => {
    const r = decodeRpcStatus(status(2, 'x', [any('type.googleapis.com/acme.Custom', vfield(1, 42))]));
    expect(r.status?.details).toEqual([
      {
        typeUrl: 'type.googleapis.com/acme.Custom',
        type: null,
        value: null,
        raw: [{ field: 1, wire: 'varint', value: 42 }],
      },
    ]);
  });

  it('keeps hex when an unknown detail is not even protobuf', () => {
    const r = decodeRpcStatus(status(2, 'x', [any('acme.Weird', Buffer.from('0f', 'hex'))]));
    expect(r.status?.details[0]).toEqual({ typeUrl: 'acme.Weird', type: null, value: null, hex: '0f' });
  });

  it('falls back to raw when a known type does not decode', () => {
    // RetryInfo.retry_delay (field 1) with a length that overruns its bytes
    const r = decodeRpcStatus(
      status(2, 'x', [any('type.googleapis.com/google.rpc.RetryInfo', Buffer.from('0a05', 'hex'))]),
    );
    expect(r.status?.details[0]).toEqual({
      typeUrl: 'type.googleapis.com/google.rpc.RetryInfo',
      type: null,
      value: null,
      hex: '0a05',
    });
  });

  it('uses extra types given by the caller', () => {
    const root = protobuf.parse('syntax = "proto3"; package acme; message Custom { int32 n = 1; }').root;
    const r = decodeRpcStatus(status(2, 'x', [any('type.googleapis.com/acme.Custom', vfield(1, 42))]), {
      lookupType: (name) => root.lookupType(name),
    });
    expect(r.status?.details[0]).toEqual({
      typeUrl: 'type.googleapis.com/acme.Custom',
      type: 'acme.Custom',
      value: { n: 42 },
    });
  });

  it('reports bytes that are not a Status, with a raw decode', () => {
    // 08 01 = code 1, then 0f = field 1 with wire type 7, which does not exist
    const r = decodeRpcStatus(Buffer.from('08010f', 'hex'), { where: { connection: 'c1', stream: 3 } });
    expect(r.status).toBeNull();
    expect(r.raw).toEqual([{ field: 1, wire: 'varint', value: 1 }]);
    expect(r.diagnostic?.evidence).toEqual({ reason: 'invalid wire type 7 at offset 3' });
    expect(r.diagnostic?.code).toBe('grpc.bad-status-details');
    expect(r.diagnostic?.stream).toBe(3);
  });

  it('decodes an empty Status as OK', () => {
    expect(decodeRpcStatus(Buffer.alloc(0)).status).toEqual({
      code: 0,
      codeName: 'OK',
      message: '',
      details: [],
    });
  });
});

describe('decodeStatusDetailsHeader', () => {
  it('base64-decodes the header value first (unpadded, as gRPC emits it)', () => {
    const bytes = status(5, 'nope', []);
    const header = Buffer.from(bytes.toString('base64').replace(/=+$/, ''));
    expect(decodeStatusDetailsHeader(header).status).toEqual({
      code: 5,
      codeName: 'NOT_FOUND',
      message: 'nope',
      details: [],
    });
  });

  it('accepts true-binary (NUL-prefixed) values', () => {
    const header = Buffer.concat([Buffer.from([0]), status(14, 'down', [])]);
    expect(decodeStatusDetailsHeader(header).status?.codeName).toBe('UNAVAILABLE');
  });
});
