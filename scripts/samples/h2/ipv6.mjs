// Sample h2-ipv6: nghttp -> nghttpd over h2c on [::1] (IPv6 loopback, captured on lo).
import { main, requireTools } from './lib.mjs';
import { simpleNghttpSample } from './simple-nghttp.mjs';

main(async () => {
  requireTools(['tcpdump', 'tshark', 'nghttp', 'nghttpd']);
  await simpleNghttpSample({
    name: 'h2-ipv6',
    port: 50207,
    address: '::1',
    iface: 'lo',
    linkType: 'EN10MB',
    description: 'nghttp -> nghttpd over h2c on [::1]:50207 (IPv6), two GETs on one connection.',
    generator: 'scripts/samples/h2/ipv6.mjs',
  });
});
