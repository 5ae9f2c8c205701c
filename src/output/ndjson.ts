/**
 * ndjson: one record per line, written as soon as it is complete, so `tcpdump -U -w - | h2scope --format
 * ndjson -` feeds jq in real time and memory stays flat. Each line is `{"type": KIND, KIND: {...}}` so the
 * record objects are exactly those of the json document (a frame's own `type` field stays "DATA", ...).
 */
import type { RecordSink } from '../engine/engine.js';

export function ndjsonSink(write: (line: string) => void): RecordSink {
  const line = (type: string, value: unknown): void => write(JSON.stringify({ type, [type]: value }) + '\n');
  return {
    connection: (rec) => line('connection', rec),
    frame: (rec) => line('frame', rec),
    call: (rec) => line('call', rec),
    diagnostic: (d) => line('diagnostic', d),
    capture: (rec) => line('capture', rec),
  };
}
