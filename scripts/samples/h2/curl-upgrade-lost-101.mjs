// Sample h2-curl-upgrade-lost-101: the h2c upgrade of h2-curl-upgrade, recorded live through a capture
// filter that drops every server segment whose payload starts with "HTTP" (tcp[data offset:4] = "HTTP"):
// the 101 Switching Protocols is not captured, and with it the server's SETTINGS that nghttpx sends in the
// same segment, as a filter meant for "only HTTP/2" or a lost packet would do. Issue #12 item 6.
import { recordCurlUpgrade } from './curl-upgrade-lib.mjs';
import { main } from './lib.mjs';

const PORT = 50211;
// "HTTP" = 0x48545450 at the start of the TCP payload (the data offset is the high nibble of byte 12, in
// words). The payload length test comes first: a BPF load past the packet's end rejects the packet, which
// would drop the server's SYN-ACK and bare ACKs too.
const PAYLOAD = '(ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12:1] & 0xf0) >> 2))';
const NOT_HTTP_REPLY = `not (tcp src port ${PORT} and ${PAYLOAD} >= 4 and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x48545450)`;

main(() =>
  recordCurlUpgrade({
    name: 'h2-curl-upgrade-lost-101',
    port: PORT,
    backendPort: PORT + 1,
    filter: `tcp port ${PORT} and ${NOT_HTTP_REPLY}`,
    meta: {
      description:
        'curl --http2 -> nghttpx (cleartext frontend, proxying to nghttpd): h2c upgrade, captured through a ' +
        'filter that drops server segments starting with "HTTP": the segment with "HTTP/1.1 101 Switching ' +
        'Protocols" is not in the capture (a TCP gap of its length; nghttpx may send its SETTINGS in that same ' +
        'segment, lost with it); the client\'s upgrade request and preface and the response on stream 1 are.',
      generator: 'scripts/samples/h2/curl-upgrade-lost-101.mjs',
      capturedLoss: {
        by: 'the capture filter',
        what: 'the server segment that starts with "HTTP/1.1 101 Switching Protocols"',
      },
    },
  }),
);
