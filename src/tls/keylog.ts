import { diag } from '../diagnostics/make.js';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import type { Diagnostic } from '../diagnostics/types.js';

/**
 * NSS key log format (https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/,
 * draft-ietf-tls-keylogfile): one `<label> <client_random hex> <secret hex>` per line, `#` comments.
 * Written by SSLKEYLOGFILE in NSS, OpenSSL/BoringSSL users (curl, Python, Chrome), Go's KeyLogWriter and
 * `node --tls-keylog`. Also carried by a pcapng Decryption Secrets Block of type TLS_KEY_LOG.
 */

/** pcapng Decryption Secrets Block type for a TLS key log ("TLSK", draft-ietf-opsawg-pcapng §4.7). */
export const DSB_TLS_KEY_LOG = 0x544c534b;

/** The secrets h2scope keeps per client random. */
export interface TlsSecrets {
  /** CLIENT_RANDOM: the TLS 1.2 (and older) 48-byte master secret. */
  masterSecret?: Buffer;
  clientEarlyTrafficSecret?: Buffer;
  clientHandshakeTrafficSecret?: Buffer;
  serverHandshakeTrafficSecret?: Buffer;
  clientTrafficSecret0?: Buffer;
  serverTrafficSecret0?: Buffer;
  earlyExporterSecret?: Buffer;
  exporterSecret?: Buffer;
}

const LABELS: Readonly<Record<string, keyof TlsSecrets>> = {
  CLIENT_RANDOM: 'masterSecret',
  CLIENT_EARLY_TRAFFIC_SECRET: 'clientEarlyTrafficSecret',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshakeTrafficSecret',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshakeTrafficSecret',
  CLIENT_TRAFFIC_SECRET_0: 'clientTrafficSecret0',
  SERVER_TRAFFIC_SECRET_0: 'serverTrafficSecret0',
  EARLY_EXPORTER_SECRET: 'earlyExporterSecret',
  EXPORTER_SECRET: 'exporterSecret',
};

/** RFC 5246 §8.1: the master secret is 48 bytes. TLS 1.3 secrets are Hash.length: 32 (SHA-256) or 48 (SHA-384). */
function secretLengthOk(label: string, length: number): boolean {
  return label === 'CLIENT_RANDOM' ? length === 48 : length === 32 || length === 48;
}

const HEX = /^[0-9a-fA-F]*$/;

/** One usable key log line. */
export interface KeyLogEntry {
  label: string;
  clientRandom: Buffer;
  secret: Buffer;
  /** 1-based line number in its source. */
  line: number;
}

/** Parses key log text; bad lines become diagnostics with their line numbers and are skipped. */
export function parseKeyLog(
  text: string | Buffer,
  source = 'key log',
): { entries: KeyLogEntry[]; diagnostics: Diagnostic[] } {
  const entries: KeyLogEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = (typeof text === 'string' ? text : text.toString('utf8')).split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) return;
    const fields = content.split(/\s+/);
    const bad = (reason: string) =>
      diagnostics.push(diag(TLS_DIAGNOSTICS, 'tls.keylog-bad-line', { source, line, reason }));
    const [label = '', random = '', secret = ''] = fields;
    if (!(label in LABELS)) {
      if (fields.length === 3 || label === 'RSA') {
        diagnostics.push(diag(TLS_DIAGNOSTICS, 'tls.keylog-unsupported-label', { source, line, label }));
      } else {
        bad(`expected "<label> <client random> <secret>", got ${fields.length} fields`);
      }
      return;
    }
    if (fields.length !== 3) return bad(`expected 3 fields, got ${fields.length}`);
    if (random.length !== 64 || !HEX.test(random)) return bad('the client random is not 64 hex digits');
    if (secret.length % 2 !== 0 || !HEX.test(secret)) return bad('the secret is not hex');
    const secretBytes = Buffer.from(secret, 'hex');
    if (!secretLengthOk(label, secretBytes.length))
      return bad(`a ${secretBytes.length}-byte secret is the wrong size for ${label}`);
    entries.push({ label, clientRandom: Buffer.from(random, 'hex'), secret: secretBytes, line });
  });
  return { entries, diagnostics };
}

/** Secrets from any number of key logs, looked up by the ClientHello random. */
export class KeyLog {
  private readonly byRandom = new Map<string, TlsSecrets>();

  get size(): number {
    return this.byRandom.size;
  }

  /** Adds key log text. A different secret for a label already known is a conflict: the first is kept. */
  addText(text: string | Buffer, source = 'key log'): Diagnostic[] {
    const { entries, diagnostics } = parseKeyLog(text, source);
    for (const e of entries) {
      const key = e.clientRandom.toString('hex');
      const secrets = this.byRandom.get(key) ?? {};
      const field = LABELS[e.label]!;
      const known = secrets[field];
      if (known === undefined) {
        secrets[field] = e.secret;
        this.byRandom.set(key, secrets);
      } else if (!known.equals(e.secret)) {
        const params = { source, line: e.line, label: e.label, clientRandom: key };
        diagnostics.push(diag(TLS_DIAGNOSTICS, 'tls.keylog-conflict', params));
      }
    }
    return diagnostics;
  }

  /**
   * Adds the payload of a pcapng Decryption Secrets Block. Only TLS key logs are used; the payload is
   * padded to 32 bits with zeros in the file, which are ignored.
   */
  addDecryptionSecrets(secretsType: number, data: Buffer, source = 'pcapng secrets block'): Diagnostic[] {
    if (secretsType !== DSB_TLS_KEY_LOG) {
      return [
        diag(TLS_DIAGNOSTICS, 'tls.keylog-unsupported-secrets', {
          secretsType: `0x${secretsType.toString(16).padStart(8, '0')}`,
        }),
      ];
    }
    let end = data.length;
    while (end > 0 && data[end - 1] === 0) end--;
    return this.addText(data.subarray(0, end), source);
  }

  /** The secrets logged for a 32-byte client random. */
  get(clientRandom: Buffer): TlsSecrets | undefined {
    return this.byRandom.get(clientRandom.toString('hex'));
  }
}
