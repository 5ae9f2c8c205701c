/**
 * Issue 14 item 7: decompression work. Messages that each inflate to megabytes ("zip bombs" of zeros)
 * may not make a capture cost minutes: one budget per capture bounds the bytes inflated, the first
 * message past it gets a diagnostic, and every message left compressed says why in its record.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecompressionBudget, decompressMessage } from '../../src/grpc/compression.js';
import { encoder, frame, setting } from '../h2/frame-bytes.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { PREFACE, tcpCapture } from './tcp-capture.js';

const MIB = 1024 * 1024;

describe('decompression is bounded per capture', () => {
  it('a budget stops inflating once spent, says so once, and bounds the message that crosses it', () => {
    const budget = new DecompressionBudget(10 * MIB);
    const bomb = gzipSync(Buffer.alloc(4 * MIB));
    const results = Array.from({ length: 4 }, () => decompressMessage(bomb, true, 'gzip', { budget }));
    expect(results.map((r) => r.decompressed)).toEqual([true, true, false, false]);
    expect(results.map((r) => r.diagnostic?.code ?? null)).toEqual([
      null,
      null,
      'grpc.decompression-budget-spent',
      null,
    ]);
    expect(results[3]!.budgetSpent).toBe(true);
    expect(budget.left).toBe(0);
  });

  it('a capture of 40 messages inflating to 8 MiB each: 256 MiB inflated, the rest reported skipped', async () => {
    const client = encoder();
    const server = encoder();
    const body = gzipSync(Buffer.alloc(8 * MIB));
    const message = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), body]);
    message.writeUInt32BE(body.length, 1);
    const request = (stream: number): Buffer =>
      Buffer.concat([
        frame(
          0x1,
          0x4,
          stream,
          client([
            [':method', 'POST'],
            [':scheme', 'http'],
            [':path', '/bomb.Svc/Inflate'],
            [':authority', 'x'],
            ['content-type', 'application/grpc'],
            ['grpc-encoding', 'gzip'],
          ]),
        ),
        frame(0x0, 0x1, stream, message),
      ]);
    const response = (stream: number): Buffer =>
      Buffer.concat([
        frame(
          0x1,
          0x4,
          stream,
          server([
            [':status', '200'],
            ['content-type', 'application/grpc'],
          ]),
        ),
        frame(0x1, 0x5, stream, server([['grpc-status', '0']])),
      ]);
    const streams = Array.from({ length: 40 }, (_, i) => 1 + 2 * i);
    const capture = tcpCapture([
      { from: 'client', data: Buffer.concat([PREFACE, frame(0x4, 0, 0, setting(0x4, 65535))]) },
      { from: 'server', data: Buffer.concat([frame(0x4, 0, 0), frame(0x4, 0x1, 0)]) },
      { from: 'client', data: Buffer.concat([frame(0x4, 0x1, 0), ...streams.map(request)]) },
      { from: 'server', data: Buffer.concat(streams.map(response)) },
    ]);
    const r = await runCliCaptured(['-', '--format', 'json'], { stdin: capture });
    const doc = JSON.parse(r.stdout) as {
      connections: Array<{
        calls: Array<{
          requests: Array<{ decompressedLength?: number; decoded: { kind: string; reason?: string } }>;
        }>;
      }>;
      diagnostics: Array<{ code: string }>;
    };
    const messages = doc.connections[0]!.calls.flatMap((c) => c.requests);
    expect(messages).toHaveLength(40);
    const inflated = messages.filter((m) => m.decompressedLength !== undefined);
    expect(inflated).toHaveLength(32); // 32 x 8 MiB = the 256 MiB budget
    expect(messages.slice(32).every((m) => m.decoded.reason?.includes('decompression budget is spent'))).toBe(
      true,
    );
    expect(doc.diagnostics.filter((d) => d.code === 'grpc.decompression-budget-spent')).toHaveLength(1);
  });
});
