import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../src/capture/byte-queue.js';

describe('ByteQueue', () => {
  it('hands out the first chunk itself when it holds enough', () => {
    const q = new ByteQueue();
    const chunk = Buffer.from('abcdefgh');
    q.push(chunk);
    expect(q.peek(8)).toBe(chunk);
    expect(q.peek(9)).toBeNull();
  });

  it('copies only the straddling bytes, not the whole next chunk', () => {
    const q = new ByteQueue();
    const a = Buffer.from('abc');
    const b = Buffer.from('defghijklmnop');
    q.push(a);
    q.push(b);
    const merged = q.peek(5)!;
    expect(merged.toString()).toBe('abcde');
    expect(merged.length).toBe(5);
    q.consume(5);
    const rest = q.peek(1)!;
    expect(rest.toString()).toBe('fghijklmnop');
    expect(rest.buffer).toBe(b.buffer); // a view of chunk b, not a copy
    expect(q.offset).toBe(5);
    expect(q.available).toBe(11);
  });

  it('merges many one-byte chunks once', () => {
    const q = new ByteQueue();
    for (const c of 'hello world') q.push(Buffer.from(c));
    expect(q.peek(5)?.toString()).toBe('hello');
    q.consume(6);
    expect(q.peek(5)?.toString()).toBe('world');
    expect(q.available).toBe(5);
  });

  it('consumes across chunk boundaries and clears', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('ab'));
    q.push(Buffer.from('cd'));
    q.push(Buffer.from('ef'));
    q.consume(3);
    expect(q.peek(3)?.toString()).toBe('def');
    q.clear();
    expect([q.available, q.offset, q.peek(0)]).toEqual([0, 6, null]);
    expect(() => q.consume(1)).toThrow(RangeError);
  });
});
