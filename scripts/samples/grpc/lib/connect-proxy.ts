// The smallest honest HTTP forward proxy for CONNECT (RFC 9110 §9.3.6), as squid or tinyproxy answer it:
// read the request head, connect to its authority-form target, answer "HTTP/1.1 200 Connection
// established", then copy bytes both ways until either side closes. Anything but CONNECT gets a 405.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ConnectProxy {
  server: Server;
  /** Targets the proxy connected to, in order. */
  tunnels: string[];
}

export function startConnectProxy(port: number): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const server = createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [method, target] = head.subarray(0, head.indexOf('\r\n')).toString('latin1').split(' ');
      const rest = head.subarray(end + 4);
      if (method !== 'CONNECT' || !target) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const colon = target.lastIndexOf(':');
      const upstream: Socket = connect(Number(target.slice(colon + 1)), target.slice(0, colon), () => {
        tunnels.push(target);
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, tunnels })));
}

export function stopConnectProxy(proxy: ConnectProxy): Promise<void> {
  return new Promise((resolve) => proxy.server.close(() => resolve()));
}
