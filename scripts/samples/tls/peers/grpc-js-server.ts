// The grpc-js TLS Lab server alone, for a client in another process (Python grpcio). Prints READY once
// serving; SIGTERM shuts it down.
//
//   node --import tsx grpc-js-server.ts PORT CERT KEY
import { startTlsLabServer, stopServer } from './lab-tls.js';

const [port = '', cert = '', key = ''] = process.argv.slice(2);
const server = await startTlsLabServer(Number(port), { cert, key });
process.stdout.write('READY\n');
process.on('SIGTERM', () => {
  void stopServer(server).then(() => process.exit(0));
});
