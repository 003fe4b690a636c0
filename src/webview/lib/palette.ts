/** Colour choices shared by the views, all derived from the theme's chart colours. */
import { mix, type Theme } from './theme';

/** Colour of class c (boundary plots, class legends): blue, orange, green, purple, red, yellow, … */
export function classColor(theme: Theme, c: number): string {
  const order = [theme.blue, theme.orange, theme.green, theme.purple, theme.red, theme.yellow];
  return order[c % order.length];
}

/** Series colours: train vs test curves look the same in every chart. */
export function seriesColors(theme: Theme): { train: string; test: string } {
  return { train: theme.blue, test: theme.orange };
}

/** Diverging colour for a signed value v in [−1, 1]: red (negative) … background … blue (positive). */
export function diverging(theme: Theme, v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  return t >= 0 ? mix(theme.background, theme.blue, t) : mix(theme.background, theme.red, -t);
}
