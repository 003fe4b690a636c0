/**
 * Compare tab: the same data trained with binary cross-entropy and with squared error (MSE), curves overlaid —
 * why BCE is preferred (convex, unbounded penalty for confident mistakes) — and the learning-rate sweep (sweep.ts).
 */
import type { ComparisonRun } from '../../../protocol';
import { chartBox, iterationAxis, lineDataset, points, valueAxis } from '../charts';
import { h } from '../dom';
import { fmt, fmtInt, fmtPct } from '../format';
import { hscroll } from '../overflow';
import type { DashboardContext } from './context';
import { sweepCard } from './sweep';

const LABEL: Record<string, string> = { bce: 'cross-entropy (BCE)', mse: 'squared error (MSE)' };

/** Builds the Compare tab. */
export function renderCompare(ctx: DashboardContext, root: HTMLElement): void {
  const { state, theme } = ctx;
  const intro = h('p', { class: 'hint' },
    'With σ inside, the squared error ½(a − y)² is not convex in (w, b) and a completely wrong prediction costs at most ½, ',
    'so gradient descent can crawl on plateaus. Cross-entropy −log a grows without bound as a confident prediction goes wrong ',
    'and is convex. The comparison trains the same data, split, settings and starting point with both losses.');
  const runs = state.comparison;
  if (!runs || runs.length === 0) {
    root.append(h('section', { class: 'card', id: 'compare-empty' },
      h('div', { class: 'card-head' }, h('h2', null, 'Cross-entropy vs squared error')),
      intro,
      h('button', { class: 'primary', onclick: () => ctx.post({ type: 'command', command: 'compare' }) }, 'Compare BCE vs MSE')),
    sweepCard(ctx));
    return;
  }
  const color = (r: ComparisonRun): string => (r.loss === 'bce' ? theme.blue : theme.red);
  const loss = chartBox();
  loss.canvas.id = 'compare-loss-chart';
  const acc = chartBox();
  acc.canvas.id = 'compare-accuracy-chart';
  const last = (r: ComparisonRun): number => (r.history.length > 0 ? r.history[r.history.length - 1].iteration : 0);
  // One column per run, one row per figure: stays narrow however long the labels are.
  const figures: Array<[string, (r: ComparisonRun) => string]> = [
    ['final cost J (own loss)', (r) => fmt(r.history.length > 0 ? r.history[r.history.length - 1].trainCost : null)],
    ['final log loss (train)', (r) => fmt(r.history.length > 0 ? r.history[r.history.length - 1].trainLoss : null)],
    ['training accuracy', (r) => fmtPct(r.trainAccuracy, 2)],
    ['test accuracy', (r) => fmtPct(r.testAccuracy, 2)],
    ['iterations', (r) => fmtInt(last(r))],
  ];
  const summary = h('table', { class: 'metrics numeric compare-summary', id: 'compare-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'loss'),
      ...runs.map((r) => h('th', { class: 'num', scope: 'col', 'data-loss': r.loss }, LABEL[r.loss] ?? r.loss)))),
    h('tbody', null, ...figures.map(([name, f]) => h('tr', null,
      h('th', { scope: 'row' }, name), ...runs.map((r) => h('td', { class: 'num', 'data-loss': r.loss }, f(r)))))));
  root.append(
    h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Cross-entropy vs squared error')),
      intro,
      hscroll(summary, 'Comparison summary')),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Training cost J')), loss.box,
        h('p', { class: 'hint' }, 'Each run is drawn with its own objective (BCE and ½·MSE have different scales): compare how fast each one moves, not the heights. The table’s log loss measures both runs’ predictions the same way.')),
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Accuracy')), acc.box,
        h('p', { class: 'hint' }, 'Solid: training rows; dashed: test rows.'))),
  );
  root.append(sweepCard(ctx));
  ctx.charts.make('compare-loss', loss.canvas, {
    type: 'line',
    data: { datasets: runs.map((r) => lineDataset(LABEL[r.loss] ?? r.loss, points(r.history, (p) => p.iteration, (p) => p.trainCost), color(r))) },
    options: { scales: { x: iterationAxis(), y: valueAxis('training cost J', ctx.view.logScale) } },
  });
  ctx.charts.make('compare-accuracy', acc.canvas, {
    type: 'line',
    data: {
      datasets: runs.flatMap((r) => [
        lineDataset(`${r.loss.toUpperCase()} train`, points(r.history, (p) => p.iteration, (p) => p.trainAccuracy), color(r)),
        lineDataset(`${r.loss.toUpperCase()} test`, points(r.history, (p) => p.iteration, (p) => p.testAccuracy), color(r), { dashed: true }),
      ]).filter((d) => d.data.length > 0),
    },
    options: { scales: { x: iterationAxis(), y: { ...valueAxis('accuracy', false, 0, 1), ticks: { callback: (v) => fmtPct(Number(v), 0) } } } },
  });
}
