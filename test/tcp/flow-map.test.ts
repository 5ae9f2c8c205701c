import { describe, expect, it } from 'vitest';
import { FlowMap } from '../../src/tcp/flow-map.js';

const ep = (ip: string, port: number) => ({ ip, port });

describe('FlowMap', () => {
  it('finds an entry from either direction of the 4-tuple', () => {
    const m = new FlowMap<string>();
    m.set(ep('10.0.0.2', 80), ep('10.0.0.1', 50000), 'c1');
    expect(m.get(ep('10.0.0.1', 50000), ep('10.0.0.2', 80))).toBe('c1');
    expect(m.get(ep('10.0.0.2', 80), ep('10.0.0.1', 50000))).toBe('c1');
    expect(m.get(ep('10.0.0.1', 50001), ep('10.0.0.2', 80))).toBeUndefined();
    expect(m.size).toBe(1);
  });

  it('keeps same-address flows apart by port, and IPv6 text apart from IPv4', () => {
    const m = new FlowMap<string>();
    m.set(ep('::1', 443), ep('::1', 50000), 'v6');
    m.set(ep('127.0.0.1', 443), ep('127.0.0.1', 50000), 'v4');
    m.set(ep('::1', 50000), ep('::1', 443), 'v6-again'); // same tuple: replaces
    expect(m.get(ep('::1', 443), ep('::1', 50000))).toBe('v6-again');
    expect(m.get(ep('127.0.0.1', 50000), ep('127.0.0.1', 443))).toBe('v4');
    expect(m.size).toBe(2);
  });

  it('deletes entries and the inner maps they leave empty', () => {
    const m = new FlowMap<number>();
    m.set(ep('a', 1), ep('b', 2), 1);
    m.set(ep('a', 1), ep('b', 3), 2);
    m.delete(ep('b', 2), ep('a', 1));
    m.delete(ep('b', 9), ep('a', 1)); // absent: no effect
    expect(m.size).toBe(1);
    expect(m.get(ep('a', 1), ep('b', 3))).toBe(2);
    m.delete(ep('a', 1), ep('b', 3));
    expect(m.size).toBe(0);
    expect((m as unknown as { byIp: Map<string, unknown> }).byIp.size).toBe(0);
  });
});
