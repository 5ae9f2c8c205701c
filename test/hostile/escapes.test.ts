/**
 * Issue 14 item 5: one escaping policy at every sink. A capture whose method, metadata and grpc-message
 * carry terminal controls (OSC, CSI, C1) and bidi/format characters (RLO, RLM, ALM, BOM), and file names
 * that carry them too: nothing of it reaches a report, stderr or the Reproduce block raw.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeText, shellArg } from '../../src/output/escape.js';
import { jsonText } from '../../src/output/json-text.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { unaryCalls } from './h2-calls.js';
import { tcpCapture } from './tcp-capture.js';

/** OSC 0 (set title), CSI, the one-character C1 CSI, RLO, RLM, ALM, BOM. */
const EVIL = '\x1b]0;pwned\x07\x1b[2J\u009b31m\u202eevil\u200f\u061c\ufeff';
/** hpack.js writes a string's chars as octets: the UTF-8 bytes of EVIL, as latin1 chars. */
const EVIL_OCTETS = Buffer.from(EVIL, 'utf8').toString('latin1');
/** Every character that must never be written raw to a terminal-facing sink. */
const RAW_TEXT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
/** What JSON may not leave raw: C0 but its own line breaks (JSON.stringify's rule), and C1 (ours). */
const RAW_JSON = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const dir = mkdtempSync(join(tmpdir(), 'h2scope-escapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const capture = tcpCapture(
  unaryCalls(1, [['x-note', EVIL_OCTETS]], { path: `/evil.Svc/${EVIL_OCTETS}`, status: ['13', EVIL_OCTETS] }),
);

describe('one escaping policy at every sink', () => {
  it('escapeText makes controls, bidi marks and the BOM visible', () => {
    expect(escapeText('a\u200fb\u061cc\ufeffd\u009be')).toBe('a\\u200fb\\u061cc\\ufeffd\\x9be');
    expect(jsonText({ v: 'x\u0085y' })).toBe('{"v":"x\\u0085y"}');
    expect(JSON.parse(jsonText({ v: 'x\u0085y' }))).toEqual({ v: 'x\u0085y' });
    expect(shellArg("it's")).toBe(`'it'\\''s'`);
    expect(shellArg('a\x1b]0;t\x07\u202eb.pcap')).toBe("$'a\\x1b]0;t\\x07\\u202eb.pcap'");
  });

  it.each([
    ['--format', 'json'],
    ['--format', 'ndjson'],
    ['--format', 'har'],
  ])('%s %s: C1 escaped as \\u00XX, the values unchanged', async (...args) => {
    const r = await runCliCaptured(['-', ...args], { stdin: capture });
    expect(r.stdout).not.toMatch(RAW_JSON);
    expect(r.stdout).toContain('\\u009b31m');
    const docs = args[1] === 'ndjson' ? r.stdout.trim().split('\n') : [r.stdout];
    expect(docs.map((d) => JSON.stringify(JSON.parse(d))).join('')).toContain(EVIL.slice(-8));
  });

  it.each([['--format', 'text'], ['--format', 'markdown'], ['--summary']])(
    '%s %s: no control or bidi character raw',
    async (...args) => {
      const r = await runCliCaptured(['-', ...args], { stdin: capture });
      expect(r.stdout).not.toMatch(RAW_TEXT);
      expect(r.stdout).toMatch(/\\x1b\]0;pwned\\x07|\\\\x1b\]0;pwned\\\\x07|\\x1b\\\]0;pwned/);
    },
  );

  it('a crafted file name: escaped on stderr and ANSI-C quoted in the Reproduce block', async () => {
    const name = join(dir, 'cap\x1b]0;pwned\x07\u202e\u009b.pcap');
    writeFileSync(name, capture);
    const md = await runCliCaptured([name, '--format', 'markdown']);
    expect(md.stdout).not.toMatch(RAW_TEXT);
    expect(md.stdout).toContain(`h2scope $'${dir}/cap\\x1b]0;pwned\\x07\\u202e\\x9b.pcap' --summary`);
    const missing = await runCliCaptured([name + '.missing', '--format', 'text']);
    expect(missing.stderr).not.toMatch(RAW_TEXT);
    expect(missing.stderr).toContain('cap\\x1b]0;pwned\\x07\\u202e\\x9b.pcap.missing');
  });

  it('"not a capture" quotes the file bytes escaped', async () => {
    const name = join(dir, 'notes\u200f.txt');
    writeFileSync(name, `hello ${EVIL} world, not a capture at all`);
    const r = await runCliCaptured([name, '--format', 'text']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toMatch(RAW_TEXT);
    expect(r.stderr).toContain('notes\\u200f.txt');
  });
});
