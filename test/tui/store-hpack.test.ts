/** HpackBlocks: representations packed per block and both sides' tables replayed at a block. */
import { describe, expect, it } from 'vitest';
import type { HpackBlockReport } from '../../src/h2/hpack-representations.js';
import { StringPool } from '../../src/model/store-columns.js';
import { HpackBlocks } from '../../src/model/store-hpack.js';
import { loadStore } from './load-store.js';

const report = (over: Partial<HpackBlockReport>): HpackBlockReport => ({
  representations: [],
  sizeUpdates: [],
  inserted: [],
  error: null,
  lostBefore: false,
  resynced: false,
  lostAfter: false,
  ...over,
});

describe('HpackBlocks', () => {
  it('round-trips every representation form, including an index too large for the packing', () => {
    const blocks = new HpackBlocks(new StringPool());
    const representations = [
      { kind: 'indexed', index: 62, nameHuffman: null, valueHuffman: null },
      { kind: 'literal-incremental', index: 0, nameHuffman: true, valueHuffman: false },
      { kind: 'literal-without-indexing', index: 4, nameHuffman: null, valueHuffman: true },
      { kind: 'literal-never-indexed', index: 0, nameHuffman: false, valueHuffman: false },
    ] as const;
    blocks.add(7, 0, 'client', report({ representations: [...representations] }));
    expect(blocks.view(7)?.representations).toEqual(representations);
    blocks.add(8, 0, 'client', report({ representations: [{ ...representations[0], index: 2 ** 40 }] }));
    expect(blocks.view(8)?.representations[0]?.index).toBe(2 ** 26 - 1);
    expect(blocks.view(9)).toBeNull();
  });

  it("gives the sender's table after its block and the other side's at that moment", () => {
    const blocks = new HpackBlocks(new StringPool());
    const insert = (name: string) => ({ field: 0, name, value: 'v', size: name.length + 33 });
    blocks.add(0, 0, 'client', report({ inserted: [insert('a')] }));
    blocks.add(1, 0, 'server', report({ inserted: [insert('b')], sizeUpdates: [{ size: 100, before: 0 }] }));
    blocks.add(2, 0, 'client', report({ inserted: [insert('c')], lostBefore: true }));
    blocks.add(3, 1, 'client', report({}));
    const at0 = blocks.view(0)!;
    expect(at0.sender.entries.map((e) => e.name)).toEqual(['a']);
    expect(at0.receiver).toEqual({ entries: [], size: 0, maxSize: 4096, complete: true });
    const at1 = blocks.view(1)!;
    expect(at1.sizeUpdates).toEqual([{ size: 100, before: 0 }]);
    expect(at1.sender).toMatchObject({ size: 34, maxSize: 100 });
    expect(at1.receiver.entries.map((e) => [e.index, e.name])).toEqual([[62, 'a']]);
    const at2 = blocks.view(2)!;
    expect(at2.sender).toMatchObject({ complete: false, maxSize: null });
    expect(at2.sender.entries.map((e) => e.name)).toEqual(['c']);
    expect(at2.receiver.entries.map((e) => e.name)).toEqual(['b']);
    // Another connection has its own histories.
    expect(blocks.view(3)!.receiver.entries).toEqual([]);
  });

  it('on a real capture, agrees with the decoder on the size of every table', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    let checked = 0;
    for (let n = 0; n < store.frames.count; n++) {
      const view = store.hpack.view(n);
      if (!view) continue;
      expect(view.sender.size).toBe(store.frames.table(n)?.size);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});
