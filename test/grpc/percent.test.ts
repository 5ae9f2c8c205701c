import { describe, expect, it } from 'vitest';
import { decodeGrpcMessage } from '../../src/grpc/percent.js';

// Status-Message: UTF-8, then percent-encoded (PROTOCOL-HTTP2.md "Responses", RFC 3986 §2.1).
describe('decodeGrpcMessage', () => {
  it('keeps unencoded printable ASCII', () => {
    expect(decodeGrpcMessage('deadline exceeded')).toBe('deadline exceeded');
  });

  it('decodes %-escapes to UTF-8, in either hex case', () => {
    // "Grüße %" as grpc-go's encodeGrpcMessage writes it: ü = c3 bc, ß = c3 9f, % = 25
    expect(decodeGrpcMessage('Gr%C3%BC%c3%9Fe %25')).toBe('Grüße %');
    expect(decodeGrpcMessage('line1%0Aline2')).toBe('line1\nline2');
  });

  it('leaves invalid escapes as written', () => {
    expect(decodeGrpcMessage('100% sure')).toBe('100% sure');
    expect(decodeGrpcMessage('%zz%4')).toBe('%zz%4');
    expect(decodeGrpcMessage('%')).toBe('%');
  });

  it('replaces bytes that are not UTF-8 after decoding with U+FFFD', () => {
    expect(decodeGrpcMessage('bad %FF byte')).toBe('bad \uFFFD byte');
  });

  it('takes raw header bytes', () => {
    expect(decodeGrpcMessage(Buffer.from('a%20b'))).toBe('a b');
  });
});
