// Sample h2-any-sll2: nghttp -> nghttpd over h2c, captured with `tcpdump -i any`, which writes Linux cooked
// capture v2 headers (LINKTYPE_LINUX_SLL2, 276) instead of Ethernet.
import { main, requireTools } from './lib.mjs';
import { simpleNghttpSample } from './simple-nghttp.mjs';

main(async () => {
  requireTools(['tcpdump', 'tshark', 'nghttp', 'nghttpd']);
  await simpleNghttpSample({
    name: 'h2-any-sll2',
    port: 50208,
    address: '127.0.0.1',
    iface: 'any',
    linkType: 'LINUX_SLL2',
    description:
      'nghttp -> nghttpd over h2c on 127.0.0.1, captured on the "any" pseudo-interface: link type ' +
      'LINUX_SLL2 (276), each packet seen once. Two GETs on one connection.',
    generator: 'scripts/samples/h2/any-sll2.mjs',
  });
});
