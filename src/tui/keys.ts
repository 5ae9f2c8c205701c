/**
 * Terminal input as tokens. ink hands a run of plain characters (key repeat, a paste, tmux send-keys
 * "jjjj") to useInput as ONE string, and escape sequences one by one: every character becomes its own
 * token here so each one is handled (docs/dependencies.md, ink section).
 */
import type { Key } from 'ink';

export type NamedKey =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end'
  | 'return'
  | 'escape'
  | 'tab'
  | 'backtab'
  | 'backspace'
  | 'delete';

export type KeyToken = { kind: 'key'; name: NamedKey } | { kind: 'char'; ch: string; ctrl: boolean };

const NAMED: Array<[keyof Key, NamedKey]> = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['leftArrow', 'left'],
  ['rightArrow', 'right'],
  ['pageUp', 'pageup'],
  ['pageDown', 'pagedown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'return'],
  ['escape', 'escape'],
  ['backspace', 'backspace'],
  ['delete', 'delete'],
];

export function keyTokens(input: string, key: Partial<Key>): KeyToken[] {
  if (key.tab) return [{ kind: 'key', name: key.shift ? 'backtab' : 'tab' }];
  for (const [flag, name] of NAMED) if (key[flag]) return [{ kind: 'key', name }];
  // Shift+Tab arrives as CSI Z, which ink passes through as "[Z" with no flag set.
  if (input === '[Z') return [{ kind: 'key', name: 'backtab' }];
  const ctrl = key.ctrl === true;
  const out: KeyToken[] = [];
  for (const ch of input) {
    // A pasted or repeated run can contain Enter, Backspace (DEL) or Tab characters as well.
    if (ch === '\r' || ch === '\n') out.push({ kind: 'key', name: 'return' });
    else if (ch === '\x7f' || ch === '\b') out.push({ kind: 'key', name: 'backspace' });
    else if (ch === '\t') out.push({ kind: 'key', name: 'tab' });
    else if (ch === '\x1b') out.push({ kind: 'key', name: 'escape' });
    else out.push({ kind: 'char', ch, ctrl });
  }
  return out;
}
