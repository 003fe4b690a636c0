/** Colour choices shared by the views, all derived from the theme's chart colours. */
import { mix, parseColor, type Theme } from './theme';

/** Hue of a colour in degrees (0–360), or null for a grey (no saturation to speak of). */
export function hue(color: string): number | null {
  const [r, g, b] = parseColor(color).map((v) => v / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  if (d < 0.08) return null;
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** Angular distance of two hues (0–180); 180 when either colour is a grey. */
function hueDistance(a: string, b: string): number {
  const ha = hue(a);
  const hb = hue(b);
  if (ha === null || hb === null) return 180;
  const d = Math.abs(ha - hb) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * The colour paired with the theme's blue (test curves, class 1, the ROC operating point): its orange, unless that
 * has nearly the hue of the blue — Light High Contrast's charts-orange is a navy (#0f4a85) — then its yellow, then
 * its red.
 */
export function secondColor(theme: Theme): string {
  for (const c of [theme.orange, theme.yellow, theme.red]) if (hueDistance(c, theme.blue) >= 45) return c;
  return theme.orange;
}

/** Colour of class c (boundary plots, class legends): blue, orange, green, purple, red, yellow, … */
export function classColor(theme: Theme, c: number): string {
  const second = secondColor(theme);
  const order = [theme.blue, second, theme.green, theme.purple, theme.red, second === theme.yellow ? theme.orange : theme.yellow];
  return order[c % order.length];
}

/** Series colours: train vs test curves look the same in every chart. */
export function seriesColors(theme: Theme): { train: string; test: string } {
  return { train: theme.blue, test: secondColor(theme) };
}

/** Diverging colour for a signed value v in [−1, 1]: red (negative) … background … blue (positive). */
export function diverging(theme: Theme, v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  return t >= 0 ? mix(theme.background, theme.blue, t) : mix(theme.background, theme.red, -t);
}
