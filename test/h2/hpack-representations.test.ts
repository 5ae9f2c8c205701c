/**
 * Field representations, size updates and insertions of a header block. Byte strings marked "RFC 7541 C.x"
 * are the wire examples of RFC 7541 Appendix C; the expected representations and tables are those given there.
 */
import { describe, expect, it } from 'vitest';
import { H2ConnectionDecoder } from '../../src/h2/connection-decoder.js';
import { HpackDecoder } from '../../src/h2/hpack-decoder.js';
import {
  blockInfo,
  historyItems,
  scanBlock,
  type HpackBlockReport,
} from '../../src/h2/hpack-representations.js';
import { dynamicTableAt, type TableHistoryItem } from '../../src/h2/hpack-table-replay.js';
import type { H2Event } from '../../src/h2/types.js';
import { encoder, frame } from './frame-bytes.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Decodes blocks in order with one decoder, as HeaderBlocks does, and replays the table after each. */
function run(blocks: string[], setting?: number) {
  const d = new HpackDecoder();
  if (setting !== undefined) d.setProtocolMaxTableSize(setting);
  const history: TableHistoryItem[] = [];
  return blocks.map((wire) => {
    const bytes = hex(wire);
    const r = d.decode(bytes);
    const info = blockInfo(bytes, r.headers, (i) => r.fields[i]?.raw.length);
    const report: HpackBlockReport = { ...info, lostBefore: false, resynced: false, lostAfter: false };
    history.push(...historyItems(report));
    const table = dynamicTableAt(history);
    expect(table.size).toBe(d.tableSize);
    return { info, table: table.entries.map((e) => [e.index, e.name, e.value, e.size]) };
  });
}

const kinds = (info: { representations: Array<{ kind: string; index: number }> }) =>
  info.representations.map((r) => `${r.kind}:${r.index}`);

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
const AUTHORITY = [':authority', 'www.example.com', 57];
const CACHE = ['cache-control', 'no-cache', 53];
const CUSTOM = ['custom-key', 'custom-value', 54];

describe('representations: RFC 7541 Appendix C', () => {
  for (const [name, wire, huffman] of [
    ['C.3 (no Huffman)', C3, false],
    ['C.4 (Huffman)', C4, true],
  ] as const) {
    it(`${name}: kinds, indexes, Huffman flags and the table after each request`, () => {
      const [r1, r2, r3] = run([...wire]);
      expect(kinds(r1!.info)).toEqual(['indexed:2', 'indexed:6', 'indexed:4', 'literal-incremental:1']);
      expect(r1!.info.representations[3]).toMatchObject({ nameHuffman: null, valueHuffman: huffman });
      expect(r1!.table).toEqual([[62, ...AUTHORITY]]);
      expect(kinds(r2!.info)).toEqual([
        'indexed:2',
        'indexed:6',
        'indexed:4',
        'indexed:62',
        'literal-incremental:24',
      ]);
      expect(r2!.table).toEqual([
        [62, ...CACHE],
        [63, ...AUTHORITY],
      ]);
      expect(kinds(r3!.info)).toEqual([
        'indexed:2',
        'indexed:7',
        'indexed:5',
        'indexed:63',
        'literal-incremental:0',
      ]);
      expect(r3!.info.representations[4]).toMatchObject({ nameHuffman: huffman, valueHuffman: huffman });
      expect(r3!.info.inserted).toEqual([{ field: 4, name: 'custom-key', value: 'custom-value', size: 54 }]);
      expect(r3!.table).toEqual([
        [62, ...CUSTOM],
        [63, ...CACHE],
        [64, ...AUTHORITY],
      ]);
      expect(r3!.info.sizeUpdates).toEqual([]);
      expect(r3!.info.error).toBeNull();
    });
  }

  it('C.5 responses under a 256-octet table: size update, evictions, the three tables of the RFC', () => {
    // RFC 7541 C.5.1-C.5.3, with 3f e1 01 (size update to 256, §6.3/§5.1) opening the first block (§4.2).
    const c51 =
      '3fe101 4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54' +
      '6e1768747470733a2f2f7777772e6578616d706c652e636f6d';
    const c52 = '4803333037c1c0bf';
    const c53 =
      '88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a' +
      '4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31';
    const [r1, r2, r3] = run([c51, c52, c53], 256);
    const DATE1 = ['date', 'Mon, 21 Oct 2013 20:13:21 GMT', 65];
    const LOCATION = ['location', 'https://www.example.com', 63];
    expect(r1!.info.sizeUpdates).toEqual([{ size: 256, before: 0 }]);
    expect(kinds(r1!.info)).toEqual([
      'literal-incremental:8',
      'literal-incremental:24',
      'literal-incremental:33',
      'literal-incremental:46',
    ]);
    expect(r1!.table).toEqual([
      [62, ...LOCATION],
      [63, ...DATE1],
      [64, 'cache-control', 'private', 52],
      [65, ':status', '302', 42],
    ]);
    expect(kinds(r2!.info)).toEqual(['literal-incremental:8', 'indexed:65', 'indexed:64', 'indexed:63']);
    expect(r2!.table).toEqual([
      [62, ':status', '307', 42],
      [63, ...LOCATION],
      [64, ...DATE1],
      [65, 'cache-control', 'private', 52],
    ]);
    expect(kinds(r3!.info)).toEqual([
      'indexed:8',
      'indexed:65',
      'literal-incremental:33',
      'indexed:64',
      'literal-incremental:26',
      'literal-incremental:55',
    ]);
    expect(r3!.table).toEqual([
      [62, 'set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1', 98],
      [63, 'content-encoding', 'gzip', 52],
      [64, 'date', 'Mon, 21 Oct 2013 20:13:22 GMT', 65],
    ]);
  });
});

describe('scanBlock', () => {
  it('tells without-indexing from never-indexed, with indexed or new names (RFC 7541 §6.2.2, §6.2.3)', () => {
    // 04 0c "/sample/path": C.2.2 (without indexing, name index 4); 10 08 "password" 06 "secret": C.2.3.
    const scan = scanBlock(hex('040c2f73616d706c652f70617468 100870617373776f726406736563726574'));
    expect(scan.representations).toEqual([
      { kind: 'literal-without-indexing', index: 4, nameHuffman: null, valueHuffman: false },
      { kind: 'literal-never-indexed', index: 0, nameHuffman: false, valueHuffman: false },
    ]);
    expect(scan.error).toBeNull();
  });

  it('places size updates by the fields before them, including a late one (§4.2 forbids it)', () => {
    // 20: size update to 0; 3f e1 1f: to 4096 (31 + 0x0fe1... §5.1); 82: indexed 2; 3f 11: to 48.
    const scan = scanBlock(hex('20 3fe11f 82 3f11'));
    expect(scan.sizeUpdates).toEqual([
      { size: 0, before: 0 },
      { size: 4096, before: 0 },
      { size: 48, before: 1 },
    ]);
    expect(scan.representations).toHaveLength(1);
  });

  it('reports truncation and keeps what came before it', () => {
    expect(scanBlock(hex('82 410f7777')).error).toBe('truncated value string at octet 2');
    expect(scanBlock(hex('82 40')).error).toBe('truncated name string at octet 2');
    expect(scanBlock(hex('82 ff')).error).toBe('truncated integer at octet 1');
    expect(scanBlock(hex('82 ff')).representations).toHaveLength(1);
    expect(scanBlock(Buffer.alloc(0))).toEqual({ representations: [], sizeUpdates: [], error: null });
  });
});

describe('H2ConnectionDecoder: hpackBlock on the frame event', () => {
  const HEADERS = 0x1;
  const END_HEADERS_STREAM = 0x5;
  const settings = frame(0x4, 0, 0);
  const blocksOf = (events: H2Event[]) =>
    events.flatMap((e) => (e.kind === 'frame' && e.hpackBlock ? [e.hpackBlock] : []));

  it('reports the block and is absent from the FrameRecord (output contract unchanged)', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c', hpackReports: true });
    const enc = encoder();
    const block = enc([
      [':method', 'GET'],
      ['x-a', 'b'],
    ]);
    const events = dec.push(
      'client',
      Buffer.concat([settings, frame(HEADERS, END_HEADERS_STREAM, 1, block)]),
      1,
      0,
    );
    const [report] = blocksOf(events);
    expect(report).toMatchObject({ lostBefore: false, resynced: false, lostAfter: false, sizeUpdates: [] });
    expect(report!.representations.map((r) => r.kind)).toEqual(['indexed', 'literal-incremental']);
    expect(report!.inserted).toEqual([{ field: 1, name: 'x-a', value: 'b', size: 36 }]);
    const rec = events.find((e) => e.kind === 'frame' && e.hpackBlock)!;
    expect(rec.kind === 'frame' && 'hpackBlock' in rec.frame).toBe(false);
  });

  it('marks the first block after a mid-connection start as following a loss', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c', hpackReports: true });
    dec.startMidStream('server');
    const enc = encoder();
    const first = frame(HEADERS, END_HEADERS_STREAM, 1, enc([['x-a', 'b']]));
    const second = frame(HEADERS, END_HEADERS_STREAM, 3, enc([['x-a', 'b']]));
    const reports = blocksOf(dec.push('server', Buffer.concat([first, second]), 1, 0));
    expect(reports.map((r) => r.lostBefore)).toEqual([true, false]);
    expect(dynamicTableAt(reports.flatMap(historyItems))).toEqual({
      entries: [{ index: 62, name: 'x-a', value: 'b', size: 36 }],
      size: 36,
      maxSize: null,
      complete: false,
    });
  });

  it('is off unless asked for: reports cost a second pass over every block', () => {
    const dec = new H2ConnectionDecoder({ connection: 'c' });
    const block = encoder()([[':method', 'GET']]);
    const events = dec.push(
      'client',
      Buffer.concat([settings, frame(HEADERS, END_HEADERS_STREAM, 1, block)]),
      1,
      0,
    );
    const headers = events.find((e) => e.kind === 'frame' && e.frame.type === 'HEADERS');
    expect(headers?.kind === 'frame' && headers.frame.headers).toEqual([[':method', 'GET']]);
    expect(blocksOf(events)).toEqual([]);
  });
});
