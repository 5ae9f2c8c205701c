/**
 * Who closed the connection first (issue 4: "connection end (FIN/RST) and who closed first"), on the real
 * grpc-goaway-graceful capture: the server shuts down gracefully (GOAWAY, then FIN), refuses the next
 * connection with a RST, and a new client connection is later closed by the client.
 */
import { describe, expect, it } from 'vitest';
import { decodeFile } from '../helpers/decode.js';

describe('TCP closes per side', () => {
  it('lists every FIN and RST with its side, first closer first', async () => {
    const d = await decodeFile(new URL('../../samples/grpc-goaway-graceful.pcap', import.meta.url).pathname);
    const closes = d.connections.map((c) => [c.id, c.endReason, c.closes?.map((x) => `${x.from}:${x.how}`)]);
    expect(closes).toEqual([
      ['c1', 'fin', ['server:fin', 'client:fin']],
      ['c2', 'rst', ['server:rst']],
      ['c3', 'fin', ['client:fin', 'server:fin']],
    ]);
    const c1 = d.connections[0]!;
    expect(c1.closes![0]!.time).toBeLessThanOrEqual(c1.closes![1]!.time);
    // The server's FIN comes after its GOAWAY: a graceful shutdown, not a crash.
    const goaway = c1.frames.find((f) => f.type === 'GOAWAY' && f.from === 'server')!;
    expect(goaway.time).toBeLessThanOrEqual(c1.closes![0]!.time);
  });
});
