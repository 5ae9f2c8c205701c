import { describe, expect, it } from 'vitest';
import { ReorderBuffer } from '../../src/tcp/reorder-buffer.js';

/** Drains the buffer into "offset:bytes#packet" strings. */
function layout(b: ReorderBuffer): string[] {
  const out: string[] = [];
  for (let p = b.shift(); p; p = b.shift())
    out.push(`${p.offset}:${p.data.toString('latin1')}#${p.packetIndex}`);
  return out;
}

describe('ReorderBuffer', () => {
  it('keeps pieces sorted and counts bytes', () => {
    const b = new ReorderBuffer();
    expect(b.insert(20, Buffer.from('uvw'), 0, 1)).toBe(false);
    expect(b.insert(10, Buffer.from('klm'), 0, 2)).toBe(false);
    expect(b.insert(30, Buffer.from('xyz'), 0, 3)).toBe(false);
    expect(b.bytes).toBe(9);
    expect(b.lastEnd()).toBe(33);
    expect(layout(b)).toEqual(['10:klm#2', '20:uvw#1', '30:xyz#3']);
    expect(b.isEmpty).toBe(true);
    expect(b.lastEnd()).toBe(-1);
  });

  it('keeps the first copy of overlapping bytes and fills only the uncovered parts', () => {
    const b = new ReorderBuffer();
    b.insert(12, Buffer.from('CD'), 0, 1); // [12,14)
    b.insert(16, Buffer.from('GH'), 0, 2); // [16,18)
    // [10,20) overlaps both: only 10-11, 14-15 and 18-19 are new.
    expect(b.insert(10, Buffer.from('abcdefghij'), 0, 3)).toBe(true);
    expect(b.bytes).toBe(10);
    expect(layout(b)).toEqual(['10:ab#3', '12:CD#1', '14:ef#3', '16:GH#2', '18:ij#3']);
  });

  it('reports a fully duplicated insert as overlap and adds nothing', () => {
    const b = new ReorderBuffer();
    b.insert(5, Buffer.from('hello'), 0, 1);
    expect(b.insert(6, Buffer.from('ell'), 0, 2)).toBe(true);
    expect(b.bytes).toBe(5);
    expect(b.count).toBe(1);
  });

  it('copies the bytes it keeps (the caller may reuse its buffer)', () => {
    const b = new ReorderBuffer();
    const src = Buffer.from('abc');
    b.insert(0, src, 0, 0);
    src.write('XYZ');
    expect(b.peek()?.data.toString()).toBe('abc');
  });

  it('answers overlap queries on half-open ranges', () => {
    const b = new ReorderBuffer();
    b.insert(10, Buffer.from('abc'), 0, 0); // [10,13)
    expect(b.overlaps(0, 10)).toBe(false);
    expect(b.overlaps(13, 20)).toBe(false);
    expect(b.overlaps(12, 13)).toBe(true);
    expect(b.overlaps(0, 11)).toBe(true);
  });

  it('truncates at a FIN position', () => {
    const b = new ReorderBuffer();
    b.insert(10, Buffer.from('abcd'), 0, 0);
    b.insert(20, Buffer.from('efgh'), 0, 1);
    expect(b.truncate(12)).toBe(6);
    expect(b.bytes).toBe(2);
    expect(layout(b)).toEqual(['10:ab#0']);
  });

  it('stays correct across many shifts (compaction)', () => {
    const b = new ReorderBuffer();
    for (let i = 0; i < 300; i++) b.insert(i * 2, Buffer.from([i & 0xff]), 0, i);
    for (let i = 0; i < 200; i++) expect(b.shift()?.offset).toBe(i * 2);
    b.insert(401, Buffer.from('z'), 0, 999); // between 400 and 402
    expect(b.peek()?.offset).toBe(400);
    expect(b.shift()?.offset).toBe(400);
    expect(b.shift()?.offset).toBe(401);
    expect(b.count).toBe(99);
    expect(b.bytes).toBe(99);
  });
});
