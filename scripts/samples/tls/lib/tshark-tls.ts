// What tshark sees of each TLS connection of a capture (with the key log when there is one): the hello
// parameters, the ALPN the server selected (ServerHello, or decrypted EncryptedExtensions), alerts, and how
// many HTTP/2 frames it decrypted. meta.json `expect.tls` comes from here: an oracle independent of h2scope.
import { runOk } from './tools.js';

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

export interface TsharkTls {
  tcpStream: number;
  /** Hex as tshark prints them, e.g. "0x0304", "0x1302". */
  version: string | null;
  cipherSuite: string | null;
  sni: string | null;
  alpnOffered: string[] | null;
  alpnSelected: string | null;
  /** Alert descriptions tshark could read (clear or decrypted), e.g. ["40"]. */
  alerts: string[];
  http2Frames: number;
}

const list = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every value of `key` anywhere under `node`, in document order. */
function find(node: Json | undefined, key: string): Json[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n) => find(n, key));
  return Object.entries(node).flatMap(([k, v]) => (k === key ? list(v) : find(v, key)));
}

const first = (node: Json, key: string): string | null => {
  const v = find(node, key)[0];
  return v === undefined || v === null || typeof v === 'object' ? null : String(v);
};

export async function tsharkTls(file: string, ports: number[], keylog: string | null): Promise<TsharkTls[]> {
  const args = ['-r', file, '-o', 'tcp.desegment_tcp_streams:TRUE', '-o', 'tls.desegment_ssl_records:TRUE'];
  if (keylog !== null) args.push('-o', `tls.keylog_file:${keylog}`);
  for (const port of ports) args.push('-d', `tcp.port==${port},tls`);
  args.push('-T', 'json', '--no-duplicate-keys', '-J', 'tcp tls http2');
  const packets = JSON.parse(await runOk('tshark', args)) as Array<{ _source: { layers: Json } }>;
  const byStream = new Map<number, TsharkTls>();
  for (const p of packets) {
    const layers = p._source.layers;
    const stream = Number(first(layers, 'tcp.stream'));
    let conn = byStream.get(stream);
    if (conn === undefined) {
      conn = {
        tcpStream: stream,
        version: null,
        cipherSuite: null,
        sni: null,
        alpnOffered: null,
        alpnSelected: null,
        alerts: [],
        http2Frames: 0,
      };
      byStream.set(stream, conn);
    }
    const tls = find(layers, 'tls');
    for (const hs of find(tls, 'tls.handshake')) readHandshake(conn, hs);
    for (const d of find(tls, 'tls.alert_message.desc')) conn.alerts.push(String(d));
    conn.http2Frames += find(layers, 'http2.type').length;
  }
  return [...byStream.values()].sort((a, b) => a.tcpStream - b.tcpStream);
}

function readHandshake(conn: TsharkTls, hs: Json): void {
  const type = first(hs, 'tls.handshake.type');
  const alpn = find(hs, 'tls.handshake.extensions_alpn_str').map(String);
  if (type === '1') {
    conn.sni = first(hs, 'tls.handshake.extensions_server_name');
    if (alpn.length > 0) conn.alpnOffered = alpn;
  } else if (type === '2') {
    conn.cipherSuite = first(hs, 'tls.handshake.ciphersuite');
    conn.version = first(hs, 'tls.handshake.extensions.supported_version') ?? first(hs, 'tls.handshake.version');
    if (alpn.length > 0) conn.alpnSelected = alpn[0]!;
  } else if (type === '8' && alpn.length > 0) {
    conn.alpnSelected = alpn[0]!;
  }
}
