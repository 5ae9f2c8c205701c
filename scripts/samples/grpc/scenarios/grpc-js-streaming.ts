// grpc-js streaming calls on two connections: Watch (server streaming, 5 events), Upload (client
// streaming) and Chat (bidi) on an identity channel, then Upload and Chat on a gzip channel.
import * as grpc from '@grpc/grpc-js';
import { LabConnection, bidi, clientStream, serverStream, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50102;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const plain = new LabConnection(PORT, 0, calls);
// grpc-js compresses only what it sends, and only per channel (its server never compresses responses).
const gzip = new LabConnection(PORT, 1, calls, {
  'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip,
});

const chunks = (prefix: string): object[] =>
  [0, 1, 2].map((index) => ({
    index,
    data: Buffer.from(`${prefix} chunk ${index}: ${'lorem ipsum dolor sit amet '.repeat(20 * (index + 1))}`),
    last: index === 2,
  }));
const chat = (from: string): object[] =>
  ['hello', 'how are you?', 'bye'].map((text, i) => ({ from, text, seq: i + 1, attrs: { lang: 'en' } }));

await serverStream(plain, 'Watch', { topic: 'weather', count: 5, interval_ms: 20 });
await clientStream(plain, chunks('plain'), { gapMs: 10 });
await bidi(plain, chat('alice'), { metadata: { 'x-room': 'lobby' } });
await clientStream(gzip, chunks('gzip'), { gapMs: 10, note: 'request messages gzip-compressed' });
await bidi(gzip, chat('bob'), { note: 'request messages gzip-compressed, responses identity' });

plain.close();
gzip.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1: Watch (server streaming, 5 events 20 ms apart), ' +
    'Upload (client streaming, 3 chunks) and Chat (bidi ping-pong, 3 messages) on connection 0; Upload and ' +
    'Chat again on connection 1, whose channel gzip-compresses every request message (grpc-encoding: gzip, ' +
    'compressed flag 1); responses are never compressed by grpc-js.',
  ports: [PORT],
  expect: { tcpConnections: 2, calls },
});
