/**
 * End to end in a real terminal: h2scope runs in a tmux pane (its own tmux server), keys are sent with
 * send-keys, and the pane is read with capture-pane. Runs the CLI entry point compiled for this run
 * (test/helpers/cli-command.ts) in production mode, as bin/h2scope.js runs it. Skipped, with the reason in
 * its name, without tmux.
 * CI is unset for the child: with CI set, ink writes nothing until exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_SHELL } from '../helpers/cli-command.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `h2scope-e2e-${process.pid}`;
const CLI = `env -u CI NODE_ENV=production ${CLI_SHELL}`;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { cwd: ROOT, encoding: 'utf8' });
  return r.stdout ?? '';
}

/** The current test's session (each test has its own: killing a server and starting one at once races). */
let session = '';
const pane = (): string => tmux('capture-pane', '-p', '-t', session);
const keys = (...k: string[]): string => tmux('send-keys', '-t', session, ...k);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the pane until it contains `text` (the process starts slowly on a busy machine): the deadline is
 * only there to show the last pane of a hang, within vitest's testTimeout.
 */
async function waitFor(text: string | RegExp, timeoutMs = 240_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = pane();
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    await sleep(100);
  }
  throw new Error(`pane never showed ${String(text)}; last pane:\n${last}`);
}

function start(name: string, command: string, columns = 100, rows = 30): void {
  session = name;
  tmux(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(columns),
    '-y',
    String(rows),
    `${command}; echo EXIT=$?; sleep 30`,
  );
}

afterAll(() => {
  if (HAS_TMUX) tmux('kill-server');
});

describe.skipIf(!HAS_TMUX)(`h2scope in tmux${HAS_TMUX ? '' : ' (skipped: tmux is not installed)'}`, () => {
  it('a file: overview, calls, a call, resize to 80x24, quit', async () => {
    start('file', `${CLI} samples/grpc-js-unary.pcap`);
    const first = await waitFor('loaded · 31 pkts');
    expect(first).toContain('Capture      samples/grpc-js-unary.pcap  pcap · 31 packets · 3.89 kB · 99.5ms');
    keys('2');
    expect(await waitFor('Calls  5 of 5 calls · 2 failed')).toMatch(/>.* 1 \/scope\.v1\.Lab\/Echo +0 OK/);
    keys('e', 'Enter');
    expect(await waitFor('Call c1 stream 7')).toContain('status 9 FAILED_PRECONDITION  outcome error');
    tmux('resize-window', '-t', session, '-x', '80', '-y', '24');
    const small = await waitFor(/h2scope +1 Overview +2 Calls +3 Conns/);
    const lines = small.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeLessThanOrEqual(23);
    keys('q');
    const after = await waitFor('EXIT=0');
    expect(after).not.toContain('Calls  5 of 5'); // the alternate screen is gone
  });

  it('Stats at 80x24: a client pinned to one of its two connections shows as 100% and 0%', async () => {
    start('stats', `${CLI} samples/grpc-pinned.pcap`, 80, 24);
    await waitFor('loaded · 83 pkts');
    keys('6');
    expect(await waitFor('Stats  1 method · 12 calls · 0 not ok')).toMatch(/h2scope .* 6 Stats /);
    keys('Tab', 'Tab');
    const endpoints = await waitFor('share of calls');
    expect(endpoints).toMatch(/connection c1 .* 12 .*100% ██████████/);
    expect(endpoints).toMatch(/connection c2 .* 0 .* 0% ░░░░░░░░░░/);
    keys('j', 'j', 'Enter');
    expect(await waitFor('filter: conn.id == "c1"')).toContain('Calls  12 of 12 calls');
    keys('q');
    await waitFor('EXIT=0');
  });

  it('a live pipe: keys from the terminal, a live counter, then "input ended"', async () => {
    // The pcap header and a few records, then the rest once the test has seen them on screen.
    const dir = mkdtempSync(join(tmpdir(), 'h2scope-e2e-'));
    const go = join(dir, 'go');
    const wait = `while [ ! -e ${go} ]; do sleep 0.1; done`;
    const feed = `(head -c 2000 samples/grpc-js-large.pcap; ${wait}; tail -c +2001 samples/grpc-js-large.pcap)`;
    start('pipe', `${feed} | ${CLI} -`);
    // the first 2,000 bytes hold the pcap header and a few records
    await waitFor(/● live · [1-9]\d* pkts · 2\.\d+ kB/);
    keys('4');
    expect(await waitFor(/Frames +\d+ of \d+ frames/)).toContain('● live');
    writeFileSync(go, '');
    const ended = await waitFor('input ended · 128 pkts');
    expect(ended).toMatch(/Frames +158 of 158 frames/);
    keys('q');
    await waitFor('EXIT=0');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a live pipe: the Overview gains a diagnostic as it is raised, while the input is still open', async () => {
    // grpc-too-many-pings.pcap in three parts, each sent once the screen has shown the one before: packets
    // 1-24 (idle keepalive PINGs every second), then 25-26 (the server's GOAWAY too_many_pings and its
    // ACK; the connection stays open), then the close. The pipe stays open until the test sends the rest.
    const file = join(ROOT, 'samples/grpc-too-many-pings.pcap');
    const bytes = readFileSync(file);
    const after = (packets: number): number => {
      let at = 24; // classic little-endian pcap: a 24-byte header, then 16 bytes + captured length each
      for (let k = 0; k < packets; k++) at += 16 + bytes.readUInt32LE(at + 8);
      return at;
    };
    const dir = mkdtempSync(join(tmpdir(), 'h2scope-e2e-'));
    const part = (name: string, from: number, to: number): string => {
      writeFileSync(join(dir, name), bytes.subarray(from, to));
      return join(dir, name);
    };
    const parts = [
      part('a', 0, after(24)),
      part('b', after(24), after(26)),
      part('c', after(26), bytes.length),
    ];
    const gate = (n: number): string => `while [ ! -e ${dir}/go${n} ]; do sleep 0.1; done`;
    const feed = `(cat ${parts[0]}; ${gate(1)}; cat ${parts[1]}; ${gate(2)}; cat ${parts[2]})`;
    start('live-diag', `${feed} | ${CLI} -`);
    // The keepalive cadence is judged from the PINGs alone: raised before any GOAWAY.
    const pings = await waitFor(/● live · 24 pkts[\s\S]*analysis\.keepalive\.too-frequent/);
    expect(pings).toContain('Diagnostics  0 errors · 1 warning · 0 info');
    expect(pings).not.toContain('too-many-pings');
    expect(pings).toMatch(/^ c1 +127\.0\.0\.1:\d+ → 127\.0\.0\.1:50109 +h2c +1 +0 .* open$/m);
    writeFileSync(join(dir, 'go1'), '');
    // The GOAWAY: raised at its frame, the connection still open and the input too.
    const goaway = await waitFor(/● live · 26 pkts[\s\S]*analysis\.goaway\.too-many-pings/);
    expect(goaway).toContain('Diagnostics  1 error · 1 warning · 0 info');
    expect(goaway).toMatch(/^> +ERROR +×1 analysis\.goaway\.too-many-pings +GOAWAY too_many_pings/m);
    expect(goaway).toMatch(/^ c1 .* open$/m);
    expect(goaway).not.toContain('input ended');
    writeFileSync(join(dir, 'go2'), '');
    const ended = await waitFor('input ended · 29 pkts');
    expect(ended).toContain('Diagnostics  1 error · 1 warning · 0 info');
    keys('q');
    await waitFor('EXIT=0');
    rmSync(dir, { recursive: true, force: true });
  });

  // A capture with a known incident: the server answered too frequent keepalive PINGs with GOAWAY
  // ENHANCE_YOUR_CALM "too_many_pings". The first screen must say so, whole, at both sizes.
  for (const [columns, rows] of [
    [80, 24],
    [200, 60],
  ] as const) {
    it(`grpc-too-many-pings at ${columns}x${rows}: the first screen leads with the diagnoses; Enter reads one in full`, async () => {
      start(`pings${columns}`, `${CLI} samples/grpc-too-many-pings.pcap`, columns, rows);
      const first = await waitFor('loaded · 29 pkts');
      const lines = first.split('\n');
      expect(lines[1]).toMatch(
        /^Capture +\S*grpc-too-many-pings\.pcap {2}pcap · 29 packets · 2\.63 kB · 4\.03s$/,
      );
      expect(first).toContain('Diagnostics  1 error · 1 warning · 0 info    Calls 1 · 0 failed');
      expect(first).toMatch(/^> +ERROR +×1 analysis\.goaway\.too-many-pings +GOAWAY too_many_pings/m);
      expect(first).toMatch(
        /^ +WARNING +×1 analysis\.keepalive\.too-frequent +Keepalive PINGs too frequent/m,
      );
      // the diagnoses come before the connections, above the fold
      expect(first.indexOf('Diagnoses')).toBeLessThan(first.indexOf('Connections (1)'));
      expect(first).toMatch(/^ c1 +127\.0\.0\.1:\d+ → 127\.0\.0\.1:50109 +h2c +1 +0 /m);
      // the key hints are whole
      expect(first).toContain('j/k move · Enter open · w pcap · t time · 1-6 screens · ? help · q quit');
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(columns);
      keys('Enter');
      const detail = await waitFor('Diagnostic  analysis.goaway.too-many-pings');
      expect(detail).toContain('What happened');
      expect(detail).toMatch(/frame +#22 in Frames {2}GOAWAY/);
      keys('q');
      await waitFor('EXIT=0');
    });
  }
});
