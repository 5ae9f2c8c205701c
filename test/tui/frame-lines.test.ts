/**
 * The Frames screen's detail pane (frameDetailLines) on a real capture: every label is padded to the
 * longest one of the frame, so a value after "MAX_CONCURRENT_STREAMS" lines up with the value after "type".
 */
import { describe, expect, it } from 'vitest';
import { frameDetailLines } from '../../src/tui/frame-lines.js';
import { loadStore } from './load-store.js';

const text = (line: { text: string }[]): string => line.map((s) => s.text).join('');

describe('frame detail labels', () => {
  it('every SETTINGS parameter value starts in the column of the type value, however long its name', async () => {
    const store = await loadStore('showcase.pcapng');
    let checked = 0;
    for (let i = 0; i < store.frames.count; i++) {
      const rec = store.frames.record(i);
      if (rec.type !== 'SETTINGS' || !rec.settings || Object.keys(rec.settings).length === 0) continue;
      const lines = frameDetailLines(rec, i + 1, null)
        .slice(1)
        .map(text);
      const column = lines[0]!.indexOf('SETTINGS');
      expect(column).toBeGreaterThan(2);
      for (const l of lines) {
        expect(l[column - 1]).toBe(' ');
        expect(l[column]).not.toBe(' ');
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
