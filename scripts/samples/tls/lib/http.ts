// The files nghttpd serves in the TLS samples, and what curl and nghttp say they fetched.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SNI } from './tools.js';

const MTIME = new Date('2024-01-02T03:04:05Z');

/** 41 KiB of numbered lines (1280 x 33 bytes): over two 16 KiB TLS records, so DATA frames span records. */
function bigBody(): Buffer {
  const lines: string[] = [];
  for (let i = 0; lines.length * 32 < 40_960; i++) lines.push(`h2scope tls body line ${String(i).padStart(10, '0')}\n`);
  return Buffer.from(lines.join(''), 'utf8');
}

export const FILES: Record<string, Buffer> = {
  '/index.html': Buffer.from('<!doctype html>\n<title>h2scope</title>\n<p>hello, HTTP/2 over TLS</p>\n', 'utf8'),
  '/data.json': Buffer.from('{"sample":"h2scope-tls","values":[1,2,3]}\n', 'utf8'),
  '/big.txt': bigBody(),
};

/** Writes FILES under dir/www (fixed mtime, so last-modified is stable) and returns that directory. */
export function docroot(dir: string): string {
  const root = join(dir, 'www');
  mkdirSync(root, { recursive: true });
  for (const [path, bytes] of Object.entries(FILES)) {
    const file = join(root, path.slice(1));
    writeFileSync(file, bytes);
    utimesSync(file, MTIME, MTIME);
  }
  return root;
}

export interface CurlOutcome {
  url: string;
  status: number;
  bytes: number;
  httpVersion: string;
  exitCode: number;
}

export const curlOutcomes = {
  /** Common curl arguments: SNI h2scope.test resolved to 127.0.0.1, self-signed certificate accepted. */
  args(port: number): string[] {
    const format = '%{url_effective} %{http_code} %{size_download} %{http_version} %{exitcode}\\n';
    return ['-sS', '-k', '--resolve', `${SNI}:${port}:127.0.0.1`, '-H', 'x-h2scope-sample: tls', '-w', format];
  },
  parse(stdout: string): CurlOutcome[] {
    return stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line) => {
        const [url = '', status, bytes, httpVersion = '', exitCode] = line.trim().split(' ');
        return { url, status: Number(status), bytes: Number(bytes), httpVersion, exitCode: Number(exitCode) };
      });
  },
};

export interface NghttpStream {
  stream: number;
  path: string;
  status: number | null;
  bodyBytes: number | null;
}

/** Requests and statuses from `nghttp -v` output, in request order. */
export function nghttpStreams(verbose: string): NghttpStream[] {
  const streams = new Map<number, NghttpStream>();
  let sending: number | null = null;
  for (const line of verbose.split('\n')) {
    const frame = /\] (send|recv) \w+ frame <.*stream_id=(\d+)>/.exec(line);
    if (frame !== null) {
      sending = frame[1] === 'send' && line.includes('HEADERS') ? Number(frame[2]) : null;
      continue;
    }
    const path = /^\s+:path: (.*)$/.exec(line);
    if (path !== null && sending !== null) {
      const p = path[1]!;
      streams.set(sending, { stream: sending, path: p, status: null, bodyBytes: FILES[p]?.length ?? null });
    }
    const status = /recv \(stream_id=(\d+)\) :status: (\d+)/.exec(line);
    const s = status === null ? undefined : streams.get(Number(status[1]));
    if (s !== undefined) s.status = Number(status![2]);
  }
  return [...streams.values()];
}
