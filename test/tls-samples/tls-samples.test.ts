/**
 * The TLS samples (scripts/samples/tls/) through the whole pipeline, against what their generators and
 * tshark recorded in meta.json: TLS parameters per connection, HTTP/2 frames, and gRPC calls decrypted
 * with each sample's key log (or the key log embedded in a pcapng Decryption Secrets Block).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { JsonCollector } from '../../src/output/json.js';
import { cipherSuiteName } from '../../src/tls/cipher-suites.js';
import { alertDescriptionName, versionName } from '../../src/tls/constants.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { type Decoded, decodeFile } from '../helpers/decode.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

interface TsharkTls {
  version: string | null;
  cipherSuite: string | null;
  sni: string | null;
  alpnOffered: string[] | null;
  alpnSelected: string | null;
  alertDescriptions: number[];
  http2FramesSeenByTshark: number;
}
interface MessageRecord {
  size: number;
}
interface ExpectedCall {
  method: string;
  status: number;
  statusName: string;
  message: string;
  requestMetadata?: Record<string, unknown>;
  requests: MessageRecord[];
  responses: MessageRecord[];
}
interface Meta {
  ports: number[];
  keylog?: string;
  goldenFrom?: string;
  expect: {
    tcpConnections: number;
    tls: TsharkTls[];
    calls?: ExpectedCall[];
    callsWithRightKeys?: number;
    curl?: { exitCode: number; requests: Array<{ url: string; status: number; bytes: number }> };
    nghttp?: { streams: Array<{ stream: number; path: string; status: number; bodyBytes: number }> };
  };
}

const NAMES = [
  'tls-alpn-h2-16',
  'tls-alpn-http11',
  'tls-curl-nghttpd',
  'tls-cut-in-handshake',
  'tls-grpc-js-12',
  'tls-grpc-js-13',
  'tls-grpc-js-13-secrets',
  'tls-handshake-failure',
  'tls-nghttp-nghttpd',
  'tls-no-keys',
  'tls-py-grpcio',
  'tls-wrong-keys',
];

const meta = (name: string): Meta =>
  JSON.parse(readFileSync(join(SAMPLES, `${name}.meta.json`), 'utf8')) as Meta;
const capture = (name: string): string =>
  [`${name}.pcap`, `${name}.pcapng`].map((f) => join(SAMPLES, f)).find((p) => existsSync(p))!;
const keylogOf = (name: string): { keylog?: string } => {
  const k = meta(name).keylog;
  return k === undefined ? {} : { keylog: join(SAMPLES, k) };
};
const decodeSample = (name: string): Promise<Decoded> => decodeFile(capture(name), keylogOf(name));
const codes = (d: Decoded): string[] => d.diagnostics.map((x) => x.code);

describe('TLS samples', () => {
  it('are the scenarios of scripts/samples/tls/run-all.sh, each with its capture and key log', () => {
    const found = readdirSync(SAMPLES)
      .filter((f) => f.startsWith('tls-') && f.endsWith('.meta.json'))
      .map((f) => f.slice(0, -'.meta.json'.length))
      .sort();
    expect(found).toEqual(NAMES);
    for (const name of NAMES) {
      expect(statSync(capture(name)).size).toBeLessThan(300_000);
      const keylog = meta(name).keylog;
      if (keylog !== undefined) expect(existsSync(join(SAMPLES, keylog))).toBe(true);
    }
  });

  describe.each(NAMES.filter((n) => n !== 'tls-grpc-js-13-secrets'))('%s', (name) => {
    it('shows the TLS parameters tshark saw, and decrypts as many HTTP/2 frames', async () => {
      const m = meta(name);
      const d = await decodeSample(name);
      expect(d.connections.length).toBe(m.expect.tcpConnections);
      d.connections.forEach((conn, i) => {
        const want = m.expect.tls[i]!;
        const tls = conn.tls!;
        expect(tls.sni).toBe(want.sni ?? undefined);
        expect(tls.alpnOffered).toEqual(want.alpnOffered ?? undefined);
        expect(tls.alpnSelected).toBe(want.alpnSelected ?? undefined);
        if (want.version !== null) expect(tls.version).toBe(versionName(Number(want.version)));
        if (want.cipherSuite !== null) expect(tls.cipher).toBe(cipherSuiteName(Number(want.cipherSuite)));
        expect((tls.alerts ?? []).map((a) => a.description)).toEqual(
          want.alertDescriptions.map(alertDescriptionName),
        );
        expect(conn.frames.length).toBe(want.http2FramesSeenByTshark);
      });
    });
  });
});

describe('gRPC through TLS', () => {
  it.each(['tls-grpc-js-13', 'tls-grpc-js-12', 'tls-py-grpcio', 'tls-grpc-js-13-secrets'])(
    '%s: every call the client made, with its status and messages',
    async (name) => {
      const d = await decodeSample(name);
      const [conn] = d.connections;
      expect(conn?.protocol).toBe('h2');
      expect(conn?.tls?.decryption).toBe('decrypted');
      const want = meta(name).expect.calls!;
      const got = conn!.calls;
      expect(got.map((c) => [c.method, c.status, c.statusName, c.message])).toEqual(
        want.map((c) => [c.method, c.status, c.statusName, c.message]),
      );
      got.forEach((call, i) => {
        const w = want[i]!;
        expect(call.requests.map((r) => r.length)).toEqual(w.requests.map((r) => r.size));
        expect(call.responses.map((r) => r.length)).toEqual(w.responses.map((r) => r.size));
        const sent = Object.keys(w.requestMetadata ?? {}).filter((k) => !k.endsWith('-bin'));
        for (const key of sent)
          expect(call.requestHeaders.find(([n]) => n === key)?.[1]).toBe(w.requestMetadata![key]);
      });
      expect(codes(d).filter((c) => c.startsWith('grpc.') || c === 'tls.decrypt-failed')).toEqual([]);
    },
  );

  it('the pcapng with embedded secrets decodes exactly like the original with its key log', async () => {
    const embedded = await decodeFile(capture('tls-grpc-js-13-secrets'));
    const original = await decodeSample('tls-grpc-js-13');
    expect(embedded.allFrames).toEqual(original.allFrames);
    expect(embedded.connections.map((c) => c.tls)).toEqual(original.connections.map((c) => c.tls));
  });
});

describe('HTTP/2 through TLS', () => {
  /** Response status and DATA bytes per request path, from the decrypted frames. */
  function responses(d: Decoded): Map<string, { status: string; bytes: number }> {
    const frames = d.allFrames;
    const out = new Map<string, { status: string; bytes: number }>();
    for (const f of frames.filter((x) => x.from === 'client' && x.headers)) {
      const path = f.headers!.find(([n]) => n === ':path')![1];
      const sameStream = frames.filter((x) => x.stream === f.stream && x.from === 'server');
      const status = sameStream.find((x) => x.headers)?.headers?.find(([n]) => n === ':status')?.[1] ?? '';
      const bytes = sameStream.filter((x) => x.type === 'DATA').reduce((n, x) => n + (x.dataLength ?? 0), 0);
      out.set(path, { status, bytes });
    }
    return out;
  }

  it('curl -> nghttpd (TLS 1.3, ChaCha20-Poly1305): what curl fetched', async () => {
    const d = await decodeSample('tls-curl-nghttpd');
    const got = responses(d);
    for (const r of meta('tls-curl-nghttpd').expect.curl!.requests)
      expect(got.get(new URL(r.url).pathname)).toEqual({ status: String(r.status), bytes: r.bytes });
    expect(d.connections[0]?.tls?.cipher).toBe('TLS_CHACHA20_POLY1305_SHA256');
  });

  it('nghttp -> nghttpd (key log from the LD_PRELOAD shim): what nghttp fetched', async () => {
    const d = await decodeSample('tls-nghttp-nghttpd');
    const got = responses(d);
    for (const s of meta('tls-nghttp-nghttpd').expect.nghttp!.streams)
      expect(got.get(s.path)).toEqual({ status: String(s.status), bytes: s.bodyBytes });
  });
});

describe('TLS connections that cannot be decrypted', () => {
  it('without keys: protocol tls, SNI and ALPN in the summary, how to get a key log', async () => {
    const d = await decodeSample('tls-no-keys');
    const [conn] = d.connections;
    expect(conn).toMatchObject({ protocol: 'tls', frameCount: 0, preface: false, h2Detection: null });
    expect(conn?.summary).toBe('TLS 1.2, SNI h2scope.test, ALPN h2, encrypted, no keys');
    const noKeys = d.diagnostics.filter((x) => x.code === 'tls.encrypted-no-keys');
    expect(noKeys.map((x) => [x.connection, x.severity])).toEqual([['c1', 'warning']]);
    expect(noKeys[0]?.message).toContain('SSLKEYLOGFILE');
    // A key log for other connections changes nothing.
    const other = await decodeFile(capture('tls-no-keys'), keylogOf('tls-grpc-js-13'));
    expect(other.connections[0]?.tls?.decryption).toBe('no-keys');
  });

  it('with a wrong key log: decryption failed, reported per direction, the capture still listed', async () => {
    const d = await decodeSample('tls-wrong-keys');
    const [conn] = d.connections;
    expect(conn).toMatchObject({ protocol: 'tls', frameCount: 0 });
    expect(conn?.tls?.decryption).toBe('failed');
    expect(conn?.calls).toEqual([]);
    const failed = d.diagnostics.filter((x) => x.code === 'tls.decrypt-failed');
    expect(failed.map((x) => x.evidence?.side).sort()).toEqual(['client', 'server']);
    const right = await decodeFile(capture('tls-wrong-keys'), keylogOf('tls-grpc-js-13'));
    expect(right.connections[0]?.calls.length).toBe(meta('tls-wrong-keys').expect.callsWithRightKeys);
  });

  it('a handshake refused with a fatal alert: tls.handshake-alert', async () => {
    const d = await decodeSample('tls-handshake-failure');
    expect(d.connections[0]).toMatchObject({
      protocol: 'tls',
      summary:
        'TLS 1.2 offered, SNI h2scope.test, ALPN offered h2,http/1.1, server alert handshake_failure, no encrypted data',
    });
    const alert = d.diagnostics.find((x) => x.code === 'tls.handshake-alert');
    expect(alert?.evidence).toEqual({ side: 'server', level: 'fatal', description: 'handshake_failure' });
  });

  it('a real capture cut by tcpdump -c 6 inside the handshake: nothing encrypted, so no key log advice', async () => {
    const d = await decodeSample('tls-cut-in-handshake');
    const [conn] = d.connections;
    // ClientHello and the server's plaintext TLS 1.2 flight, then the capture stops.
    expect(conn).toMatchObject({ protocol: 'tls', frameCount: 0, endReason: 'capture-end' });
    expect(conn?.tls).toMatchObject({ decryption: 'not-encrypted', records: { encrypted: 0 } });
    expect(conn?.summary).toBe('TLS 1.2, SNI h2scope.test, ALPN h2, no encrypted data');
    expect(codes(d)).toEqual([]);
    const text = await runCliCaptured([capture('tls-cut-in-handshake'), '--format', 'text']);
    expect(text.stdout).not.toMatch(/key ?log|SSLKEYLOGFILE/i);
    expect(text.stdout).toContain('no encrypted data');
  });

  it('ALPN h2-16, negotiated by nghttp with nghttpx (--npn-list=h2-16,h2-14): HTTP/2, as tshark decodes it', async () => {
    const d = await decodeSample('tls-alpn-h2-16');
    const [conn] = d.connections;
    expect(conn?.tls?.alpnSelected).toBe('h2-16');
    expect(conn).toMatchObject({ protocol: 'h2' });
    expect(conn?.tls?.decryption).toBe('decrypted');
    expect(codes(d).filter((c) => c.startsWith('tls.alpn'))).toEqual([]);
    const m = meta('tls-alpn-h2-16') as Meta & { expect: { negotiatedByNghttp: string } };
    expect(m.expect.negotiatedByNghttp).toBe('h2-16');
    const streams = m.expect.nghttp!.streams;
    const data = d.allFrames.filter((f) => f.type === 'DATA' && f.from === 'server');
    expect(data.reduce((n, f) => n + (f.dataLength ?? 0), 0)).toBe(
      streams.reduce((n, s) => n + s.bodyBytes, 0),
    );
  });

  it('ALPN without h2: tls.alpn-not-h2, and the HTTP/1.1 request inside is recognised', async () => {
    const d = await decodeSample('tls-alpn-http11');
    const [conn] = d.connections;
    expect(conn?.protocol).toBe('http/1.1');
    expect(conn?.summary).toBe(
      'TLS 1.3, SNI h2scope.test, ALPN offered http/1.1, decrypted: HTTP/1 request GET /index.html HTTP/1.1',
    );
    expect(d.diagnostics.find((x) => x.code === 'tls.alpn-not-h2')?.evidence).toEqual({
      selected: 'no protocol',
      offered: 'http/1.1',
    });
  });

  it('an unreadable key log is one error; the capture is decoded without keys', async () => {
    const d = await decodeFile(capture('tls-grpc-js-13'), { keylog: join(SAMPLES, 'no-such.keys') });
    expect(d.diagnostics[0]).toMatchObject({ code: 'tls.keylog-unreadable', severity: 'error' });
    expect(d.connections[0]?.tls?.decryption).toBe('no-keys');
  });
});

describe('damaged TLS captures', () => {
  /** The pipeline over bytes, as the CLI would read them. */
  function decodeBytes(bytes: Buffer, keylog: string): JsonCollector {
    const collector = new JsonCollector();
    const engine = createEngine({ file: 'mem', keylog }, collector.sink);
    const reader = new CaptureReader();
    engine.push(reader.push(bytes));
    engine.push(reader.finish());
    engine.finish();
    return collector;
  }

  it('truncated anywhere or with flipped bytes: no internal error, never more calls than the whole', () => {
    const whole = readFileSync(capture('tls-grpc-js-13'));
    const keylog = join(SAMPLES, 'tls-grpc-js-13.keys');
    const calls = meta('tls-grpc-js-13').expect.calls!.length;
    for (let cut = 24; cut < whole.length; cut += 53) {
      const doc = decodeBytes(whole.subarray(0, cut), keylog).doc;
      expect(doc.diagnostics.filter((x) => x.code === 'engine.internal-error')).toEqual([]);
      expect(doc.connections.flatMap((c) => c.calls).length).toBeLessThanOrEqual(calls);
    }
    for (let at = 200; at < whole.length; at += 97) {
      const damaged = Buffer.from(whole);
      damaged[at] = damaged[at]! ^ 0x5a;
      const doc = decodeBytes(damaged, keylog).doc;
      expect(doc.diagnostics.filter((x) => x.code === 'engine.internal-error')).toEqual([]);
    }
  });
});
