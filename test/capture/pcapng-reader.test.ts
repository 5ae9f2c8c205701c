import { describe, expect, it } from 'vitest';
import { PcapngReader } from '../../src/capture/pcapng-reader.js';
import {
  block,
  bytes,
  dsb,
  epb,
  i64,
  idb,
  option,
  packetBlock,
  shb,
  spb,
  u8,
  type ByteOrder,
} from './build-capture.js';
import { diagnosticsOf, kindsOf, packetsOf, readBytes } from './read-events.js';

// Option codes, draft-ietf-opsawg-pcapng §4.2.
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const TLS_KEY_LOG = 0x544c534b; // §4.7 secrets type 'TLSK'

/** A section with three interfaces in three timestamp encodings and one packet on each. */
function multiInterface(order: ByteOrder): Buffer {
  return Buffer.concat([
    shb(order),
    idb(order, LINKTYPE_ETHERNET, 262144, [
      option(order, IF_NAME, Buffer.from('eth0')),
      option(order, IF_TSRESOL, u8(9)),
    ]),
    // 0x8a: most significant bit set, so 2^-10 s units (1024 per second).
    idb(order, LINKTYPE_RAW, 0, [option(order, IF_TSRESOL, u8(0x8a))]),
    // No if_tsresol: microseconds; if_tsoffset moves the epoch by 1.6e9 s.
    idb(order, LINKTYPE_LINUX_SLL, 128, [option(order, IF_TSOFFSET, i64(order, 1_600_000_000n))]),
    epb(order, 0, 1_700_000_000_123_456_789n, bytes(60, 1)),
    epb(order, 1, 1_700_000_000n * 1024n + 512n, bytes(41, 2), 1400),
    epb(order, 1, 1_700_000_000n * 1024n + 1n, bytes(20, 3)),
    epb(order, 2, 100_000_250n, bytes(13, 4)),
  ]);
}

describe('pcapng: sections and interfaces (draft-ietf-opsawg-pcapng §4.1, §4.2, §4.3)', () => {
  for (const order of ['le', 'be'] as const) {
    it(`reads three interfaces with different link types and resolutions (${order})`, () => {
      const events = readBytes(multiInterface(order));
      expect(events.slice(0, 4)).toEqual([
        { kind: 'format', format: 'pcapng', byteOrder: order, versionMajor: 1, versionMinor: 0 },
        {
          kind: 'interface',
          iface: { id: 0, linkType: 1, tsUnitsPerSecond: 1e9, snaplen: 262144, name: 'eth0' },
        },
        { kind: 'interface', iface: { id: 1, linkType: 101, tsUnitsPerSecond: 1024, snaplen: 0 } },
        { kind: 'interface', iface: { id: 2, linkType: 113, tsUnitsPerSecond: 1e6, snaplen: 128 } },
      ]);
      const p = packetsOf(events);
      expect(p.map((x) => [x.index, x.interfaceId, x.linkType, x.data.length, x.originalLength])).toEqual([
        [0, 0, 1, 60, 60],
        [1, 1, 101, 41, 1400],
        [2, 1, 101, 20, 20],
        [3, 2, 113, 13, 13],
      ]);
      expect(p.map((x) => x.timeNs)).toEqual([
        1_700_000_000_123_456_789n,
        1_700_000_000_500_000_000n,
        1_700_000_000_000_976_562n, // one 2^-10 s unit is 976562.5 ns: truncated
        1_600_000_100_000_250_000n, // 100.000250 s after the if_tsoffset epoch
      ]);
      expect(p[1]?.time).toBe(1_700_000_000.5);
      expect(p[3]?.time).toBeCloseTo(1_600_000_100.00025, 5);
      expect(p[0]?.data).toEqual(bytes(60, 1));
      // Offsets point at each Enhanced Packet Block: SHB 28, IDBs 40 + 32 + 36 (options padded to 32 bits).
      expect(p[0]?.offset).toBe(28 + 40 + 32 + 36);
      expect(diagnosticsOf(events)).toEqual([]);
    });
  }

  it('starts afresh at each Section Header Block, in its own byte order', () => {
    const file = Buffer.concat([
      shb('be'),
      idb('be', LINKTYPE_ETHERNET, 0),
      idb('be', LINKTYPE_RAW, 0),
      epb('be', 1, 5_000_000n, bytes(10, 1)),
      shb('le', { minor: 2 }),
      idb('le', LINKTYPE_LINUX_SLL, 0),
      epb('le', 0, 7_000_000n, bytes(11, 2)),
      epb('le', 1, 8_000_000n, bytes(12, 3)), // interface 1 belonged to the previous section
    ]);
    const events = readBytes(file);
    expect(kindsOf(events)).toEqual([
      'format',
      'interface',
      'interface',
      'packet',
      'format',
      'interface',
      'packet',
      'capture.unknown-interface',
    ]);
    expect(events[4]).toEqual({
      kind: 'format',
      format: 'pcapng',
      byteOrder: 'le',
      versionMajor: 1,
      versionMinor: 2,
    });
    expect(events[5]).toMatchObject({ iface: { id: 0, linkType: 113 } });
    const p = packetsOf(events);
    expect(p.map((x) => [x.index, x.interfaceId, x.linkType, x.timeNs])).toEqual([
      [0, 1, 101, 5_000_000_000n],
      [1, 0, 113, 7_000_000_000n],
    ]);
    expect(diagnosticsOf(events)[0]?.message).toBe(
      'Packet block 7 at byte offset 204 refers to interface 1, but the section describes only 1 interface(s). The packet was skipped.',
    );
  });

  it('stops on a major version other than 1', () => {
    const events = readBytes(Buffer.concat([shb('le', { major: 2 }), idb('le', 1, 0)]));
    expect(kindsOf(events)).toEqual(['capture.unknown-version']);
    expect(diagnosticsOf(events)[0]?.evidence).toMatchObject({
      format: 'pcapng',
      versionMajor: 2,
      offset: 0,
    });
  });
});

describe('pcapng: other packet and data blocks', () => {
  it('gives Simple Packet Blocks interface 0, the previous time, and says so once (§4.4)', () => {
    const order = 'le';
    const file = Buffer.concat([
      shb(order),
      idb(order, LINKTYPE_ETHERNET, 64),
      spb(order, 10, bytes(10, 1)), // before any timestamp: time 0
      epb(order, 0, 42_000_001n, bytes(30, 2)),
      spb(order, 100, bytes(64, 3)), // cut to the 64-byte snaplen
      spb(order, 20, bytes(20, 4)),
    ]);
    const events = readBytes(file);
    expect(kindsOf(events)).toEqual([
      'format',
      'interface',
      'capture.spb-no-timestamp',
      'packet',
      'packet',
      'packet',
      'packet',
    ]);
    const p = packetsOf(events);
    expect(p.map((x) => [x.interfaceId, x.timeNs, x.data.length, x.originalLength])).toEqual([
      [0, 0n, 10, 10],
      [0, 42_000_001_000n, 30, 30],
      [0, 42_000_001_000n, 64, 100],
      [0, 42_000_001_000n, 20, 20],
    ]);
    expect(p[0]?.data).toEqual(bytes(10, 1)); // padding of the 10-byte body left out
    expect(diagnosticsOf(events)[0]).toMatchObject({ severity: 'info', evidence: { block: 2, offset: 48 } });
  });

  it('reads the obsolete Packet Block (Appendix A)', () => {
    const file = Buffer.concat([
      shb('be'),
      idb('be', 1, 0),
      idb('be', 101, 0),
      packetBlock('be', 1, 3_000_001n, bytes(9, 1)),
    ]);
    const [p] = packetsOf(readBytes(file));
    expect(p).toMatchObject({ interfaceId: 1, linkType: 101, timeNs: 3_000_001_000n, data: bytes(9, 1) });
  });

  it('emits Decryption Secrets Blocks as secrets events (§4.7)', () => {
    const keylog = Buffer.from('CLIENT_RANDOM 00112233 44556677\n');
    const file = Buffer.concat([shb('le'), dsb('le', TLS_KEY_LOG, keylog), idb('le', 1, 0)]);
    const events = readBytes(file);
    expect(events[1]).toEqual({ kind: 'secrets', secretsType: TLS_KEY_LOG, data: keylog, offset: 28 });
  });

  it('skips Name Resolution, Interface Statistics, custom and unknown blocks', () => {
    const file = Buffer.concat([
      shb('le'),
      block('le', 4, bytes(16, 1)),
      idb('le', 1, 0),
      block('le', 5, bytes(24, 2)),
      block('le', 0x00000bad, bytes(13, 3)),
      block('le', 0x12345678, Buffer.alloc(0)),
      epb('le', 0, 1n, bytes(5, 4)),
    ]);
    const events = readBytes(file);
    expect(kindsOf(events)).toEqual(['format', 'interface', 'packet']);
    expect(packetsOf(events)[0]?.offset).toBe(28 + 28 + 20 + 36 + 28 + 12);
  });
});

describe('pcapng: damaged blocks', () => {
  const head = Buffer.concat([shb('le'), idb('le', 1, 0)]); // 48 bytes
  const good = epb('le', 0, 1n, bytes(8, 1));

  it('stops when the trailing length differs from the leading one (§3.1)', () => {
    const bad = block('le', 6, bytes(28, 2), 999);
    const events = readBytes(Buffer.concat([head, good, bad, good]));
    expect(kindsOf(events)).toEqual(['format', 'interface', 'packet', 'capture.bad-block']);
    expect(diagnosticsOf(events)[0]?.message).toBe(
      'Block 3 (Enhanced Packet Block) at byte offset 88 is corrupt: its trailing length 999 differs from its leading length 40. Block boundaries are lost from here on, so reading stopped.',
    );
  });

  it('stops at once on a length that is not a multiple of 4, too small, or over 256 MiB', () => {
    for (const [length, reason] of [
      [42, 'its length 42 is not a multiple of 4'],
      [8, 'its length 8 is below the 12 bytes such a block needs'],
      [0x7ffffffc, 'its length 2147483644 is more than the 268435456 bytes any block may have'],
    ] as const) {
      const header = Buffer.alloc(8);
      header.writeUInt32LE(6);
      header.writeUInt32LE(length, 4);
      const reader = new PcapngReader();
      const events = reader.push(Buffer.concat([head, header]));
      expect(diagnosticsOf(events).map((d) => d.evidence?.reason)).toEqual([reason]);
      expect(reader.push(Buffer.alloc(1 << 20))).toEqual([]);
      expect(reader.finish()).toEqual([]);
    }
  });

  it('stops on a Section Header Block with a bad byte-order magic', () => {
    const shbBad = shb('le');
    shbBad.writeUInt32BE(0x11223344, 8);
    const events = readBytes(Buffer.concat([head, good, shbBad]));
    expect(diagnosticsOf(events)[0]?.evidence).toMatchObject({
      block: 3,
      offset: 88,
      reason: 'its byte-order magic is 0x11223344, neither 1a2b3c4d nor 4d3c2b1a',
    });
  });

  it('skips a packet block whose captured length overruns it, and goes on', () => {
    const bad = epb('le', 0, 1n, bytes(8, 1));
    bad.writeUInt32LE(200, 8 + 12); // Captured Packet Length field
    const events = readBytes(Buffer.concat([head, bad, good]));
    expect(kindsOf(events)).toEqual(['format', 'interface', 'capture.malformed-block', 'packet']);
    expect(diagnosticsOf(events)[0]?.evidence).toMatchObject({
      block: 2,
      reason: 'its captured length of 200 bytes exceeds the 8 bytes the block holds',
    });
  });

  it('keeps the interface of an IDB whose options overrun, and ids of an IDB too short to read', () => {
    const opts = Buffer.concat([
      option('le', IF_TSRESOL, u8(9)),
      Buffer.from([2, 0, 100, 0, 0x61, 0x62, 0x63, 0x64]),
    ]);
    const fixed = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]); // LINKTYPE_ETHERNET, reserved, snaplen 0
    const file = Buffer.concat([
      shb('le'),
      block('le', 1, Buffer.concat([fixed, opts])),
      block('le', 1, Buffer.from([1, 0, 0, 0])), // 4-byte body: no snaplen
      epb('le', 1, 1n, bytes(4, 1)),
      epb('le', 0, 1n, bytes(4, 2)),
    ]);
    const events = readBytes(file);
    expect(kindsOf(events)).toEqual([
      'format',
      'capture.bad-option',
      'interface',
      'capture.malformed-block',
      'capture.unknown-interface',
      'packet',
    ]);
    const diags = diagnosticsOf(events);
    expect(diags[0]?.evidence?.reason).toBe('option 2 claims 100 bytes but only 4 remain in the block');
    expect(diags[2]?.evidence?.problem).toBe('whose Interface Description Block was malformed');
    expect(packetsOf(events)[0]?.timeNs).toBe(1n); // if_tsresol read before the bad option still applies
  });

  it('reports every cut point of a file as truncated with the exact bytes missing', () => {
    const file = multiInterface('le');
    const starts = [0, 28, 68, 100, 136, 228, 304, 356]; // SHB, 3 IDBs, 4 EPBs
    for (let cut = 1; cut <= file.length; cut++) {
      const events = readBytes(file.subarray(0, cut));
      const complete = starts.filter((s, i) => (starts[i + 1] ?? file.length) <= cut).length;
      expect(packetsOf(events).length, `cut ${cut}`).toBe(Math.max(0, complete - 4));
      const diags = diagnosticsOf(events);
      if (starts.includes(cut) || cut === file.length) {
        expect(diags, `cut ${cut}`).toEqual([]);
        continue;
      }
      const start = starts[complete]!;
      const end = starts[complete + 1] ?? file.length;
      const probe = complete === 0 ? 12 : 8;
      const missing = cut - start < probe ? start + probe - cut : end - cut;
      expect(
        diags.map((d) => d.code),
        `cut ${cut}`,
      ).toEqual(['capture.truncated']);
      expect(diags[0]?.evidence, `cut ${cut}`).toMatchObject({ offset: start, block: complete, missing });
    }
  });
});
