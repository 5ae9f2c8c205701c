// The files nghttpd serves in every scenario: fixed contents and a fixed mtime, so response bodies and the
// last-modified header are the same on every run (only `date` and TCP ports/sequence numbers change).
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MTIME = new Date('2024-01-02T03:04:05Z');

/** ~100 KiB of numbered text lines: large enough for several DATA frames and WINDOW_UPDATEs. */
function bigBody() {
  const lines = [];
  for (let i = 0; lines.length * 32 < 102_400; i++) {
    lines.push(`h2scope big body line ${String(i).padStart(9, '0')}\n`); // 32 bytes
  }
  return Buffer.from(lines.join(''), 'utf8');
}

export const FILES = {
  '/index.html': Buffer.from('<!doctype html>\n<title>h2scope</title>\n<p>hello, HTTP/2</p>\n', 'utf8'),
  '/data.json': Buffer.from('{"sample":"h2scope","values":[1,2,3]}\n', 'utf8'),
  '/big.txt': bigBody(),
};

/** Writes FILES under `dir` (created) and returns it. */
export function makeDocroot(dir) {
  mkdirSync(dir, { recursive: true });
  for (const [path, bytes] of Object.entries(FILES)) {
    const file = join(dir, path.slice(1));
    writeFileSync(file, bytes);
    utimesSync(file, MTIME, MTIME);
  }
  return dir;
}
