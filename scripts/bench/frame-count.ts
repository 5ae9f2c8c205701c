/**
 * Checks that h2scope and tshark did the same work on a file: HTTP/2 frames per type from h2scope's
 * ndjson against tshark's `http2.type` fields (one value per frame, comma-separated per packet).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type FrameCounts = Record<string, number>;

/** tshark numbers frame types; h2scope names them (RFC 9113 §6). */
const TYPE_NAMES: Record<string, string> = {
  '0': 'DATA',
  '1': 'HEADERS',
  '2': 'PRIORITY',
  '3': 'RST_STREAM',
  '4': 'SETTINGS',
  '5': 'PUSH_PROMISE',
  '6': 'PING',
  '7': 'GOAWAY',
  '8': 'WINDOW_UPDATE',
  '9': 'CONTINUATION',
};

async function countLines(
  cmd: string,
  args: string[],
  cwd: string,
  each: (line: string) => void,
): Promise<void> {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  for await (const line of createInterface({ input: child.stdout })) each(line);
  const code = await closed;
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}`);
}

export async function h2scopeFrameCounts(file: string, cwd: string): Promise<FrameCounts> {
  const counts: FrameCounts = {};
  const TYPE = /^\{"type":"frame","frame":\{.*?"type":"([A-Z_0-9x]+)"/;
  await countLines(process.execPath, ['dist/cli/main.js', file, '--format', 'ndjson'], cwd, (line) => {
    const t = TYPE.exec(line)?.[1];
    if (t) counts[t] = (counts[t] ?? 0) + 1;
  });
  return counts;
}

export async function tsharkFrameCounts(file: string, port: number, cwd: string): Promise<FrameCounts> {
  const counts: FrameCounts = {};
  const args = ['-r', file, '-d', `tcp.port==${port},http2`, '-T', 'fields', '-e', 'http2.type'];
  await countLines('tshark', args, cwd, (line) => {
    for (const t of line.split(',')) {
      if (t === '') continue;
      const name = TYPE_NAMES[t] ?? `UNKNOWN_0x${Number(t).toString(16).padStart(2, '0')}`;
      counts[name] = (counts[name] ?? 0) + 1;
    }
  });
  return counts;
}

export function sameCounts(a: FrameCounts, b: FrameCounts): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
