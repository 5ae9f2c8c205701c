import { isUtf8 } from 'node:buffer';
import type { HeaderField } from './types.js';

/** Printable ASCII reads the same in latin1 and UTF-8; anything else takes the byte route. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Text for header bytes: UTF-8 when valid (RFC 9110 §5.5 allows obs-text), else latin1, one char per byte. */
export function headerText(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

/**
 * From hpack.js's latin1 strings (one char per octet). The raw values of a block share one allocation;
 * printable ASCII, the common case, is kept as is.
 */
export function fieldsFromLatin1(list: ReadonlyArray<{ name: string; value: string }>): HeaderField[] {
  const total = list.reduce((n, h) => n + h.value.length, 0);
  const bytes = Buffer.allocUnsafe(total);
  let at = 0;
  return list.map(({ name, value }) => {
    const raw = bytes.subarray(at, at + bytes.write(value, at, 'latin1'));
    at += raw.length;
    return {
      name: PRINTABLE_ASCII.test(name) ? name : headerText(Buffer.from(name, 'latin1')),
      value: PRINTABLE_ASCII.test(value) ? value : headerText(raw),
      raw,
    };
  });
}

export function fieldFromBytes(name: Buffer, value: Buffer): HeaderField {
  return { name: headerText(name), value: headerText(value), raw: value };
}
