import { describe, expect, it } from 'vitest';
import { parseGrpcTimeout } from '../../src/grpc/timeout.js';

// TimeoutValue: at most 8 digits; TimeoutUnit: H M S m u n (PROTOCOL-HTTP2.md "Requests").
describe('parseGrpcTimeout', () => {
  it.each([
    ['1S', 1000], // the spec's own example: "grpc-timeout = 1S"
    ['2H', 7_200_000],
    ['3M', 180_000],
    ['250m', 250],
    ['1500u', 1.5],
    ['1000000n', 1],
    ['99999999S', 99_999_999_000], // 8 digits is the maximum
    ['0m', 0],
    [' 5S ', 5000],
  ])('%s is %d ms', (value, ms) => {
    expect(parseGrpcTimeout(value)).toEqual({ ms, reason: null });
  });

  it.each([
    ['', 'empty value'],
    ['100', 'missing unit (H, M, S, m, u or n)'],
    ['10s', "unknown unit 's' (expected H, M, S, m, u or n)"],
    ['10x', "unknown unit 'x' (expected H, M, S, m, u or n)"],
    ['S', 'value is not a decimal integer'],
    ['-1S', 'value is not a decimal integer'],
    ['1.5S', 'value is not a decimal integer'],
    ['123456789m', 'value has 9 digits (at most 8 allowed)'],
  ])('%j is invalid: %s', (value, reason) => {
    expect(parseGrpcTimeout(value)).toEqual({ ms: null, reason });
  });
});
