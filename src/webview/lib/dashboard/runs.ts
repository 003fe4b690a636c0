/**
 * Runs compared (Training tab): the training cost J of this run beside the runs made earlier on the same data with
 * other settings (kept by the host, newest first), one curve each, with their settings, final J, updates and
 * verdict in a table. The current curve follows the run live.
 */
import { chartBox, iterationAxis, lineDataset, points, valueAxis } from '../charts';
import { h } from '../dom';
import { fmt, fmtInt } from '../format';
import { hscroll } from '../overflow';
import { VERDICT_LABEL } from '../verdict';
import type { DashboardContext } from './context';

/** The card, or null when there is no earlier run to compare with. */
export function runsCard(ctx: DashboardContext, currentLabel: string): HTMLElement | null {
  const { state, theme } = ctx;
  const runs = state.earlierRuns ?? [];
  if (runs.length === 0) return null;
  const colors = [theme.green, theme.red, theme.yellow, theme.orange];
  const box = chartBox('chart-box');
  box.canvas.id = 'runs-chart';
  box.canvas.setAttribute('aria-label', 'Training cost J of this run and of earlier runs');
  const last = state.history[state.history.length - 1];
  const rows = [
    h('tr', { class: 'current' },
      h('th', { scope: 'row' }, h('span', { class: 'swatch', style: { background: theme.purple } }), ' this run: ', currentLabel),
      h('td', { class: 'num', id: 'runs-current-cost' }, fmt(last?.trainCost ?? null)),
      h('td', { class: 'num', id: 'runs-current-iterations' }, fmtInt(state.iteration)),
      h('td', null, VERDICT_LABEL[state.convergence.verdict] ?? state.convergence.verdict)),
    ...runs.map((r, i) => h('tr', null,
      h('th', { scope: 'row' }, h('span', { class: 'swatch', style: { background: colors[i % colors.length] } }), ' ', r.label),
      h('td', { class: 'num' }, fmt(r.finalCost)),
      h('td', { class: 'num' }, fmtInt(r.iterations)),
      h('td', null, VERDICT_LABEL[r.verdict] ?? r.verdict))),
  ];
  const tbl = h('table', { class: 'metrics numeric', id: 'runs-table' },
    h('thead', null, h('tr', null, ...['settings', 'J at the end', 'updates', 'verdict'].map((t, i) => h('th', { scope: 'col', class: i === 1 || i === 2 ? 'num' : '' }, t)))),
    h('tbody', null, ...rows));
  const card = h('section', { class: 'card', id: 'runs-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Runs compared: training cost J'),
      h('button', { id: 'runs-clear', title: 'Forget the earlier runs', onclick: () => ctx.post({ type: 'clearEarlierRuns' }) }, 'Clear')),
    box.box,
    hscroll(tbl, 'Runs compared'),
    h('p', { class: 'hint' }, 'Each time the settings change on these data, the run made so far is kept here (the last four). Same data, same split: the curves compare directly.'));
  ctx.charts.make('runs', box.canvas, {
    type: 'line',
    data: {
      datasets: [
        lineDataset(`this run: ${currentLabel}`, points(state.history, (p) => p.iteration, (p) => p.trainCost), theme.purple, { width: 2.5 }),
        ...runs.map((r, i) => lineDataset(r.label, points(r.curve, (p) => p.iteration, (p) => p.trainCost), colors[i % colors.length], { dashed: true })),
      ],
    },
    options: {
      scales: { x: iterationAxis(), y: valueAxis('training cost J', ctx.view.logScale) },
      plugins: { tooltip: { mode: 'nearest', intersect: false, callbacks: { label: (it) => `${it.dataset.label}: ${fmt(it.parsed.y)}` } } },
    },
  });
  return card;
}

/** Live: the current run's curve and numbers. */
export function updateRuns(ctx: DashboardContext): void {
  const chart = ctx.charts.get('runs');
  if (!chart) return;
  const { state } = ctx;
  chart.data.datasets[0].data = points(state.history, (p) => p.iteration, (p) => p.trainCost);
  chart.update('none');
  const last = state.history[state.history.length - 1];
  const cost = document.getElementById('runs-current-cost');
  if (cost) cost.textContent = fmt(last?.trainCost ?? null);
  const it = document.getElementById('runs-current-iterations');
  if (it) it.textContent = fmtInt(state.iteration);
}
