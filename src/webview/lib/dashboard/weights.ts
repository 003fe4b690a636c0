/**
 * Weights tab: a horizontal bar chart of the weights by feature name, sorted by |w|, with odds ratios for binary
 * models — per standard deviation exp(w) and per raw unit exp(w / sd) of a standardised numeric column, and for an
 * indicator `Col=level` the odds of that level against the reference level of its column ("vs female"); a class
 * selector for softmax; and for pixel data one weight image per class (diverging colours: red negative, blue
 * positive).
 */
import type { DatasetInfo } from '../../../protocol';
import { chartBox } from '../charts';
import { h, label, table, type Child } from '../dom';
import { fmt } from '../format';
import { hscroll } from '../overflow';
import { diverging } from '../palette';
import { isBinary, type DashboardContext } from './context';

/** What one weight is measured against: its column, kind, the standard deviation it was divided by, the reference level. */
interface FeatureMeaning {
  source: string;
  kind: DatasetInfo['features'][number]['kind'];
  /** Training standard deviation of a standardised numeric column, null when not standardised. */
  sd: number | null;
  /** The reference level of the indicator's column (reference coding), else null. */
  reference: string | null;
}

function meaning(d: DatasetInfo, j: number): FeatureMeaning {
  const f = d.features[j] as DatasetInfo['features'][number] | undefined;
  const source = f?.source ?? d.featureNames[j] ?? `x${j}`;
  const kind = f?.kind ?? 'numeric';
  const report = d.report.find((r) => r.name === source);
  return {
    source,
    kind,
    sd: kind === 'numeric' && f !== undefined && f.scale !== 1 && f.scale > 0 ? f.scale : null,
    reference: kind === 'one-hot' ? report?.reference ?? null : null,
  };
}

/** "vs female": the level an indicator's weight is measured against (null when there is no reference level). */
function versus(f: FeatureMeaning): string | null {
  if (f.kind === 'one-hot' && f.reference !== null) return `vs ${f.reference}`;
  if (f.kind === 'missing-indicator') return 'vs not missing';
  return null;
}

/** The odds-ratio cell: per SD and per raw unit for a standardised column, one ratio against the reference for an indicator. */
function oddsCell(w: number, f: FeatureMeaning): HTMLElement {
  const line = (lead: string, value: number, title: string): HTMLElement =>
    h('span', { class: 'odds-line', title }, h('span', { class: 'odds-lead' }, lead), ` ×${fmt(value, 4)}`);
  if (f.kind === 'numeric' && f.sd !== null) {
    return h('span', { class: 'odds' },
      line('per SD', Math.exp(w), `exp(w): the odds change when ${f.source} grows by one standard deviation (${fmt(f.sd, 4)})`),
      line('per unit', Math.exp(w / f.sd), `exp(w / ${fmt(f.sd, 4)}): the odds change when ${f.source} grows by one unit of the CSV`));
  }
  if (f.kind === 'numeric') return h('span', { class: 'odds' }, line('per unit', Math.exp(w), `exp(w) per unit of ${f.source}`));
  const vs = versus(f);
  return h('span', { class: 'odds' },
    h('span', { class: 'odds-line' }, `×${fmt(Math.exp(w), 4)}`, vs ? ' ' : null, vs ? h('span', { class: 'odds-lead vs' }, vs) : null));
}

/** Builds the Weights tab. */
/** The weights of the shown class sorted by |w|, their table rows and headers, and what the page says about them. */
function weightRows(ctx: DashboardContext): {
  rows: Array<{ name: string; w: number; f: FeatureMeaning }>;
  tableRows: Child[][];
  headers: string[];
  explain: string;
  binary: boolean;
  cls: number;
} {
  const { state, view } = ctx;
  const { k, n, W, b } = state.weights;
  const names = state.dataset.featureNames;
  const binary = isBinary(state);
  const cls = binary ? 0 : Math.min(view.weightClass, k - 1);
  const rows = Array.from({ length: n }, (_, j) => ({ name: names[j] ?? `x${j}`, w: W[cls * n + j], f: meaning(state.dataset, j) }));
  rows.sort((p, q) => Math.abs(q.w) - Math.abs(p.w));
  const scaled = rows.some((r) => r.f.sd !== null);
  const referenced = rows.some((r) => versus(r.f) !== null);
  const explain = binary
    ? `A positive weight raises the odds of ${state.dataset.target} = ${state.dataset.classes[1] ?? '1'}; the odds ratio is the factor by which the odds change` +
      (scaled ? ': per SD exp(w) when a standardised column grows by one standard deviation, per unit exp(w / SD) when it grows by one unit of the CSV' : ' when the feature grows by one unit') +
      (referenced ? '; for an indicator Col=level, the odds of that level against the reference level of its column (vs …), other features equal.' : '.')
    : `Scores z_c = W_c·x + b_c; a positive weight pushes the prediction towards ${state.dataset.classes[cls]}.` +
      (referenced ? ' An indicator Col=level is measured against the reference level of its column (vs …).' : '');
  const tableRows: Child[][] = rows.map((r) => binary
    ? [label(r.name), fmt(r.w), oddsCell(r.w, r.f)]
    : referenced ? [label(r.name), fmt(r.w), versus(r.f) ?? ''] : [label(r.name), fmt(r.w)]);
  tableRows.push(binary
    ? ['bias b', fmt(b[0]), h('span', { class: 'odds', title: 'exp(b): the odds when every feature is 0 (standardised columns at their mean, indicators at the reference level)' },
      h('span', { class: 'odds-line' }, h('span', { class: 'odds-lead' }, 'odds'), ` ${fmt(Math.exp(b[0]), 4)}`))]
    : referenced ? ['bias b', fmt(b[cls]), ''] : ['bias b', fmt(b[cls])]);
  const headers = binary ? ['feature', 'w', 'odds ratio'] : referenced ? ['feature', 'w', 'against'] : ['feature', 'w'];
  return { rows, tableRows, headers, explain, binary, cls };
}

/**
 * New weights while training runs: the weight images, the bar chart and the table change in place (the class
 * selector and the scroll position stay).
 */
export function updateWeights(ctx: DashboardContext): void {
  if (ctx.state.dataset.pixelSide) document.getElementById('weight-images')?.replaceWith(weightImages(ctx));
  const { rows, tableRows, headers } = weightRows(ctx);
  const chart = ctx.charts.get('weights');
  if (chart) {
    chart.data.labels = rows.map((r) => r.name);
    const ds = chart.data.datasets[0];
    if (ds) {
      ds.data = rows.map((r) => r.w);
      (ds as { backgroundColor?: unknown }).backgroundColor = rows.map((r) => (r.w >= 0 ? ctx.theme.blue : ctx.theme.red));
    }
    chart.update('none');
  }
  document.getElementById('weights-table')?.replaceWith(table(headers, tableRows, { class: 'weights-table numeric', id: 'weights-table' }));
}

export function renderWeights(ctx: DashboardContext, root: HTMLElement): void {
  const { state } = ctx;
  const { k } = state.weights;
  const binary = isBinary(state);
  const cls = binary ? 0 : Math.min(ctx.view.weightClass, k - 1);

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

  const { rows, tableRows, headers, explain } = weightRows(ctx);
  const box = chartBox('chart-box');
  box.canvas.id = 'weights-chart';
  box.box.style.height = `${Math.max(160, rows.length * 22 + 60)}px`;

  root.append(h('section', { class: 'card' },
    head,
    h('p', { class: 'hint' }, explain),
    h('div', { class: 'grid-2 weights-layout' },
      box.box,
      hscroll(table(headers, tableRows, { class: 'weights-table numeric', id: 'weights-table' }), 'Weights'))));

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
              const f = rows[it.dataIndex]?.f;
              const vs = f ? versus(f) : null;
              if (!binary) return `w = ${fmt(w)}${vs ? ` (${vs})` : ''}`;
              if (f && f.sd !== null) return `w = ${fmt(w)}: odds ×${fmt(Math.exp(w), 4)} per SD, ×${fmt(Math.exp(w / f.sd), 4)} per unit`;
              return `w = ${fmt(w)}: odds ×${fmt(Math.exp(w), 4)}${vs ? ` ${vs}` : ''}`;
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
  const allZero = maxAbs === 0;
  if (allZero) maxAbs = 1;
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
    h('p', { class: 'hint', id: 'weight-images-hint' }, allZero
      ? 'Every weight is 0 (the start of the run): the images fill in as training runs.'
      : 'Each pixel is the weight of that pixel feature: blue pixels push towards the class, red pixels away from it.'),
    h('div', { class: 'weight-tiles' }, ...tiles),
    h('div', { class: 'legend' }, h('span', null, fmt(-maxAbs, 3)), legend, h('span', null, `+${fmt(maxAbs, 3)}`)));
}
