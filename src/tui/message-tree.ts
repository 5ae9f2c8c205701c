/**
 * A decoded gRPC message as indented lines: proto3 JSON (schema) as `field: value` with nested blocks,
 * schema-less fields like `protoc --decode_raw` (`1: 150`, `2 { ... }`), text bodies, hex previews.
 * Everything is escaped: strings come from the capture.
 */
import type { DecodedMessage } from '../records/records.js';
import type { RawField } from '../grpc/protobuf-raw.js';
import { safe } from './format.js';

/** Lines per message tree at most (a 1 MB message is a preview, not a dump). */
export const TREE_LINE_CAP = 400;

export function messageTree(d: DecodedMessage): string[] {
  const out: string[] = [];
  switch (d.kind) {
    case 'schema':
      out.push(`${d.type} {`);
      jsonLines(d.value, '  ', out);
      out.push('}');
      if (d.unknownFields?.length) out.push(`(unknown field numbers: ${d.unknownFields.join(', ')})`);
      break;
    case 'raw':
      rawLines(d.fields, '', out);
      if (d.fields.length === 0) out.push('(empty message)');
      break;
    case 'text':
      out.push(...d.text.split('\n').map(safe));
      break;
    case 'bytes':
      out.push(`not protobuf: ${safe(d.error)}`, d.hex + (d.truncated ? '…' : ''));
      break;
    case 'skipped':
      out.push(`not decoded: ${safe(d.reason)}`);
      break;
  }
  return out.length > TREE_LINE_CAP
    ? [...out.slice(0, TREE_LINE_CAP), `… ${out.length - TREE_LINE_CAP} more lines`]
    : out;
}

export function jsonLines(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => entry(`[${i}]`, v, indent, out));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) entry(safe(k), v, indent, out);
    return;
  }
  out.push(indent + scalar(value));
}

function entry(key: string, v: unknown, indent: string, out: string[]): void {
  if (v !== null && typeof v === 'object') {
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    out.push(`${indent}${key}: ${open}`);
    jsonLines(v, indent + '  ', out);
    out.push(indent + close);
  } else out.push(`${indent}${key}: ${scalar(v)}`);
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? quote(v) : String(v);
}

/** A capture string in double quotes, control characters escaped (not JSON: `\x1b` stays readable). */
export function quote(s: string): string {
  return `"${safe(s).replace(/"/g, '\\"')}"`;
}

export function rawLines(fields: readonly RawField[], indent: string, out: string[]): void {
  for (const f of fields) {
    switch (f.wire) {
      case 'varint':
        out.push(`${indent}${f.field}: ${f.value}`);
        break;
      case 'i32':
      case 'i64':
        out.push(`${indent}${f.field}: ${f.value.hex}  (${f.value.float})`);
        break;
      case 'sgroup':
        out.push(`${indent}${f.field} {`);
        rawLines(f.value, indent + '  ', out);
        out.push(`${indent}}`);
        break;
      case 'len':
        if (f.value.kind === 'message') {
          out.push(`${indent}${f.field} {`);
          rawLines(f.value.fields, indent + '  ', out);
          out.push(`${indent}}`);
        } else if (f.value.kind === 'string') out.push(`${indent}${f.field}: ${quote(f.value.text)}`);
        else out.push(`${indent}${f.field}: 0x${f.value.hex}`);
        break;
    }
  }
}
