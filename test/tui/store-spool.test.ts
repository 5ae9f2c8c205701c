import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteSpool, NODE_FS, type SpoolFs } from '../../src/model/store-spool.js';
import { callRecords, loadStore } from './load-store.js';

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 255;
  return out;
}

/** Byte equality without a per-element diff (megabytes). */
const same = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && Buffer.from(a).equals(b);

/** The real file system, except that writes fail with `code` once `limit` bytes were written. */
function fullDisk(limit: number, code = 'ENOSPC'): SpoolFs {
  let written = 0;
  return {
    ...NODE_FS,
    write: (fd, buf, offset, length, position) => {
      if (written + length > limit) throw Object.assign(new Error(`${code}: no space left`), { code });
      written += length;
      return NODE_FS.write(fd, buf, offset, length, position);
    },
  };
}

describe('ByteSpool', () => {
  it('gives back every piece exactly, from the buffer and from the file (past 1 MiB)', () => {
    const spool = new ByteSpool();
    const pieces = Array.from({ length: 40 }, (_, k) => bytes(1000 + k * 1777, k));
    pieces.push(bytes(3 << 20, 99)); // larger than the buffer: written straight through
    const at = pieces.map((p) => spool.append(p));
    expect(spool.problem).toBeNull();
    pieces.forEach((p, k) => expect(same(spool.read(at[k]!, p.length), p)).toBe(true));
    expect(spool.read(spool.size - 1, 2)).toBeNull(); // never bytes that were not written
    spool.remove();
  });

  it('leaves nothing in the temporary directory, even while open (the file is unlinked at once)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'spool-test-'));
    const spool = new ByteSpool(NODE_FS, tmp);
    const at = spool.append(bytes(2 << 20, 1)); // past the buffer: on disk
    expect(readdirSync(tmp)).toHaveLength(0);
    expect(same(spool.read(at, 2 << 20), bytes(2 << 20, 1))).toBe(true);
    spool.remove();
    expect(spool.append(bytes(10, 1))).toBe(-1);
    expect(spool.read(at, 10)).toBeNull();
  });

  it('a full disk stops appends with a reason; what reached the file stays readable, the rest reads as null', () => {
    const spool = new ByteSpool(fullDisk(1 << 20));
    const first = bytes(1 << 20, 3); // fills the buffer exactly: flushed by the next append
    const a = spool.append(first);
    const b = spool.append(bytes(1000, 4)); // flushes `first` (fits the limit), buffered
    expect(spool.problem).toBeNull();
    const c = spool.append(bytes((1 << 20) - 500, 5)); // flush of b fails: ENOSPC
    expect(c).toBe(-1);
    expect(spool.problem).toMatch(/writing to the temporary directory .* failed \(disk full\)/);
    expect(same(spool.read(a, first.length), first)).toBe(true);
    expect(spool.read(b, 1000)).toBeNull();
    expect(spool.append(bytes(10, 6))).toBe(-1);
    spool.remove();
  });

  it('no usable temporary directory: a reason naming it, and nothing taken', () => {
    const spool = new ByteSpool(NODE_FS, '/nonexistent/h2scope-tmp');
    expect(spool.problem).toMatch(/cannot use the temporary directory \/nonexistent\/h2scope-tmp/);
    expect(spool.append(bytes(10, 1))).toBe(-1);
  });
});

describe('CaptureStore with its spool', () => {
  it('keeps whole frame payloads on disk: a 16 KiB DATA frame is shown whole', async () => {
    const store = await loadStore('grpc-js-large.pcap');
    let big = -1;
    for (let n = 0; n < store.frames.count && big < 0; n++)
      if (store.frames.typeName(n) === 'DATA' && store.frames.length.get(n) > 4096) big = n;
    expect(big).toBeGreaterThanOrEqual(0);
    const f = store.frames.frameBytes(big);
    expect(f.bytes.length).toBe(f.total);
    expect(f.missing).toBeUndefined();
    store.close();
  });

  it('without a temporary directory it degrades to memory: 512 bytes per frame, whole call records, and says why', async () => {
    const spool = new ByteSpool(NODE_FS, '/nonexistent/h2scope-tmp');
    const [store, reference] = await Promise.all([
      loadStore('grpc-js-large.pcap', {}, { spool }),
      loadStore('grpc-js-large.pcap'),
    ]);
    expect(store.spoolProblem).toMatch(/nonexistent/);
    expect(callRecords(store)).toEqual(callRecords(reference));
    let big = -1;
    for (let n = 0; n < store.frames.count && big < 0; n++)
      if (store.frames.typeName(n) === 'DATA' && store.frames.length.get(n) > 4096) big = n;
    const f = store.frames.frameBytes(big);
    expect(f.bytes.length).toBe(9 + 512);
    expect(f.missing).toMatch(
      /keeps 512 per frame without a temporary file: cannot use the temporary directory/,
    );
    reference.close();
  });

  it('connection records: the bulky analysis (flow control, streams, HPACK, concurrency) is in the spool, read back equal', async () => {
    const nospool = new ByteSpool(NODE_FS, '/nonexistent/h2scope-tmp');
    const [store, whole] = await Promise.all([
      loadStore('grpc-small-window.pcap'),
      loadStore('grpc-small-window.pcap', {}, { spool: nospool }),
    ]);
    expect(store.connections.length).toBeGreaterThan(0);
    for (const [i, entry] of store.connections.entries()) {
      const rec = entry.record!;
      const kept = whole.connections[i]!.record!;
      // Not held by the record: a getter that reads the spool.
      expect(Object.getOwnPropertyDescriptor(rec, 'flowControl')?.get).toBeTypeOf('function');
      expect(Object.getOwnPropertyDescriptor(kept, 'flowControl')?.get).toBeUndefined();
      expect(JSON.parse(JSON.stringify(rec))).toEqual(JSON.parse(JSON.stringify(kept)));
    }
    const fc = store.connections[0]!.record!.flowControl!;
    expect(fc.client.stalls.length + fc.server.stalls.length).toBeGreaterThan(0);
    store.close();
  });

  it('a store leaves no file behind; close() frees its spool', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'spool-store-'));
    const spool = new ByteSpool(NODE_FS, tmp);
    const store = await loadStore('grpc-js-unary.pcap', {}, { spool });
    expect(readdirSync(tmp)).toHaveLength(0);
    expect(store.callRecord(0)).not.toBeNull();
    store.close();
    expect(store.callRecord(0)).toBeNull();
  });
});
