import { describe, expect, it } from 'vitest';
import {
  GrpcStatus,
  grpcStatusName,
  httpStatusToGrpcStatus,
  parseGrpcStatus,
  rstStreamToGrpcStatus,
} from '../../src/grpc/status.js';

describe('grpc status codes', () => {
  it('names the canonical codes 0..16 (doc/statuscodes.md)', () => {
    expect(grpcStatusName(0)).toBe('OK');
    expect(grpcStatusName(4)).toBe('DEADLINE_EXCEEDED');
    expect(grpcStatusName(14)).toBe('UNAVAILABLE');
    expect(grpcStatusName(16)).toBe('UNAUTHENTICATED');
    expect(grpcStatusName(17)).toBe('CODE_17');
    expect(GrpcStatus.RESOURCE_EXHAUSTED).toBe(8);
  });

  it('parses grpc-status digits only', () => {
    expect(parseGrpcStatus('0')).toBe(0);
    expect(parseGrpcStatus('14')).toBe(14);
    expect(parseGrpcStatus('007')).toBe(7); // leading zeros are not allowed by the spec, accepted anyway
    expect(parseGrpcStatus('')).toBeNull();
    expect(parseGrpcStatus('OK')).toBeNull();
    expect(parseGrpcStatus('-1')).toBeNull();
  });

  it('maps HTTP status to gRPC code as in doc/http-grpc-status-mapping.md', () => {
    const table: Array<[number, number]> = [
      [400, 13],
      [401, 16],
      [403, 7],
      [404, 12],
      [429, 14],
      [431, 13],
      [502, 14],
      [503, 14],
      [504, 14],
      [200, 2], // "200 is UNKNOWN because there should be a grpc-status"
      [500, 2],
      [418, 2],
    ];
    for (const [http, grpc] of table) expect([http, httpStatusToGrpcStatus(http)]).toEqual([http, grpc]);
  });

  it('maps RST_STREAM codes as in PROTOCOL-HTTP2.md "Errors"', () => {
    expect(rstStreamToGrpcStatus('NO_ERROR', 'server')).toBe(13);
    expect(rstStreamToGrpcStatus('PROTOCOL_ERROR', 'server')).toBe(13);
    expect(rstStreamToGrpcStatus('REFUSED_STREAM', 'server')).toBe(14);
    expect(rstStreamToGrpcStatus('CANCEL', 'client')).toBe(1);
    expect(rstStreamToGrpcStatus('ENHANCE_YOUR_CALM', 'server')).toBe(8);
    expect(rstStreamToGrpcStatus('INADEQUATE_SECURITY', 'server')).toBe(7);
    expect(rstStreamToGrpcStatus('STREAM_CLOSED', 'server')).toBeNull();
  });
});
