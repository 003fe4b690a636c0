/**
 * Chart.js set-up shared by the dashboard and the sidebar: theme-aware defaults (from --vscode-* variables),
 * a registry that owns the charts of a page (destroy before re-creating, look-up for tests), and small builders
 * for the line charts used everywhere (x = iteration).
 */
import Chart from 'chart.js/auto';
import type { ChartConfiguration, ChartDataset, ChartType, Plugin, ScaleOptionsByType, Tick } from 'chart.js';
import { cssVar, type Theme, withAlpha } from './theme';
import { logTickLabel } from './ticks';

export { Chart };
export type { ChartConfiguration, ChartDataset, Plugin, Tick };

/** A point of a line chart: x = iteration (or fpr …), y = value. */
export interface XY {
  x: number;
  y: number;
}

/** Applies the theme to Chart.js' global defaults; charts created afterwards pick it up. */
export function applyChartDefaults(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  // Grid lines a little softer than charts.lines (which VS Code meant for axes); high contrast keeps them.
  Chart.defaults.borderColor = theme.kind.startsWith('high-contrast') ? theme.grid : withAlpha(theme.grid, 0.45);
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, Math.round(theme.fontSize) - 1);
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  Chart.defaults.plugins.legend.labels.boxHeight = 2;
  const tip = Chart.defaults.plugins.tooltip;
  tip.backgroundColor = cssVar('--vscode-editorHoverWidget-background', theme.background);
  tip.titleColor = cssVar('--vscode-editorHoverWidget-foreground', theme.foreground);
  tip.bodyColor = cssVar('--vscode-editorHoverWidget-foreground', theme.foreground);
  tip.borderColor = cssVar('--vscode-editorHoverWidget-border', theme.grid);
  tip.borderWidth = 1;
  tip.cornerRadius = 2;
}

/** Data of one chart in plain form (for tests and debugging). */
export interface ChartSnapshot {
  type: string;
  labels: string[];
  datasets: Array<{ label: string; data: unknown[]; pixels?: Array<{ x: number; y: number }> }>;
  /** Scale id → type ('linear', 'logarithmic', 'category', …). */
  scales: Record<string, string>;
  /** Scale id → its title as drawn ('' when none). */
  titles: Record<string, string>;
}

/** Creating and finding charts by name (a page-wide registry or a prefixed view of it). */
export interface Charts {
  make<T extends ChartType>(name: string, canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T>;
  get(name: string): Chart | undefined;
  destroy(name: string): void;
  destroyAll(prefix?: string): void;
}

/** Owns the charts of a page by name. */
export class ChartRegistry implements Charts {
  private readonly charts = new Map<string, Chart>();

  /** Creates (or re-creates) the chart `name` on `canvas`. */
  make<T extends ChartType>(name: string, canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T> {
    this.destroy(name);
    const chart = new Chart<T>(canvas, config);
    this.charts.set(name, chart as unknown as Chart);
    return chart;
  }

  get(name: string): Chart | undefined {
    return this.charts.get(name);
  }

  destroy(name: string): void {
    const c = this.charts.get(name);
    if (c) {
      c.destroy();
      this.charts.delete(name);
    }
  }

  /** Destroys every chart whose name starts with `prefix` (all when omitted). */
  destroyAll(prefix = ''): void {
    for (const name of [...this.charts.keys()]) if (name.startsWith(prefix)) this.destroy(name);
  }

  /** A view whose names are prefixed (e.g. per tab, so re-drawing one tab keeps the others' charts). */
  scope(prefix: string): Charts {
    return {
      make: (name, canvas, config) => this.make(prefix + name, canvas, config),
      get: (name) => this.get(prefix + name),
      destroy: (name) => this.destroy(prefix + name),
      destroyAll: (p = '') => this.destroyAll(prefix + p),
    };
  }

  /** Plain copies of every chart's data. */
  snapshot(): Record<string, ChartSnapshot> {
    const out: Record<string, ChartSnapshot> = {};
    for (const [name, c] of this.charts) {
      out[name] = {
        type: String((c.config as { type?: unknown }).type ?? ''),
        labels: (c.data.labels ?? []).map((l) => String(l)),
        datasets: c.data.datasets.map((d, i) => ({
          label: String(d.label ?? ''),
          data: [...(d.data as unknown[])],
          // Where a scatter chart drew its points (CSS pixels in the canvas), so a test can click one as a person would.
          ...(String((c.config as { type?: unknown }).type) === 'scatter'
            ? { pixels: c.getDatasetMeta(i).data.map((el) => ({ x: el.x, y: el.y })) }
            : {}),
        })),
        scales: Object.fromEntries(Object.entries(c.scales).map(([id, scale]) => [id, String(scale.type)])),
        titles: Object.fromEntries(Object.entries(c.scales).map(([id, scale]) => {
          const t = (scale.options as { title?: { display?: boolean; text?: unknown } }).title;
          return [id, t?.display ? String(t.text ?? '') : ''];
        })),
      };
    }
    return out;
  }
}

/** A line dataset of {x, y} points in one theme colour. */
export function lineDataset(label: string, data: XY[], color: string, opts: { dashed?: boolean; fill?: boolean; width?: number } = {}): ChartDataset<'line', XY[]> {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: opts.fill ? withAlpha(color, 0.15) : color,
    borderWidth: opts.width ?? 2,
    borderDash: opts.dashed ? [6, 4] : [],
    pointRadius: data.length > 40 ? 0 : 2,
    pointHoverRadius: 4,
    fill: opts.fill ?? false,
    tension: 0,
    parsing: false,
    normalized: true,
  };
}

/** Linear/log scale options of an x = iteration axis. */
export function iterationAxis(title = 'iteration'): ScaleOptionsByType<'linear'> {
  return {
    type: 'linear',
    title: { display: true, text: title },
    ticks: { maxTicksLimit: 8, precision: 0 },
    grid: { display: true },
  } as ScaleOptionsByType<'linear'>;
}

/** Value axis: linear or logarithmic. */
export function valueAxis(title: string, log = false, min?: number, max?: number): ScaleOptionsByType<'linear'> {
  const ticks: Partial<ScaleOptionsByType<'linear'>['ticks']> = log
    ? { callback: (v: number | string, _i: number, t: Tick[]) => logTickLabel(Number(v), t) }
    : { maxTicksLimit: 7 };
  return {
    type: log ? 'logarithmic' : 'linear',
    title: { display: true, text: title },
    ticks,
    min,
    max,
  } as ScaleOptionsByType<'linear'>;
}

/** Keeps only finite points (a missing test value is null in the history). */
export function points<T>(rows: T[], x: (r: T) => number, y: (r: T) => number | null): XY[] {
  const out: XY[] = [];
  for (const r of rows) {
    const yv = y(r);
    const xv = x(r);
    if (yv !== null && Number.isFinite(yv) && Number.isFinite(xv)) out.push({ x: xv, y: yv });
  }
  return out;
}

/** A canvas inside a sized box (Chart.js needs a positioned parent with a height to resize with the panel). */
export function chartBox(className = 'chart-box'): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const box = document.createElement('div');
  box.className = className;
  const canvas = document.createElement('canvas');
  box.appendChild(canvas);
  return { box, canvas };
}
