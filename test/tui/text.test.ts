import { describe, expect, it } from 'vitest';
import { layoutColumns, type Column } from '../../src/tui/columns.js';
import { bytes, clockTime, duration, hexDump, relativeTime, safe } from '../../src/tui/format.js';
import { formatMs } from '../../src/records/duration-text.js';
import { fitLine, lineText, wrapText } from '../../src/tui/lines.js';
import { fit, textWidth, truncate, truncateStart } from '../../src/tui/text-width.js';

describe('cell widths', () => {
  it('counts CJK and emoji as two cells, combining marks as none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('🚀')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
  });

  it('truncates to a width with an ellipsis, never splitting a wide character over the edge', () => {
    expect(truncate('/scope.v1.Lab/Echo', 10)).toBe('/scope.v1…');
    expect(truncate('日本語テキスト', 6)).toBe('日本…');
    expect(textWidth(truncate('日本語テキスト', 6))).toBe(5);
    expect(truncate('short', 10)).toBe('short');
    expect(truncateStart('/scope.v1.Lab/Echo', 10)).toBe('….Lab/Echo');
    expect(textWidth(truncateStart('/scope.v1.Lab/Echo', 10))).toBe(10);
  });

  it('fits to exactly the width, left or right aligned', () => {
    expect(fit('ab', 5)).toBe('ab   ');
    expect(fit('ab', 5, 'right')).toBe('   ab');
    expect(fit('abcdefgh', 5)).toBe('abcd…');
  });
});

describe('lines', () => {
  it('fitLine cuts styled segments at the width and pads short lines', () => {
    const line = [
      { text: 'ERROR ', role: 'error' as const },
      { text: 'tcp.gap ' },
      { text: 'a long message' },
    ];
    const cut = fitLine(line, 16);
    expect(lineText(cut)).toBe('ERROR tcp.gap a…');
    expect(cut[0]).toEqual({ text: 'ERROR ', role: 'error' });
    expect(lineText(fitLine([{ text: 'ab' }], 4))).toBe('ab  ');
  });

  it('wrapText splits by cells', () => {
    expect(wrapText('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    expect(wrapText('日本語', 4)).toEqual(['日本', '語']);
  });
});

describe('numbers and times', () => {
  it('formats durations, sizes and times like the rest of h2scope', () => {
    expect(duration(0.563)).toBe('0.563ms');
    expect(duration(8.29)).toBe('8.29ms');
    expect(duration(128.2)).toBe('128ms');
    expect(duration(1340)).toBe('1.34s');
    expect(duration(125_000)).toBe('125s');
    // The same text as the reports' (--summary, markdown, diff).
    expect(duration(855.24)).toBe(formatMs(855.24));
    expect(duration(null)).toBe('-');
    expect(bytes(786)).toBe('786 B');
    expect(bytes(1041)).toBe('1.04 kB');
    expect(bytes(1_234_567)).toBe('1.23 MB');
    expect(relativeTime(10.25, 10)).toBe('0.250000');
    expect(clockTime(1795215029.84536)).toBe('22:50:29.845360');
  });

  it('hexDump shows offset, hex and printable ASCII', () => {
    const lines = hexDump(Uint8Array.from([0, 0, 0, 0, 0x65, 0x0a, 0x03, 0x61, 0x62, 0x63]));
    expect(lines).toEqual(['0000  00 00 00 00 65 0a 03 61 62 63                    ....e..abc']);
  });

  it('escapes control characters from the capture', () => {
    expect(safe('a\x1b[2Jb\x07\n')).toBe('a\\x1b[2Jb\\x07\\n');
    expect(safe(null)).toBe('');
  });
});

describe('layoutColumns', () => {
  const cols: Column[] = [
    { id: 'a', title: 'a', width: 10 },
    { id: 'm', title: 'm', width: 20, flex: true },
    { id: 'b', title: 'b', width: 8, drop: 2 },
    { id: 'c', title: 'c', width: 8, drop: 1 },
  ];
  it('gives the spare width to the flexible column', () => {
    // 10+20+8+8 + 4 separators + 1 gutter = 51
    expect(layoutColumns(cols, 61).map((c) => [c.id, c.width])).toEqual([
      ['a', 10],
      ['m', 30],
      ['b', 8],
      ['c', 8],
    ]);
  });
  it('drops the highest `drop` first when the table does not fit', () => {
    expect(layoutColumns(cols, 45).map((c) => c.id)).toEqual(['a', 'm', 'c']);
    expect(layoutColumns(cols, 33).map((c) => c.id)).toEqual(['a', 'm']);
  });
});
