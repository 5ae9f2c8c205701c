/**
 * The UI as a terminal sees it: 80x24 without overflow, hostile capture content escaped, colours off
 * with NO_COLOR, and a store filling in while the screen is up (a live capture).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureStore } from '../../src/model/store.js';
import type { CallRecord, FrameRecord } from '../../src/records/records.js';
import { colorsWanted } from '../../src/tui/theme.js';
import { textWidth } from '../../src/tui/text-width.js';
import { HINTS } from '../../src/tui/Footer.js';
import { KEY, renderApp, type Rendered } from './render.js';
import { loadStore } from './load-store.js';

let app: Rendered | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

describe('80x24', () => {
  it('every screen fits: at most 23 lines (one less than the rows), none wider than 80 cells', async () => {
    app = await renderApp(await loadStore('grpc-js-deadline.pcap'), { columns: 80, rows: 24 });
    const screens = [
      await app.keys('1'),
      await app.keys('2'),
      await app.keys(KEY.enter),
      await app.keys(KEY.esc, '3', KEY.enter),
      await app.keys(KEY.tab),
      await app.keys(KEY.tab),
      await app.keys(KEY.esc, '4', 'jjj'),
      await app.keys('x'),
      await app.keys('H'),
      await app.keys(KEY.esc, '5'),
      await app.keys('?'),
    ];
    for (const s of screens) {
      const lines = s.split('\n');
      expect(lines.length).toBeLessThanOrEqual(23);
      for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(80);
    }
    expect(screens[1]).toMatch(/ +▲time method +status +outcome +duration\n/);
    // Columns sized to what they hold: "deadline-exceeded" is whole at 80 columns (issue #15).
    // eslint-disable-next-line no-control-regex -- the selection's inverse video sits between the cells
    expect(screens[1]).toMatch(/4 DEADLINE_EXCEEDED deadline-exceeded(?: |\x1b\[\d+m)+128ms/);
    // The flags column stays at 80 columns: a SETTINGS ACK shows its flag.
    expect(screens[6]).toMatch(/ flags +summary\n/);
    expect(screens[6]).toMatch(/ SETTINGS +0 +0 ACK\b/);
  });
});

describe('80x24 Overview of a capture started late', () => {
  it('cuts the path at a directory, and wraps the status-unknown guesses instead of cutting them', async () => {
    app = await renderApp(await loadStore('late-start-grpc-js.pcap'), { columns: 80, rows: 24 });
    const f = await app.keys('1');
    expect(f).toMatch(/^Capture +…\/late-start-grpc-js\.pcap {2}pcap · 244 packets/m);
    expect(f).toMatch(
      /^Calls +52 · 0 failed · 52 status unknown\n +\(45 guessed OK, 7 guessed NOT_FOUND; HPACK/m,
    );
    for (const l of f.split('\n')) expect(textWidth(l)).toBeLessThanOrEqual(80);
  });
});

describe('key hints', () => {
  it("every screen's hints fit 80 columns whole (one cell is the gutter)", () => {
    for (const hint of Object.values(HINTS)) expect(textWidth(hint)).toBeLessThanOrEqual(79);
  });
});

describe('hostile capture content', () => {
  const ESC_TITLE = '\x1b]0;pwned\x07\x1b[2J';

  function hostileStore(): CaptureStore {
    const store = new CaptureStore({ throttleMs: 0 });
    const frame: FrameRecord = {
      connection: 'c1',
      index: 0,
      time: 1,
      packet: 0,
      from: 'server',
      type: 'HEADERS',
      stream: 1,
      length: 40,
      flags: ['END_STREAM', 'END_HEADERS'],
      flagBits: 5,
      headers: [
        [':status', '200'],
        ['x-evil', ESC_TITLE],
        ['grpc-message', 'line1\nline2\u202e'],
      ],
      headerBlockLength: 40,
    };
    store.frame(frame);
    store.frame({
      ...frame,
      index: 1,
      type: 'GOAWAY',
      stream: 0,
      headers: undefined,
      errorCode: 'PROTOCOL_ERROR',
      errorCodeValue: 1,
      lastStreamId: 1,
      debugData: ESC_TITLE,
      flags: [],
      flagBits: 0,
    } as FrameRecord);
    const call = {
      connection: 'c1',
      stream: 1,
      method: `/evil${ESC_TITLE}/M`,
      service: null,
      methodName: null,
      authority: ESC_TITLE,
      status: 2,
      statusName: 'UNKNOWN',
      statusSource: 'trailers',
      message: ESC_TITLE,
      statusDetails: null,
      outcome: 'error',
      reset: null,
      kind: 'unary',
      kindInferred: true,
      start: 1,
      end: 1,
      durationMs: 0,
      firstResponseMs: null,
      deadlineMs: null,
      contentType: null,
      requestEncoding: null,
      responseEncoding: null,
      requestCount: 1,
      responseCount: 0,
      requests: [
        {
          length: 5,
          compressed: false,
          firstTime: 1,
          time: 1,
          packet: 0,
          decoded: { kind: 'text', text: ESC_TITLE },
        },
      ],
      responses: [],
      requestHeaders: [['x-evil', ESC_TITLE]],
      responseHeaders: [],
      trailers: [['grpc-message', ESC_TITLE]],
      trailersOnly: true,
      metadata: {
        request: [{ name: 'x-evil', value: ESC_TITLE, binary: false }],
        response: [],
        trailers: [],
      },
      httpStatus: 200,
      responseBody: null,
      guessed: false,
      guesses: [],
    } as CallRecord;
    store.call(call);
    store.diagnostic({
      severity: 'error',
      code: 'h2.test',
      connection: 'c1',
      message: `bad ${ESC_TITLE}`,
      evidence: { value: ESC_TITLE },
    });
    return store;
  }

  it('never sends an escape sequence from the capture to the terminal: shows it escaped', async () => {
    app = await renderApp(hostileStore(), { rows: 50 });
    const frames = [
      app.frame(),
      await app.keys('2'),
      await app.keys(KEY.enter, KEY.tab, KEY.tab, KEY.tab, 'j', KEY.enter),
      await app.keys(KEY.esc, '4'),
      await app.keys('j'),
      await app.keys('k', 'H'),
      await app.keys(KEY.esc, '5'),
      await app.keys('3', KEY.enter),
      await app.keys(KEY.tab),
    ];
    for (const f of frames) {
      expect(f).not.toContain('\x1b');
      expect(f).not.toContain('\x07');
      expect(f).not.toContain('\u202e');
    }
    const all = frames.join('\n');
    expect(all).toContain('\\x1b]0;pwned\\x07\\x1b[2J');
    expect(all).toContain('line1\\nline2\\u202e');
  });
});

describe('colours', () => {
  it('NO_COLOR (non-empty) and TERM=dumb turn them off; otherwise the terminal decides', () => {
    expect(colorsWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorsWanted({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorsWanted({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorsWanted({ TERM: 'xterm-256color' }, false)).toBe(false);
  });
});

describe('a capture streaming in', () => {
  it('shows records as they arrive and the live counter, then "input ended"', async () => {
    const store = new CaptureStore({ throttleMs: 0 });
    store.setLoad({ phase: 'loading', live: true });
    app = await renderApp(store);
    expect(app.frame().split('\n')[0]).toMatch(/● live · 0 pkts · 0 B$/);
    expect(await app.keys('4')).toContain('No HTTP/2 frame yet…');
    const full = await loadStore('grpc-js-unary.pcap');
    for (let n = 0; n < 10; n++) store.frame(full.frames.record(n));
    store.setLoad({ packets: 12, bytesRead: 2048, elapsedMs: 1000 });
    const mid = await app.keys('G');
    expect(mid).toContain('Frames  10 of 10 frames');
    expect(mid.split('\n')[0]).toMatch(/● live · 12 pkts · 2\.\d\d kB · 2\.\d\d kB\/s$/);
    for (let n = 10; n < 29; n++) store.frame(full.frames.record(n));
    store.setLoad({ phase: 'done', packets: 31 });
    const done = await app.keys();
    expect(done).toContain('Frames  29 of 29 frames');
    expect(done.split('\n')[0]).toMatch(/input ended · 31 pkts$/);
  });

  it('a filter set while frames arrive is extended to the new frames', async () => {
    const store = new CaptureStore({ throttleMs: 0 });
    app = await renderApp(store);
    await app.keys('4', '/', 'http2.type == DATA', KEY.enter);
    const full = await loadStore('grpc-js-unary.pcap');
    for (let n = 0; n < 10; n++) store.frame(full.frames.record(n));
    expect(await app.keys()).toContain('2 of 10 frames'); // DATA frames 5 and 8
    for (let n = 10; n < 29; n++) store.frame(full.frames.record(n));
    expect(await app.keys()).toContain('8 of 29 frames');
  });
});
