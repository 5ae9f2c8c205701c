/**
 * A longer capture of the same real traffic: node --import tsx scripts/bench/repeat-capture.ts IN OUT K
 *
 * Writes K copies of IN (an Ethernet/IPv4 pcap such as scripts/bench/small-calls.ts records) one after the
 * other in time, copy k with client addresses 10.k.x.y (so every copy's connections are new 4-tuples),
 * the server at 10.0.0.1, checksums recomputed (rewrite.ts). Five copies of the 200k-call capture make
 * the 5M-frame shape of issue #11 from real grpc-js traffic.
 */
import { readPcap, PcapWriter } from './pcap-file.js';
import { rewritePacket } from './rewrite.js';
import { LINKTYPE_ETHERNET } from './sample-connections.js';

const [input, output, copiesArg] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: repeat-capture.ts IN OUT COPIES');
const copies = Number(copiesArg ?? 5);
const pcap = readPcap(input);
if (pcap.linkType !== LINKTYPE_ETHERNET) throw new Error(`${input}: want Ethernet`);
const first = pcap.records[0]?.micros ?? 0;
const span = (pcap.records.at(-1)?.micros ?? first) - first + 1_000_000;
const SERVER_IP = (10 << 24) | 1;
const writer = new PcapWriter(output, LINKTYPE_ETHERNET);
for (let k = 0; k < copies; k++) {
  /** Client ip:port of each connection of this copy, by the original client address. */
  const clients = new Map<string, number>();
  for (const rec of pcap.records) {
    const f = rec.data;
    if (f.length < 34 || f.readUInt16BE(12) !== 0x0800 || f[23] !== 6) continue;
    const ipOffset = 14;
    const tcpOffset = ipOffset + (f[ipOffset]! & 0x0f) * 4;
    const srcPort = f.readUInt16BE(tcpOffset);
    const dstPort = f.readUInt16BE(tcpOffset + 2);
    // The server is the lower port of the pair (grpc-js clients use ephemeral ports).
    const fromClient = srcPort > dstPort;
    const clientPort = fromClient ? srcPort : dstPort;
    const clientAddr = `${fromClient ? f.readUInt32BE(26) : f.readUInt32BE(30)}:${clientPort}`;
    let n = clients.get(clientAddr);
    if (n === undefined) clients.set(clientAddr, (n = clients.size));
    const out = rewritePacket(
      { offsetMicros: 0, frame: f, fromClient, ipOffset, tcpOffset },
      {
        clientIp: ((10 << 24) | ((k + 1) << 16) | (n + 2)) >>> 0,
        serverIp: SERVER_IP,
        clientPort,
        serverPort: fromClient ? dstPort : srcPort,
        clientSeqDelta: 0,
        serverSeqDelta: 0,
      },
    );
    writer.write(rec.micros + k * span, out);
  }
}
writer.close();
console.log(`${output}: ${copies} copies of ${input}, ${writer.packets} packets, ${writer.bytes} bytes`);
