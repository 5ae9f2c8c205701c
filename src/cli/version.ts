import { readFileSync } from 'node:fs';

/** The version in package.json (src/cli and dist/cli are both two levels below it). */
export function version(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
