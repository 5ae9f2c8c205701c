/**
 * Roles of a capture that joined a connection late, when no header block can say which side is the
 * client: C-core keeps even `:method` and `:status` in the HPACK dynamic table, so a late capture of grpcio
 * may see only dynamic indexes, and both ports are ephemeral (samples/late-start-grpcio.pcap: the server's
 * 50121 is higher than the client's). Who sent first on each stream does (RFC 9113 §5.1.1). A first
 * recording of that sample had two such connections whose first held bytes had no static pseudo-header:
 * the port heuristic named 50121 the client until the session waited for more streams.
 */
import { describe, expect, it } from 'vitest';
import { streamOrderVote } from '../../src/session/role-hints.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLE = new URL('../../samples/late-start-grpcio.pcap', import.meta.url).pathname;

/** A frame header (RFC 9113 §4.1) and `length` zero bytes of payload. */
function frame(type: number, stream: number, length = 0): Buffer {
  const b = Buffer.alloc(9 + length);
  b.writeUIntBE(length, 0, 3);
  b[3] = type;
  b.writeUInt32BE(stream, 5);
  return b;
}

describe('who spoke first on each stream', () => {
  it('votes for the side that opened odd streams, outvoting a stream whose request was not captured', () => {
    const held = [
      { dir: 1 as const, data: Buffer.concat([frame(1, 5), frame(0, 5, 4)]) }, // response to an unseen request
      { dir: 0 as const, data: frame(1, 7) },
      { dir: 1 as const, data: frame(1, 7) },
      { dir: 0 as const, data: Buffer.concat([frame(1, 9), frame(0, 9, 3)]) },
      { dir: 1 as const, data: frame(1, 9) },
      { dir: 0 as const, data: frame(1, 5) }, // a late frame of stream 5 from the client
    ];
    expect(streamOrderVote(held, [0, 0])).toEqual({ client: 0, agree: 2, disagree: 1 });
  });

  it('counts a pushed (even) stream for the side that spoke second', () => {
    const held = [
      { dir: 0 as const, data: frame(1, 2) },
      { dir: 1 as const, data: frame(8, 2) },
    ];
    expect(streamOrderVote(held, [0, 0])).toEqual({ client: 1, agree: 1, disagree: 0 });
  });

  it('has no opinion without a stream seen from both sides', () => {
    expect(streamOrderVote([{ dir: 0, data: frame(1, 1) }], [0, null])).toBeNull();
  });

  it("sets the roles of the late-start grpcio connection (both ports ephemeral, the server's higher)", async () => {
    const d = await decodeFile(SAMPLE);
    expect(d.connections).toHaveLength(1);
    const c = d.connections[0]!;
    expect(c).toMatchObject({ server: '127.0.0.1:50121', h2Detection: 'mid-connection' });
    // A block with a static-table pseudo-header may settle it first ("headers"); the vote is the fallback.
    expect(['headers', 'stream-order']).toContain(c.clientRule);
  });
});
