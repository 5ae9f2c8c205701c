#!/usr/bin/env node
// Damages a classic pcap file record by record, to make the damaged-* samples. Standalone: no imports from
// src/, so a bug in the readers under test cannot hide in the fixtures made for them.
//
//   node scripts/damage-pcap.mjs list IN                      records as JSON lines (1-based, like tshark)
//   node scripts/damage-pcap.mjs swap IN OUT A B              exchange the packets of records A and B;
//                                                             timestamps stay in place (times stay sorted)
//   node scripts/damage-pcap.mjs duplicate IN OUT A [AFTER]   insert a copy of A after record AFTER
//                                                             (default A), stamped with AFTER's time
//   node scripts/damage-pcap.mjs drop IN OUT A                remove record A
//   node scripts/damage-pcap.mjs truncate IN OUT A            cut the file in the middle of A's packet data
//   node scripts/damage-pcap.mjs corrupt-length IN OUT A [V]  set A's incl_len to V (default 0x7fffffff)
//
// Each command except list prints one JSON object saying exactly what it did (for meta.json `damage`).
// File format: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html (24-byte header, then
// records of a 16-byte header ts_sec, ts_frac, incl_len, orig_len followed by incl_len bytes).
import { readFileSync, writeFileSync } from 'node:fs';

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const MAGICS = {
  a1b2c3d4: { precision: 'usec' },
  a1b23c4d: { precision: 'nsec' },
};

/** Parses a classic pcap file into its header and records; throws on anything it cannot split. */
export function parsePcap(bytes) {
  if (bytes.length < GLOBAL_HEADER) throw new Error('shorter than a pcap global header');
  const le = bytes.readUInt32LE(0).toString(16);
  const be = bytes.readUInt32BE(0).toString(16);
  const little = le in MAGICS;
  if (!little && !(be in MAGICS)) throw new Error(`not a classic pcap file (magic ${be})`);
  const u32 = (offset) => (little ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset));
  const records = [];
  let offset = GLOBAL_HEADER;
  while (offset < bytes.length) {
    if (offset + RECORD_HEADER > bytes.length) throw new Error(`partial record header at offset ${offset}`);
    const inclLen = u32(offset + 8);
    const end = offset + RECORD_HEADER + inclLen;
    if (end > bytes.length) throw new Error(`record ${records.length + 1} at ${offset} runs past the end`);
    records.push({
      index: records.length + 1,
      offset,
      tsSec: u32(offset),
      tsFrac: u32(offset + 4),
      inclLen,
      origLen: u32(offset + 12),
      data: bytes.subarray(offset + RECORD_HEADER, end),
    });
    offset = end;
  }
  return {
    little,
    precision: MAGICS[little ? le : be].precision,
    header: bytes.subarray(0, GLOBAL_HEADER),
    records,
  };
}

/** Serializes records (any subset, any order) after the original global header, in its byte order. */
export function writePcap(pcap, records) {
  const parts = [pcap.header];
  for (const r of records) {
    const h = Buffer.alloc(RECORD_HEADER);
    const put = (value, at) => (pcap.little ? h.writeUInt32LE(value, at) : h.writeUInt32BE(value, at));
    put(r.tsSec, 0);
    put(r.tsFrac, 4);
    put(r.data.length, 8);
    put(r.origLen, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

function record(pcap, n) {
  const r = pcap.records[n - 1];
  if (!Number.isInteger(n) || r === undefined)
    throw new Error(`no record ${n} (file has ${pcap.records.length})`);
  return r;
}

const where = (r) => ({ record: r.index, offset: r.offset, inclLen: r.inclLen });

export function swap(pcap, a, b) {
  const ra = record(pcap, a);
  const rb = record(pcap, b);
  const records = pcap.records.map((r) => {
    if (r === ra) return { ...ra, data: rb.data, origLen: rb.origLen };
    if (r === rb) return { ...rb, data: ra.data, origLen: ra.origLen };
    return r;
  });
  return { bytes: writePcap(pcap, records), report: { op: 'swap', records: [where(ra), where(rb)] } };
}

export function duplicate(pcap, a, after = a) {
  const ra = record(pcap, a);
  const rafter = record(pcap, after);
  const copy = { ...ra, tsSec: rafter.tsSec, tsFrac: rafter.tsFrac };
  const records = [...pcap.records];
  records.splice(after, 0, copy);
  const report = { op: 'duplicate', source: where(ra), insertedAfter: after, newRecord: after + 1 };
  return { bytes: writePcap(pcap, records), report };
}

export function drop(pcap, a) {
  const ra = record(pcap, a);
  const records = pcap.records.filter((r) => r !== ra);
  return { bytes: writePcap(pcap, records), report: { op: 'drop', dropped: where(ra) } };
}

export function truncate(pcap, a) {
  const ra = record(pcap, a);
  const cutAt = ra.offset + RECORD_HEADER + Math.floor(ra.inclLen / 2);
  const bytes = writePcap(pcap, pcap.records).subarray(0, cutAt);
  const report = { op: 'truncate', record: where(ra), fileLength: cutAt, completeRecords: a - 1 };
  return { bytes, report };
}

export function corruptLength(pcap, a, value = 0x7fffffff) {
  const ra = record(pcap, a);
  const bytes = Buffer.from(writePcap(pcap, pcap.records));
  const at = ra.offset + 8;
  if (pcap.little) bytes.writeUInt32LE(value, at);
  else bytes.writeUInt32BE(value, at);
  const report = { op: 'corrupt-length', record: where(ra), fieldOffset: at, inclLen: value };
  return { bytes, report: { ...report, completeRecords: a - 1 } };
}

const OPS = { swap, duplicate, drop, truncate, 'corrupt-length': corruptLength };

function cli(argv) {
  const [op, input, output, ...rest] = argv;
  if (op === 'list' && input !== undefined) {
    for (const { data: _data, ...r } of parsePcap(readFileSync(input)).records)
      console.log(JSON.stringify(r));
    return 0;
  }
  const fn = OPS[op];
  if (fn === undefined || input === undefined || output === undefined) {
    console.error('usage: damage-pcap.mjs list IN | swap|duplicate|drop|truncate|corrupt-length IN OUT N...');
    return 2;
  }
  const numbers = rest.map((a) => Number(a));
  const { bytes, report } = fn(parsePcap(readFileSync(input)), ...numbers);
  writeFileSync(output, bytes);
  console.log(JSON.stringify(report));
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = cli(process.argv.slice(2));
  } catch (e) {
    console.error(`damage-pcap: ${e.message}`);
    process.exitCode = 1;
  }
}
