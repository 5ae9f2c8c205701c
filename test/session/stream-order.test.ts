/**
 * Roles of a capture that joined a grpcio channel late (samples/late-start-grpcio.pcap): C-core keeps even
 * `:method` and `:status` in the HPACK dynamic table, so no header block can say which side is the client,
 * and both ports are ephemeral (the server's 50121 is higher than the clients' 34750 and 33888). Who sent
 * first on each stream does (RFC 9113 §5.1.1), checked against tshark's view of the SYN-opened connection.
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

  it('sets the roles of the late-start grpcio connections (waiting for more than one stream)', async () => {
    const d = await decodeFile(SAMPLE);
    expect(d.connections).toHaveLength(3);
    for (const c of d.connections) expect(c.server).toBe('127.0.0.1:50121');
    const late = d.connections.filter((c) => c.h2Detection === 'mid-connection');
    expect(late).toHaveLength(2);
    // Waiting for a second stream lets a later block with a static-table pseudo-header decide ("headers");
    // before, the first held bytes had none and the port heuristic named 50121 the client.
    for (const c of late) expect(['headers', 'stream-order']).toContain(c.clientRule);
  });
});
