/**
 * Every kind of bad input gives one clear line on stderr that says what and where, the exit status the
 * issue asks for, and the report of whatever was decoded before the problem. Never a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from './run-cli.js';
import { CLI } from '../helpers/cli-command.js';

const dir = mkdtempSync(join(tmpdir(), 'h2scope-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UNARY = readFileSync('samples/grpc-js-unary.pcap');

/** Classic pcap global header (pcap-savefile(5)): magic a1b2c3d4 LE, v2.4, snaplen 65535, `linkType`. */
function pcapHeader(linkType: number): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(65535, 16);
  b.writeUInt32LE(linkType, 20);
  return b;
}

function pcapRecord(data: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(1, 0);
  h.writeUInt32LE(data.length, 8);
  h.writeUInt32LE(data.length, 12);
  return Buffer.concat([h, data]);
}

/**
 * Runs `fn` with the permissions of an ordinary user. Root opens any file whatever its mode, so as root
 * the effective uid/gid become nobody's (65534) for the call and root's again after it: the real ids stay
 * root's, which is what allows switching back. Everything the CLI loads is loaded by a first, readable run
 * before the switch, so the only file opened as nobody is the capture itself.
 */
async function asUnprivileged<T>(fn: () => Promise<T>): Promise<T> {
  if (process.geteuid?.() !== 0 || !process.seteuid || !process.setegid) return fn();
  await runCliCaptured(['samples/grpc-js-unary.pcap', '-f', 'ndjson']);
  process.setegid(65534);
  process.seteuid(65534);
  try {
    return await fn();
  } finally {
    process.seteuid(0);
    process.setegid(0);
  }
}

describe('bad input', () => {
  it('not a capture: exit 1', async () => {
    const r = await runCliCaptured(['samples/damaged-notacapture.pcap', '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'h2scope: samples/damaged-notacapture.pcap: The input is not a pcap or pcapng capture: it is text: "This is not a capture file.\\nIt i".\n',
    );
    expect(JSON.parse(r.stdout).capture.format).toBe(null);
  });

  it('truncated inside a record: exit 0, everything before it reported', async () => {
    const r = await runCliCaptured(['samples/damaged-truncated.pcap', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'h2scope: samples/damaged-truncated.pcap: The capture ends inside record 11 at byte offset 50794: 8164 more bytes were needed to complete its record data. Everything before it was read.\n',
    );
    const doc = JSON.parse(r.stdout);
    expect([doc.capture.packets, doc.connections.length, doc.connections[0].frames.length]).toEqual([
      11, 1, 19,
    ]);
  });

  it('ends in the middle of a record header (from a pipe)', async () => {
    // The 24-byte global header and 6 of the first record's 16 header bytes.
    const r = await runCliCaptured(['-'], { stdin: UNARY.subarray(0, 30) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'h2scope: standard input: The capture ends inside record 0 at byte offset 24: 10 more bytes were needed to complete its record header. Everything before it was read.\n',
    );
  });

  it('corrupt record length: reading stops there, exit 0 (3 with --fail-on error)', async () => {
    const line =
      'h2scope: samples/damaged-corrupt-length.pcap: Record 11 at byte offset 50794 claims 2147483647 captured bytes (more than the 268435456 bytes any record may have): the file is corrupt from here on, so reading stopped.\n';
    const r = await runCliCaptured(['samples/damaged-corrupt-length.pcap', '-f', 'ndjson']);
    expect([r.code, r.stderr]).toEqual([0, line]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('{"type":"frame"')).length).toBe(19);
    const gate = await runCliCaptured([
      'samples/damaged-corrupt-length.pcap',
      '-f',
      'ndjson',
      '--fail-on',
      'error',
    ]);
    expect(gate.code).toBe(3);
  });

  it('an empty pipe: exit 1', async () => {
    const r = await runCliCaptured(['-', '-f', 'ndjson'], { stdin: Buffer.alloc(0) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'h2scope: standard input: The input is not a pcap or pcapng capture: it is empty (zero length).\n',
    );
    expect(JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!).capture.packets).toBe(0);
  });

  it('a missing file and a directory: exit 1', async () => {
    const missing = await runCliCaptured([join(dir, 'nope.pcap')]);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      `h2scope: Cannot open ${join(dir, 'nope.pcap')}: no such file or directory (ENOENT).\n`,
    ]);
    const isDir = await runCliCaptured([dir]);
    expect([isDir.code, isDir.stderr]).toEqual([
      1,
      `h2scope: Cannot open ${dir}: it is a directory, not a file (EISDIR).\n`,
    ]);
  });

  it('a link type h2scope cannot read: exit 1', async () => {
    // LINKTYPE_USER0 (147) and one 4-byte record.
    const bytes = Buffer.concat([pcapHeader(147), pcapRecord(Buffer.from('abcd'))]);
    const r = await runCliCaptured(['-', '-f', 'json'], { stdin: bytes });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'h2scope: standard input: Link type 147 on interface 0 is not supported: its packets are counted and skipped (first at record 1)\n',
    );
  });

  it('a permission error: exit 1', async () => {
    // In-process, with a real EACCES from the OS: a child process would have to read this checkout (and
    // its node_modules) as another user, which fails by itself when the checkout is private (mode 700).
    const file = join(dir, 'secret.pcap');
    writeFileSync(file, UNARY);
    chmodSync(file, 0o000);
    chmodSync(dir, 0o755); // the file's own mode is the reason, not its directory's
    const argv = [file, '-f', 'ndjson'];
    const r = await asUnprivileged(() => runCliCaptured(argv));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`h2scope: Cannot open ${file}: permission denied (EACCES).\n`);
    const diagnostics = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; diagnostic?: { code: string } })
      .filter((l) => l.type === 'diagnostic');
    expect(diagnostics[0]?.diagnostic?.code).toBe('capture.open-failed');
  });

  it('never prints a stack trace, even for bit-flipped input', () => {
    const damaged = Buffer.from(UNARY);
    for (let i = 40; i < damaged.length; i += 97) damaged[i] = damaged[i]! ^ 0xa5;
    const out = execFileSync(CLI[0]!, [...CLI.slice(1), '-', '-f', 'ndjson'], {
      input: damaged,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^\{"type":"capture"/);
  });
});

describe('usage errors: exit 2 before reading anything', () => {
  it('shows a filter error with a caret under the column', async () => {
    const r = await runCliCaptured(['samples/grpc-js-unary.pcap', '--filter', 'grpc.status == 0 &&& x']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        "h2scope: --filter: at column 20: expected '&&'",
        '  grpc.status == 0 &&& x',
        '                     ^',
        '',
      ].join('\n'),
    );
  });

  it('reports .proto and key log files that cannot be read', async () => {
    const proto = await runCliCaptured(['samples/grpc-js-unary.pcap', '--proto', join(dir, 'missing.proto')]);
    expect(proto.code).toBe(2);
    expect(proto.stderr).toMatch(/^h2scope: cannot load \.proto files: .*missing\.proto/);
    const bad = join(dir, 'bad.proto');
    writeFileSync(bad, 'syntax = "proto3";\nmessage {');
    const syntax = await runCliCaptured(['samples/grpc-js-unary.pcap', '--proto', bad]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^h2scope: cannot load \.proto files: .*bad\.proto/);
    const keylog = await runCliCaptured(['samples/grpc-js-unary.pcap', '--keylog', join(dir, 'keys.log')]);
    expect(keylog.code).toBe(2);
    expect(keylog.stderr).toMatch(/^h2scope: cannot read --keylog .*keys\.log: ENOENT/);
  });

  it('reports an --output or --write-pcap that cannot be created', async () => {
    const out = join(dir, 'no', 'such', 'dir.json');
    const r = await runCliCaptured(['samples/grpc-js-unary.pcap', '-o', out]);
    expect([r.code, r.stderr]).toEqual([
      2,
      `h2scope: cannot write --output ${out}: no such file or directory, open '${out}'\n`,
    ]);
    const w = await runCliCaptured(['samples/grpc-js-unary.pcap', '-w', out]);
    expect([w.code, w.stderr]).toEqual([
      2,
      `h2scope: cannot write --write-pcap ${out}: no such file or directory, open '${out}'\n`,
    ]);
  });
});
