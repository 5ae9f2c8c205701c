import { ByteCursor } from './byte-cursor.js';
import { extensionName } from './constants.js';

/** One extension as carried (RFC 8446 §4.2): type and raw extension_data. */
export interface TlsExtension {
  type: number;
  name: string;
  data: Buffer;
}

/** Result of an extension decoder: the value, or why the bytes are not that extension. */
export type ExtensionValue<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * `Extension extensions<..2^16-1>` (RFC 8446 §4.1.2). Returns undefined when the block overruns; the
 * types seen twice are returned so the caller can flag them (RFC 8446 §4.2: at most one of each type).
 */
export function readExtensionBlock(
  cur: ByteCursor,
): { extensions: TlsExtension[]; duplicates: number[] } | undefined {
  const block = cur.vector(2);
  if (!cur.ok) return undefined;
  const extensions: TlsExtension[] = [];
  const seen = new Set<number>();
  const duplicates: number[] = [];
  while (!block.atEnd) {
    const type = block.u16();
    const data = block.vector(2).rest();
    if (!block.ok) return undefined;
    if (seen.has(type)) duplicates.push(type);
    seen.add(type);
    extensions.push({ type, name: extensionName(type), data });
  }
  return { extensions, duplicates };
}

/** Runs `read` over the whole of `data`; any overrun or leftover byte makes it malformed. */
function decodeWhole<T>(
  data: Buffer,
  read: (cur: ByteCursor, fail: (reason: string) => void) => T,
): ExtensionValue<T> {
  const cur = new ByteCursor(data);
  let problem: string | undefined;
  const value = read(cur, (reason) => {
    problem ??= reason;
  });
  if (problem !== undefined) return { ok: false, reason: problem };
  if (!cur.ok) return { ok: false, reason: 'length fields overrun the extension' };
  if (!cur.atEnd) return { ok: false, reason: `${cur.remaining} bytes left over` };
  return { ok: true, value };
}

function readU16List(cur: ByteCursor, lengthBytes: 1 | 2, fail: (reason: string) => void): number[] {
  const list = cur.vector(lengthBytes);
  if (list.remaining % 2 !== 0) fail('odd list length');
  const out: number[] = [];
  while (!list.atEnd) out.push(list.u16());
  return out;
}

/** RFC 6066 §3 ServerNameList: the first host_name entry. */
export function decodeServerName(data: Buffer): ExtensionValue<string> {
  return decodeWhole(data, (cur, fail) => {
    const list = cur.vector(2);
    let host: string | undefined;
    while (!list.atEnd && list.ok) {
      const nameType = list.u8();
      const name = list.vector(2).rest();
      if (nameType === 0 && host === undefined) host = name.toString('latin1');
    }
    if (!list.ok) fail('server name entry overruns the list');
    if (host === undefined) fail('no host_name entry');
    return host ?? '';
  });
}

/** RFC 7301 §3.1 ProtocolNameList: non-empty names (kept byte for byte as latin1). */
export function decodeAlpn(data: Buffer): ExtensionValue<string[]> {
  return decodeWhole(data, (cur, fail) => {
    const list = cur.vector(2);
    const names: string[] = [];
    while (!list.atEnd && list.ok) {
      const name = list.vector(1).rest();
      if (name.length === 0) fail('empty protocol name');
      names.push(name.toString('latin1'));
    }
    if (!list.ok) fail('protocol name overruns the list');
    if (names.length === 0) fail('empty protocol list');
    return names;
  });
}

/** RFC 8446 §4.2.1, ClientHello form: `ProtocolVersion versions<2..254>`. */
export function decodeSupportedVersionsList(data: Buffer): ExtensionValue<number[]> {
  return decodeWhole(data, (cur, fail) => readU16List(cur, 1, fail));
}

/** RFC 8446 §4.2.1, ServerHello form: `ProtocolVersion selected_version`. */
export function decodeSelectedVersion(data: Buffer): ExtensionValue<number> {
  return decodeWhole(data, (cur) => cur.u16());
}

/** supported_groups (RFC 8446 §4.2.7) and signature_algorithms (§4.2.3): `uint16 list<2..2^16-2>`. */
export function decodeU16Vector(data: Buffer): ExtensionValue<number[]> {
  return decodeWhole(data, (cur, fail) => readU16List(cur, 2, fail));
}

/** RFC 8446 §4.2.9 `PskKeyExchangeMode ke_modes<1..255>`. */
export function decodePskModes(data: Buffer): ExtensionValue<number[]> {
  return decodeWhole(data, (cur) => [...cur.vector(1).rest()]);
}

/** RFC 8446 §4.2.8 KeyShareClientHello: the groups of `client_shares` (key bytes are not kept). */
export function decodeClientKeyShares(data: Buffer): ExtensionValue<number[]> {
  return decodeWhole(data, (cur, fail) => {
    const list = cur.vector(2);
    const groups: number[] = [];
    while (!list.atEnd && list.ok) {
      groups.push(list.u16());
      list.vector(2);
    }
    if (!list.ok) fail('key share entry overruns the list');
    return groups;
  });
}

/** RFC 8446 §4.2.8 KeyShareServerHello (`server_share`), or in a HelloRetryRequest `selected_group`. */
export function decodeServerKeyShare(data: Buffer, helloRetryRequest: boolean): ExtensionValue<number> {
  return decodeWhole(data, (cur) => {
    const group = cur.u16();
    if (!helloRetryRequest) cur.vector(2);
    return group;
  });
}

/** RFC 8446 §4.2.11 ServerHello form: `uint16 selected_identity`. */
export function decodeSelectedIdentity(data: Buffer): ExtensionValue<number> {
  return decodeWhole(data, (cur) => cur.u16());
}
