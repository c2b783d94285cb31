import { createContext, useContext } from 'react';

export type Tone = 'accent' | 'success' | 'warning' | 'danger' | 'muted';

const COLORS: Record<Tone, string> = {
  accent: 'cyan',
  success: 'green',
  warning: 'yellow',
  danger: 'red',
  muted: 'gray',
};

/** https://no-color.org: a non-empty NO_COLOR turns colour off. Ink's chalk does not check it. */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

export interface Theme {
  /** The Ink colour for a tone, or undefined when colour is off. */
  color(tone: Tone): string | undefined;
}

export function createTheme(useColor: boolean): Theme {
  return { color: (tone) => (useColor ? COLORS[tone] : undefined) };
}

export const ThemeContext = createContext<Theme>(createTheme(colorEnabled()));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
