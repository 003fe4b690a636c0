/**
 * Decision-boundary card (Training tab): the model over any two chosen features, in raw units of their columns,
 * the other features at their training means. The background is shaded by how sure the model is (the probability
 * of the class it predicts there), the line is where the prediction changes (binary: p = threshold), the dots are
 * training rows coloured by their true class. Hovering reads p at the pointer; clicking a dot loads its row into
 * the What-if card. Redrawn in place while training runs.
 */
import type { BoundaryInfo } from '../../../protocol';
import { chartBox, type Plugin } from '../charts';
import { h } from '../dom';
import { fmt, fmtPct } from '../format';
import { classColor } from '../palette';
import { cellSpan, fillCells, levelSegments } from '../contour';
import { mix } from '../theme';
import type { DashboardContext } from './context';

export interface BoundaryHandlers {
  /** Show the boundary over features x and y. */
  choose(x: number, y: number): void;
  /** Load training row `row` into the What-if card. */
  inspect(row: number): void;
}

/** The grid each boundary chart draws (replaced while training runs; the chart then redraws). */
const shownGrids = new WeakMap<object, { b: BoundaryInfo }>();

/** The card for `b` (the session's boundary). */
export function boundaryCard(ctx: DashboardContext, b: BoundaryInfo, handlers: BoundaryHandlers): HTMLElement {
  const { state, theme } = ctx;
  const classes = state.dataset.classes;
  const names = state.dataset.featureNames;
  const shown = { b };
  const box = chartBox('chart-box tall');
  box.canvas.id = 'boundary-chart';
  box.canvas.setAttribute('aria-label', `Decision boundary over ${b.xName} and ${b.yName}`);
  // Choosing the other axis's feature swaps the two axes.
  const select = (id: string, value: number, label: string, set: (v: number) => void): HTMLSelectElement =>
    h('select', {
      id, 'aria-label': label,
      onchange: (e: Event) => set(Number((e.target as HTMLSelectElement).value)),
    }, ...names.map((name, j) => h('option', { value: String(j), selected: j === value }, name)));
  const xSel = select('boundary-x', b.x, 'Feature on the horizontal axis', (v) => handlers.choose(v, v === b.y ? b.x : b.y));
  const ySel = select('boundary-y', b.y, 'Feature on the vertical axis', (v) => handlers.choose(v === b.x ? b.y : b.x, v));
  const readout = h('p', { class: 'numbers', id: 'boundary-readout' }, 'Point at the chart to read the model’s probability there.');
  const target = state.dataset.target;
  const others = b.others === 'means' ? ' The other features are held at their training means.' : '';
  const line = b.threshold !== null ? `the line is p(${target} = ${classes[1]}) = ${fmt(b.threshold)}` : 'the lines are where the predicted class changes';
  const card = h('section', { class: 'card', id: 'boundary-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Decision boundary'),
      h('div', { class: 'landscape-controls' }, h('label', null, 'x ', xSel), h('label', null, 'y ', ySel))),
    box.box,
    readout,
    h('p', { class: 'hint' },
      `Axes in the columns’ own units. Background: the class the current model predicts, more strongly tinted where it is surer; ${line}.${others} `,
      'Dots: training rows, coloured by their true class. Click a dot to load its row into What if (Weights tab).'));

  const cellAt = (bb: BoundaryInfo, vx: number, vy: number): number | null => {
    const nearest = (v: number[], t: number): number => {
      let best = 0;
      for (let i = 1; i < v.length; i++) if (Math.abs(v[i] - t) < Math.abs(v[best] - t)) best = i;
      return best;
    };
    if (bb.xs.length === 0 || bb.ys.length === 0) return null;
    return nearest(bb.ys, vy) * bb.xs.length + nearest(bb.xs, vx);
  };

  const hc = theme.kind.startsWith('high-contrast');
  const gridPlugin: Plugin<'scatter'> = {
    id: 'boundaryGrid',
    beforeDatasetsDraw(chart) {
      const { ctx: g, chartArea: area, scales } = chart;
      const bb = shown.b;
      const { xs, ys } = bb;
      const nx = xs.length;
      const ny = ys.length;
      if (nx === 0 || ny === 0) return;
      const k = classes.length;
      // Tint strength from the confidence s ∈ [0, 1] of the predicted class (binary: |p − ½|·2; softmax: rescaled from 1/K).
      const strength = (cell: number): number => {
        const p = bb.probability[cell] ?? 0.5;
        const s = bb.threshold !== null ? Math.abs(p - 0.5) * 2 : (p - 1 / k) / (1 - 1 / k);
        return Math.max(0, Math.min(1, s));
      };
      const levels = 16;
      const tints = classes.map((_, ci) => Array.from({ length: levels + 1 }, (_, l) => mix(theme.background, classColor(theme, ci), (hc ? 0.12 : 0.06) + (hc ? 0.4 : 0.36) * (l / levels))));
      g.save();
      g.beginPath();
      g.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      g.clip();
      const px = (v: number): number => scales.x.getPixelForValue(v);
      const py = (v: number): number => scales.y.getPixelForValue(v);
      // Solid tints (mixed with the background), the cells ending where the axes do.
      fillCells(g, scales.x, scales.y, xs, ys, (cell) => tints[bb.grid[cell]]?.[Math.round(strength(cell) * levels)] ?? theme.background);
      // Where the prediction changes. Binary: the level line p = threshold by marching squares over the cell centres
      // (linear interpolation along each side); softmax: the edges between neighbouring cells of different classes.
      g.strokeStyle = theme.foreground;
      g.lineWidth = hc ? 2 : 1.5;
      g.beginPath();
      const t = bb.threshold;
      if (t !== null) {
        for (const [ax, ay, bx, by] of levelSegments(xs, ys, bb.probability, t)) {
          g.moveTo(px(ax), py(ay));
          g.lineTo(px(bx), py(by));
        }
      } else {
        for (let r = 0; r < ny; r++) {
          for (let c = 0; c < nx; c++) {
            const cell = r * nx + c;
            const [y0, y1] = cellSpan(ys, r);
            const [x0, x1] = cellSpan(xs, c);
            if (c + 1 < nx && bb.grid[cell] !== bb.grid[cell + 1]) {
              const x = (xs[c] + xs[c + 1]) / 2;
              g.moveTo(px(x), py(y0));
              g.lineTo(px(x), py(y1));
            }
            if (r + 1 < ny && bb.grid[cell] !== bb.grid[cell + nx]) {
              const y = (ys[r] + ys[r + 1]) / 2;
              g.moveTo(px(x0), py(y));
              g.lineTo(px(x1), py(y));
            }
          }
        }
      }
      g.stroke();
      g.restore();
    },
  };

  const rowsOf: number[][] = classes.map(() => []);
  const datasets = classes.map((name, ci) => ({
    label: `${target} = ${name}`,
    data: b.points.filter((p) => p.c === ci).map((p) => {
      rowsOf[ci].push(p.row);
      return { x: p.x, y: p.y };
    }),
    backgroundColor: classColor(theme, ci),
    borderColor: theme.background,
    borderWidth: 1,
    pointRadius: 4,
    pointHoverRadius: 6,
  }));
  const ext = (v: number[]): { min: number; max: number } => ({ min: Math.min(...v), max: Math.max(...v) });
  const xr = ext(b.xs);
  const yr = ext(b.ys);
  const chart = ctx.charts.make('boundary', box.canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      scales: {
        // Round ticks only (the grid's own ends, e.g. −51.2, are no labels).
        x: { type: 'linear', min: xr.min, max: xr.max, ticks: { includeBounds: false }, title: { display: true, text: b.xName } },
        y: { type: 'linear', min: yr.min, max: yr.max, ticks: { includeBounds: false }, title: { display: true, text: b.yName } },
      },
      plugins: {
        legend: { labels: { usePointStyle: true, boxHeight: 8 } },
        tooltip: { callbacks: { label: (it) => `${it.dataset.label}: (${fmt(it.parsed.x)}, ${fmt(it.parsed.y)}) — click to load it into What if` } },
      },
      onHover: (event, _elements, ch) => {
        const e = event as { x?: number | null; y?: number | null };
        if (e.x == null || e.y == null) return;
        const { chartArea: area } = ch;
        if (e.x < area.left || e.x > area.right || e.y < area.top || e.y > area.bottom) return;
        const vx = ch.scales.x.getValueForPixel(e.x);
        const vy = ch.scales.y.getValueForPixel(e.y);
        if (vx === undefined || vy === undefined) return;
        const bb = shown.b;
        const cell = cellAt(bb, vx, vy);
        if (cell === null) return;
        const p = bb.probability[cell];
        const cls = classes[bb.grid[cell]] ?? '';
        readout.textContent = bb.threshold !== null
          ? `At ${bb.xName} = ${fmt(vx)}, ${bb.yName} = ${fmt(vy)}: p(${target} = ${classes[1]}) = ${fmt(p, 3)} → predicts ${cls}`
          : `At ${bb.xName} = ${fmt(vx)}, ${bb.yName} = ${fmt(vy)}: predicts ${cls} with p = ${fmtPct(p, 1)}`;
      },
      onClick: (_event, elements) => {
        const hit = elements[0];
        if (!hit) return;
        const row = rowsOf[hit.datasetIndex]?.[hit.index];
        if (row !== undefined) handlers.inspect(row);
      },
    },
    plugins: [gridPlugin],
  });
  shownGrids.set(chart, shown);
  return card;
}

/** New weights while training runs: the same pair redraws its background in place; another pair rebuilds the card. */
export function updateBoundary(ctx: DashboardContext, handlers: BoundaryHandlers): void {
  const b = ctx.state.boundary;
  const chart = ctx.charts.get('boundary');
  const shown = chart ? shownGrids.get(chart) : undefined;
  if (!b || !chart || !shown) return;
  if (shown.b === b) return;
  if (shown.b.x !== b.x || shown.b.y !== b.y || shown.b.points.length !== b.points.length) {
    document.getElementById('boundary-card')?.replaceWith(boundaryCard(ctx, b, handlers));
    return;
  }
  shown.b = b;
  chart.update('none');
}
