/**
 * Issue 14 item 3: buffers the input controls are capped. An endless CONTINUATION sequence (on a live pipe
 * it grew to 7 GB in 40 s) is held only up to the header block limit; the rest is counted and dropped.
 */
import { describe, expect, it } from 'vitest';
import { GrpcCallTracker } from '../../src/grpc/call-tracker.js';
import { FlowTable } from '../../src/tcp/flow-table.js';
import { Wire } from '../tcp/builder.js';
import { H2ConnectionDecoder } from '../../src/h2/connection-decoder.js';
import type { H2Event } from '../../src/h2/types.js';
import { encoder, frame } from '../h2/frame-bytes.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { unaryCalls } from './h2-calls.js';
import { tcpCapture } from './tcp-capture.js';

const diagnostics = (events: H2Event[]) =>
  events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));

describe('an endless CONTINUATION sequence', () => {
  it('is kept up to the block limit, then counted; the block is not decoded and HPACK state is lost', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c', maxHeaderBlockBytes: 64 * 1024 });
    const headers = encoder()([
      [':method', 'GET'],
      [':path', '/'],
      [':scheme', 'http'],
      [':authority', 'x'],
    ]);
    const events: H2Event[] = dec.push('client', frame(0x1, 0x0, 1, headers), 1, 1);
    const piece = Buffer.alloc(16_000, 0x82); // indexed :method GET, over and over
    for (let i = 0; i < 100; i++) events.push(...dec.push('client', frame(0x9, 0x0, 1, piece), 1, 2 + i));
    events.push(...dec.push('client', frame(0x9, 0x4, 1, piece), 1, 200));
    const codes = diagnostics(events).map((d) => d.code);
    expect(codes).toEqual(['h2.header-block-too-large', 'h2.hpack-lost']);
    expect(diagnostics(events)[0]!.evidence).toMatchObject({ blockStream: 1, limit: 64 * 1024 });
    const last = events.at(-2)!; // the END_HEADERS frame, then h2.hpack-lost
    expect(last.kind === 'frame' && last.frame.headerBlockLength).toBe(headers.length + 101 * 16_000);
    expect(last.kind === 'frame' && last.frame.headersError).toMatch(
      /above the 65536-byte limit: not decoded/,
    );
    expect(last.kind === 'frame' && last.frame.headers).toBeUndefined();
  });

  it('a block in many 1-octet CONTINUATIONs decodes as the same block in one frame', () => {
    const headers = encoder()([
      [':method', 'POST'],
      [':path', '/pkg.Service/Method'],
      [':scheme', 'http'],
      [':authority', 'example.test'],
      ['x-long', 'v'.repeat(3000)],
    ]);
    const whole = new H2ConnectionDecoder({ connection: 'c' }).push(
      'client',
      frame(0x1, 0x4, 1, headers),
      1,
      1,
    );
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const events: H2Event[] = dec.push('client', frame(0x1, 0x0, 1, headers.subarray(0, 1)), 1, 1);
    for (let i = 1; i < headers.length; i++) {
      const flags = i === headers.length - 1 ? 0x4 : 0x0;
      events.push(...dec.push('client', frame(0x9, flags, 1, headers.subarray(i, i + 1)), 1, 1 + i));
    }
    const fields = (evs: H2Event[]) => evs.flatMap((e) => (e.kind === 'frame' && e.fields ? [e.fields] : []));
    expect(diagnostics(events)).toEqual([]);
    expect(fields(events)).toEqual(fields(whole));
    const pairs = fields(events)[0]!.map((f) => [f.name, f.value]);
    expect(pairs).toContainEqual(['x-long', 'v'.repeat(3000)]);
  });

  it('in a capture: every report names it, and the calls after it are still found', async () => {
    const flood = Buffer.concat([
      frame(0x1, 0x0, 101, Buffer.from([0x82])),
      ...Array.from({ length: 80 }, () => frame(0x9, 0x0, 101, Buffer.alloc(16_000, 0x82))),
      frame(0x9, 0x4, 101, Buffer.from([0x82])),
    ]);
    const sends = unaryCalls(1);
    const capture = tcpCapture([...sends, { from: 'client', data: flood }]);
    const r = await runCliCaptured(['-', '--format', 'ndjson'], { stdin: capture });
    expect(r.stdout).toContain('"h2.header-block-too-large"');
    expect(r.stdout).toContain('"method":"/helloworld.Greeter/SayHello"');
  });
});

describe('per-connection tables', () => {
  it('calls opened and never ended: at most maxOpenCalls open, the oldest ended as incomplete', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const tracker = new GrpcCallTracker({ connection: 'c', maxOpenCalls: 3 });
    const enc = encoder();
    const request: Array<[string, string]> = [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', '/open.Svc/Forever'],
      [':authority', 'x'],
      ['content-type', 'application/grpc'],
    ];
    const out = [];
    for (let i = 0; i < 6; i++) {
      for (const ev of dec.push('client', frame(0x1, 0x4, 1 + 2 * i, enc(request)), 1 + i, i))
        out.push(...tracker.push(ev));
    }
    const calls = out.flatMap((e) => (e.kind === 'call' ? [e.call] : []));
    const notes = out.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));
    expect(calls.map((c) => [c.stream, c.outcome])).toEqual([
      [1, 'incomplete'],
      [3, 'incomplete'],
      [5, 'incomplete'],
    ]);
    expect(notes).toEqual(['grpc.open-calls-capped']);
    expect(tracker.finish(10).filter((e) => e.kind === 'call')).toHaveLength(3);
  });
});

describe('the TCP flow table', () => {
  it('a SYN flood: at most maxLiveConnections live, the oldest ended, one diagnostic', () => {
    const table = new FlowTable({ maxLiveConnections: 4 });
    const events = [];
    for (let port = 40000; port < 40010; port++) {
      const wire = new Wire({ ip: '10.0.0.9', port }, { ip: '10.0.0.2', port: 443 });
      events.push(...table.push(wire.c2s({ seq: 1, flags: 'S' })));
    }
    const ends = events.filter((e) => e.kind === 'end');
    expect(ends).toHaveLength(6);
    expect(ends.every((e) => e.kind === 'end' && e.reason === 'idle-evicted')).toBe(true);
    const notes = events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));
    expect(notes).toEqual(['tcp.connections-capped']);
    expect(table.finish().filter((e) => e.kind === 'end')).toHaveLength(4);
  });
});
