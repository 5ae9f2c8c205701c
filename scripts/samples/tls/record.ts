// Records the TLS samples (samples/tls-*) on lo, ports 50300-50399: real peers, real key logs.
//
//   node --import tsx scripts/samples/tls/record.ts            every scenario
//   node --import tsx scripts/samples/tls/record.ts NAME...    only these
//
// Run through run-all.sh (which also writes the tshark goldens). Needs root for tcpdump; installs nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallRecord } from '../grpc/lib/calls.js';
import { describeBytes } from '../grpc/lib/codec.js';
import { METHOD_TYPES, type MethodName } from '../grpc/lib/service.js';
import { deriveSecretsPcapng, deriveWrongKeys } from './derived.js';
import { curlOutcomes, docroot, nghttpStreams } from './lib/http.js';
import { recordScenario, type ScenarioContext } from './lib/publish.js';
import {
  buildKeylogShim,
  MissingToolError,
  REPO,
  requireTools,
  run,
  SNI,
  startBackground,
  TLS_DIR,
  toolVersion,
} from './lib/tools.js';

const CAPTURE_TOOLS = ['tcpdump', 'tshark', 'openssl'];

interface Scenario {
  ports: number[];
  tools: string[];
  record(name: string, ports: number[]): Promise<void>;
}

const grpcJsVersion = (): string =>
  (JSON.parse(readFileSync(join(REPO, 'node_modules/@grpc/grpc-js/package.json'), 'utf8')) as { version: string })
    .version;

/** grpc-js client and server in one node process with --tls-keylog (and extra node flags). */
function grpcJsPair(description: string, nodeFlags: string[]): Scenario['record'] {
  return (name, ports) =>
    recordScenario(name, ports, async (ctx) => {
      const script = join(TLS_DIR, 'peers/grpc-js-pair.ts');
      const args = [`--tls-keylog=${ctx.keylog}`, ...nodeFlags, '--import', 'tsx', script];
      const r = await run(process.execPath, [...args, String(ports[0]), ctx.cert, ctx.key], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`grpc-js-pair exited ${r.code}: ${r.stderr}`);
      const { calls } = JSON.parse(r.stdout) as { calls: CallRecord[] };
      return {
        description,
        tools: { node: process.version, '@grpc/grpc-js': grpcJsVersion(), nodeFlags: nodeFlags.join(' ') },
        withKeys: true,
        expect: { calls },
      };
    });
}

/** nghttpd over TLS with the sample docroot on `port`, for the duration of `clients`. */
async function withNghttpd<T>(ctx: ScenarioContext, port: number, clients: () => Promise<T>): Promise<T> {
  const args = ['-v', '-a', '127.0.0.1', '-d', docroot(ctx.tmp), String(port), ctx.key, ctx.cert];
  const server = await startBackground('nghttpd', args, new RegExp(`listen .*:${port}\\b`));
  try {
    return await clients();
  } finally {
    await server.stop();
  }
}

/** curl against nghttpd; SSLKEYLOGFILE unless `withKeys` is false. */
function curlScenario(description: string, curlArgs: string[], paths: string[], withKeys = true): Scenario['record'] {
  return (name, ports) =>
    recordScenario(name, ports, async (ctx) => {
      const port = ports[0]!;
      const env = withKeys ? { ...process.env, SSLKEYLOGFILE: ctx.keylog } : process.env;
      const urls = paths.map((p) => `https://${SNI}:${port}${p}`);
      const r = await withNghttpd(ctx, port, () =>
        run('curl', [...curlOutcomes.args(port), ...curlArgs, ...urls.flatMap((u) => ['-o', '/dev/null', u])], { env }),
      );
      return {
        description,
        tools: { curl: await toolVersion('curl'), nghttpd: await toolVersion('nghttpd') },
        withKeys,
        expect: { curl: { args: curlArgs, exitCode: r.code, requests: curlOutcomes.parse(r.stdout) } },
      };
    });
}

/**
 * curl against nghttpd over TLS 1.2 captured with tcpdump -c 6: the capture stops in the handshake, after the
 * server's first flight (ServerHello .. ServerHelloDone, all plaintext in TLS 1.2) and before any encrypted
 * record. curl and nghttpd finish their exchange; the capture does not see it.
 */
async function cutHandshakeScenario(name: string, ports: number[]): Promise<void> {
  const curlArgs = ['--http2', '--tlsv1.2', '--tls-max', '1.2'];
  await recordScenario(
    name,
    ports,
    async (ctx) => {
      const port = ports[0]!;
      const url = `https://${SNI}:${port}/index.html`;
      const r = await withNghttpd(ctx, port, () =>
        run('curl', [...curlOutcomes.args(port), ...curlArgs, '-o', '/dev/null', url]),
      );
      return {
        description:
          'curl --http2 -> nghttpd over TLS 1.2, captured with tcpdump -c 6: the capture ends inside the TLS ' +
          'handshake, after the server\'s ServerHello .. ServerHelloDone and before any encrypted record (curl ' +
          'completed its request; the capture did not see it). A real capture cut short, no key log.',
        tools: {
          curl: await toolVersion('curl'),
          nghttpd: await toolVersion('nghttpd'),
          tcpdump: await toolVersion('tcpdump'),
        },
        withKeys: false,
        expect: {
          tcpdumpPacketLimit: 6,
          curl: { args: curlArgs, exitCode: r.code, requests: curlOutcomes.parse(r.stdout) },
        },
      };
    },
    6,
  );
}

/**
 * nghttp -> nghttpx whose frontend offers only the draft ALPN ids (--npn-list=h2-16,h2-14): nghttp offers
 * h2, h2-16 and h2-14, so the real negotiation selects h2-16, and both speak HTTP/2 under it. nghttpx proxies
 * to nghttpd without TLS on the second port (not captured).
 */
async function alpnDraftScenario(name: string, ports: number[]): Promise<void> {
  await recordScenario(name, ports, async (ctx) => {
    const [front, back] = [ports[0]!, ports[0]! + 1];
    const backend = await startBackground(
      'nghttpd',
      ['-v', '-a', '127.0.0.1', '--no-tls', '-d', docroot(ctx.tmp), String(back)],
      new RegExp(`listen .*:${back}\\b`),
    );
    try {
      const proxy = await startBackground(
        'nghttpx',
        [
          `--frontend=127.0.0.1,${front}`,
          `--backend=127.0.0.1,${back};;proto=h2`,
          '--npn-list=h2-16,h2-14',
          '--workers=1',
          '--no-ocsp',
          '--conf=/dev/null',
          '--log-level=INFO',
          '--errorlog-file=/dev/stderr',
          '--accesslog-file=/dev/null',
          ctx.key,
          ctx.cert,
        ],
        /Entering event loop/,
      );
      const shim = await buildKeylogShim(ctx.tmp);
      const env = { ...process.env, SSLKEYLOGFILE: ctx.keylog, LD_PRELOAD: shim };
      let r;
      try {
        r = await run('nghttp', ['-nv', `https://127.0.0.1:${front}/index.html`], { env });
      } finally {
        await proxy.stop();
      }
      if (r.code !== 0) throw new Error(`nghttp exited ${r.code}: ${r.stderr}`);
      const negotiated = /negotiated protocol: (\S+)/i.exec(r.stdout)?.[1] ?? null;
      if (negotiated !== 'h2-16') throw new Error(`negotiated ${negotiated}, expected h2-16: ${r.stdout}`);
      return {
        description:
          'nghttp -> nghttpx over TLS 1.3, nghttpx configured with --npn-list=h2-16,h2-14 (its frontend offers ' +
          'only the HTTP/2 draft ALPN ids): nghttp offers h2, h2-16, h2-14 and the server selects h2-16; both ' +
          'speak HTTP/2 under it (one GET). nghttpx proxies to nghttpd --no-tls on the next port, not captured. ' +
          'Key log by keylog-shim.so in nghttp.',
        tools: { nghttp: await toolVersion('nghttp'), nghttpx: await toolVersion('nghttpx') },
        withKeys: true,
        expect: { negotiatedByNghttp: negotiated, nghttp: { streams: nghttpStreams(r.stdout) } },
      };
    } finally {
      await backend.stop();
    }
  });
}

async function nghttpScenario(name: string, ports: number[]): Promise<void> {
  await recordScenario(name, ports, async (ctx) => {
    const port = ports[0]!;
    const shim = await buildKeylogShim(ctx.tmp);
    const env = { ...process.env, SSLKEYLOGFILE: ctx.keylog, LD_PRELOAD: shim };
    const urls = ['/index.html', '/data.json', '/big.txt'].map((p) => `https://127.0.0.1:${port}${p}`);
    const r = await withNghttpd(ctx, port, () => run('nghttp', ['-nv', ...urls], { env }));
    if (r.code !== 0) throw new Error(`nghttp exited ${r.code}: ${r.stderr}`);
    return {
      description:
        'nghttp -> nghttpd over TLS 1.3 (OpenSSL 3 both sides), three GETs on one connection (one 41 KiB body ' +
        'spanning several TLS records and DATA frames). Neither tool writes a key log: keylog-shim.so ' +
        '(LD_PRELOAD) installs OpenSSL\'s keylog callback in nghttp. URLs use 127.0.0.1, so no SNI is sent.',
      tools: { nghttp: await toolVersion('nghttp'), nghttpd: await toolVersion('nghttpd') },
      withKeys: true,
      expect: { nghttp: { streams: nghttpStreams(r.stdout) } },
    };
  });
}

interface PythonCall extends Omit<CallRecord, 'requests' | 'responses'> {
  requests: string[];
  responses: string[];
}

async function pythonScenario(name: string, ports: number[]): Promise<void> {
  await recordScenario(name, ports, async (ctx) => {
    const port = String(ports[0]);
    const script = join(TLS_DIR, 'peers/grpc-js-server.ts');
    const server = await startBackground(
      process.execPath,
      ['--import', 'tsx', script, port, ctx.cert, ctx.key],
      /READY/,
    );
    const shim = await buildKeylogShim(ctx.tmp);
    const env = { ...process.env, SSLKEYLOGFILE: ctx.keylog, LD_PRELOAD: shim };
    let out;
    try {
      out = await run('/usr/bin/python3', ['-B', join(TLS_DIR, 'py/tls_client.py'), port, ctx.cert], { env });
    } finally {
      await server.stop();
    }
    if (out.code !== 0) throw new Error(`tls_client.py exited ${out.code}: ${out.stderr}`);
    const { calls } = JSON.parse(out.stdout) as { calls: PythonCall[] };
    const grpcio = await run('/usr/bin/python3', ['-c', 'import grpc; print(grpc.__version__)']);
    return {
      description:
        'Python grpcio (C-core, Debian python3-grpcio) client -> grpc-js server over TLS 1.3: two Echo calls (one ' +
        'PERMISSION_DENIED) and a Watch stream. grpcio cannot write a key log itself; keylog-shim.so (LD_PRELOAD, ' +
        'OpenSSL keylog callback) makes its libssl write one, so the secrets come from the Python side.',
      tools: { grpcio: grpcio.stdout.trim(), node: process.version, '@grpc/grpc-js': grpcJsVersion() },
      withKeys: true,
      expect: { calls: calls.map(fromPython) },
    };
  });
}

function fromPython(call: PythonCall): CallRecord {
  const types = METHOD_TYPES[call.method.split('/').at(-1) as MethodName];
  return {
    ...call,
    requests: call.requests.map((hex) => describeBytes(types.request, Buffer.from(hex, 'hex'))),
    responses: call.responses.map((hex) => describeBytes(types.response, Buffer.from(hex, 'hex'))),
  };
}

const SCENARIOS: Record<string, Scenario> = {
  'tls-grpc-js-13': {
    ports: [50300],
    tools: CAPTURE_TOOLS,
    record: grpcJsPair(
      'grpc-js client and server over TLS 1.3 (node defaults: TLS_AES_256_GCM_SHA384, ALPN h2, SNI h2scope.test ' +
        'by grpc.ssl_target_name_override), key log from node --tls-keylog: Echo with metadata, Echo failing ' +
        'PERMISSION_DENIED, a 3-event Watch stream and a 2-message Chat.',
      [],
    ),
  },
  'tls-grpc-js-12': {
    ports: [50301],
    tools: CAPTURE_TOOLS,
    record: grpcJsPair(
      'The tls-grpc-js-13 calls over TLS 1.2 (node --tls-max-v1.2: ECDHE-ECDSA AES-128-GCM, ALPN h2 in the ' +
        'ServerHello), key log (CLIENT_RANDOM) from node --tls-keylog.',
      ['--tls-max-v1.2'],
    ),
  },
  'tls-curl-nghttpd': {
    ports: [50302],
    tools: [...CAPTURE_TOOLS, 'curl', 'nghttpd'],
    record: curlScenario(
      'curl --http2 -> nghttpd over TLS 1.3 with TLS_CHACHA20_POLY1305_SHA256, SNI h2scope.test (--resolve), two ' +
        'GETs on one connection; key log from curl SSLKEYLOGFILE.',
      ['--http2', '--tls13-ciphers', 'TLS_CHACHA20_POLY1305_SHA256'],
      ['/index.html', '/big.txt'],
    ),
  },
  'tls-nghttp-nghttpd': {
    ports: [50303],
    tools: [...CAPTURE_TOOLS, 'nghttp', 'nghttpd', 'gcc', '/usr/include/openssl/ssl.h'],
    record: nghttpScenario,
  },
  'tls-py-grpcio': {
    ports: [50304],
    tools: [...CAPTURE_TOOLS, '/usr/bin/python3', 'gcc', '/usr/include/openssl/ssl.h'],
    record: pythonScenario,
  },
  'tls-no-keys': {
    ports: [50305],
    tools: [...CAPTURE_TOOLS, 'curl', 'nghttpd'],
    record: curlScenario(
      'curl --http2 -> nghttpd over TLS 1.2 (ECDHE-ECDSA AES-256-GCM), SNI h2scope.test, recorded WITHOUT a key ' +
        'log: SNI, offered and selected ALPN (TLS 1.2 ServerHello) are visible, the HTTP/2 traffic is not.',
      ['--http2', '--tlsv1.2', '--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
      ['/index.html'],
      false,
    ),
  },
  'tls-alpn-http11': {
    ports: [50306],
    tools: [...CAPTURE_TOOLS, 'curl', 'nghttpd'],
    record: curlScenario(
      'curl --http1.1 -> nghttpd over TLS 1.3: the client offers only ALPN http/1.1, nghttpd (h2 only) selects no ' +
        'protocol, completes the handshake, then closes on the HTTP/1.1 request (curl exit 52). Key log from curl.',
      ['--http1.1'],
      ['/index.html'],
    ),
  },
  'tls-handshake-failure': {
    ports: [50307],
    tools: [...CAPTURE_TOOLS, 'curl', 'nghttpd'],
    record: curlScenario(
      'curl offering only ECDHE-RSA-AES128-GCM-SHA256 over TLS 1.2 to nghttpd, whose certificate is ECDSA: no ' +
        'shared cipher suite, nghttpd answers the ClientHello with a fatal handshake_failure alert (curl exit 35).',
      ['--http2', '--tlsv1.2', '--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256'],
      ['/index.html'],
      false,
    ),
  },
  'tls-cut-in-handshake': { ports: [50308], tools: [...CAPTURE_TOOLS, 'curl', 'nghttpd'], record: cutHandshakeScenario },
  'tls-alpn-h2-16': { ports: [50309], tools: [...CAPTURE_TOOLS, 'nghttp', 'nghttpx', 'nghttpd', 'gcc'], record: alpnDraftScenario },
  'tls-grpc-js-13-secrets': { ports: [50300], tools: ['tshark', 'editcap'], record: deriveSecretsPcapng },
  'tls-wrong-keys': { ports: [50300], tools: ['tshark'], record: deriveWrongKeys },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) throw new Error(`no scenario named ${unknown.join(', ')}`);
  for (const name of names) {
    const scenario = SCENARIOS[name]!;
    requireTools(scenario.tools);
    await scenario.record(name, scenario.ports);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof MissingToolError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(e instanceof MissingToolError ? 3 : 1);
});

