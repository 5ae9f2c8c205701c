// Sample h2-curl-upgrade: curl --http2 -> nghttpx (cleartext) -> nghttpd, the whole h2c upgrade captured
// (scripts/samples/h2/curl-upgrade-lib.mjs).
import { recordCurlUpgrade } from './curl-upgrade-lib.mjs';
import { main } from './lib.mjs';

main(() =>
  recordCurlUpgrade({
    name: 'h2-curl-upgrade',
    port: 50202,
    backendPort: 50203,
    meta: {
      description:
        'curl --http2 -> nghttpx (cleartext frontend, proxying to nghttpd): h2c upgrade from HTTP/1.1 ' +
        '(Upgrade: h2c, HTTP2-Settings), 101 Switching Protocols, then the response on stream 1.',
      generator: 'scripts/samples/h2/curl-upgrade.mjs',
    },
  }),
);
