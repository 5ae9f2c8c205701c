// Sample h2-nghttp-tiny-window: nghttp --window-bits=13 advertises SETTINGS_INITIAL_WINDOW_SIZE 8,191
// (2^13 - 1, far below the 65,535 default of RFC 9113 §6.9.2) and GETs the ~100 KiB big.txt from nghttpd.
// On loopback the whole transfer takes milliseconds, yet nearly every DATA frame run ends where the window
// does and nghttpd waits for the client's next WINDOW_UPDATE: the incident "a window far too small",
// whatever the absolute duration. The truth is nghttpd's own -v log (`expect`).
import { main, publishSample, removeDir, requireTools, runOk, withRetries } from './lib.mjs';
import { captureWithNghttpd, describeNghttpdConnections, versions } from './scenario.mjs';

const NAME = 'h2-nghttp-tiny-window';
const PORT = 50210;
const WINDOW_BITS = 13;
const WINDOW = 2 ** WINDOW_BITS - 1;

main(async () => {
  requireTools(['tcpdump', 'tshark', 'nghttp', 'nghttpd']);
  await withRetries(async () => {
    const result = await captureWithNghttpd({
      label: NAME,
      port: PORT,
      clients: async ({ base }) => {
        await runOk('nghttp', ['-nv', `--window-bits=${WINDOW_BITS}`, `${base}/big.txt`]);
      },
    });
    const connections = describeNghttpdConnections(result.serverLog, { client: 'nghttp' });
    const clientSettings = connections[0]?.frames.client[0]?.settings ?? [];
    if (!clientSettings.some(([id, value]) => id === 0x4 && value === WINDOW)) {
      throw new Error(`nghttp did not send SETTINGS_INITIAL_WINDOW_SIZE ${WINDOW}: ${clientSettings}`);
    }
    publishSample(NAME, result.file, '.pcap', {
      description:
        `nghttp --window-bits=${WINDOW_BITS} -> nghttpd over h2c: the client advertises ` +
        `SETTINGS_INITIAL_WINDOW_SIZE ${WINDOW} and GETs /big.txt (~100 KiB) on one connection; the server ` +
        'uses up the stream window again and again and waits for WINDOW_UPDATE each time.',
      generator: 'scripts/samples/h2/nghttp-tiny-window.mjs',
      ports: [PORT],
      linkType: 'EN10MB',
      tools: await versions(['nghttp', 'nghttpd', 'tcpdump']),
      expect: {
        connectionCount: 1,
        initialWindowSize: { from: 'client', value: WINDOW },
        connections,
      },
    });
    removeDir(result.tmp);
  });
});
