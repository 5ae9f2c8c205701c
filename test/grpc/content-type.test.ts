import { describe, expect, it } from 'vitest';
import { isGrpcContentType, parseContentType } from '../../src/grpc/content-type.js';

describe('parseContentType', () => {
  it.each([
    ['application/grpc', 'grpc', null, 'proto'],
    ['application/grpc+proto', 'grpc', 'proto', 'proto'],
    ['application/grpc+json', 'grpc', 'json', 'json'],
    ['application/grpc+thrift', 'grpc', 'thrift', 'other'],
    ['Application/GRPC; charset=utf-8', 'grpc', null, 'proto'],
    ['application/grpc-web', 'grpc-web', null, 'proto'],
    ['application/grpc-web+proto', 'grpc-web', 'proto', 'proto'],
    ['application/grpc-web+json', 'grpc-web', 'json', 'json'],
    ['application/grpc-web-text', 'grpc-web-text', null, 'proto'],
    ['application/grpc-web-text+proto', 'grpc-web-text', 'proto', 'proto'],
  ])('%s', (value, family, subtype, format) => {
    expect(parseContentType(value)).toMatchObject({ family, subtype, format });
  });

  it('rejects what only looks like gRPC', () => {
    for (const v of [
      'application/json',
      'application/grpcx',
      'application/grpc-webby',
      'text/grpc',
      '',
      undefined,
    ]) {
      expect(parseContentType(v).family).toBeNull();
      expect(isGrpcContentType(v)).toBe(false);
    }
    expect(parseContentType('application/json; charset=utf-8').mediaType).toBe('application/json');
  });
});

describe('parseContentType: common values', () => {
  it('parses them as any other spelling, into shared results nobody can change', () => {
    const common = parseContentType('application/grpc+json');
    expect(common).toEqual(parseContentType('Application/GRPC+json; charset=utf-8'));
    expect(common).toEqual({
      family: 'grpc',
      subtype: 'json',
      format: 'json',
      mediaType: 'application/grpc+json',
    });
    expect(parseContentType('application/grpc')).toBe(parseContentType('application/grpc'));
    expect(Object.isFrozen(parseContentType('application/grpc-web-text'))).toBe(true);
  });
});
