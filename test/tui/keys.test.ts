import { describe, expect, it } from 'vitest';
import { keyTokens } from '../../src/tui/keys.js';

describe('keyTokens', () => {
  it('splits a run of characters (key repeat, paste, tmux send-keys) into one token each', () => {
    expect(keyTokens('jjG', {})).toEqual([
      { kind: 'char', ch: 'j', ctrl: false },
      { kind: 'char', ch: 'j', ctrl: false },
      { kind: 'char', ch: 'G', ctrl: false },
    ]);
  });

  it('names the keys ink flags', () => {
    expect(keyTokens('', { downArrow: true })).toEqual([{ kind: 'key', name: 'down' }]);
    expect(keyTokens('', { pageUp: true })).toEqual([{ kind: 'key', name: 'pageup' }]);
    expect(keyTokens('\r', { return: true })).toEqual([{ kind: 'key', name: 'return' }]);
    expect(keyTokens('', { tab: true, shift: true })).toEqual([{ kind: 'key', name: 'backtab' }]);
    expect(keyTokens('[Z', {})).toEqual([{ kind: 'key', name: 'backtab' }]);
  });

  it('keeps Enter, Backspace (DEL) and Tab found inside a run', () => {
    expect(keyTokens('a\x7f\r', {})).toEqual([
      { kind: 'char', ch: 'a', ctrl: false },
      { kind: 'key', name: 'backspace' },
      { kind: 'key', name: 'return' },
    ]);
  });

  it('marks Ctrl combinations and keeps non-ASCII characters whole', () => {
    expect(keyTokens('f', { ctrl: true })).toEqual([{ kind: 'char', ch: 'f', ctrl: true }]);
    expect(keyTokens('é✓', {})).toEqual([
      { kind: 'char', ch: 'é', ctrl: false },
      { kind: 'char', ch: '✓', ctrl: false },
    ]);
  });
});
