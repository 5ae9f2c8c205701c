import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAGMENT_LIMITS, FragmentReassembler } from '../../src/net/fragment-reassembler.js';

/** `length` bytes whose value is their datagram offset (mod 256), so any misplacement shows. */
function bytes(offset: number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (offset + i) & 0xff));
}

function add(r: FragmentReassembler<string>, offset: number, length: number, more: boolean, key = 'k') {
  return r.add(key, `meta@${offset}`, offset, more, bytes(offset, length), 0, offset);
}

describe('FragmentReassembler (RFC 815 hole filling)', () => {
  it('completes in any arrival order and takes meta from the offset-0 fragment', () => {
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
    ]) {
      const r = new FragmentReassembler<string>();
      const parts: [number, number, boolean][] = [
        [0, 16, true],
        [16, 8, true],
        [24, 5, false],
      ];
      const results = order.map((i) => add(r, ...parts[i]!));
      const last = results.at(-1)!;
      expect(results.slice(0, -1).map((x) => x.kind)).toEqual(['pending', 'pending']);
      expect(last.kind === 'complete' && last.payload.equals(bytes(0, 29))).toBe(true);
      expect(last.kind === 'complete' && last.meta).toBe('meta@0');
      expect(r.pendingCount).toBe(0);
    }
  });

  it('completes when a last fragment lies inside bytes already received', () => {
    const r = new FragmentReassembler<string>();
    expect(add(r, 0, 16, true).kind).toBe('pending');
    const done = add(r, 8, 8, false);
    expect(done.kind === 'complete' && done.payload.equals(bytes(0, 16))).toBe(true);
    expect(done.kind === 'complete' && done.overlapBytes).toBe(8);
    expect(done.kind === 'complete' && done.conflicting).toBe(false);
  });

  it('accepts an empty last fragment that only marks the end', () => {
    const r = new FragmentReassembler<string>();
    add(r, 0, 8, true);
    const done = add(r, 8, 0, false);
    expect(done.kind === 'complete' && done.payload.length).toBe(8);
  });

  it('rejects a last fragment that ends before bytes already received', () => {
    const r = new FragmentReassembler<string>();
    add(r, 0, 16, true);
    expect(add(r, 0, 8, false)).toEqual({
      kind: 'rejected',
      detail: 'last fragment ends at 8, but a fragment already reached 16',
    });
  });

  it('rejects a fragment past a known end', () => {
    const r = new FragmentReassembler<string>();
    add(r, 16, 4, false);
    expect(add(r, 16, 8, true)).toEqual({
      kind: 'rejected',
      detail: 'fragment ends at 24, past the datagram end 20',
    });
  });

  it('keys datagrams apart', () => {
    const r = new FragmentReassembler<string>();
    add(r, 0, 8, true, 'a');
    expect(add(r, 8, 1, false, 'b').kind).toBe('pending');
    expect(add(r, 8, 1, false, 'a').kind).toBe('complete');
    expect(r.pendingCount).toBe(1);
  });

  it('drops a datagram with too many fragments', () => {
    const r = new FragmentReassembler<string>({ ...DEFAULT_FRAGMENT_LIMITS, maxFragments: 2 });
    add(r, 0, 8, true);
    add(r, 8, 8, true);
    expect(add(r, 16, 8, true).kind).toBe('pending');
    expect(r.takeIncomplete()).toEqual([
      {
        meta: 'meta@0',
        reason: 'too-many-fragments',
        fragments: 2,
        bytes: 16,
        firstPacketIndex: 0,
        firstTime: 0,
      },
    ]);
    expect(r.pendingCount).toBe(0);
  });

  it('copies fragment bytes, so later changes to the packet buffer do not leak in', () => {
    const r = new FragmentReassembler<string>();
    const first = bytes(0, 8);
    r.add('k', 'm', 0, true, first, 0, 0);
    first.fill(0xee);
    const done = r.add('k', 'm', 8, false, bytes(8, 2), 0, 1);
    expect(done.kind === 'complete' && done.payload.equals(bytes(0, 10))).toBe(true);
  });
});
