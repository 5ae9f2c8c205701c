import { describe, expect, it } from 'vitest';
import { brailleChart, intervalMarks, stepRange } from '../../src/tui/chart.js';

describe('stepRange', () => {
  const pts = [
    [0, 10],
    [2, 0],
    [2.5, 8],
    [5, 4],
  ] as const;
  it('includes the value in force at the start of the span and every change inside it', () => {
    expect(stepRange(pts, 1, 3)).toEqual([0, 10]);
    expect(stepRange(pts, 3, 4)).toEqual([8, 8]);
    expect(stepRange(pts, 6, 7)).toEqual([4, 4]);
    expect(stepRange(pts, -2, -1)).toBeNull();
  });
});

describe('brailleChart', () => {
  it('draws a step function: full, then a dip to zero, then half (2x1 cells = 4x4 dots)', () => {
    // Time 0..4 over 4 dot columns: column 0 at 8 (top), column 1 dips to 0 and back (a full vertical
    // line), columns 2-3 at 4 (of 0..8: row 4 - 1 - round(0.5 * 3) = 1, the second dot row).
    const lines = brailleChart(
      [
        [0, 8],
        [1.2, 0],
        [1.4, 8],
        [2, 4],
      ],
      { width: 2, height: 1, t0: 0, t1: 4, yMin: 0, yMax: 8 },
    );
    // Cell 0: left column dot row 0 (0x01), right column rows 0-3 (0x08|0x10|0x20|0x80) = 0xb9.
    // Cell 1: both columns at dot row 1 (0x02 | 0x10) = 0x12.
    expect(lines).toEqual([String.fromCharCode(0x2800 + 0xb9) + String.fromCharCode(0x2800 + 0x12)]);
  });

  it('leaves blank where there is no data yet and clips values to the axis', () => {
    const lines = brailleChart(
      [
        [2, 100],
        [3, -5],
      ],
      { width: 2, height: 1, t0: 0, t1: 4, yMin: 0, yMax: 8 },
    );
    // Before t=2 nothing; column 2 (t 2..3) at the top (clipped 100 -> 8); column 3 clipped to the bottom.
    expect(lines).toEqual([' ' + String.fromCharCode(0x2800 + 0x01 + 0x80)]);
  });
});

describe('intervalMarks', () => {
  it('marks the character columns an interval touches', () => {
    expect(intervalMarks([[2, 3.5]], { width: 10, t0: 0, t1: 10 })).toBe('  ▀▀      ');
    expect(intervalMarks([], { width: 4, t0: 0, t1: 1 })).toBe('    ');
  });
});
