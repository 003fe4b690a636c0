/**
 * Training tab: cost curves (train/test loss per iteration, optional log scale), accuracy curves, distance to
 * the exact optimum ‖W_t − W*‖ and |b_t − b*|, and the decision boundary for 2-feature data.
 * The curves are updated in place while training runs (see {@link updateTrainingCharts}).
 */
import type { BoundaryInfo, SessionState } from '../../../protocol';
import { chartBox, iterationAxis, lineDataset, points, valueAxis, type Plugin } from '../charts';
import { h } from '../dom';
import { fmt, fmtPct } from '../format';
import { classColor, seriesColors } from '../palette';
import { mix } from '../theme';
import type { DashboardContext } from './context';

/** Builds the Training tab into `root`. */
export function renderTraining(ctx: DashboardContext, root: HTMLElement): void {
  const { state, view } = ctx;
  const kpis = h('div', { class: 'kpis', id: 'training-kpis' });
  fillKpis(kpis, state);

  const logToggle = h('label', { class: 'toggle' },
    h('input', {
      type: 'checkbox',
      id: 'log-scale',
      checked: view.logScale,
      onchange: (e: Event) => ctx.setView({ logScale: (e.target as HTMLInputElement).checked }, true),
    }),
    ' log scale');

  const loss = chartBox('chart-box');
  loss.canvas.id = 'loss-chart';
  loss.canvas.setAttribute('aria-label', 'Training and test loss per iteration');
  const acc = chartBox('chart-box');
  acc.canvas.id = 'accuracy-chart';
  acc.canvas.setAttribute('aria-label', 'Training and test accuracy per iteration');

  root.append(
    kpis,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' },
        h('div', { class: 'card-head' }, h('h2', null, 'Cost J per iteration'), logToggle),
        loss.box,
        h('p', { class: 'hint' }, 'Mean loss on the training rows and on the held-out test rows after each update.')),
      h('section', { class: 'card' },
        h('div', { class: 'card-head' }, h('h2', null, 'Accuracy per iteration')),
        acc.box,
        h('p', { class: 'hint' }, `Share of rows predicted correctly${isThresholded(state) ? ` (threshold ${fmt(state.config.threshold)})` : ''}.`))),
  );

  const c = seriesColors(ctx.theme);
  ctx.charts.make('loss', loss.canvas, {
    type: 'line',
    data: { datasets: lossDatasets(state, c) },
    options: {
      scales: { x: iterationAxis(), y: valueAxis('loss', view.logScale) },
      plugins: { tooltip: { mode: 'nearest', intersect: false, callbacks: { label: (it) => `${it.dataset.label}: ${fmt(it.parsed.y)}` } } },
    },
  });
  ctx.charts.make('accuracy', acc.canvas, {
    type: 'line',
    data: { datasets: accuracyDatasets(state, c) },
    options: {
      scales: { x: iterationAxis(), y: { ...valueAxis('accuracy', false, 0, 1), ticks: { callback: (v) => fmtPct(Number(v), 0) } } },
      plugins: { tooltip: { mode: 'nearest', intersect: false, callbacks: { label: (it) => `${it.dataset.label}: ${fmtPct(it.parsed.y, 2)}` } } },
    },
  });

  renderDistance(ctx, root);
  if (state.boundary) renderBoundary(ctx, root, state.boundary);
}

function isThresholded(state: SessionState): boolean {
  return state.weights.k === 1;
}

function lossDatasets(state: SessionState, c: { train: string; test: string }): ReturnType<typeof lineDataset>[] {
  const hist = state.history;
  const ds = [lineDataset('train loss', points(hist, (p) => p.iteration, (p) => p.trainLoss), c.train)];
  if (state.dataset.mTest > 0) ds.push(lineDataset('test loss', points(hist, (p) => p.iteration, (p) => p.testLoss), c.test, { dashed: true }));
  return ds;
}

function accuracyDatasets(state: SessionState, c: { train: string; test: string }): ReturnType<typeof lineDataset>[] {
  const hist = state.history;
  const ds = [lineDataset('train accuracy', points(hist, (p) => p.iteration, (p) => p.trainAccuracy), c.train)];
  if (state.dataset.mTest > 0) ds.push(lineDataset('test accuracy', points(hist, (p) => p.iteration, (p) => p.testAccuracy), c.test, { dashed: true }));
  return ds;
}

function distanceDatasets(state: SessionState, ctx: DashboardContext): ReturnType<typeof lineDataset>[] {
  const hist = state.history;
  return [
    lineDataset('‖W − W*‖', points(hist, (p) => p.iteration, (p) => p.distW), ctx.theme.purple),
    lineDataset('|b − b*|', points(hist, (p) => p.iteration, (p) => p.distB), ctx.theme.yellow, { dashed: true }),
  ];
}

/** The latest numbers above the charts. */
function fillKpis(el: HTMLElement, state: SessionState): void {
  const last = state.history.length > 0 ? state.history[state.history.length - 1] : null;
  const kpi = (label: string, value: string, id: string): HTMLElement =>
    h('div', { class: 'kpi', id }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
  el.replaceChildren(
    kpi('train loss', fmt(last?.trainLoss ?? null), 'kpi-train-loss'),
    kpi('test loss', fmt(last?.testLoss ?? null), 'kpi-test-loss'),
    kpi('train accuracy', fmtPct(last?.trainAccuracy ?? null), 'kpi-train-acc'),
    kpi('test accuracy', fmtPct(last?.testAccuracy ?? null), 'kpi-test-acc'),
  );
}

function renderDistance(ctx: DashboardContext, root: HTMLElement): void {
  const { state } = ctx;
  const hasDist = state.history.some((p) => p.distW !== null && Number.isFinite(p.distW));
  let note: string;
  if (state.optimumConverged === false) {
    note = 'No finite optimum without L2 (separable data): the weights keep growing, so W* is where the exact solver stopped. Add an L2 penalty in Settings to get a finite optimum.';
  } else if (state.optimumConverged === null || !hasDist) {
    note = 'The exact optimum W* is not known for this session, so the distance cannot be drawn.';
  } else {
    note = 'Distance of every iterate from the exact optimum W* found by a second-order solver; it should shrink towards 0.';
  }
  const card = h('section', { class: 'card', id: 'distance-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Distance to the optimum')),
    h('p', { class: state.optimumConverged === false ? 'note warn' : 'hint', id: 'distance-note' }, note));
  root.append(card);
  if (!hasDist) return;
  const box = chartBox('chart-box');
  box.canvas.id = 'distance-chart';
  card.insertBefore(box.box, card.lastChild);
  ctx.charts.make('distance', box.canvas, {
    type: 'line',
    data: { datasets: distanceDatasets(state, ctx) },
    options: {
      scales: { x: iterationAxis(), y: valueAxis('distance', ctx.view.logScale) },
      plugins: { tooltip: { mode: 'nearest', intersect: false, callbacks: { label: (it) => `${it.dataset.label}: ${fmt(it.parsed.y)}` } } },
    },
  });
}

/** Replaces the data of the live charts after a progress message (no re-creation). */
export function updateTrainingCharts(ctx: DashboardContext): void {
  const { state, charts } = ctx;
  const c = seriesColors(ctx.theme);
  const pairs: Array<[string, ReturnType<typeof lineDataset>[]]> = [
    ['loss', lossDatasets(state, c)],
    ['accuracy', accuracyDatasets(state, c)],
    ['distance', distanceDatasets(state, ctx)],
  ];
  for (const [name, fresh] of pairs) {
    const chart = charts.get(name);
    if (!chart) continue;
    fresh.forEach((d, i) => {
      const ds = chart.data.datasets[i];
      if (ds) {
        ds.data = d.data;
        (ds as { pointRadius?: number }).pointRadius = d.pointRadius as number;
      }
    });
    chart.update('none');
  }
  const k = document.getElementById('training-kpis');
  if (k) fillKpis(k, state);
}

/** Decision-boundary plot: predicted class per grid cell as a tinted background, training points on top. */
function renderBoundary(ctx: DashboardContext, root: HTMLElement, b: BoundaryInfo): void {
  const { theme, state } = ctx;
  const classes = state.dataset.classes;
  const box = chartBox('chart-box tall');
  box.canvas.id = 'boundary-chart';
  root.append(h('section', { class: 'card', id: 'boundary-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Decision boundary')),
    box.box,
    h('p', { class: 'hint' }, `Background: the class the current model predicts at each point of the (${b.xName}, ${b.yName}) plane (standardised units). Dots: training rows, coloured by their true class.`)));

  const gridPlugin: Plugin<'scatter'> = {
    id: 'boundaryGrid',
    beforeDatasetsDraw(chart) {
      const { ctx: g, chartArea: area, scales } = chart;
      const xs = b.xs;
      const ys = b.ys;
      if (xs.length === 0 || ys.length === 0) return;
      const edges = (v: number[], i: number): [number, number] => {
        const lo = i === 0 ? v[0] - (v[1] - v[0]) / 2 : (v[i - 1] + v[i]) / 2;
        const hi = i === v.length - 1 ? v[i] + (v[i] - v[i - 1]) / 2 : (v[i] + v[i + 1]) / 2;
        return [lo, hi];
      };
      const tints = classes.map((_, ci) => mix(theme.background, classColor(theme, ci), theme.kind.startsWith('high-contrast') ? 0.35 : 0.22));
      g.save();
      g.beginPath();
      g.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      g.clip();
      for (let r = 0; r < ys.length; r++) {
        const [y0, y1] = ys.length > 1 ? edges(ys, r) : [ys[0] - 0.5, ys[0] + 0.5];
        for (let c = 0; c < xs.length; c++) {
          const [x0, x1] = xs.length > 1 ? edges(xs, c) : [xs[0] - 0.5, xs[0] + 0.5];
          const cls = b.grid[r * xs.length + c];
          // Solid tints (mixed with the background) so overlapping cell edges leave no seams.
          g.fillStyle = tints[cls] ?? theme.background;
          const px0 = scales.x.getPixelForValue(x0);
          const px1 = scales.x.getPixelForValue(x1);
          const py0 = scales.y.getPixelForValue(y0);
          const py1 = scales.y.getPixelForValue(y1);
          g.fillRect(Math.min(px0, px1), Math.min(py0, py1), Math.abs(px1 - px0) + 0.5, Math.abs(py1 - py0) + 0.5);
        }
      }
      g.restore();
    },
  };

  const datasets = classes.map((name, ci) => ({
    label: `${state.dataset.target} = ${name}`,
    data: b.points.filter((p) => p.c === ci).map((p) => ({ x: p.x, y: p.y })),
    backgroundColor: classColor(theme, ci),
    borderColor: theme.background,
    borderWidth: 1,
    pointRadius: 4,
  }));
  const ext = (v: number[]): { min: number; max: number } => ({ min: Math.min(...v), max: Math.max(...v) });
  const xr = ext(b.xs);
  const yr = ext(b.ys);
  ctx.charts.make('boundary', box.canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      scales: {
        x: { type: 'linear', min: xr.min, max: xr.max, title: { display: true, text: b.xName } },
        y: { type: 'linear', min: yr.min, max: yr.max, title: { display: true, text: b.yName } },
      },
      plugins: {
        legend: { labels: { usePointStyle: true, boxHeight: 8 } },
        tooltip: { callbacks: { label: (it) => `${it.dataset.label}: (${fmt(it.parsed.x)}, ${fmt(it.parsed.y)})` } },
      },
    },
    plugins: [gridPlugin],
  });
}

