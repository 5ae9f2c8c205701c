import { describe, expect, it } from 'vitest';
import { GrpcCallObserver, grpcObserverFactory } from '../../src/grpc/call-observer.js';
import type { ObserverOutput } from '../../src/engine/observer.js';
import type { CallRecord } from '../../src/records/call.js';
import type { ConnectionRecord } from '../../src/records/records.js';
import type { TcpConnectionInfo } from '../../src/tcp/types.js';
import { REQUEST, RESPONSE, data, headers, lpm } from './h2-events.js';

// HelloRequest { name = 1 } "world", hand-encoded (0a = field 1 LEN)
const HELLO_REQ = '0a05776f726c64';

function record(id: string, end: number, endReason: ConnectionRecord['endReason']): ConnectionRecord {
  return {
    id,
    client: '127.0.0.1:40000',
    server: '127.0.0.1:50051',
    clientRule: 'syn',
    protocol: 'h2c',
    start: 1,
    end,
    preface: true,
    h2Detection: 'preface',
    packets: { client: 1, server: 1 },
    bytes: { client: 1, server: 1 },
    endReason,
    frameCount: 2,
  };
}

const callsIn = (outs: ObserverOutput[]): CallRecord[] =>
  outs.flatMap((o) => (o.kind === 'call' ? [o.call] : []));

/** A call whose request went out and whose response never ended. */
function openCall(o: GrpcCallObserver): ObserverOutput[] {
  return [
    headers('client', 1, 1, REQUEST('/p.S/M')),
    data('client', 1, 1.5, lpm(HELLO_REQ), true),
    headers('server', 1, 2, RESPONSE),
  ].flatMap((e) => o.event(e));
}

describe('GrpcCallObserver', () => {
  it('emits a call when its stream ends, in the connection it was made for', () => {
    const o = grpcObserverFactory(null)({ id: 'c7' } as TcpConnectionInfo);
    const outs = [
      headers('client', 1, 1, REQUEST('/p.S/M')),
      data('client', 1, 1.5, lpm(HELLO_REQ), true),
      headers('server', 1, 2, [...RESPONSE, ['grpc-status', '0']], true),
    ].flatMap((e) => o.event(e));
    expect(callsIn(outs).map((c) => [c.connection, c.stream, c.outcome])).toEqual([['c7', 1, 'ok']]);
    expect(o.end(record('c7', 3, 'fin'), 'fin').outputs).toEqual([]);
  });

  it('ignores calls from observers before it', () => {
    const o = new GrpcCallObserver('c1', null);
    const call = { connection: 'c1', stream: 1 } as CallRecord;
    expect(o.event({ kind: 'call', call })).toEqual([]);
  });

  it('finishes open calls at the connection end: closed by FIN or RST, incomplete at capture end', () => {
    for (const [reason, outcome, status] of [
      ['fin', 'connection-closed', 14],
      ['rst', 'connection-closed', 14],
      ['capture-end', 'incomplete', null],
    ] as const) {
      const o = new GrpcCallObserver('c1', null);
      expect(callsIn(openCall(o))).toEqual([]);
      const [call] = callsIn(o.end(record('c1', 9, reason), reason).outputs);
      expect(call).toMatchObject({ stream: 1, outcome, status, end: 9, durationMs: 8000 });
    }
  });
});
