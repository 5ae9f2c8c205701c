// Key log files as the samples commit them: NSS key log lines, deduplicated (node --tls-keylog logs both
// ends of an in-process connection), in first-seen order.
import { readFileSync } from 'node:fs';

export function readKeyLogLines(path: string): string[] {
  const seen = new Set<string>();
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#')) seen.add(line);
  }
  return [...seen];
}

/** How many lines of each label, e.g. {"CLIENT_RANDOM": 1}. */
export function labelCounts(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const label = line.split(' ')[0] ?? '';
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/**
 * The same lines with every secret's last byte inverted: the client randoms still match the capture, so a
 * decoder finds "its" keys and must report that records do not authenticate.
 */
export function corruptSecrets(lines: string[]): string[] {
  return lines.map((line) => {
    const [label, random, secret = ''] = line.split(' ');
    const last = Number.parseInt(secret.slice(-2), 16) ^ 0xff;
    return `${label} ${random} ${secret.slice(0, -2)}${last.toString(16).padStart(2, '0')}`;
  });
}
