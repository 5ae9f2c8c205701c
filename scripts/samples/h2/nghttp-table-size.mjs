// Sample h2-nghttp-table-size: nghttp -c 256 advertises SETTINGS_HEADER_TABLE_SIZE 256 (RFC 9113 §6.5.2),
// so nghttpd's encoder must start its first header block with a dynamic table size update (RFC 7541 §4.2,
// §6.3). tshark 4.0.17 then decodes no headers at all in the server->client direction: the truth is in
// `expect`, taken from nghttpd's own -v log.
import { main, publishSample, removeDir, requireTools, runOk, withRetries } from './lib.mjs';
import { captureWithNghttpd, describeNghttpdConnections, versions } from './scenario.mjs';

const NAME = 'h2-nghttp-table-size';
const PORT = 50201;
const TABLE_SIZE = 256;

main(async () => {
  requireTools(['tcpdump', 'tshark', 'nghttp', 'nghttpd']);
  await withRetries(async () => {
    const result = await captureWithNghttpd({
      label: NAME,
      port: PORT,
      clients: async ({ base }) => {
        const args = ['-nv', `--header-table-size=${TABLE_SIZE}`, '-H', 'x-table-test: small dynamic table'];
        await runOk('nghttp', [...args, `${base}/index.html`, `${base}/data.json`]);
      },
    });
    const connections = describeNghttpdConnections(result.serverLog, { client: 'nghttp' });
    const clientSettings = connections[0]?.frames.client[0]?.settings ?? [];
    if (!clientSettings.some(([id, value]) => id === 0x1 && value === TABLE_SIZE)) {
      throw new Error(`nghttp did not send SETTINGS_HEADER_TABLE_SIZE ${TABLE_SIZE}: ${clientSettings}`);
    }
    publishSample(NAME, result.file, '.pcap', {
      description:
        `nghttp --header-table-size=${TABLE_SIZE} -> nghttpd over h2c: the client advertises ` +
        `SETTINGS_HEADER_TABLE_SIZE ${TABLE_SIZE}; nghttpd's first response header block starts with a ` +
        'dynamic table size update. Two GETs on one connection.',
      generator: 'scripts/samples/h2/nghttp-table-size.mjs',
      ports: [PORT],
      linkType: 'EN10MB',
      tools: await versions(['nghttp', 'nghttpd', 'tcpdump']),
      goldenNotes: [
        'tshark 4.0.17 decodes no header fields in the server->client direction: its first header block ' +
          `starts with a dynamic table size update (RFC 7541 §6.3) after the client's SETTINGS_HEADER_TABLE_SIZE ` +
          `${TABLE_SIZE}. The real response headers are in meta.json expect.connections[0].streams[].response.`,
      ],
      expect: {
        connectionCount: 1,
        settingsHeaderTableSize: { from: 'client', value: TABLE_SIZE },
        dynamicTableSizeUpdate: { from: 'server', firstHeaderBlock: true },
        connections,
      },
    });
    removeDir(result.tmp);
  });
});
