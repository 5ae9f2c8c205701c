import { describe, expect, it } from 'vitest';
import {
  CONNECTION_PREFACE,
  ErrorCode,
  FrameType,
  definedFlagBits,
  errorCodeName,
  flagNames,
  frameTypeName,
  settingName,
} from '../../src/h2/constants.js';
import { FRAME_TYPE_BY_NAME } from '../../src/h2/frame-type-names.js';

describe('h2 constants', () => {
  it('names frame types as RFC 9113 §6 and the extension RFCs do, unknown ones as UNKNOWN_0xNN', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(frameTypeName)).toEqual([
      'DATA',
      'HEADERS',
      'PRIORITY',
      'RST_STREAM',
      'SETTINGS',
      'PUSH_PROMISE',
      'PING',
      'GOAWAY',
      'WINDOW_UPDATE',
      'CONTINUATION',
    ]);
    expect([0xa, 0xc, 0x10].map(frameTypeName)).toEqual(['ALTSVC', 'ORIGIN', 'PRIORITY_UPDATE']);
    expect([0xb, 0xfa, 0x0f].map(frameTypeName)).toEqual(['UNKNOWN_0x0b', 'UNKNOWN_0xfa', 'UNKNOWN_0x0f']);
    expect(FRAME_TYPE_BY_NAME.get('PRIORITY_UPDATE')).toBe(0x10);
  });

  it('names error codes (RFC 9113 §7) and settings (§6.5.2, RFC 8441, RFC 9218)', () => {
    expect(errorCodeName(ErrorCode.ENHANCE_YOUR_CALM)).toBe('ENHANCE_YOUR_CALM');
    expect(errorCodeName(0xd)).toBe('HTTP_1_1_REQUIRED');
    expect([errorCodeName(0xe), errorCodeName(0x1234)]).toEqual(['UNKNOWN_0x0e', 'UNKNOWN_0x1234']);
    expect([1, 2, 3, 4, 5, 6, 8, 9].map(settingName)).toEqual([
      'HEADER_TABLE_SIZE',
      'ENABLE_PUSH',
      'MAX_CONCURRENT_STREAMS',
      'INITIAL_WINDOW_SIZE',
      'MAX_FRAME_SIZE',
      'MAX_HEADER_LIST_SIZE',
      'ENABLE_CONNECT_PROTOCOL',
      'NO_RFC7540_PRIORITIES',
    ]);
    expect([settingName(7), settingName(0xff)]).toEqual(['UNKNOWN_0x0007', 'UNKNOWN_0x00ff']);
  });

  it('reads flags per type: 0x1 is END_STREAM on DATA/HEADERS and ACK on SETTINGS/PING', () => {
    expect(flagNames(FrameType.HEADERS, 0x2d)).toEqual(['END_STREAM', 'END_HEADERS', 'PADDED', 'PRIORITY']);
    expect(flagNames(FrameType.PING, 0x1)).toEqual(['ACK']);
    expect(flagNames(FrameType.PUSH_PROMISE, 0xff)).toEqual(['END_HEADERS', 'PADDED']);
    expect(flagNames(FrameType.GOAWAY, 0xff)).toEqual([]);
    expect(definedFlagBits(FrameType.DATA)).toBe(0x09);
  });

  it('has the 24-octet client preface of RFC 9113 §3.4', () => {
    expect(Buffer.from(CONNECTION_PREFACE).toString('hex')).toBe(
      '505249202a20485454502f322e300d0a0d0a534d0d0a0d0a',
    );
  });
});
