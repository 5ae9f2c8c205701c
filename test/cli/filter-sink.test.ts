import { describe, expect, it } from 'vitest';
import { FilterSink } from '../../src/cli/filter-sink.js';
import type { RecordSink } from '../../src/engine/engine.js';
import { parseFilter } from '../../src/filter/index.js';
import { decodeFile } from '../helpers/decode.js';

const doc = await decodeFile('samples/grpc-conn-per-call.pcap');

/** Feeds the decoded records in engine order: per connection its frames, calls, then the record. */
function run(filter: string): { log: string[]; matched: string[] } {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(parsed.error);
  const log: string[] = [];
  const inner: RecordSink = {
    frame: (f) => log.push(`frame ${f.connection}#${f.index}`),
    call: (c) => log.push(`call ${c.connection}/${c.stream}`),
    connection: (c) => log.push(`connection ${c.id}`),
    diagnostic: (d) => log.push(`diagnostic ${d.code}`),
    capture: () => log.push('capture'),
  };
  const sink = new FilterSink(inner, parsed.expr);
  for (const conn of doc.connections) {
    for (const f of conn.frames) sink.frame(f, { kind: 'frame', frame: f });
    for (const c of conn.calls) sink.call(c);
    sink.connection(conn);
  }
  sink.diagnostic({ severity: 'warning', code: 'test.connection', connection: 'c2', message: '' });
  sink.diagnostic({ severity: 'info', code: 'test.capture', message: '' });
  sink.capture(doc.capture!);
  return { log, matched: [...sink.matched] };
}

describe('FilterSink', () => {
  it('passes matching calls and the connections they belong to', () => {
    expect(run('grpc.method ~ "Echo" && conn.id == c4')).toEqual({
      log: ['call c4/1', 'connection c4', 'capture'],
      matched: ['c4'],
    });
  });

  it('holds records until the connection record when conn.* is read, then keeps their order', () => {
    const c2 = doc.connections[1]!;
    const port = c2.client.split(':')[1];
    const headers = c2.frames.filter((f) => f.type === 'HEADERS').map((f) => `frame c2#${f.index}`);
    expect(headers.length).toBe(3); // request, response headers, trailers
    const { log, matched } = run(
      `conn.client.port == ${port} && (http2.type == HEADERS || grpc.status == 0)`,
    );
    expect(log).toEqual([...headers, 'call c2/1', 'connection c2', 'capture']);
    expect(matched).toEqual(['c2']);
  });

  it('matches a connection on its own fields, and diagnostics on diag.*', () => {
    // conn.* belongs to every record of the connection: its frames and calls pass too.
    const c10 = doc.connections[9]!;
    expect(run('conn.id == c10').log).toEqual([
      ...c10.frames.map((f) => `frame c10#${f.index}`),
      'call c10/1',
      'connection c10',
      'capture',
    ]);
    expect(run('diag.code == "test.connection"')).toEqual({
      log: ['diagnostic test.connection', 'capture'],
      matched: ['c2'],
    });
    // A diagnostic arriving after its connection ended is judged with that connection's fields.
    const port = doc.connections[1]!.client.split(':')[1];
    expect(run(`diag.severity == warning && conn.client.port == ${port}`).log).toEqual([
      'diagnostic test.connection',
      'capture',
    ]);
  });
});
