/**
 * Robustness of HpackDecoder on hostile input, with a seeded PRNG (mulberry32) so failures reproduce:
 * random blocks, and valid blocks (RFC 7541 C.3-C.5 and hpack.js Compressor output) with bytes flipped,
 * cut, inserted or dropped. No block may throw or hang, and results must stay well-formed.
 */
import { describe, expect, it } from 'vitest';
import { HpackDecoder, type HpackResult } from '../../src/h2/hpack-decoder.js';
import { encoder, prng } from './frame-bytes.js';

const SEEDS = [
  '828684410f7777772e6578616d706c652e636f6d',
  '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565',
  '828684418cf1e3c2e5f23a6ba0ab90f4ff',
  '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf',
  '4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54',
  '3fe101 4803333037c1c0bf',
  '10 0d 617574686f72697a6174696f6e 06 736563726574',
].map((s) => Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function wellFormed(r: HpackResult): void {
  expect(Array.isArray(r.fields)).toBe(true);
  for (const f of r.fields) {
    expect(typeof f.name).toBe('string');
    expect(typeof f.value).toBe('string');
    expect(Buffer.isBuffer(f.raw)).toBe(true);
  }
  if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
}

function mutate(block: Buffer, rnd: () => number): Buffer {
  const bytes = [...block];
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (bytes.length + 1));
    const op = Math.floor(rnd() * 4);
    if (op === 0 && at < bytes.length) bytes[at] = bytes[at]! ^ (1 << Math.floor(rnd() * 8));
    else if (op === 1) bytes.splice(at, 0, Math.floor(rnd() * 256));
    else if (op === 2) bytes.splice(at, 1);
    else bytes.length = Math.min(bytes.length, at);
  }
  return Buffer.from(bytes);
}

describe('HpackDecoder fuzz', () => {
  it('survives 3,000 random blocks through one long-lived decoder and fresh ones', () => {
    const rnd = prng(0x5eed);
    const longLived = new HpackDecoder();
    for (let i = 0; i < 3000; i++) {
      const block = Buffer.alloc(Math.floor(rnd() * 64));
      for (let j = 0; j < block.length; j++) block[j] = Math.floor(rnd() * 256);
      wellFormed(longLived.decode(block));
      wellFormed(new HpackDecoder().decode(block));
    }
  });

  it('survives 3,000 mutated valid blocks, with table size settings changing', () => {
    const rnd = prng(42);
    const longLived = new HpackDecoder();
    for (let i = 0; i < 3000; i++) {
      if (i % 100 === 0) longLived.setProtocolMaxTableSize([0, 256, 4096, 65536, null][i % 5]!);
      if (i % 250 === 0) longLived.markLost(`fuzz round ${i}`);
      const block = mutate(SEEDS[Math.floor(rnd() * SEEDS.length)]!, rnd);
      wellFormed(longLived.decode(block));
    }
  });

  it('decodes without the table only fields that are true, and all of them once it has rebuilt', () => {
    const rnd = prng(9);
    const enc = encoder();
    const truth = new HpackDecoder();
    const blind = new HpackDecoder();
    blind.markLost('joined mid-connection');
    const names = ['x-a', 'x-b', 'x-c', 'content-type', 'grpc-status', 'user-agent'];
    let rebuiltAt = -1;
    for (let i = 0; i < 400; i++) {
      const headers: Array<[string, string]> = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) {
        headers.push([names[Math.floor(rnd() * names.length)]!, `v${Math.floor(rnd() * 40)}`]);
      }
      const block = enc(headers);
      const want = truth.decode(block).fields.map((f) => `${f.name}: ${f.value}`);
      const got = blind.decode(block).fields.map((f) => `${f.name}: ${f.value}`);
      // Every field the blind decoder gives is in the true list, in the same order.
      let at = 0;
      for (const g of got) {
        at = want.indexOf(g, at) + 1;
        expect(at, `block ${i}: ${g}`).toBeGreaterThan(0);
      }
      if (blind.stateKnown && rebuiltAt < 0) rebuiltAt = i;
      if (rebuiltAt >= 0) expect(got).toEqual(want);
    }
    expect(rebuiltAt).toBeGreaterThanOrEqual(0);
  });
});
