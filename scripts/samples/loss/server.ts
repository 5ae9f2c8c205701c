// The scope.v1.Lab grpc-js server of the gRPC samples, bound to an address given on the command line
// (inside a network namespace, where 127.0.0.1 is not reachable from the capturing host).
//   npx tsx scripts/samples/loss/server.ts 10.231.0.2:50600
import * as grpc from '@grpc/grpc-js';
import { labImplementation } from '../grpc/lib/server.js';
import { labService } from '../grpc/lib/service.js';

const address = process.argv[2] ?? '127.0.0.1:50600';
const server = new grpc.Server();
server.addService(labService, labImplementation({ port: 0, name: 'netem-server' }));
server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) {
    process.stderr.write(`bind ${address}: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`listening on ${address}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
