/**
 * Landscape tab: the training cost J over two chosen parameters, the others held at their current values, as a
 * shaded contour map with the run's path, the current point (moving as you step) and the optimum W*; below it, J
 * along the first parameter for cross-entropy and for squared error, each on its own scale, so MSE's plateaus (a
 * confident mistake costs at most ½ and gives almost no gradient) and BCE's steady growth can both be seen.
 * The numbers come from the worker (LandscapeInfo); this module only draws them and asks for new ones.
 */
import { fillCells, levelSegments } from '../contour';
import type { Plugin } from 'chart.js';
import { parameterName } from '../../../engine/model/landscape';
import type { LandscapeInfo, SessionState } from '../../../protocol';
import { chartBox, lineDataset } from '../charts';
import { h } from '../dom';
import { fmt, fmtInt } from '../format';
import { mix } from '../theme';
import type { DashboardContext } from './context';

/** Parameters p (x) and q (y) of θ = [W (k×n), b (k)]. */
export interface LandscapePair {
  p: number;
  q: number;
}

/** Every parameter's name, in θ order. */
export function parameterNames(state: SessionState): string[] {
  const { k, n } = state.weights;
  return Array.from({ length: k * (n + 1) }, (_, p) => parameterName(p, state.dataset.featureNames, state.dataset.classes, k));
}

/** The default pair: the two weights largest in magnitude now (the first two while all are 0); w and b for one feature. */
export function defaultPair(state: SessionState): LandscapePair {
  const { k, n, W } = state.weights;
  if (n < 2) return { p: 0, q: k * n };
  const order = Array.from({ length: k * n }, (_, i) => i).sort((a, b) => Math.abs(W[b]) - Math.abs(W[a]) || a - b);
  return { p: Math.min(order[0], order[1]), q: Math.max(order[0], order[1]) };
}

/** The grid and path a contour chart draws (replaced in place when new numbers arrive). */
const shown = new WeakMap<object, { data: LandscapeInfo }>();

/** Contour levels: evenly spaced in √(J − J_min), so the valley floor gets as many lines as the walls. */
function levels(d: LandscapeInfo, count: number): number[] {
  const lo = Math.min(...d.J);
  const hi = Math.max(...d.J);
  if (!(hi > lo)) return [];
  return Array.from({ length: count }, (_, i) => lo + (hi - lo) * ((i + 1) / (count + 1)) ** 2);
}

function caption(d: LandscapeInfo, state: SessionState): string {
  const rows = d.rows < d.totalRows
    ? `J on every ${fmtInt(Math.ceil(d.totalRows / d.rows))}th training row (${fmtInt(d.rows)} of ${fmtInt(d.totalRows)})`
    : `J on all ${fmtInt(d.totalRows)} training rows`;
  const path = d.path.length > 1
    ? `The line is the run so far (${fmtInt(d.path.length)} recorded points), the ring the current parameters (iteration ${fmtInt(state.iteration)})`
    : d.path.length === 1 && state.iteration > 0 && state.weights.k * (state.weights.n + 1) > d.pathLimit
      ? `The ring is the current parameters; the path is kept for models of at most ${fmtInt(d.pathLimit)} parameters`
      : 'The ring is the current parameters';
  return `${d.loss === 'bce' ? 'Cross-entropy' : 'Squared-error'} cost J over ${d.xName} and ${d.yName}, every other parameter at its current value; ` +
    `darker = lower. ${path}${d.optimum ? ', the star the exact optimum W*' : ''}. ${rows}.`;
}

/**
 * Builds the Landscape tab: the two parameter selectors and, when `data` is there, the contour and the slice.
 * `choose` asks for another pair.
 */
export function renderLandscape(ctx: DashboardContext, root: HTMLElement, pair: LandscapePair, data: LandscapeInfo | null, error: string | null,
  choose: (pair: LandscapePair) => void): void {
  const names = parameterNames(ctx.state);
  const select = (id: string, value: number, onPick: (v: number) => void): HTMLSelectElement =>
    h('select', { id, 'aria-label': id === 'landscape-x' ? 'Parameter on the x axis' : 'Parameter on the y axis',
      onchange: (e: Event) => onPick(Number((e.target as HTMLSelectElement).value)) },
    ...names.map((nm, i) => h('option', { value: String(i), selected: i === value }, nm)));
  const controls = h('div', { class: 'landscape-controls' },
    h('label', null, 'x ', select('landscape-x', pair.p, (p) => choose({ p, q: p === pair.q ? pair.p : pair.q }))),
    h('label', null, 'y ', select('landscape-y', pair.q, (q) => choose({ p: q === pair.p ? pair.q : pair.p, q }))));
  const card = h('section', { class: 'card', id: 'landscape-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Loss landscape'), controls));
  root.append(card);
  if (error) {
    card.append(h('p', { class: 'note warn', id: 'landscape-error' }, error));
    return;
  }
  if (!data) {
    card.append(h('p', { class: 'hint', id: 'landscape-wait' }, 'Computing J over the grid…'));
    return;
  }
  const contour = chartBox('chart-box tall');
  contour.canvas.id = 'landscape-chart';
  card.append(contour.box, h('p', { class: 'hint', id: 'landscape-caption' }, caption(data, ctx.state)));
  const slice = chartBox('chart-box');
  slice.canvas.id = 'landscape-slice';
  root.append(h('section', { class: 'card', id: 'landscape-slice-card' },
    h('div', { class: 'card-head' }, h('h2', null, `Cross-entropy vs squared error along ${data.xName}`)),
    slice.box,
    h('p', { class: 'hint', id: 'landscape-slice-caption' },
      `J along ${data.xName} alone (every other parameter at its current value, ${fmt(data.slice.current)} now: the dashed line), `,
      'each loss on its own axis. Far out, a wrong prediction becomes confident: cross-entropy keeps rising by the same amount per step ',
      '(a steady gradient back), squared error flattens towards its ceiling — almost no gradient, and a curve that is not convex.')));
  drawContour(ctx, contour.canvas, data);
  drawSlice(ctx, slice.canvas, data);
}

/** New numbers for the same pair: the charts change in place (no flicker, the selectors stay open). */
export function updateLandscape(ctx: DashboardContext, data: LandscapeInfo): boolean {
  const chart = ctx.charts.get('contour');
  const holder = chart ? shown.get(chart) : undefined;
  const sliceChart = ctx.charts.get('slice');
  if (!chart || !holder || !sliceChart || holder.data.p !== data.p || holder.data.q !== data.q) return false;
  holder.data = data;
  const [pathDs, nowDs, optDs] = chart.data.datasets;
  pathDs.data = data.path.map((t) => ({ x: t.x, y: t.y }));
  nowDs.data = data.path.slice(-1).map((t) => ({ x: t.x, y: t.y }));
  optDs.data = data.optimum ? [{ x: data.optimum.x, y: data.optimum.y }] : [];
  const sx = chart.options.scales?.x;
  const sy = chart.options.scales?.y;
  if (sx && sy) {
    sx.min = data.xs[0];
    sx.max = data.xs[data.xs.length - 1];
    sy.min = data.ys[0];
    sy.max = data.ys[data.ys.length - 1];
  }
  chart.update('none');
  const [bce, mse, now] = sliceChart.data.datasets;
  bce.data = data.slice.ts.map((t, i) => ({ x: t, y: data.slice.bce[i] }));
  mse.data = data.slice.ts.map((t, i) => ({ x: t, y: data.slice.mse[i] }));
  now.data = sliceMarker(data);
  sliceChart.update('none');
  const cap = document.getElementById('landscape-caption');
  if (cap) cap.textContent = caption(data, ctx.state);
  return true;
}

function drawContour(ctx: DashboardContext, canvas: HTMLCanvasElement, data: LandscapeInfo): void {
  const { theme } = ctx;
  const holder = { data };
  const strong = theme.kind.startsWith('high-contrast') ? 0.9 : 0.75;
  const shade: Plugin<'scatter'> = {
    id: 'landscapeShade',
    beforeDatasetsDraw(chart) {
      const d = holder.data;
      const { ctx: g, chartArea: area, scales } = chart;
      const { xs, ys, J } = d;
      const lo = Math.min(...J);
      const hi = Math.max(...J);
      const span = hi > lo ? hi - lo : 1;
      g.save();
      g.beginPath();
      g.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      g.clip();
      fillCells(g, scales.x, scales.y, xs, ys, (cell) => mix(theme.background, theme.blue, strong * (1 - Math.sqrt((J[cell] - lo) / span))));
      g.strokeStyle = mix(theme.background, theme.foreground, 0.45);
      g.lineWidth = 1;
      g.beginPath();
      for (const level of levels(d, 9)) {
        for (const [ax, ay, bx, by] of levelSegments(d.xs, d.ys, d.J, level)) {
          g.moveTo(scales.x.getPixelForValue(ax), scales.y.getPixelForValue(ay));
          g.lineTo(scales.x.getPixelForValue(bx), scales.y.getPixelForValue(by));
        }
      }
      g.stroke();
      g.restore();
    },
  };
  const chart = ctx.charts.make('contour', canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'path of the run', data: data.path.map((t) => ({ x: t.x, y: t.y })), showLine: true, borderColor: theme.orange,
          backgroundColor: theme.orange, borderWidth: 2, pointRadius: data.path.length > 60 ? 0 : 2 },
        { label: 'now', data: data.path.slice(-1).map((t) => ({ x: t.x, y: t.y })), borderColor: theme.foreground,
          backgroundColor: theme.orange, borderWidth: 2, pointRadius: 7 },
        { label: 'optimum W*', data: data.optimum ? [{ x: data.optimum.x, y: data.optimum.y }] : [], pointStyle: 'star',
          borderColor: theme.foreground, backgroundColor: theme.yellow, borderWidth: 2, pointRadius: 9 },
      ],
    },
    options: {
      animation: false,
      scales: {
        x: { type: 'linear', min: data.xs[0], max: data.xs[data.xs.length - 1], title: { display: true, text: data.xName } },
        y: { type: 'linear', min: data.ys[0], max: data.ys[data.ys.length - 1], title: { display: true, text: data.yName } },
      },
      plugins: {
        legend: { labels: { usePointStyle: true, boxHeight: 8 } },
        tooltip: { callbacks: { label: (it) => `${it.dataset.label}: (${fmt(it.parsed.x)}, ${fmt(it.parsed.y)})` } },
      },
    },
    plugins: [shade],
  });
  shown.set(chart, holder);
}

/** The current value of the slice's parameter as a vertical dashed line over the BCE axis. */
function sliceMarker(d: LandscapeInfo): Array<{ x: number; y: number }> {
  const lo = Math.min(...d.slice.bce);
  const hi = Math.max(...d.slice.bce);
  return [{ x: d.slice.current, y: lo }, { x: d.slice.current, y: hi }];
}

function drawSlice(ctx: DashboardContext, canvas: HTMLCanvasElement, data: LandscapeInfo): void {
  const { theme } = ctx;
  const bce = lineDataset('cross-entropy (BCE), left axis', data.slice.ts.map((t, i) => ({ x: t, y: data.slice.bce[i] })), theme.blue);
  const mse = { ...lineDataset('squared error (MSE), right axis', data.slice.ts.map((t, i) => ({ x: t, y: data.slice.mse[i] })), theme.red), yAxisID: 'y2' };
  const now = { ...lineDataset('now', sliceMarker(data), theme.foreground, { dashed: true, width: 1 }), pointRadius: 0 };
  ctx.charts.make('slice', canvas, {
    type: 'line',
    data: { datasets: [bce, mse, now] },
    options: {
      animation: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: data.xName } },
        y: { type: 'linear', position: 'left', title: { display: true, text: 'J (cross-entropy)' } },
        y2: { type: 'linear', position: 'right', title: { display: true, text: 'J (squared error)' }, grid: { drawOnChartArea: false } },
      },
      plugins: { legend: { labels: { boxHeight: 2 } } },
    },
  });
}
