/**
 * Records the "many small calls over long-lived channels" shape with real grpc-js peers on loopback:
 *
 *   node --import tsx scripts/bench/small-calls.ts [--calls 200000] [--channels 8] [--out FILE]
 *
 * A grpc-js server (scope.v1.Lab, scripts/samples/grpc/lib/server.ts) and one client process with
 * `--channels` channels, each its own TCP connection (a local subchannel pool per channel), keep
 * `--inflight` unary Echo calls in flight per channel until `--calls` calls are done, while tcpdump writes
 * every packet to `--out` (default /tmp/h2scope-bench/small-calls-200k.pcap). A unary call is five HTTP/2
 * frames (request HEADERS and DATA, response HEADERS and DATA, trailers) plus the connection's
 * WINDOW_UPDATEs and PINGs: 200k calls make about a million frames, the shape of issue #11. Root is needed
 * for tcpdump. The file is cached: an existing `--out` is kept unless `--force`.
 *
 * The other two shapes of issue #13 (scripts/bench.ts, "Shapes"):
 *   --payload 1024-10240     each Echo carries a text of a size drawn between the bounds (the reply echoes
 *                            it): grpc-js unary calls with 1-10 KB payloads
 *   --stream 262144-1048576  each call is a Bulk server stream of `--messages` (default 4) messages of a
 *                            size drawn between the bounds (one size per call)
 * Sizes are drawn from a fixed seed, so a regenerated file has the same shape.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { startLabServer, stopLabServer } from '../samples/grpc/lib/server.js';
import {
  LabClient,
  type BulkRequest,
  type EchoReply,
  type EchoRequest,
} from '../samples/grpc/lib/service.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const calls = Number(arg('--calls', '200000'));
const channels = Number(arg('--channels', '8'));
const inflight = Number(arg('--inflight', '16'));
const port = Number(arg('--port', '50321'));
const out = arg('--out', `/tmp/h2scope-bench/small-calls-${Math.round(calls / 1000)}k.pcap`);
const range = (name: string): [number, number] | null => {
  const text = arg(name, '');
  if (text === '') return null;
  const [lo, hi] = text.split('-').map(Number);
  return [lo!, hi ?? lo!];
};
const payload = range('--payload');
const stream = range('--stream');
const messages = Number(arg('--messages', '4'));
/** A fixed-seed generator (mulberry32): the same sizes every time. */
let seed = 0x13;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = ([lo, hi]: [number, number]): number => lo + Math.floor(random() * (hi - lo + 1));
const TEXT = 'abcdefghijklmnopqrstuvwxyz0123456789 '.repeat(300);
const text = (k: number): string => {
  if (payload === null) return `call ${k}`;
  let n = between(payload);
  let s = '';
  while (n > 0) {
    s += TEXT.slice(0, Math.min(n, TEXT.length));
    n -= TEXT.length;
  }
  return s;
};

type Echo = (req: EchoRequest, cb: (err: grpc.ServiceError | null, reply?: EchoReply) => void) => void;
type Bulk = (req: BulkRequest) => grpc.ClientReadableStream<unknown>;

async function capture(): Promise<() => Promise<void>> {
  const tmp = `${out}.part`;
  const tcpdump = spawn(
    'tcpdump',
    ['-i', 'lo', '--immediate-mode', '-B', '262144', '-U', '-s', '0', '-w', tmp, `tcp port ${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  tcpdump.stderr.on('data', (b: Buffer) => (err += b.toString()));
  for (let i = 0; i < 100 && !err.includes('listening on'); i++) await sleep(50);
  if (!err.includes('listening on')) throw new Error(`tcpdump did not start: ${err}`);
  return async () => {
    await sleep(500);
    tcpdump.kill('SIGINT');
    await new Promise((resolve) => tcpdump.once('exit', resolve));
    const dropped = /(\d+) packets? dropped by kernel/.exec(err)?.[1];
    if (dropped !== undefined && dropped !== '0')
      throw new Error(`tcpdump dropped ${dropped} packets: ${err}`);
    renameSync(tmp, out);
  };
}

async function main(): Promise<void> {
  if (existsSync(out) && !process.argv.includes('--force')) {
    console.log(`${out}: cached (${statSync(out).size} bytes)`);
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  const server = await startLabServer({ port });
  const stop = await capture();
  const clients = Array.from(
    { length: channels },
    () =>
      new LabClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      }) as unknown as grpc.Client & { Echo: Echo; Bulk: Bulk },
  );
  let started = 0;
  let done = 0;
  let failed = 0;
  const t0 = Date.now();
  await Promise.all(
    clients.flatMap((client) =>
      Array.from({ length: inflight }, async () => {
        while (started < calls) {
          const k = started++;
          if (stream !== null) {
            const call = client.Bulk({ count: messages, size: between(stream) });
            await new Promise<void>((resolve) => {
              call.on('data', () => undefined);
              call.on('error', () => void (failed++, done++, resolve()));
              call.on('end', () => void (done++, resolve()));
            });
            continue;
          }
          await new Promise<void>((resolve) =>
            client.Echo({ text: text(k), id: String(k), weight: k % 1000 }, (e) => {
              if (e) failed++;
              done++;
              resolve();
            }),
          );
        }
      }),
    ),
  );
  const seconds = (Date.now() - t0) / 1000;
  for (const c of clients) c.close();
  await sleep(200);
  await stop();
  await stopLabServer(server);
  const bytes = statSync(out).size;
  console.log(
    `${out}: ${done} calls (${failed} failed) over ${channels} channels in ${seconds.toFixed(1)} s, ${bytes} bytes`,
  );
  if (failed > 0) process.exitCode = 1;
}

await main();
