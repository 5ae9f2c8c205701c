/**
 * Runs a real TLS session between node:tls client and server (OpenSSL underneath) over an in-memory
 * wire, and records the bytes each side wrote, write by write, plus the client's NSS key log lines
 * (the same lines `node --tls-keylog` writes). No sockets, no timers.
 */
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { TEST_CERT, TEST_KEY } from './fixtures/test-cert.js';

/** One write on the wire, in the order both sides made them. */
export interface WireWrite {
  from: 'client' | 'server';
  data: Buffer;
}

class WireEnd extends Duplex {
  peer: WireEnd | undefined;
  readonly writes: Buffer[] = [];

  constructor(
    private readonly side: 'client' | 'server',
    private readonly log: WireWrite[],
  ) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writes.push(Buffer.from(chunk));
    this.log.push({ from: this.side, data: Buffer.from(chunk) });
    this.peer?.push(chunk);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.peer?.push(null);
    done();
  }
}

export interface LiveSessionOptions {
  version: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL name of the one suite to allow, e.g. TLS_AES_256_GCM_SHA384 or ECDHE-ECDSA-CHACHA20-POLY1305. */
  cipher: string;
  clientPayload: Buffer;
  serverPayload: Buffer;
  /** ALPN lists (defaults: client h2, http/1.1; server h2). */
  clientAlpn?: string[];
  serverAlpn?: string[];
}

export interface LiveSession {
  /** What the client wrote on the wire, one buffer per write (a stand-in for TCP segments). */
  clientWrites: Buffer[];
  serverWrites: Buffer[];
  /** Both sides' writes in the order they happened: what a capture would show. */
  order: WireWrite[];
  keyLog: string;
  alpn: string | false;
}

export async function liveSession(o: LiveSessionOptions): Promise<LiveSession> {
  const order: WireWrite[] = [];
  const clientEnd = new WireEnd('client', order);
  const serverEnd = new WireEnd('server', order);
  clientEnd.peer = serverEnd;
  serverEnd.peer = clientEnd;
  const versions = { minVersion: o.version, maxVersion: o.version } as const;
  // node passes TLS_* names to OpenSSL's TLS 1.3 suite list and the others to the TLS 1.2 list.
  const cipherOption = { ciphers: o.cipher };
  const secureContext = tls.createSecureContext({
    key: TEST_KEY,
    cert: TEST_CERT,
    ...versions,
    ...cipherOption,
  });
  const server = new tls.TLSSocket(serverEnd, {
    isServer: true,
    secureContext,
    ALPNProtocols: o.serverAlpn ?? ['h2'],
  });
  const client = tls.connect({
    socket: clientEnd,
    servername: 'h2scope.test',
    ALPNProtocols: o.clientAlpn ?? ['h2', 'http/1.1'],
    rejectUnauthorized: false,
    ...versions,
    ...cipherOption,
  });
  const keyLog: string[] = [];
  client.on('keylog', (line: Buffer) => keyLog.push(line.toString()));

  const serverGot: Buffer[] = [];
  let serverLength = 0;
  server.on('data', (chunk: Buffer) => {
    serverGot.push(chunk);
    serverLength += chunk.length;
    if (serverLength === o.clientPayload.length) server.end(o.serverPayload);
  });
  const clientGot: Buffer[] = [];
  client.on('data', (chunk: Buffer) => clientGot.push(chunk));
  client.on('end', () => client.end());

  await once(client, 'secureConnect');
  const alpn = client.alpnProtocol;
  client.write(o.clientPayload);
  await Promise.all([once(client, 'close'), once(server, 'close')]);
  if (
    !Buffer.concat(serverGot).equals(o.clientPayload) ||
    !Buffer.concat(clientGot).equals(o.serverPayload)
  ) {
    throw new Error('the live TLS session did not deliver the payloads');
  }
  return {
    clientWrites: clientEnd.writes,
    serverWrites: serverEnd.writes,
    order,
    keyLog: keyLog.join(''),
    alpn: alpn ?? false,
  };
}
