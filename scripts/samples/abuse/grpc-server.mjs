// A plain grpc-js server for the abuse samples: scope.v1.Lab/Echo with identity serialisation (no proto
// needed), answering after 20 ms so a request reset at once is still being served. Prints READY.
//   node scripts/samples/abuse/grpc-server.mjs PORT
import { createRequire } from 'node:module';

const grpc = createRequire(import.meta.url)('@grpc/grpc-js');

const port = Number(process.argv[2]);
const id = (b) => b;
const server = new grpc.Server();
const echo = {
  path: '/scope.v1.Lab/Echo',
  requestStream: false,
  responseStream: false,
  requestSerialize: id,
  requestDeserialize: id,
  responseSerialize: id,
  responseDeserialize: id,
};
server.addService({ Echo: echo }, { Echo: (call, done) => setTimeout(() => done(null, call.request), 20) });
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.log('READY');
});
process.on('SIGTERM', () => server.forceShutdown());
