/**
 * Builders for hand-made TLS structures, following the presentation language of RFC 8446 §3
 * (big-endian integers, vectors prefixed by their byte length).
 */
export function u8(n: number): Buffer {
  return Buffer.from([n]);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function u24(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntBE(n, 0, 3);
  return b;
}

export function vec8(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u8(body.length), body]);
}

export function vec16(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u16(body.length), body]);
}

/** RFC 8446 §5.1 TLSPlaintext: type, legacy_record_version, length, fragment. */
export function record(type: number, fragment: Buffer, version = 0x0303): Buffer {
  return Buffer.concat([u8(type), u16(version), u16(fragment.length), fragment]);
}

/** RFC 8446 §4 Handshake: msg_type, uint24 length, body. */
export function handshake(msgType: number, body: Buffer): Buffer {
  return Buffer.concat([u8(msgType), u24(body.length), body]);
}

/** RFC 8446 §4.2 Extension: type, opaque extension_data<0..2^16-1>. */
export function ext(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), vec16(data)]);
}

/** RFC 6066 §3 server_name with one host_name entry. */
export function sniExt(host: string): Buffer {
  return ext(0, vec16(u8(0), vec16(Buffer.from(host, 'latin1'))));
}

/** RFC 7301 §3.1 ALPN ProtocolNameList. */
export function alpnExt(...names: string[]): Buffer {
  return ext(16, vec16(...names.map((n) => vec8(Buffer.from(n, 'latin1')))));
}

export interface ClientHelloSpec {
  version?: number;
  random?: Buffer;
  sessionId?: Buffer;
  suites?: number[];
  compression?: number[];
  /** Encoded extensions; undefined = no extensions block at all (allowed in TLS 1.2). */
  extensions?: Buffer[];
}

/** RFC 8446 §4.1.2 ClientHello body. */
export function clientHelloBody(spec: ClientHelloSpec = {}): Buffer {
  const parts = [
    u16(spec.version ?? 0x0303),
    spec.random ?? Buffer.alloc(32, 0x11),
    vec8(spec.sessionId ?? Buffer.alloc(0)),
    vec16(...(spec.suites ?? [0x1301]).map(u16)),
    vec8(Buffer.from(spec.compression ?? [0])),
  ];
  if (spec.extensions !== undefined) parts.push(vec16(...spec.extensions));
  return Buffer.concat(parts);
}

export interface ServerHelloSpec {
  version?: number;
  random?: Buffer;
  sessionId?: Buffer;
  suite?: number;
  extensions?: Buffer[];
}

/** RFC 8446 §4.1.3 ServerHello body. */
export function serverHelloBody(spec: ServerHelloSpec = {}): Buffer {
  const parts = [
    u16(spec.version ?? 0x0303),
    spec.random ?? Buffer.alloc(32, 0x22),
    vec8(spec.sessionId ?? Buffer.alloc(0)),
    u16(spec.suite ?? 0x1301),
    u8(0),
  ];
  if (spec.extensions !== undefined) parts.push(vec16(...spec.extensions));
  return Buffer.concat(parts);
}
