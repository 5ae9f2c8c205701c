/**
 * An independent, minimal map of a capture file's structure for the robustness sweeps: where each record
 * (pcap record, pcapng block) starts and ends, where its header ends, and where the TCP payload of its
 * packet starts, so mutations can aim at record headers, IP/TCP headers, or HTTP/2 bytes. Written from the
 * format specs (pcap: tcpdump.org/manpages/pcap-savefile.5.html; pcapng: draft-ietf-opsawg-pcapng §4),
 * not from src/capture, so the sweep does not inherit the reader's mistakes.
 */

export interface RecordSpan {
  /** First byte of the record (pcap record header, pcapng block header). */
  start: number;
  /** First byte of the packet data (== end for blocks without packet data). */
  dataStart: number;
  /** One past the record's last byte. */
  end: number;
  /** First byte of the TCP header and of the TCP payload inside the file, when the packet is TCP. */
  tcpStart: number | null;
  payloadStart: number | null;
}

export interface CaptureLayout {
  format: 'pcap' | 'pcapng';
  /** pcap: the 24-byte file header; pcapng: 0 (the Section Header Block is a record). */
  headerEnd: number;
  records: RecordSpan[];
}

const PCAP_MAGICS: Record<string, boolean> = {
  a1b2c3d4: false, // big-endian microsecond
  d4c3b2a1: true, // little-endian microsecond
  a1b23c4d: false, // big-endian nanosecond
  '4d3cb2a1': true, // little-endian nanosecond
};
const PCAP_FILE_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_IDB = 1;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;

export function captureLayout(buf: Buffer): CaptureLayout | null {
  const magic = buf.subarray(0, 4).toString('hex');
  if (magic in PCAP_MAGICS) return pcapLayout(buf, PCAP_MAGICS[magic]!);
  if (buf.length >= 12 && buf.readUInt32BE(0) === PCAPNG_SHB) return pcapngLayout(buf);
  return null;
}

function pcapLayout(buf: Buffer, le: boolean): CaptureLayout {
  const u32 = (at: number): number => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linkType = u32(20) & 0x0fffffff;
  const records: RecordSpan[] = [];
  for (let at = PCAP_FILE_HEADER; at + PCAP_RECORD_HEADER <= buf.length;) {
    const dataStart = at + PCAP_RECORD_HEADER;
    const end = dataStart + u32(at + 8);
    if (end > buf.length) break;
    records.push({ start: at, dataStart, end, ...tcpOffsets(buf, dataStart, end, linkType) });
    at = end;
  }
  return { format: 'pcap', headerEnd: PCAP_FILE_HEADER, records };
}

function pcapngLayout(buf: Buffer): CaptureLayout {
  let le = true;
  const u32 = (at: number): number => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linkTypes: number[] = [];
  const records: RecordSpan[] = [];
  for (let at = 0; at + 12 <= buf.length;) {
    const type = buf.readUInt32BE(at) === PCAPNG_SHB ? PCAPNG_SHB : u32(at);
    if (type === PCAPNG_SHB) {
      le = buf.readUInt32LE(at + 8) === PCAPNG_BYTE_ORDER_MAGIC;
      linkTypes.length = 0;
    }
    const length = u32(at + 4);
    const end = at + length;
    if (length < 12 || end > buf.length) break;
    let dataStart = end;
    let linkType = -1;
    if (type === PCAPNG_IDB) linkTypes.push(le ? buf.readUInt16LE(at + 8) : buf.readUInt16BE(at + 8));
    if (type === PCAPNG_EPB) {
      dataStart = at + 28;
      linkType = linkTypes[u32(at + 8)] ?? -1;
    }
    if (type === PCAPNG_SPB) {
      dataStart = at + 12;
      linkType = linkTypes[0] ?? -1;
    }
    // EPB: captured length at +20; SPB: the data runs to the trailing length (padding included).
    const dataEnd = type === PCAPNG_EPB ? Math.min(end - 4, dataStart + u32(at + 20)) : end - 4;
    records.push({ start: at, dataStart, end, ...tcpOffsets(buf, dataStart, dataEnd, linkType) });
    at = end;
  }
  return { format: 'pcapng', headerEnd: 0, records };
}

/** Ethernet (1) and Linux SLL2 (276) over IPv4/IPv6 without extension headers: all the samples use. */
function tcpOffsets(
  buf: Buffer,
  start: number,
  end: number,
  linkType: number,
): { tcpStart: number | null; payloadStart: number | null } {
  const none = { tcpStart: null, payloadStart: null };
  const linkLength = linkType === 1 ? 14 : linkType === 276 ? 20 : -1;
  if (linkLength < 0 || start + linkLength + 20 > end) return none;
  const etherType = linkType === 1 ? buf.readUInt16BE(start + 12) : buf.readUInt16BE(start);
  const ip = start + linkLength;
  let tcp: number;
  if (etherType === 0x0800 && buf[ip + 9] === 6) tcp = ip + (buf[ip]! & 0x0f) * 4;
  else if (etherType === 0x86dd && buf[ip + 6] === 6) tcp = ip + 40;
  else return none;
  if (tcp + 20 > end) return none;
  const payload = tcp + (buf[tcp + 12]! >> 4) * 4;
  return { tcpStart: tcp, payloadStart: payload < end ? payload : null };
}
