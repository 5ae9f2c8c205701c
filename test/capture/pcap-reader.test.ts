import { describe, expect, it } from 'vitest';
import { PcapReader } from '../../src/capture/pcap-reader.js';
import {
  buildPcap,
  bytes,
  pcapHeader,
  pcapRecord,
  type ByteOrder,
  type PcapRecord,
} from './build-capture.js';
import { diagnosticsOf, kindsOf, packetsOf, readBytes } from './read-events.js';

const records: PcapRecord[] = [
  { sec: 1_700_000_000, frac: 123_456, data: bytes(60, 1) },
  { sec: 1_700_000_001, frac: 999_999, data: bytes(75, 2), originalLength: 1514 },
];

describe('classic pcap: the four magics (draft-ietf-opsawg-pcap §4)', () => {
  const cases: { order: ByteOrder; nanosecond: boolean; magic: string }[] = [
    { order: 'be', nanosecond: false, magic: 'a1b2c3d4' },
    { order: 'le', nanosecond: false, magic: 'd4c3b2a1' },
    { order: 'be', nanosecond: true, magic: 'a1b23c4d' },
    { order: 'le', nanosecond: true, magic: '4d3cb2a1' },
  ];
  for (const { order, nanosecond, magic } of cases) {
    it(`reads magic ${magic}`, () => {
      const frac = nanosecond ? 123_456_789 : 123_456;
      const file = buildPcap({
        byteOrder: order,
        nanosecond,
        snaplen: 262144,
        linkType: 1,
        records: [{ sec: 1_700_000_000, frac, data: bytes(60, 1) }, records[1]!],
      });
      expect(file.subarray(0, 4).toString('hex')).toBe(magic);
      const events = readBytes(file);
      expect(events.slice(0, 2)).toEqual([
        { kind: 'format', format: 'pcap', nanosecond, byteOrder: order, versionMajor: 2, versionMinor: 4 },
        {
          kind: 'interface',
          iface: { id: 0, linkType: 1, tsUnitsPerSecond: nanosecond ? 1e9 : 1e6, snaplen: 262144 },
        },
      ]);
      const [p0, p1] = packetsOf(events);
      expect(p0).toEqual({
        index: 0,
        time: nanosecond ? expect.closeTo(1_700_000_000.123457, 6) : 1_700_000_000.123456,
        timeNs: nanosecond ? 1_700_000_000_123_456_789n : 1_700_000_000_123_456_000n,
        linkType: 1,
        interfaceId: 0,
        data: bytes(60, 1),
        originalLength: 60,
        offset: 24,
      });
      // Record 1 starts after the 24-byte file header, record 0's 16-byte header and 60 data bytes.
      expect(p1?.offset).toBe(24 + 16 + 60);
      expect(p1?.originalLength).toBe(1514);
      expect(p1?.data).toEqual(bytes(75, 2));
      expect(p1?.timeNs).toBe(nanosecond ? 1_700_000_001_000_999_999n : 1_700_000_001_999_999_000n);
      expect(events).toHaveLength(4);
    });
  }

  it('keeps nanoseconds exact where a float cannot', () => {
    const file = buildPcap({
      byteOrder: 'le',
      nanosecond: true,
      records: [{ sec: 1, frac: 1, data: bytes(4, 0) }],
    });
    const file2 = buildPcap({
      byteOrder: 'le',
      nanosecond: true,
      records: [{ sec: 1_700_000_000, frac: 1, data: bytes(4, 0) }],
    });
    expect(packetsOf(readBytes(file))[0]?.timeNs).toBe(1_000_000_001n);
    const p = packetsOf(readBytes(file2))[0]!;
    expect(p.timeNs).toBe(1_700_000_000_000_000_001n);
    expect(p.time).toBe(1_700_000_000); // the float cannot hold the last nanosecond; timeNs does
  });

  it('reads ts_sec as unsigned (§5: 32-bit unsigned seconds)', () => {
    const file = buildPcap({ byteOrder: 'be', records: [{ sec: 0xffffffff, frac: 0, data: bytes(1, 0) }] });
    expect(packetsOf(readBytes(file))[0]?.timeNs).toBe(4_294_967_295_000_000_000n);
  });

  it('masks the FCS length and P bit out of the LinkType field (§4: link type is the lower 16 bits)', () => {
    // FCS len 2 (bits 28-31) and the P bit 0x04000000 set around LINKTYPE_ETHERNET.
    const file = buildPcap({ byteOrder: 'le', linkType: 0x24000001, records: [records[0]!] });
    const events = readBytes(file);
    expect(events[1]).toMatchObject({ kind: 'interface', iface: { linkType: 1 } });
    expect(packetsOf(events)[0]?.linkType).toBe(1);
  });

  it('accepts any 2.x minor version, like libpcap', () => {
    const file = buildPcap({ byteOrder: 'le', versionMinor: 3, records: [records[0]!] });
    expect(kindsOf(readBytes(file))).toEqual(['format', 'interface', 'packet']);
  });

  it('stops on an unknown major version', () => {
    const file = buildPcap({ byteOrder: 'le', versionMajor: 3, records: [records[0]!] });
    const events = readBytes(file);
    expect(kindsOf(events)).toEqual(['capture.unknown-version']);
    expect(diagnosticsOf(events)[0]?.message).toBe(
      'The pcap header at byte offset 0 has version 3.4, which this reader does not understand, so reading stopped.',
    );
  });

  it('reads a header with no records as a capture of no packets, without diagnostics', () => {
    expect(kindsOf(readBytes(pcapHeader({ byteOrder: 'be' })))).toEqual(['format', 'interface']);
  });
});

describe('classic pcap: corrupt record lengths', () => {
  const order = 'le';

  function corruptFile(inclLength: number, snaplen: number): Buffer {
    const bad = pcapRecord(order, { sec: 1, frac: 0, data: bytes(40, 3), inclLength });
    return Buffer.concat([
      buildPcap({ byteOrder: order, snaplen, records }),
      bad,
      pcapRecord(order, records[0]!),
    ]);
  }

  it('stops at a length over 256 MiB, with the offset and record number', () => {
    const events = readBytes(corruptFile(300 * 1024 * 1024, 262144));
    expect(packetsOf(events)).toHaveLength(2);
    const [d] = diagnosticsOf(events);
    expect(d?.code).toBe('capture.corrupt-record');
    expect(d?.severity).toBe('error');
    expect(d?.evidence).toMatchObject({ record: 2, offset: 24 + 76 + 91, length: 314572800 });
    expect(diagnosticsOf(events)).toHaveLength(1); // no truncation reported after a stop
  });

  it('stops at a length over twice the snaplen and over 262144', () => {
    const events = readBytes(corruptFile(262145, 65535));
    expect(kindsOf(events).slice(-1)).toEqual(['capture.corrupt-record']);
    expect(diagnosticsOf(events)[0]?.message).toBe(
      'Record 2 at byte offset 191 claims 262145 captured bytes (more than twice the snapshot length of 65535 bytes and more than 262144): the file is corrupt from here on, so reading stopped.',
    );
  });

  it('takes a length over twice a small snaplen but within 262144 as data (then truncated)', () => {
    const events = readBytes(corruptFile(200_000, 1000));
    expect(packetsOf(events)).toHaveLength(2);
    expect(diagnosticsOf(events).map((d) => d.code)).toEqual(['capture.truncated']);
  });

  it('reads nothing more after a stop, however much follows', () => {
    const reader = new PcapReader();
    const file = corruptFile(0x7fffffff, 65535);
    expect(kindsOf(reader.push(file))).toEqual([
      'format',
      'interface',
      'packet',
      'packet',
      'capture.corrupt-record',
    ]);
    // 20 MB after the corrupt record: ignored at once, not buffered or scanned.
    for (let i = 0; i < 20; i++) expect(reader.push(Buffer.alloc(1024 * 1024, i))).toEqual([]);
    expect(reader.finish()).toEqual([]);
  });
});

describe('classic pcap: truncation', () => {
  const file = buildPcap({ byteOrder: 'be', records: [...records, { sec: 5, frac: 5, data: bytes(33, 9) }] });
  // Record boundaries: 24 | 24+76=100 | 100+91=191 | 191+49=240.
  const ends = [100, 191, 240];

  it('gives every complete record and one exact diagnostic at every cut point', () => {
    for (let cut = 0; cut <= file.length; cut++) {
      const events = readBytes(file.subarray(0, cut));
      const diags = diagnosticsOf(events);
      if (cut === 0) {
        expect(diags.map((d) => d.code)).toEqual(['capture.not-a-capture']);
        continue;
      }
      const complete = ends.filter((e) => e <= cut).length;
      expect(
        packetsOf(events).map((p) => p.index),
        `cut ${cut}`,
      ).toEqual([...Array(complete).keys()]);
      if (cut >= 24 && (cut === 24 || ends.includes(cut))) {
        expect(diags, `cut ${cut}`).toEqual([]);
        continue;
      }
      expect(
        diags.map((d) => d.code),
        `cut ${cut}`,
      ).toEqual(['capture.truncated']);
      const start = cut < 24 ? 0 : [24, ...ends][complete]!;
      const inHeader = cut < 24;
      const recordEnd = ends[complete]!;
      const missing = inHeader ? 24 - cut : cut - start < 16 ? start + 16 - cut : recordEnd - cut;
      expect(diags[0]?.evidence, `cut ${cut}`).toMatchObject({ offset: start, missing });
      if (!inHeader) expect(diags[0]?.evidence).toMatchObject({ record: complete });
    }
  });

  it('says where and how much in plain words', () => {
    const events = readBytes(file.subarray(0, 150));
    expect(diagnosticsOf(events)[0]).toEqual({
      severity: 'warning',
      code: 'capture.truncated',
      message:
        'The capture ends inside record 1 at byte offset 100: 41 more bytes were needed to complete its record data. Everything before it was read.',
      evidence: { what: 'record 1', offset: 100, missing: 41, part: 'record data', record: 1 },
    });
  });
});
