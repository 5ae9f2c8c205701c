/**
 * ndjson: one record per line, written as soon as it is complete, so `tcpdump -U -w - | h2scope --format
 * ndjson -` feeds jq in real time and memory stays flat. Each line is `{"type": KIND, KIND: {...}}` so the
 * record objects are exactly those of the json document (a frame's own `type` field stays "DATA", ...).
 * Engine snapshots of connections still open (--snapshot-interval) are `connection` lines whose record has
 * `"open": true`; the connection's final line, without it, comes when it ends.
 * `write` receives each line in pieces (their concatenation is the output); ndjsonLines() gives whole lines.
 */
import type { RecordSink } from '../engine/engine.js';
import { jsonText } from './json-text.js';
import { callHoldsLazyHex, writeJson, type JsonOut } from './json-value.js';

/**
 * `writeHex`, when given, receives the bytes of long schema-less bytes fields to write as hex digits
 * (OutputStream.writeHex); without it their hex is a string given to `write` like the rest. `jsonLine`,
 * when given, writes a whole line from its head's bytes and the record (OutputStream.jsonLine,
 * raw-line.ts: the record's JSON written straight into bytes, schema-less messages and payload hex from
 * their bytes), the same bytes as the writes it replaces.
 */
export function ndjsonSink(
  write: (text: string) => void,
  writeHex: (bytes: Uint8Array) => void = (bytes) =>
    write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')),
  jsonLine?: JsonLineWrite,
): RecordSink {
  const out: JsonOut = { text: write, hex: writeHex };
  // The same bytes as JSON.stringify({ type, [type]: value }), without building a wrapper per record.
  const head = (type: string): Head => {
    const text = `{"type":"${type}","${type}":`;
    return { text, bytes: Buffer.from(text, 'latin1') };
  };
  const connection = head('connection');
  const frame = head('frame');
  const call = head('call');
  const diagnostic = head('diagnostic');
  const capture = head('capture');
  // Three writes, not one concatenation: the writer encodes each string straight into its buffer, and a
  // concatenated line would be flattened (copied) first.
  const line =
    jsonLine === undefined
      ? (head: Head, value: unknown): void => {
          write(head.text);
          write(jsonText(value));
          write('}\n');
        }
      : (head: Head, value: unknown): void => jsonLine(head.bytes, value);
  return {
    connection: (rec) => line(connection, rec),
    frame: (rec) => line(frame, rec),
    call: (rec) => {
      if (jsonLine !== undefined || !callHoldsLazyHex(rec)) return line(call, rec);
      write(call.text);
      writeJson(rec, out);
      write('}\n');
    },
    diagnostic: (d) => line(diagnostic, d),
    capture: (rec) => line(capture, rec),
    // A snapshot of an open connection is a `connection` line too: its record says `"open": true`.
    connectionUpdate: (rec) => line(connection, rec),
  };
}

/** Writes an ndjson line, `head` + the value's JSON + `}\n`, as bytes (OutputStream.jsonLine, raw-line.ts). */
export type JsonLineWrite = (head: Uint8Array, value: unknown) => void;

/** A line's start, `{"type":KIND,"KIND":`, as text and as bytes. */
interface Head {
  text: string;
  bytes: Uint8Array;
}

/** A writer for ndjsonSink that hands whole lines (without the newline) to `onLine`. */
export function ndjsonLines(onLine: (line: string) => void): (text: string) => void {
  let pending = '';
  return (text) => {
    if (!text.endsWith('\n')) {
      pending += text;
      return;
    }
    onLine(pending + text.slice(0, -1));
    pending = '';
  };
}
