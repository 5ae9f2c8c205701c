// samples/peer-*.meta.json, printed on stdout (run-all.sh saves it). The fields of
// scripts/samples/grpc/lib/meta.ts, plus what TLS samples need for tshark's golden and h2scope --keylog.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface PeerMeta {
  description: string;
  ports: number[];
  expect: Record<string, unknown>;
  /**
   * How scripts/make-golden.mjs has tshark decode the ports: 'tls' follows ALPN inside TLS, decrypted with
   * `keylog` (a file in samples/); 'http' follows "Upgrade: h2c" + 101 (and still finds prior-knowledge
   * prefaces), where '-d ...,http2' would read an HTTP/1.1 head as frame headers; by port: 'http' for a
   * CONNECT proxy's port (tshark follows the CONNECT into the tunnel), 'http2' for the others.
   */
  tsharkDecodeAs?: 'tls' | 'http' | Record<string, 'http' | 'http2'>;
  keylog?: string;
  goldenNotes?: string[];
}

export function emitPeerMeta(scenarioUrl: string, meta: PeerMeta): void {
  const { description, ports, expect, ...rest } = meta;
  const full = {
    description,
    generator: relative(REPO_ROOT, fileURLToPath(scenarioUrl)),
    ports,
    linkType: 'EN10MB',
    ...rest,
    expect,
  };
  process.stdout.write(`${JSON.stringify(full, null, 2)}\n`);
}
