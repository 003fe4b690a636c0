/**
 * Weights tab: a horizontal bar chart of the weights by feature name, sorted by |w|, with odds ratios exp(w)
 * for binary models; a class selector for softmax; and for pixel data one weight image per class
 * (diverging colours: red negative, blue positive).
 */
import { chartBox } from '../charts';
import { h, label, table } from '../dom';
import { fmt } from '../format';
import { hscroll } from '../overflow';
import { diverging } from '../palette';
import { isBinary, type DashboardContext } from './context';

/** Builds the Weights tab. */
export function renderWeights(ctx: DashboardContext, root: HTMLElement): void {
  const { state, view } = ctx;
  const { k, n, W, b } = state.weights;
  const names = state.dataset.featureNames;
  const binary = isBinary(state);
  const cls = binary ? 0 : Math.min(view.weightClass, k - 1);

  if (state.dataset.pixelSide) root.append(weightImages(ctx));

  const title = h('h2', null, binary ? `Weights for ${state.dataset.target} = ${state.dataset.classes[1] ?? '1'}` : 'Weights of class ');
  if (!binary) {
    title.append(h('select', {
      id: 'weight-class',
      'aria-label': 'Class',
      onchange: (e: Event) => ctx.setView({ weightClass: Number((e.target as HTMLSelectElement).value) }, true),
    }, ...state.dataset.classes.map((c, i) => h('option', { value: String(i), selected: i === cls }, c))));
  }
  const head = h('div', { class: 'card-head' }, title);

  const rows = Array.from({ length: n }, (_, j) => ({ name: names[j] ?? `x${j}`, w: W[cls * n + j] }));
  rows.sort((p, q) => Math.abs(q.w) - Math.abs(p.w));
  const box = chartBox('chart-box');
  box.canvas.id = 'weights-chart';
  box.box.style.height = `${Math.max(160, rows.length * 22 + 60)}px`;

  const scaled = state.dataset.report.some((r) => r.scaling && r.scaling.length > 0);
  const explain = binary
    ? `A positive weight raises the odds of ${state.dataset.target} = ${state.dataset.classes[1] ?? '1'}; exp(w) is the factor by which the odds change when the feature grows by one unit${scaled ? ' (one standard deviation for standardised features)' : ''}.`
    : `Scores z_c = W_c·x + b_c; a positive weight pushes the prediction towards ${state.dataset.classes[cls]}.`;

  const tableRows = rows.map((r) => binary ? [label(r.name), fmt(r.w), fmt(Math.exp(r.w))] : [label(r.name), fmt(r.w)]);
  tableRows.push(binary ? ['bias b', fmt(b[0]), fmt(Math.exp(b[0]))] : ['bias b', fmt(b[cls])]);

  root.append(h('section', { class: 'card' },
    head,
    h('p', { class: 'hint' }, explain),
    h('div', { class: 'grid-2 weights-layout' },
      box.box,
      hscroll(table(binary ? ['feature', 'w', 'odds ratio exp(w)'] : ['feature', 'w'], tableRows, { class: 'weights-table numeric', id: 'weights-table' }), 'Weights'))));

  const { theme } = ctx;
  ctx.charts.make('weights', box.canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.name),
      datasets: [{
        label: binary ? 'weight' : `weight (${state.dataset.classes[cls]})`,
        data: rows.map((r) => r.w),
        backgroundColor: rows.map((r) => (r.w >= 0 ? theme.blue : theme.red)),
        borderWidth: 0,
        barPercentage: 0.8,
      }],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { title: { display: true, text: 'w' } }, y: { ticks: { autoSkip: false } } },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (it) => {
              const w = Number(it.parsed.x);
              return binary ? `w = ${fmt(w)}, odds ratio exp(w) = ${fmt(Math.exp(w))}` : `w = ${fmt(w)}`;
            },
          },
        },
      },
    },
  });
}

/** One canvas heatmap per class (pixelSide × pixelSide), one shared symmetric colour scale. */
function weightImages(ctx: DashboardContext): HTMLElement {
  const { state, theme } = ctx;
  const side = state.dataset.pixelSide ?? 0;
  const { k, n, W } = state.weights;
  let maxAbs = 0;
  for (const v of W) maxAbs = Math.max(maxAbs, Math.abs(v));
  if (maxAbs === 0) maxAbs = 1;
  const scale = Math.max(4, Math.floor(96 / side));
  const binary = isBinary(state);
  const tiles = Array.from({ length: k }, (_, c) => {
    const canvas = h('canvas', { class: 'weight-image', width: side * scale, height: side * scale, 'data-class': String(c) });
    const g = canvas.getContext('2d');
    if (g) {
      for (let p = 0; p < side * side && p < n; p++) {
        g.fillStyle = diverging(theme, W[c * n + p] / maxAbs);
        g.fillRect((p % side) * scale, Math.floor(p / side) * scale, scale, scale);
      }
    }
    const label = binary ? `${state.dataset.target} = ${state.dataset.classes[1] ?? '1'}` : state.dataset.classes[c];
    const selected = !binary && c === Math.min(ctx.view.weightClass, k - 1);
    return h('figure', {
      class: `weight-tile${selected ? ' selected' : ''}`,
      title: binary ? label : `Show the weights of class ${label}`,
      onclick: binary ? null : () => ctx.setView({ weightClass: c }, true),
    }, canvas, h('figcaption', null, label));
  });
  const legend = h('canvas', { class: 'legend-bar', width: 200, height: 10 });
  const lg = legend.getContext('2d');
  if (lg) for (let x = 0; x < 200; x++) {
    lg.fillStyle = diverging(theme, (x / 199) * 2 - 1);
    lg.fillRect(x, 0, 1, 10);
  }
  return h('section', { class: 'card', id: 'weight-images' },
    h('div', { class: 'card-head' }, h('h2', null, 'Weight images')),
    h('p', { class: 'hint' }, 'Each pixel is the weight of that pixel feature: blue pixels push towards the class, red pixels away from it.'),
    h('div', { class: 'weight-tiles' }, ...tiles),
    h('div', { class: 'legend' }, h('span', null, fmt(-maxAbs, 3)), legend, h('span', null, `+${fmt(maxAbs, 3)}`)));
}
