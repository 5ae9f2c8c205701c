/**
 * Issue 14 item 2: a full temporary disk. Every write and read of the spool is checked: on failure one
 * line on stderr naming the temporary directory, exit 1, and never a document that looks complete or
 * holds bytes that were not written (NUL holes, unfilled buffers).
 *
 * Two ways: a failing file system injected into the spool (every platform), and a real one: a 256 KiB
 * tmpfs as TMPDIR when this process may mount one (root on Linux), otherwise a file-size limit
 * (RLIMIT_FSIZE via the shell's `ulimit -f`, with SIGXFSZ ignored), which makes writes fail with EFBIG.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HarWriter } from '../../src/output/har.js';
import { JsonDocumentWriter } from '../../src/output/json-stream.js';
import { SpoolError, TextSpool, type SpoolFs } from '../../src/output/text-spool.js';
import { decodeBytes } from '../robustness/decode-bytes.js';
import { unaryCalls } from './h2-calls.js';
import { tcpCapture } from './tcp-capture.js';
import * as fs from 'node:fs';
import { CLI } from '../helpers/cli-command.js';

const work = mkdtempSync(join(tmpdir(), 'h2scope-full-disk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Real writes until `room` bytes were written, then short writes, then ENOSPC, as a filling disk does. */
function fillingFs(room: number): SpoolFs {
  let left = room;
  return {
    writeSync(fd, buf, offset, length, position) {
      if (left <= 0)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = fs.writeSync(fd, buf, offset, Math.min(length, left), position);
      left -= n;
      return n;
    },
    readSync: (fd, buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
  };
}

/** Reads return less than asked, then end early: the file is shorter than what was recorded. */
const shortReadFs: SpoolFs = {
  writeSync: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
  readSync: (fd, buf, offset, length, position) =>
    length > 16 ? fs.readSync(fd, buf, offset, 16, position) : 0,
};

function drain(doc: Iterable<string | Buffer>): string {
  let s = '';
  for (const piece of doc) s += piece.toString();
  return s;
}

describe('the spool checks every write and read', () => {
  it('a short write and then ENOSPC: failed, named, nothing dropped silently', () => {
    const spool = new TextSpool('test', true, fillingFs(10));
    expect(spool.put('0123456789abcdef')).toBe('');
    expect(spool.failure).toBeInstanceOf(SpoolError);
    expect(spool.failure!.code).toBe('ENOSPC');
    expect(spool.failure!.message).toMatch(
      `the temporary directory ${tmpdir()} failed (ENOSPC: no space left`,
    );
    expect(spool.dir).toBeNull(); // removed at once: the space goes back
  });

  it('a short read throws instead of yielding a buffer it did not fill', () => {
    const spool = new TextSpool('test', true, shortReadFs);
    const piece = spool.put('x'.repeat(100));
    expect(() => drain(spool.read(piece))).toThrow(SpoolError);
    spool.remove();
  });

  it.each([
    ['json', (f: SpoolFs) => new JsonDocumentWriter({ pendingChars: 100, spoolFs: f })],
    ['har', (f: SpoolFs) => new HarWriter({ version: 'test', spoolFs: f })],
  ])('%s: the writer reports the failure, its document cannot be read as complete', async (_, make) => {
    const capture = tcpCapture(unaryCalls(20));
    for (const f of [fillingFs(3000), shortReadFs]) {
      const writer = make(f);
      await decodeBytes(capture, 64 * 1024, {}, writer.sink);
      if (f !== shortReadFs) expect(writer.spoolFailure?.code).toBe('ENOSPC');
      expect(() => drain(writer.document())).toThrow(SpoolError);
      writer.discard();
    }
  });
});

/** A 256 KiB tmpfs, or null when this process cannot mount one. */
function smallTmpfs(): string | null {
  const dir = join(work, 'tmpfs');
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
  return r.status === 0 ? dir : null;
}

describe('a real full temporary disk', () => {
  const capture = tcpCapture(unaryCalls(3000));
  const file = join(work, 'calls.pcap');
  writeFileSync(file, capture);
  const mounted = smallTmpfs();
  afterAll(() => {
    if (mounted !== null) spawnSync('umount', [mounted]);
  });

  it.each(['har', 'json'])('--format %s: one line naming TMPDIR, exit 1, no complete document', (format) => {
    const tmp = mounted ?? join(work, 'limited');
    mkdirSync(tmp, { recursive: true });
    // Without a tmpfs: files may not grow beyond 256 KiB (ulimit -f counts 1024-byte blocks); the ignored
    // SIGXFSZ makes the write fail with EFBIG instead of killing the process.
    const node = [...CLI, file, '--format', format];
    const cmd =
      mounted !== null ? node : ['bash', '-c', `trap '' XFSZ; ulimit -f 256; exec "$@"`, 'sh', ...node];
    const r = spawnSync(cmd[0]!, cmd.slice(1), {
      env: { ...process.env, TMPDIR: tmp },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const code = mounted !== null ? 'ENOSPC' : 'EFBIG';
    expect(r.stderr).toMatch(
      new RegExp(
        `^h2scope: the temporary directory ${tmp} failed \\(${code}.*\\); no complete report was written .*\\n$`,
      ),
    );
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('\u0000');
    expect(() => JSON.parse(r.stdout) as unknown).toThrow();
    expect(readdirSync(tmp).filter((n) => n.startsWith('h2scope-'))).toEqual([]); // the spool is gone
  });

  it('--write-pcap from stdin: the copy of stdin fails, one line, exit 1, the pcap not written', () => {
    const tmp = mounted ?? join(work, 'limited');
    mkdirSync(tmp, { recursive: true });
    const out = join(work, 'out.pcap');
    const node = [...CLI, '-', '--write-pcap', out, '-q'];
    const cmd =
      mounted !== null ? node : ['bash', '-c', `trap '' XFSZ; ulimit -f 256; exec "$@"`, 'sh', ...node];
    expect(capture.length).toBeGreaterThan(256 * 1024);
    const r = spawnSync(cmd[0]!, cmd.slice(1), {
      input: capture,
      env: { ...process.env, TMPDIR: tmp },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = `h2scope: the temporary directory ${tmp} failed \\((ENOSPC|EFBIG).*\\); --write-pcap ${out} was not written\\n$`;
    expect(r.stderr).toMatch(new RegExp(line));
    expect(r.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
