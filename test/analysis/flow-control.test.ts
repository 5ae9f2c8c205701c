/**
 * Flow-control arithmetic (RFC 9113 §5.2, §6.9) against values computed by hand, first on real captures,
 * then on hand-built frame sequences for the rules the captures do not exercise.
 */
import { describe, expect, it } from 'vitest';
import { suggestWindow } from '../../src/analysis/detect-flow.js';
import { analyse, Frames } from './build.js';
import { sample } from './decode-sample.js';

describe('flow control on grpc-small-window (hand computation)', () => {
  /*
   * Frames of the server's DATA direction (tshark -Y http2, checked with the dump in the meta's wire section):
   *   client SETTINGS INITIAL_WINDOW_SIZE=65535, server ACK        stream window 65,535 (delta 0)
   *   18 DATA x 2,010                                      -36,180   stream 29,355  connection 29,355 (the min)
   *   WINDOW_UPDATE stream 0 +34,170, stream 1 +34,170               stream 63,525  connection 63,525
   *   16 DATA x 2,010                                      -32,160   stream 31,365  connection 31,365
   *   WINDOW_UPDATE stream 0 +34,170                                                connection 65,535
   *   15 DATA x 2,010 + DATA 1,215 (the message split at the edge)   stream 0  -> first stall
   *   ... three stalls in all, each ended by WINDOW_UPDATE stream 1 +65,535.
   *   stream final     = 65,535 + 34,170 + 3 x 65,535 - 241,200 = 55,110
   *   connection final = 65,535 + 7 x 34,170 - 241,200            = 63,525
   *   DATA frames: 117 whole 2,010-byte messages + 3 messages split in two = 123 frames, 120 x 2,010 bytes.
   */
  it('gives the hand-computed windows, minima and totals', async () => {
    const c = (await sample('grpc-small-window.pcap')).conn('c1');
    const server = c.flowControl!.server;
    expect(server.bytes).toBe(120 * 2010);
    expect(server.frames).toBe(123);
    expect(server.windowUpdates).toBe(11); // 7 on stream 0, 4 on stream 1
    expect(server.connection).toMatchObject({ initial: 65_535, final: 63_525, min: 29_355 });
    const s1 = server.streams.find((s) => s.stream === 1)!;
    expect(s1.window).toMatchObject({ initial: 65_535, final: 55_110, min: 0 });
    expect([s1.bytes, s1.frames, s1.stalls]).toEqual([241_200, 123, 3]);
    // The connection series: 65,535 then 18 steps of -2,010 down to the minimum.
    const values = server.connection.series.map(([, w]) => w);
    expect(values.slice(0, 20)).toEqual([
      65_535,
      ...Array.from({ length: 18 }, (_, i) => 65_535 - 2010 * (i + 1)),
      63_525,
    ]);
    expect(server.connection.decimated).toBe(false);
    // Throughput: bytes over the time between the first and the last DATA frame.
    const seconds = s1.last! - s1.first!;
    expect(server.throughput).toBe(Math.round(241_200 / seconds));
  });

  it('finds each stall: the DATA that emptied the window, the WINDOW_UPDATE, the DATA after it', async () => {
    const server = (await sample('grpc-small-window.pcap')).conn('c1').flowControl!.server;
    expect(server.stalls.map((s) => [s.stream, s.window, s.windowLeft, s.needed, s.waitedMs])).toEqual([
      // needed: the rest of the split message (2,010 - 1,215 = 795, 2,010 - 420, 2,010 - 1,635)
      [1, 'stream', 0, 795, 559.174],
      [1, 'stream', 0, 1590, 703.837],
      [1, 'stream', 0, 375, 697.296],
    ]);
    for (const s of server.stalls) expect(s.start < s.windowUpdate && s.windowUpdate <= s.resume).toBe(true);
    expect(server.stalledMs).toBe(559.174 + 703.837 + 697.296);
  });

  it('the client direction of the same capture: one 10-byte DATA, no WINDOW_UPDATE from the server', async () => {
    const client = (await sample('grpc-small-window.pcap')).conn('c1').flowControl!.client;
    expect([client.bytes, client.frames, client.windowUpdates, client.connection.final]).toEqual([
      10, 1, 0, 65_525,
    ]);
  });

  it('grpc-goaway-graceful c1: request DATA 22 + 14 and response DATA 45 + 37 bytes', async () => {
    const fc = (await sample('grpc-goaway-graceful.pcap')).conn('c1').flowControl!;
    expect(fc.client.connection.final).toBe(65_535 - 22 - 14);
    expect(fc.server.connection.final).toBe(65_535 - 45 - 37);
    expect(fc.server.streams.map((s) => [s.stream, s.window.final])).toEqual([
      [1, 65_535 - 45],
      [3, 65_535 - 37],
    ]);
  });
});

describe('flow control rules on hand-built frames', () => {
  it('applies SETTINGS_INITIAL_WINDOW_SIZE at the ACK and shifts open streams by the delta (§6.9.2)', () => {
    const f = new Frames()
      .handshake(0)
      .request(1, 0.1)
      .response(1, 0.2)
      .data('server', 1, 0.3, 16_384)
      .data('server', 1, 0.3, 16_384)
      .data('server', 1, 0.3, 16_384)
      .data('server', 1, 0.3, 10_848) // 60,000 in all: stream 1 has 5,535 left
      .settings('client', 0.4, { INITIAL_WINDOW_SIZE: 16_384 }) // delta 16,384 - 65,535 = -49,151
      .settingsAck('server', 0.5) // now: 5,535 - 49,151 = -43,616 (may go negative)
      .request(3, 0.6) // a new stream starts at the new value
      .windowUpdate('client', 1, 0.7, 50_000) // -43,616 + 50,000 = 6,384
      .windowUpdate('client', 0, 0.7, 60_000) // connection 65,535 - 60,000 + 60,000
      .data('server', 1, 0.8, 6_000, true); // 384 left; connection 59,535
    const { record, codes } = analyse(f);
    const server = record.flowControl!.server;
    expect(server.initialWindow).toBe(16_384);
    const s1 = server.streams.find((s) => s.stream === 1)!.window;
    expect([s1.min, s1.final]).toEqual([-43_616, 384]);
    expect(s1.series.map(([, w]) => w)).toEqual([65_535, 49_151, 32_767, 16_383, 5_535, -43_616, 6_384, 384]);
    expect(server.connection.final).toBe(59_535);
    expect(server.overruns).toBe(0);
    // Stream 3 never carried DATA from the server: only streams with DATA are listed.
    expect(server.streams.map((s) => s.stream)).toEqual([1]);
    // The last 6,000 bytes waited from 0.3 (5,535 left) until the WINDOW_UPDATE at 0.7 made room.
    expect(server.stalls.map((s) => [s.start, s.windowLeft, s.needed, s.windowUpdate, s.resume])).toEqual([
      [0.3, 5_535, 6_000, 0.7, 0.8],
    ]);
    expect(codes).toEqual(['analysis.flow.starvation']);
  });

  it('a stream that finds the connection window empty waited from its opening, not from when it ran dry', () => {
    // Stream 1 uses up the connection window at 0.1; stream 3 opens at 1.0 and its one DATA frame can go
    // out only after the WINDOW_UPDATE at 1.4: it waited 0.4 s (not 1.4 s), and its transfer lasted as
    // long as its wait (not "0 ms", "Infinity%").
    const f = new Frames()
      .handshake(0)
      .request(1, 0.05)
      .response(1, 0.1)
      .data('server', 1, 0.1, 16_384)
      .data('server', 1, 0.1, 16_384)
      .data('server', 1, 0.1, 16_384)
      .data('server', 1, 0.1, 16_383, true) // connection window: 0
      .request(3, 1.0)
      .response(3, 1.0)
      .windowUpdate('client', 0, 1.4, 65_535)
      .data('server', 3, 1.5, 6_000, true);
    const { record, diagnostics } = analyse(f);
    const server = record.flowControl!.server;
    const stall = server.stalls.find((s) => s.stream === 3)!;
    expect([stall.window, stall.start, stall.resume, stall.waitedMs]).toEqual(['connection', 1.0, 1.5, 500]);
    const d = diagnostics.find((x) => x.code === 'analysis.flow.starvation' && x.stream === 3)!;
    expect(d.evidence).toMatchObject({ durationMs: 500, stalledMs: 500, percent: 100 });
    expect(d.message).toContain('all of its time was spent waiting');
    expect(d.message).not.toMatch(/Infinity|n\/a/);
  });

  it('counts the Pad Length byte and the padding (§6.1, §6.9.1)', () => {
    const f = new Frames().handshake(0).request(1, 0.1).data('client', 1, 0.1, 0).response(1, 0.2);
    f.data('server', 1, 0.3, 100, true, 20); // 79 bytes of data, 1 + 20 of padding
    const server = analyse(f).record.flowControl!.server;
    expect([server.bytes, server.connection.final]).toEqual([100, 65_435]);
  });

  it('reports DATA beyond the window, and links a FLOW_CONTROL_ERROR GOAWAY to it', () => {
    const f = new Frames().handshake(0).request(1, 0.1).response(1, 0.2);
    for (let i = 0; i < 4; i++) f.data('server', 1, 0.3 + i / 100, 16_384); // 65,536 > 65,535
    f.goaway('client', 0.5, 0, 'FLOW_CONTROL_ERROR');
    const { diagnostics, record } = analyse(f);
    expect(diagnostics.map((d) => d.code)).toEqual([
      'analysis.goaway.flow-control-error',
      'analysis.flow.window-overrun',
    ]);
    expect(diagnostics[1]!.evidence).toMatchObject({
      sender: 'server',
      length: 16_384,
      available: 16_383, // 65,535 - 3 x 16,384
      window: 'stream',
      overruns: 1,
    });
    expect(diagnostics[0]!.message).toContain(
      'the server sent 16384 bytes on stream 1 with 16383 bytes of stream',
    );
    expect(record.flowControl!.server.overruns).toBe(1);
  });

  it('allows DATA that only a received but unacknowledged SETTINGS permits', () => {
    const f = new Frames()
      .handshake(0)
      .request(1, 0.1)
      .windowUpdate('client', 0, 0.1, 1_000_000)
      .settings('client', 0.1, { INITIAL_WINDOW_SIZE: 1_048_576 })
      .response(1, 0.2);
    for (let i = 0; i < 8; i++) f.data('server', 1, 0.3, 16_384); // 131,072: needs the new value
    f.settingsAck('server', 0.4);
    const { codes, record } = analyse(f);
    expect(codes).toEqual([]);
    expect(record.flowControl!.server.streams[0]!.window.final).toBe(1_048_576 - 131_072);
  });

  it('reports a WINDOW_UPDATE that takes a window past 2^31-1', () => {
    const f = new Frames().handshake(0).request(1, 0.1).windowUpdate('client', 1, 0.2, 0x7fffffff);
    const { diagnostics } = analyse(f);
    expect(diagnostics.map((d) => [d.code, d.stream])).toEqual([['analysis.flow.window-overflow', 1]]);
    expect(diagnostics[0]!.evidence).toMatchObject({ increment: 0x7fffffff, value: 65_535 + 0x7fffffff });
  });

  it('finds a stall on the connection window shared by two streams', () => {
    const f = new Frames()
      .handshake(0, { INITIAL_WINDOW_SIZE: 1_000_000 })
      .request(1, 0.1)
      .request(3, 0.1)
      .response(1, 0.2)
      .response(3, 0.2)
      .data('server', 1, 0.3, 16_384)
      .data('server', 3, 0.3, 16_384)
      .data('server', 1, 0.3, 16_384)
      .data('server', 3, 0.31, 16_383) // connection window now 0
      .windowUpdate('client', 0, 0.81, 65_535)
      .data('server', 3, 0.8101, 16_384, true);
    const server = analyse(f).record.flowControl!.server;
    expect(server.stalls).toEqual([
      {
        stream: 3,
        window: 'connection',
        start: 0.31,
        windowLeft: 0,
        needed: 16_384,
        windowUpdate: 0.81,
        resume: 0.8101,
        waitedMs: 500.1,
      },
    ]);
  });

  it('is no stall when the window was still large enough for the next frame', () => {
    const f = new Frames().handshake(0).request(1, 0.1).response(1, 0.2).data('server', 1, 0.3, 16_384);
    f.windowUpdate('client', 1, 0.9, 16_384).data('server', 1, 1.0, 16_384, true);
    expect(analyse(f).record.flowControl!.server.stalls).toEqual([]);
  });

  it('short stalls are recorded but are not starvation (below 100 ms and 10 % of the transfer)', () => {
    const f = new Frames().handshake(0).request(1, 0.1).response(1, 0.2);
    for (let i = 0; i < 4; i++) f.data('server', 1, 0.3, i < 3 ? 16_384 : 16_383);
    f.windowUpdate('client', 1, 0.35, 65_535).windowUpdate('client', 0, 0.35, 65_535);
    f.data('server', 1, 0.35, 1000).data('server', 1, 2.0, 1000, true);
    const { record, codes } = analyse(f);
    expect(record.flowControl!.server.stalls.map((s) => s.waitedMs)).toEqual([50]);
    expect(codes).toEqual([]);
  });

  it('suggests the smallest power of two that covers the longest wait, within the transfer', () => {
    // 241,200 bytes fit in 262,144 whatever the rate.
    expect(suggestWindow(241_200, 65_535, 7.7e6, 703.837)).toBe(262_144);
    // 1 MB/s for 100 ms on top of 65,535 = 165,535: 262,144; at least twice the current window.
    expect(suggestWindow(10_000_000, 65_535, 1e6, 100)).toBe(262_144);
    expect(suggestWindow(10_000_000, 65_535, 1e3, 1)).toBe(131_072);
    // Never above 16 MiB.
    expect(suggestWindow(1e12, 65_535, 1e12, 10_000)).toBe(16 * 1024 * 1024);
  });
});
