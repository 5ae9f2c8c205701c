/**
 * Colours by meaning, not by name, so every screen degrades the same way: with NO_COLOR set (no-color.org:
 * present and not empty), TERM=dumb, or a terminal without colour support, roles map to no colour and
 * the UI relies on bold, dim and inverse (attributes, not colours) and on its text.
 */
import { createContext, useContext } from 'react';

export type Role =
  'error' | 'warning' | 'info' | 'ok' | 'dim' | 'accent' | 'client' | 'server' | 'match' | 'title';

const COLORS: Record<Role, string> = {
  error: 'red',
  warning: 'yellow',
  info: 'cyan',
  ok: 'green',
  dim: 'gray',
  accent: 'cyan',
  client: 'blue',
  server: 'magenta',
  match: 'yellow',
  title: 'white',
};

export interface Theme {
  colors: boolean;
  color(role: Role | undefined): string | undefined;
}

export function makeTheme(colors: boolean): Theme {
  return { colors, color: (role) => (colors && role ? COLORS[role] : undefined) };
}

/** Whether to use colours: honours NO_COLOR and TERM=dumb; `supported` is the terminal's own answer. */
export function colorsWanted(env: NodeJS.ProcessEnv, supported: boolean): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return supported;
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
