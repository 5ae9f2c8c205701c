/**
 * HpackDecoder. Byte strings marked "RFC 7541 C.x" are the wire examples of RFC 7541 Appendix C.
 */
import { describe, expect, it } from 'vitest';
import { HpackDecoder, type HpackResult } from '../../src/h2/hpack-decoder.js';
import { encoder } from './frame-bytes.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const pairs = (r: HpackResult) => r.fields.map((f) => [f.name, f.value]);

const C3 = [
  '828684410f7777772e6578616d706c652e636f6d',
  '828684be58086e6f2d6361636865',
  '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565',
];
const C4 = [
  '828684418cf1e3c2e5f23a6ba0ab90f4ff',
  '828684be5886a8eb10649cbf',
  '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf',
];
const REQUESTS = [
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
    ['cache-control', 'no-cache'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'https'],
    [':path', '/index.html'],
    [':authority', 'www.example.com'],
    ['custom-key', 'custom-value'],
  ],
];

describe('HpackDecoder: RFC 7541 Appendix C', () => {
  it('C.3 requests without Huffman, sharing one dynamic table (sizes 57, 110, 164)', () => {
    const d = new HpackDecoder();
    C3.forEach((wire, i) => {
      const r = d.decode(hex(wire));
      expect(r.ok).toBe(true);
      expect(pairs(r)).toEqual(REQUESTS[i]);
      expect(d.tableSize).toBe([57, 110, 164][i]);
    });
  });

  it('C.4 the same requests with Huffman coding', () => {
    const d = new HpackDecoder();
    C4.forEach((wire, i) => expect(pairs(d.decode(hex(wire)))).toEqual(REQUESTS[i]));
    expect(d.tableSize).toBe(164);
  });

  it('C.5 responses with SETTINGS_HEADER_TABLE_SIZE 256: evictions (sizes 222, 222, 215)', () => {
    const d = new HpackDecoder();
    d.setProtocolMaxTableSize(256);
    // RFC 7541 §4.2: the encoder confirms the smaller size first; 3f e1 01 = size update to 256 (§6.3, §5.1).
    const c51 =
      '3fe101 4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54' +
      '6e1768747470733a2f2f7777772e6578616d706c652e636f6d';
    const c53 =
      '88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a' +
      '4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31';
    const r1 = d.decode(hex(c51));
    expect(r1.notes).toEqual([]);
    expect(pairs(r1)).toEqual([
      [':status', '302'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['location', 'https://www.example.com'],
    ]);
    expect([d.tableSize, d.maxTableSize]).toEqual([222, 256]);
    expect(pairs(d.decode(hex('4803333037c1c0bf')))[0]).toEqual([':status', '307']);
    expect(d.tableSize).toBe(222);
    const r3 = d.decode(hex(c53));
    expect(pairs(r3)).toEqual([
      [':status', '200'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
      ['location', 'https://www.example.com'],
      ['content-encoding', 'gzip'],
      ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ]);
    expect(d.tableSize).toBe(215);
  });
});

describe('HpackDecoder: table size settings and updates (RFC 7541 §4.2, §6.3)', () => {
  it('flags an update above the acknowledged setting but still applies it', () => {
    const d = new HpackDecoder();
    d.setProtocolMaxTableSize(256);
    // 3f e1 1f = size update to 4096 (31 + 0x61 + 0x1f * 128), then :method GET.
    const r = d.decode(hex('3fe11f 82'));
    expect(r.notes).toEqual([{ kind: 'size-update-above-setting', size: 4096, setting: 256 }]);
    expect(pairs(r)).toEqual([[':method', 'GET']]);
    expect(d.maxTableSize).toBe(4096);
  });

  it('flags a block that ignores a reduced setting, without changing the table', () => {
    const d = new HpackDecoder();
    d.decode(hex(C3[0]!));
    d.setProtocolMaxTableSize(0);
    const r = d.decode(hex('be'));
    expect(r.notes).toEqual([{ kind: 'size-update-missing', setting: 0, size: 4096 }]);
    expect(pairs(r)).toEqual([[':authority', 'www.example.com']]);
    expect(d.decode(hex('be')).notes).toEqual([]); // only the first block after the change must carry it
  });

  it('accepts two updates opening a block (smallest, then final) and evicts on the smaller', () => {
    const d = new HpackDecoder();
    d.decode(hex(C3[0]!));
    d.setProtocolMaxTableSize(100);
    const r = d.decode(hex('20 3f45 82')); // size 0, size 100 (31 + 69), :method GET
    expect(r.notes).toEqual([]);
    expect([d.tableSize, d.maxTableSize]).toEqual([0, 100]);
  });

  it('flags an update after the first field (hpack.js accepts it)', () => {
    const d = new HpackDecoder();
    const r = d.decode(hex('82 3fe101'));
    expect(r.ok).toBe(true);
    expect(r.notes).toEqual([{ kind: 'size-update-not-at-start' }]);
    expect(d.maxTableSize).toBe(256);
  });
});

describe('HpackDecoder: values', () => {
  it('keeps UTF-8 values as text and any other bytes as latin1, with the exact raw bytes', () => {
    // 00 = literal without indexing, new name (§6.2.2); lengths without Huffman.
    const d = new HpackDecoder();
    const block = Buffer.concat([
      hex('00 01 61 03 e282ac'), // a: "€" in UTF-8
      hex('00 05 782d62696e 04 00ff0a0d'), // x-bin: NUL, 0xff, LF, CR (gRPC binary metadata between C-core peers)
    ]);
    const r = d.decode(block);
    expect(pairs(r)).toEqual([
      ['a', '€'],
      ['x-bin', '\u0000\u00ff\n\r'],
    ]);
    expect(r.fields[0]!.raw).toEqual(hex('e282ac'));
    expect(r.fields[1]!.raw).toEqual(hex('00ff0a0d'));
  });

  it('decodes never-indexed literals without adding them to the table (§6.2.3)', () => {
    const d = new HpackDecoder();
    const r = d.decode(hex('10 0d 617574686f72697a6174696f6e 06 736563726574'));
    expect(pairs(r)).toEqual([['authorization', 'secret']]);
    expect(d.tableSize).toBe(0);
  });
});

describe('HpackDecoder: lost state', () => {
  it('after markLost, decodes static and literal fields and says which fields it could not', () => {
    const d = new HpackDecoder();
    d.decode(hex(C3[0]!)); // adds :authority www.example.com at index 62
    d.markLost('HPACK state lost after a gap at byte 1000');
    // 82 :method GET | be index 62 (unknown now) | 58 08 "no-cache" literal with indexing, static name 24
    const r = d.decode(hex('82 be 58086e6f2d6361636865'));
    expect(r.ok).toBe(false);
    expect(pairs(r)).toEqual([
      [':method', 'GET'],
      ['cache-control', 'no-cache'],
    ]);
    expect(r.headers).toEqual([
      [':method', 'GET'],
      ['<unknown>', ''],
      ['cache-control', 'no-cache'],
    ]);
    expect(!r.ok && r.reason).toBe(
      'HPACK state lost after a gap at byte 1000: 1 field not decoded (dynamic table index 62)',
    );
    expect(!r.ok && r.cause).toBe('lost');
    expect(d.stateKnown).toBe(false);
  });

  it('resolves entries added since the loss: they keep their place at the front of the table', () => {
    const d = new HpackDecoder();
    d.markLost('capture starts mid-connection');
    const r1 = d.decode(hex('400a637573746f6d2d6b65790c637573746f6d2d76616c7565')); // custom-key: custom-value, indexed
    expect(r1.ok).toBe(true);
    const r2 = d.decode(hex('be bf 7f00 01 78')); // 62 = custom-key (known), 63 = older; literal, name index 63
    expect(pairs(r2)).toEqual([['custom-key', 'custom-value']]);
    expect(r2.headers).toEqual([
      ['custom-key', 'custom-value'],
      ['<unknown>', ''],
      ['<unknown>', 'x'],
    ]);
    expect(!r2.ok && r2.reason).toContain('dynamic table index 63');
  });

  it('rebuilds the state once a size update to 0 empties the table, and hands over to hpack.js', () => {
    const d = new HpackDecoder();
    d.markLost('capture starts mid-connection');
    const r = d.decode(hex('20 3f e1 1f 40 01 61 01 62')); // sizes 0 then 4096, then a: b with indexing
    expect(r.ok).toBe(true);
    expect(r.notes).toEqual([{ kind: 'resynced', entries: 1 }]);
    expect(d.stateKnown).toBe(true);
    expect([d.tableSize, d.maxTableSize]).toEqual([34, 4096]);
    const next = d.decode(hex('be'));
    expect([next.ok, pairs(next)]).toEqual([true, [['a', 'b']]]);
    expect(d.decode(hex('bf')).ok).toBe(false); // 63 does not exist: a real error now
  });

  it('rebuilds the state once the known entries leave no room for an unknown one under the setting', () => {
    const d = new HpackDecoder();
    d.setProtocolMaxTableSize(100);
    d.decode(hex('3f45')); // size 100
    d.markLost('bytes lost');
    // 40 03 616161 21 <33 x 62>: an entry of 3 + 33 + 32 = 68 octets; 68 + 32 is not above 100: one could fit.
    const r1 = d.decode(Buffer.concat([hex('40 03 616161 21'), Buffer.alloc(33, 0x62)]));
    expect([r1.notes, d.stateKnown]).toEqual([[], false]);
    // 40 01 63 22 <34 x 64>: an entry of 1 + 34 + 32 = 67 octets evicts the first (68 + 67 > 100); 67 + 32 <= 100.
    const r2 = d.decode(Buffer.concat([hex('40 01 63 22'), Buffer.alloc(34, 0x64)]));
    expect([r2.notes, d.stateKnown]).toEqual([[{ kind: 'resynced', entries: 1 }], true]);
    expect(d.tableSize).toBe(67);
    expect(pairs(d.decode(hex('be')))).toEqual([['c', 'd'.repeat(34)]]);
  });

  it('a capture that joined late: once 4,096 octets of new entries are in, every older one is gone', () => {
    // No SETTINGS seen (setProtocolMaxTableSize(null)): RFC 7541's default maximum of 4,096 is assumed.
    const d = new HpackDecoder();
    d.setProtocolMaxTableSize(null);
    d.markLost('the capture starts mid-connection', true);
    // 0xbe: index 62, an entry from before the capture; then 40 01 6b 7e <126 x 76>: a new entry of
    // 1 + 126 + 32 = 159 octets. 25 of them (3,975 octets) still leave room for an old entry of 32 octets.
    const entry = (k: number) =>
      Buffer.concat([hex('40 01'), Buffer.from([0x61 + k]), hex('7e'), Buffer.alloc(126, 0x76)]);
    const first = d.decode(hex('be'));
    expect(!first.ok && [first.cause, first.unknownEntries, first.beforeCapture]).toEqual([
      'lost',
      [0],
      true,
    ]);
    for (let k = 0; k < 25; k++) expect(d.decode(entry(k % 26)).notes).toEqual([]);
    expect(d.unknownEntries).toMatchObject({ references: 1, blocks: 1, entries: 1, inserted: 3975 });
    expect(d.unknownEntries).toMatchObject({ maxSize: 4096, maxSizeAssumed: true });
    // The 26th makes 4,134 octets: the table is exact again, and the summary of the loss comes with it.
    const r = d.decode(entry(25));
    expect(r.notes).toEqual([
      {
        kind: 'older-evicted',
        namelessEntries: 0,
        unknown: {
          reason: 'the capture starts mid-connection',
          references: 1,
          blocks: 1,
          entries: 1,
          inserted: 4134,
          maxSize: 4096,
          maxSizeAssumed: true,
        },
      },
      { kind: 'resynced', entries: 25 },
    ]);
    expect(d.stateKnown).toBe(true);
    expect(d.unknownEntries).toBeNull();
  });

  it('follows names copied from entries from before the loss, so a status keeps its origin', () => {
    const d = new HpackDecoder();
    d.setProtocolMaxTableSize(null);
    d.markLost('the capture starts mid-connection', true);
    // 7e 01 35: literal with indexing, name from index 62 (old entry 0, say grpc-status), value "5".
    const r1 = d.decode(hex('7e 01 35'));
    expect(!r1.ok && [r1.unknownEntries, r1.unknownNames]).toEqual([[], [{ entry: 0, value: '5' }]]);
    // be: index 62 is now that new entry (name unknown, value 5); bf: index 63, old entry 0 itself.
    const r2 = d.decode(hex('be bf'));
    expect(r2.headers).toEqual([
      ['<unknown>', '5'],
      ['<unknown>', ''],
    ]);
    expect(!r2.ok && [r2.unknownEntries, r2.unknownNames]).toEqual([[0], [{ entry: 0, value: '5' }]]);
  });

  it('after a decoding error, reports it once and goes on without the table', () => {
    const d = new HpackDecoder();
    const bad = d.decode(hex('82 bf')); // index 63 in an empty table
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.cause).toBe('error');
    expect(!bad.ok && bad.reason).toBe('HPACK decoding error: Indexed field OOB');
    expect(pairs(bad)).toEqual([[':method', 'GET']]);
    const next = d.decode(hex('8286'));
    expect([next.ok, pairs(next)]).toEqual([
      true,
      [
        [':method', 'GET'],
        [':scheme', 'http'],
      ],
    ]);
    expect(d.stateKnown).toBe(false);
  });

  it('reports truncated blocks (hpack.js TypeErrors) as errors, never throws', () => {
    for (const wire of ['3fe1', '0f', '82ff8080808080', '0085', '80']) {
      const d = new HpackDecoder();
      const r = d.decode(hex(wire));
      expect(r.ok, wire).toBe(false);
      expect(!r.ok && r.cause, wire).toBe('error');
      expect(
        d.decode(hex('82')).fields.map((f) => f.name),
        wire,
      ).toEqual([':method']);
    }
  });
});

describe('HpackDecoder with hpack.js Compressor output', () => {
  it('decodes a gRPC request and response sequence exactly', () => {
    const enc = encoder();
    const d = new HpackDecoder();
    const request: Array<[string, string]> = [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', '/helloworld.Greeter/SayHello'],
      [':authority', 'localhost:50051'],
      ['content-type', 'application/grpc'],
      ['te', 'trailers'],
      ['grpc-accept-encoding', 'identity,deflate,gzip'],
      ['user-agent', 'grpc-node-js/1.14.7'],
    ];
    for (let i = 0; i < 5; i++) {
      const r = d.decode(enc(request));
      expect([r.ok, pairs(r)]).toEqual([true, request]);
    }
    expect(d.tableSize).toBeGreaterThan(0);
  });
});
