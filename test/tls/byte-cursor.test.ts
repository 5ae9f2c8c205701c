import { describe, expect, it } from 'vitest';
import { ByteCursor } from '../../src/tls/byte-cursor.js';

describe('ByteCursor', () => {
  it('reads big-endian integers and length-prefixed vectors (RFC 8446 §3)', () => {
    const c = new ByteCursor(Buffer.from('01 0203 040506 02 aabb 0001 cc'.replace(/ /g, ''), 'hex'));
    expect([c.u8(), c.u16(), c.u24()]).toEqual([0x01, 0x0203, 0x040506]);
    expect(c.vector(1).rest().toString('hex')).toBe('aabb');
    expect(c.vector(2).rest().toString('hex')).toBe('cc');
    expect(c.ok && c.atEnd).toBe(true);
  });

  it('fails sticky on overrun, returns zeros and empties, and ends up at its end', () => {
    const c = new ByteCursor(Buffer.from('0005aa', 'hex'));
    expect(c.vector(2).remaining).toBe(0); // claims 5 bytes, has 1
    expect(c.ok).toBe(false);
    expect(c.atEnd).toBe(true);
    expect([c.u8(), c.u16(), c.bytes(1).length]).toEqual([0, 0, 0]);
  });

  // Regression: an odd-length u16 list made `while (!list.atEnd) list.u16()` spin forever, found by
  // the ClientHello bit-flip sweep.
  it('terminates a read loop over an odd-length list', () => {
    const c = new ByteCursor(Buffer.from('000102', 'hex'));
    const values: number[] = [];
    while (!c.atEnd) values.push(c.u16());
    expect(values).toEqual([0x0001, 0]);
    expect(c.ok).toBe(false);
  });
});
