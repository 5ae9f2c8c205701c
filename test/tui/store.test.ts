import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureStore, type CallRow, type Timer } from '../../src/model/store.js';
import type { CallRecord, FrameRecord } from '../../src/records/records.js';
import { decodeFile } from '../helpers/decode.js';
import { loadStore, SAMPLES } from './load-store.js';

/** What a call's row must hold: the record without its heavy parts, plus its message byte totals. */
function rowOf(rec: CallRecord): CallRow {
  const {
    requests,
    responses,
    metadata,
    statusDetails,
    responseBody,
    guesses,
    schemaSource,
    transport,
    latency,
    ...summary
  } = rec;
  void [metadata, statusDetails, responseBody, guesses, schemaSource, transport, latency];
  const sum = (ms: CallRecord['requests']): number => ms.reduce((n, m) => n + m.length, 0);
  return { ...summary, requestBytes: sum(requests), responseBytes: sum(responses) };
}

const CAPTURES = readdirSync(SAMPLES).filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f));

describe('CaptureStore keeps every record exactly', () => {
  it.each(CAPTURES)('%s: frames rebuilt from columns equal the engine records', async (name) => {
    // The name loadStore gives the capture (the file is the same one).
    const [store, doc] = await Promise.all([loadStore(name), decodeFile(`samples/${name}`)]);
    expect(store.captureRecord).toEqual(doc.capture);
    expect(store.diagnostics).toEqual(doc.diagnostics);
    expect(store.frames.count).toBe(doc.allFrames.length);
    for (const conn of doc.connections) {
      const entry = store.connectionById(conn.id)!;
      const { frames, calls, ...record } = conn as typeof conn & { calls?: unknown[] };
      expect(entry.record).toEqual(record);
      const rebuilt: FrameRecord[] = [];
      for (let i = 0; i < entry.frames.length; i++) rebuilt.push(store.frames.record(entry.frames.get(i)));
      expect(rebuilt).toEqual(frames);
      if (calls) {
        // Whole records come back from the spool; rows from the columns hold every summary field.
        expect(entry.calls.map((i) => store.callRecord(i))).toEqual(calls);
        for (const i of entry.calls) expect(store.callRow(i)).toEqual(rowOf(store.callRecord(i)!));
      }
    }
  });
});

describe('CaptureStore columns', () => {
  it('interns header names and values once (grpc-js-unary: 5 calls share content-type)', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    const id = store.strings.find('application/grpc');
    expect(id).toBeDefined();
    expect(store.strings.find('content-type')).toBeDefined();
    // frame 3 is the first request HEADERS (s=1): 11 fields, :path /scope.v1.Lab/Echo
    expect(store.frames.typeName(3)).toBe('HEADERS');
    expect(store.frames.headers(3)).toContainEqual([':path', '/scope.v1.Lab/Echo']);
    expect(store.frames.headers(3)).toHaveLength(11);
    expect(store.frames.headers(0)).toBeNull();
  });

  it('keeps DATA payloads for the hex pane (whole under the 512-byte default cap)', async () => {
    const store = await loadStore('grpc-js-unary.pcap');
    // frame 4: client DATA s=1 len=106: a gRPC message prefix 00 00000065 (101-byte message)
    expect(store.frames.typeName(4)).toBe('DATA');
    const bytes = store.frames.preview(4);
    expect(bytes.length).toBe(106); // the cap is tested in store-bytes.test.ts
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 0, 101]);
    expect(store.frames.preview(0).length).toBe(0); // SETTINGS: nothing kept
  });

  it('counts diagnostics by severity and per connection', async () => {
    const store = await loadStore('h2-mid-connection.pcap');
    const total = store.severityCounts.error + store.severityCounts.warning + store.severityCounts.info;
    expect(total).toBe(store.diagnostics.length);
    const c1 = store.connectionById('c1')!;
    const inC1 = store.diagnostics.filter((d) => d.connection === 'c1');
    expect(c1.diagnostics.warning + c1.diagnostics.error + c1.diagnostics.info).toBe(inC1.length);
  });
});

describe('CaptureStore notifications', () => {
  function fakeTimer(): Timer & { fire(): void; armed: number } {
    let fn: (() => void) | null = null;
    const t = {
      armed: 0,
      set: (f: () => void) => {
        fn = f;
        t.armed++;
        return 1;
      },
      clear: () => {
        fn = null;
      },
      fire: () => {
        const f = fn;
        fn = null;
        f?.();
      },
    };
    return t;
  }

  it('batches changes into one notification per throttle interval', () => {
    const timer = fakeTimer();
    const store = new CaptureStore({ throttleMs: 100, timer });
    let calls = 0;
    store.subscribe(() => calls++);
    for (let i = 0; i < 1000; i++)
      store.diagnostic({ severity: 'info', code: 'x', message: String(i), connection: 'c1' });
    expect(calls).toBe(0);
    expect(timer.armed).toBe(1);
    const before = store.version;
    timer.fire();
    expect(calls).toBe(1);
    expect(store.version).not.toBe(before);
    timer.fire(); // nothing pending: no second notification
    expect(calls).toBe(1);
  });

  it('notifies at once when loading is done, and not again without a change', () => {
    const timer = fakeTimer();
    const store = new CaptureStore({ throttleMs: 100, timer });
    let calls = 0;
    const off = store.subscribe(() => calls++);
    store.setLoad({ phase: 'done' });
    expect(calls).toBe(1);
    store.flush();
    expect(calls).toBe(1);
    off();
    store.setLoad({ packets: 3 });
    timer.fire();
    expect(calls).toBe(1);
  });

  it('shows a connection before its record arrives (open connection)', () => {
    const store = new CaptureStore({ throttleMs: 0 });
    store.frame({
      connection: 'c7',
      index: 0,
      time: 10,
      packet: 3,
      from: 'client',
      type: 'PING',
      stream: 0,
      length: 8,
      flags: [],
      flagBits: 0,
      ack: false,
      opaque: '0000000000000001',
    });
    const entry = store.connectionById('c7')!;
    expect(entry.record).toBeNull();
    expect(entry.firstTime).toBe(10);
    expect(store.frames.record(0)).toEqual({
      connection: 'c7',
      index: 0,
      time: 10,
      packet: 3,
      from: 'client',
      type: 'PING',
      stream: 0,
      length: 8,
      flags: [],
      flagBits: 0,
      ack: false,
      opaque: '0000000000000001',
    });
  });
});
