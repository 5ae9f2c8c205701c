/**
 * ndjson: one record per line, written as soon as it is complete, so `tcpdump -U -w - | h2scope --format
 * ndjson -` feeds jq in real time and memory stays flat. Each line is `{"type": KIND, KIND: {...}}` so the
 * record objects are exactly those of the json document (a frame's own `type` field stays "DATA", ...).
 */
import type { RecordSink } from '../engine/engine.js';

export function ndjsonSink(write: (line: string) => void): RecordSink {
  // The same bytes as JSON.stringify({ type, [type]: value }), without building a wrapper per record.
  const head = (type: string): string => `{"type":"${type}","${type}":`;
  const [connection, frame, call, diagnostic, capture] = [
    'connection',
    'frame',
    'call',
    'diagnostic',
    'capture',
  ].map(head) as [string, string, string, string, string];
  return {
    connection: (rec) => write(connection + JSON.stringify(rec) + '}\n'),
    frame: (rec) => write(frame + JSON.stringify(rec) + '}\n'),
    call: (rec) => write(call + JSON.stringify(rec) + '}\n'),
    diagnostic: (d) => write(diagnostic + JSON.stringify(d) + '}\n'),
    capture: (rec) => write(capture + JSON.stringify(rec) + '}\n'),
  };
}
