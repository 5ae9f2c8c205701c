import { describe, expect, it } from 'vitest';
import type { FrameRecord } from '../../src/records/records.js';
import { frameHexLines } from '../../src/tui/frame-lines.js';
import type { Line } from '../../src/tui/lines.js';

const text = (l: Line): string => l.map((s) => s.text).join('');

/** A PING (RFC 9113 §6.7: 8 opaque bytes, type 0x6, stream 0) whose opaque data holds ESC and BEL. */
const PING: FrameRecord = {
  connection: 'c1',
  index: 0,
  time: 0,
  packet: 0,
  from: 'client',
  type: 'PING',
  stream: 0,
  length: 8,
  flags: [],
  flagBits: 0,
  ack: false,
  opaque: '1b5b33316d070041',
};
const BYTES = Uint8Array.from([0, 0, 8, 6, 0, 0, 0, 0, 0, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x07, 0x00, 0x41]);

describe('frameHexLines (the Frames hex pane)', () => {
  it('offset, 16 hex bytes, ASCII; control bytes are dots, never raw', () => {
    const lines = frameHexLines(PING, { bytes: BYTES, total: 17 }, 512).map(text);
    expect(lines).toEqual([
      'frame header 9 bytes + PING payload 8 bytes',
      '0000  00 00 08 06 00 00 00 00 00 1b 5b 33 31 6d 07 00  ..........[31m..',
      '0010  41                                               A',
    ]);
    expect([...lines.join('')].every((c) => c >= ' ' && c !== '\x7f')).toBe(true);
  });

  it('highlights the 9 header bytes and says how many bytes were not kept', () => {
    const lines = frameHexLines(PING, { bytes: BYTES.subarray(0, 12), total: 17 }, 3);
    expect(lines[1]![1]).toEqual({ text: '00 00 08 06 00 00 00 00 00 ', role: 'accent' });
    expect(text(lines[2]!)).toBe('… 5 more bytes not kept (h2scope keeps 3 per frame)');
  });
});
