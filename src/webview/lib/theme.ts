/**
 * Theme colours for canvases (Chart.js, heatmaps), read from the `--vscode-*` CSS variables VS Code sets on
 * the page, and a hook that fires when the user switches theme (VS Code then changes the body class
 * vscode-light / vscode-dark / vscode-high-contrast and rewrites the variables on <html>).
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** Colours as `rgb()`/`#rrggbb` strings usable both in CSS and on a canvas. */
export interface Theme {
  kind: ThemeKind;
  foreground: string;
  muted: string;
  background: string;
  /** Axis grid lines. */
  grid: string;
  /** Borders of cards / the high-contrast outline (may equal grid). */
  border: string;
  fontFamily: string;
  fontSize: number;
  blue: string;
  red: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
}

/** The value of a CSS custom property on the page, or `fallback`. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  if (v) return v;
  const b = document.body ? getComputedStyle(document.body).getPropertyValue(name).trim() : '';
  return b || fallback;
}

export function themeKind(): ThemeKind {
  const cl = document.body.classList;
  if (cl.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (cl.contains('vscode-high-contrast')) return 'high-contrast';
  if (cl.contains('vscode-light')) return 'light';
  return 'dark';
}

/** Reads the current theme (call again after {@link onThemeChange} fires). */
export function readTheme(): Theme {
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const foreground = cssVar('--vscode-charts-foreground', cssVar('--vscode-editor-foreground', light ? '#333333' : '#cccccc'));
  const fontSize = parseFloat(cssVar('--vscode-font-size', '13')) || 13;
  return {
    kind,
    foreground,
    muted: cssVar('--vscode-descriptionForeground', withAlpha(foreground, 0.7)),
    background: cssVar('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    grid: cssVar('--vscode-charts-lines', withAlpha(foreground, 0.3)),
    border: cssVar('--vscode-contrastBorder', cssVar('--vscode-panel-border', withAlpha(foreground, 0.3))),
    fontFamily: cssVar('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize,
    blue: cssVar('--vscode-charts-blue', light ? '#1a85ff' : '#3794ff'),
    red: cssVar('--vscode-charts-red', light ? '#e51400' : '#f14c4c'),
    green: cssVar('--vscode-charts-green', light ? '#388a34' : '#89d185'),
    yellow: cssVar('--vscode-charts-yellow', light ? '#bf8803' : '#cca700'),
    orange: cssVar('--vscode-charts-orange', light ? '#d18616' : '#d18616'),
    purple: cssVar('--vscode-charts-purple', light ? '#652d90' : '#b180d7'),
  };
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour → [r, g, b, a] (0–255, alpha 0–1), via a canvas so every CSS syntax is understood. */
export function parseColor(color: string): [number, number, number, number] {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return [128, 128, 128, 1];
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const s = String(probe.fillStyle);
  if (s.startsWith('#')) {
    const n = parseInt(s.slice(1, 7), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
  }
  const parts = s.replace(/^rgba?\(|\)$/g, '').split(',').map((p) => parseFloat(p));
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
}

/** The colour with alpha `a` as an rgba() string. */
export function withAlpha(color: string, a: number): string {
  const [r, g, b, a0] = parseColor(color);
  return `rgba(${r}, ${g}, ${b}, ${Math.max(0, Math.min(1, a * a0))})`;
}

/** Linear mix of two colours, t = 0 → a, t = 1 → b; returns rgb(). */
export function mix(a: string, b: string, t: number): string {
  const ca = parseColor(a);
  const cb = parseColor(b);
  const k = Math.max(0, Math.min(1, t));
  const c = [0, 1, 2].map((i) => Math.round(ca[i] + (cb[i] - ca[i]) * k));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Relative luminance (WCAG) of a colour, 0 (black) … 1 (white). */
export function luminance(color: string): number {
  const [r, g, b] = parseColor(color).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours: (L_lighter + 0.05) / (L_darker + 0.05), from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * Black or white, whichever has the larger contrast ratio with `background` (black from luminance ≈ 0.18 up:
 * a mid blue heatmap cell gets black text, 8:1, rather than white, 2.5:1).
 */
export function textOn(background: string): string {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

/**
 * Calls `cb` (debounced to one animation frame) whenever the theme changes: body class or the variables on
 * <html> are rewritten.
 */
export function onThemeChange(cb: () => void): void {
  let pending = false;
  let lastKey = themeKey();
  const fire = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const key = themeKey();
      if (key === lastKey) return;
      lastKey = key;
      cb();
    });
  };
  const obs = new MutationObserver(fire);
  obs.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

function themeKey(): string {
  return `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
}
