// Shared by h2-ipv6 and h2-any-sll2: nghttp GETs two files from nghttpd over one h2c connection, captured
// on a given address and interface; the link type of the written file is checked, not assumed.
import { readFileSync } from 'node:fs';
import { publishSample, removeDir, runOk, withRetries } from './lib.mjs';
import { captureWithNghttpd, describeNghttpdConnections, versions } from './scenario.mjs';

// pcap LINKTYPE_ values (https://www.tcpdump.org/linktypes.html).
const LINK_TYPES = { 1: 'EN10MB', 276: 'LINUX_SLL2' };

/** Link type of a classic pcap file, from its 24-byte global header (either byte order). */
export function pcapLinkType(file) {
  const header = readFileSync(file).subarray(0, 24);
  const little = header.readUInt32LE(0) === 0xa1b2c3d4 || header.readUInt32LE(0) === 0xa1b23c4d;
  const code = little ? header.readUInt32LE(20) : header.readUInt32BE(20);
  return LINK_TYPES[code] ?? `LINKTYPE_${code}`;
}

export async function simpleNghttpSample({ name, port, address, iface, linkType, description, generator }) {
  await withRetries(async () => {
    const result = await captureWithNghttpd({
      label: name,
      port,
      address,
      iface,
      clients: async ({ base }) => {
        await runOk('nghttp', ['-nv', '-H', `x-h2scope-sample: ${name}`, `${base}/index.html`, `${base}/data.json`]);
      },
    });
    const seen = pcapLinkType(result.file);
    if (seen !== linkType) throw new Error(`${name}: tcpdump wrote link type ${seen}, not ${linkType}`);
    const connections = describeNghttpdConnections(result.serverLog, { client: 'nghttp' });
    if (connections.length !== 1) throw new Error(`${name}: nghttpd saw ${connections.length} connections`);
    publishSample(name, result.file, '.pcap', {
      description,
      generator,
      ports: [port],
      linkType,
      tools: await versions(['nghttp', 'nghttpd', 'tcpdump']),
      expect: { connectionCount: 1, serverAddress: address, connections },
    });
    removeDir(result.tmp);
  });
}
