import { describe, expect, it } from 'vitest';
import { chooseClient } from '../../src/tcp/client-rule.js';
import { Wire } from './builder.js';

const at = (ip: string, port: number) => ({ ip, port });

describe('chooseClient', () => {
  it('SYN without ACK: the sender is the client', () => {
    const w = new Wire(at('10.0.0.1', 80), at('10.0.0.2', 50000)); // deliberately against the port heuristic
    const c = chooseClient(w.c2s({ seq: 1, flags: 'S' }));
    expect(c).toEqual({ client: at('10.0.0.1', 80), server: at('10.0.0.2', 50000), rule: 'syn' });
  });

  it('SYN+ACK first: the receiver is the client', () => {
    const w = new Wire(at('10.0.0.1', 80), at('10.0.0.2', 50000));
    const c = chooseClient(w.s2c({ seq: 1, ack: 2, flags: 'SA' }));
    expect(c).toEqual({ client: at('10.0.0.1', 80), server: at('10.0.0.2', 50000), rule: 'syn' });
  });

  it('exactly one ephemeral port (>= 32768): that side is the client, whoever sends', () => {
    const w = new Wire(at('10.0.0.1', 32768), at('10.0.0.2', 32767)); // the boundary
    expect(chooseClient(w.s2c({ seq: 1, ack: 1 })).client).toEqual(at('10.0.0.1', 32768));
    const w2 = new Wire(at('10.0.0.1', 40000), at('10.0.0.2', 8080));
    const c = chooseClient(w2.s2c({ seq: 1, ack: 1 }));
    expect(c).toEqual({ client: at('10.0.0.1', 40000), server: at('10.0.0.2', 8080), rule: 'port' });
  });

  it('both or neither ephemeral: the higher port is the client', () => {
    const both = new Wire(at('::1', 50051), at('::2', 60000));
    expect(chooseClient(both.c2s({ seq: 1, ack: 1 })).client).toEqual(at('::2', 60000));
    const neither = new Wire(at('10.0.0.1', 8080), at('10.0.0.2', 1234));
    expect(chooseClient(neither.s2c({ seq: 1, ack: 1 })).client).toEqual(at('10.0.0.1', 8080));
  });

  it('equal ports: the sender of the first packet is the client', () => {
    const w = new Wire(at('10.0.0.1', 443), at('10.0.0.2', 443));
    expect(chooseClient(w.s2c({ seq: 1, ack: 1 })).client).toEqual(at('10.0.0.2', 443));
    expect(chooseClient(w.c2s({ seq: 1, ack: 1 })).client).toEqual(at('10.0.0.1', 443));
  });
});
