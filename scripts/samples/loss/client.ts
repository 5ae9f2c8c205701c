// grpc-js client for the tcp-loss-grpc-js sample: on one channel, Echo calls (4 at a time, 1 KiB of text) and
// Bulk server-streaming calls (8 chunks of 8 KiB), so that lost segments hit both small calls and
// windows full of data (fast retransmits after duplicate ACKs, and RTO retransmits).
// Prints meta.json `expect` facts as the client saw them on stdout.
//   npx tsx scripts/samples/loss/client.ts 10.231.0.2:50600
import * as grpc from '@grpc/grpc-js';
import { LabClient } from '../grpc/lib/service.js';

const address = process.argv[2] ?? '127.0.0.1:50600';
const client = new LabClient(address, grpc.credentials.createInsecure(), { 'grpc.enable_http_proxy': 0 });
const rpc = client as unknown as Record<string, (...args: unknown[]) => unknown>;

interface Done {
  method: string;
  status: number;
  ms: number;
}
const done: Done[] = [];
const ROUNDS = 6;

function echo(i: number): Promise<void> {
  const start = performance.now();
  return new Promise((resolve) => {
    rpc.Echo!.call(client, { text: 'x'.repeat(1024), id: String(i) }, (err: grpc.ServiceError | null) => {
      done.push({ method: '/scope.v1.Lab/Echo', status: err ? err.code : 0, ms: performance.now() - start });
      resolve();
    });
  });
}

function bulk(): Promise<void> {
  const start = performance.now();
  return new Promise((resolve) => {
    const call = rpc.Bulk!.call(client, { count: 8, size: 8192 }) as grpc.ClientReadableStream<unknown>;
    call.on('data', () => undefined);
    call.on('status', (s: grpc.StatusObject) => {
      done.push({ method: '/scope.v1.Lab/Bulk', status: s.code, ms: performance.now() - start });
      resolve();
    });
    call.on('error', () => undefined);
  });
}

for (let round = 0; round < ROUNDS; round++) {
  await Promise.all([echo(round * 4), echo(round * 4 + 1), echo(round * 4 + 2), echo(round * 4 + 3)]);
  await bulk();
}
client.close();
const ok = done.filter((d) => d.status === 0).length;
process.stdout.write(
  `${JSON.stringify({ calls: done.length, ok, echo: ROUNDS * 4, bulk: ROUNDS, clientMs: done.map((d) => Math.round(d.ms)) })}\n`,
);
