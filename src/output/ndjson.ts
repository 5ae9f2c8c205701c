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
import { LazyRawMessage } from '../grpc/raw-message.js';
import type { CallMessageRecord, CallRecord, DecodedMessage } from '../records/call.js';

/**
 * `writeHex`, when given, receives the bytes of long schema-less bytes fields to write as hex digits
 * (OutputStream.writeHex); without it their hex is a string given to `write` like the rest. `jsonLine`,
 * when given, writes a whole line from its head's bytes and the record (OutputStream.jsonLine), the same
 * bytes as the three writes it replaces.
 */
export function ndjsonSink(
  write: (text: string) => void,
  writeHex: (bytes: Uint8Array) => void = (bytes) =>
    write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')),
  jsonLine?: (head: Uint8Array, value: unknown) => void,
  rawLine?: RawLineWrite,
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
      if (rawLine !== undefined) {
        const text = lazyRawText(rec);
        if (text !== null) return rawLine(call.bytes, text.text, text.messages);
      }
      if (!callHoldsLazyHex(rec)) return line(call, rec);
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

/**
 * Writes a call line, `head` + `text` + `}\n`, where each PLACEHOLDER of `text` (in order) is replaced by
 * the JSON of the next message's fields written from its bytes (OutputStream.rawLine, src/output/raw-json.ts).
 */
export type RawLineWrite = (head: Uint8Array, text: string, messages: readonly LazyRawMessage[]) => void;

/** What a message's `decoded` stands in the text of lazyRawText: a key and value no other JSON has there. */
export const PLACEHOLDER = '"decoded":0';

/**
 * JSON.stringify of the call record with the `decoded` of each schema-less message whose fields are not
 * built (LazyRawMessage) written as PLACEHOLDER, and those messages in the text's order; null when the
 * record has none, or when its text holds PLACEHOLDER elsewhere (a schema-decoded value's own "decoded"
 * key with the value 0): then each placeholder could not be told from that text.
 */
export function lazyRawText(rec: CallRecord): { text: string; messages: LazyRawMessage[] } | null {
  const messages: LazyRawMessage[] = [];
  const requests = withPlaceholders(rec.requests, messages);
  const responses = withPlaceholders(rec.responses, messages);
  if (messages.length === 0) return null;
  const text = JSON.stringify({ ...rec, requests, responses });
  let count = 0;
  for (let at = text.indexOf(PLACEHOLDER); at >= 0; at = text.indexOf(PLACEHOLDER, at + 1)) count++;
  return count === messages.length ? { text, messages } : null;
}

function withPlaceholders(list: CallMessageRecord[], lazy: LazyRawMessage[]): CallMessageRecord[] {
  if (!list.some(isLazyRaw)) return list;
  return list.map((m) => {
    if (!isLazyRaw(m)) return m;
    lazy.push(m.decoded as LazyRawMessage);
    return { ...m, decoded: 0 as unknown as DecodedMessage };
  });
}

function isLazyRaw(m: CallMessageRecord): boolean {
  return m.decoded instanceof LazyRawMessage && m.decoded.bytes !== null;
}

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
