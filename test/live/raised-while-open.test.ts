/**
 * Connection diagnostics a live pipe must see while the connection is still open: each is emitted with the
 * frame (or FIN) that completes its evidence, before the frames that follow it, not when the connection or
 * the input ends. The real pipeline (createEngine, as the CLI) on real captures, in capture order.
 */
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';

type Item =
  | { kind: 'packet' }
  | { kind: 'frame'; type: string; time: number }
  | { kind: 'diagnostic'; code: string }
  | { kind: 'end' }
  | { kind: 'finish' };

async function order(name: string): Promise<Item[]> {
  const items: Item[] = [];
  const engine = createEngine(
    { file: `samples/${name}` },
    {
      connection: () => items.push({ kind: 'end' }),
      frame: (f) => items.push({ kind: 'frame', type: f.type, time: f.time }),
      diagnostic: (d) => items.push({ kind: 'diagnostic', code: d.code }),
      call: () => undefined,
      capture: () => undefined,
    },
  );
  // One packet at a time, marked: what a packet completes comes out before the next packet is read.
  for (const ev of await readCaptureFile(`samples/${name}`)) {
    engine.push([ev]);
    if (ev.kind === 'packet') items.push({ kind: 'packet' });
  }
  items.push({ kind: 'finish' });
  engine.finish();
  return items;
}

/** The frame of the packet that raised the diagnostic `code` (the last frame read before it). */
function before(items: Item[], code: string): Item {
  const at = items.findIndex((x) => x.kind === 'diagnostic' && x.code === code);
  expect(at, code).toBeGreaterThan(0);
  let i = at - 1;
  while (items[i]!.kind === 'diagnostic') i--;
  return items[i]!;
}

describe('raised while the connection is open', () => {
  it('GOAWAY too_many_pings: with the GOAWAY frame, before the connection ends', async () => {
    const items = await order('grpc-too-many-pings.pcap');
    expect(before(items, 'analysis.goaway.too-many-pings')).toMatchObject({ kind: 'frame', type: 'GOAWAY' });
    // Said once: the end of the connection does not repeat it.
    expect(
      items.filter((x) => x.kind === 'diagnostic' && x.code === 'analysis.goaway.too-many-pings'),
    ).toHaveLength(1);
  });

  it('keepalive too frequent: with the idle PING that shows it', async () => {
    const items = await order('grpc-too-many-pings.pcap');
    expect(before(items, 'analysis.keepalive.too-frequent')).toMatchObject({ kind: 'frame', type: 'PING' });
  });

  it('an idle connection dropped without GOAWAY: at the FIN, before the connection record', async () => {
    const items = await order('crafted-idle-dropped.pcap');
    const at = items.findIndex(
      (x) => x.kind === 'diagnostic' && x.code === 'analysis.keepalive.idle-dropped',
    );
    expect(at).toBeGreaterThan(0);
    expect(items.findIndex((x) => x.kind === 'end')).toBeGreaterThan(at);
    expect(items.findIndex((x) => x.kind === 'finish')).toBeGreaterThan(at);
  });
});
