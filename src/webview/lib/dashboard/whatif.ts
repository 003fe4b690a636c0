/**
 * What-if card (Weights tab): one row through the current model. Each feature's contribution w_j·x_j as a bar,
 * z = Σ w_j x_j + b, a = σ(z) (softmax: every class's score and probability) and the prediction — recomputed live
 * as the weights change during a run. The row is a training or test row (by its number, or a random one) with x as
 * the model sees it (standardised numbers, 0/1 indicators) and in its columns' own units; any value can be edited
 * (numbers in their own units) to ask "what if".
 */
import type { RowInfo, SessionState } from '../../../protocol';
import { chartBox } from '../charts';
import { h, label as rowLabel } from '../dom';
import { fmt, fmtExact, fmtInt, fmtPct } from '../format';
import { hscroll } from '../overflow';
import { isBinary, type DashboardContext } from './context';
import { rowProbabilities } from '../../../engine/model/link';

/** What the card shows: the loaded row and the user's edits of its x. */
export interface WhatIfState {
  row: RowInfo | null;
  x: number[] | null;
  error: string | null;
}

export interface WhatIfHandlers {
  load(split: 'train' | 'test', index: number): void;
  edit(x: number[]): void;
}

type FeatureScale = SessionState['dataset']['features'][number] | undefined;

/** raw = x·scale + center: a model value in its column's own units (see DatasetInfo.features). */
export function rawValue(f: FeatureScale, x: number): number {
  return f ? x * f.scale + f.center : x;
}

/** x = (raw − center) / scale: a value in the column's units as the model sees it. */
export function modelValue(f: FeatureScale, raw: number): number {
  return f ? (raw - f.center) / f.scale : raw;
}

/**
 * A raw value from float32 model units, to the 6 significant digits float32 carries relative to the column's
 * scale (22 rather than 21.999998, and 0 rather than 4.9e-8 for a column of sd 0.8 and mean 0.38).
 */
function fmtRaw(v: number, f: FeatureScale): string {
  const size = Math.max(Math.abs(v), f ? Math.abs(f.center) + f.scale : 0);
  if (!(size > 0) || !Number.isFinite(size)) return String(v);
  const step = 10 ** (Math.floor(Math.log10(size)) - 5);
  return String(Number((Math.round(v / step) * step).toPrecision(12)));
}

/** Bars shown: the largest contributions; the rest are summed into one bar. */
const SHOWN_BARS = 12;

/** The model's numbers for one x: contributions of the class shown, scores, probabilities and the prediction. */
export function whatIfNumbers(state: SessionState, x: number[], cls: number): {
  contributions: number[]; z: number[]; probs: number[]; predicted: number;
} {
  const { k, n, W, b } = state.weights;
  const z = Array.from({ length: k }, (_, c) => {
    let s = b[c];
    for (let j = 0; j < n; j++) s += W[c * n + j] * x[j];
    return s;
  });
  const contributions = Array.from({ length: n }, (_, j) => W[cls * n + j] * x[j]);
  const probs = rowProbabilities(z, 0, k);
  if (k === 1) return { contributions, z, probs, predicted: probs[1] >= state.config.threshold ? 1 : 0 };
  let predicted = 0;
  for (let c = 1; c < k; c++) if (probs[c] > probs[predicted]) predicted = c;
  return { contributions, z, probs, predicted };
}

export function whatIfCard(ctx: DashboardContext, wi: WhatIfState, handlers: WhatIfHandlers): HTMLElement {
  const { state } = ctx;
  const split: 'train' | 'test' = wi.row?.split ?? 'train';
  const m = split === 'test' ? state.dataset.mTest : state.dataset.mTrain;
  const rowInput = h('input', {
    type: 'number', id: 'whatif-row', min: '1', max: String(Math.max(1, m)), step: '1', value: String((wi.row?.index ?? 0) + 1),
    'aria-label': 'Row number in the split',
    onchange: (e: Event) => {
      const v = Number((e.target as HTMLInputElement).value);
      if (Number.isInteger(v) && v >= 1 && v <= m) handlers.load(split, v - 1);
    },
  });
  const splitSelect = h('select', {
    id: 'whatif-split', 'aria-label': 'Split',
    onchange: (e: Event) => handlers.load((e.target as HTMLSelectElement).value as 'train' | 'test', 0),
  }, h('option', { value: 'train', selected: split === 'train' }, 'training row'),
  state.dataset.mTest > 0 ? h('option', { value: 'test', selected: split === 'test' }, 'test row') : null);
  const controls = h('div', { class: 'landscape-controls' },
    h('label', null, splitSelect, ' ', rowInput, ` of ${fmtInt(m)}`),
    h('button', { id: 'whatif-random', onclick: () => handlers.load(split, Math.floor(Math.random() * Math.max(1, m))) }, 'Random row'),
    wi.row && wi.x && wi.x.some((v, j) => v !== wi.row!.x[j]) ? h('button', { id: 'whatif-revert', onclick: () => handlers.edit(wi.row!.x.slice()) }, 'Undo edits') : null);
  const card = h('section', { class: 'card', id: 'whatif-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'What if: one row through the model'), controls));
  if (wi.error) {
    card.append(h('p', { class: 'note warn', id: 'whatif-error' }, wi.error));
    return card;
  }
  if (!wi.row || !wi.x) {
    card.append(h('p', { class: 'hint' }, 'Loading the row…'));
    return card;
  }
  const row = wi.row;
  const x = wi.x;
  const names = state.dataset.featureNames;
  const binary = isBinary(state);
  const cls = binary ? 0 : Math.min(ctx.view.weightClass, state.weights.k - 1);
  const edited = x.some((v, j) => v !== row.x[j]);
  card.append(h('p', { class: 'hint', id: 'whatif-source' },
    `${row.line !== null ? `CSV line ${fmtInt(row.line)}` : `${row.split === 'test' ? 'test' : 'training'} row ${fmtInt(row.index + 1)}`}, `,
    `true class ${row.label}${edited ? ' — with your edits' : ''}. Value: the row in its columns' own units (0/1 for an indicator); `,
    'x: as the model sees it, x = (value − mean) / sd for a standardised column. Edit any value to see what the model would say.'));
  const result = h('p', { class: 'numbers', id: 'whatif-result' });
  const box = chartBox('chart-box');
  box.canvas.id = 'whatif-chart';
  const features = state.dataset.features;
  const inputs = names.map((name, j) => {
    const f = features[j];
    const numeric = f?.kind === 'numeric';
    return h('tr', null,
      h('th', { scope: 'row', class: 'feature' }, rowLabel(name)),
      h('td', { class: 'num' }, h('input', {
        type: 'number', step: 'any', value: numeric ? fmtRaw(rawValue(f, x[j]), f) : fmtExact(x[j]), class: 'whatif-x',
        'aria-label': numeric ? `${name} in its column's units` : `x of ${name} (0 or 1)`,
        onchange: (e: Event) => {
          const v = Number((e.target as HTMLInputElement).value);
          if (!Number.isFinite(v)) return;
          const next = x.slice();
          next[j] = numeric ? modelValue(f, v) : v;
          handlers.edit(next);
        },
      })),
      h('td', { class: 'num whatif-model' }, fmt(x[j], 4)),
      h('td', { class: 'num', id: `whatif-w-${j}` }, ''),
      h('td', { class: 'num', id: `whatif-c-${j}` }, ''));
  });
  const tbl = h('table', { class: 'numeric', id: 'whatif-table' },
    h('thead', null, h('tr', null, ...['feature', 'value', 'x', binary ? 'w' : `w (${state.dataset.classes[cls]})`, 'w·x'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, ...inputs));
  card.append(result, h('div', { class: 'grid-2 weights-layout' }, box.box, hscroll(tbl, 'What-if row')));
  box.box.style.height = `${Math.max(160, Math.min(SHOWN_BARS + 1, names.length) * 22 + 60)}px`;
  ctx.charts.make('whatif', box.canvas, {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'w·x', data: [], backgroundColor: [], borderWidth: 0, barPercentage: 0.8 }] },
    options: {
      indexAxis: 'y', animation: false,
      scales: { x: { title: { display: true, text: 'contribution w·x to z' } }, y: { ticks: { autoSkip: false } } },
      plugins: { legend: { display: false } },
    },
  });
  updateWhatIf(ctx, wi, card);
  return card;
}

/** New weights (or edits): the numbers, cells and bars change in place; the inputs stay as they are. */
export function updateWhatIf(ctx: DashboardContext, wi: WhatIfState, root: ParentNode = document): void {
  if (!wi.row || !wi.x) return;
  const { state, theme } = ctx;
  const { n, W } = state.weights;
  const binary = isBinary(state);
  const cls = binary ? 0 : Math.min(ctx.view.weightClass, state.weights.k - 1);
  const r = whatIfNumbers(state, wi.x, cls);
  for (let j = 0; j < n; j++) {
    const w = root.querySelector(`#whatif-w-${j}`);
    if (w) w.textContent = fmt(W[cls * n + j], 4);
    const c = root.querySelector(`#whatif-c-${j}`);
    if (c) c.textContent = fmt(r.contributions[j], 4);
  }
  const classes = state.dataset.classes;
  const result = root.querySelector('#whatif-result');
  if (result) {
    const sum = r.contributions.reduce((s, v) => s + v, 0);
    result.textContent = binary
      ? `z = Σ w·x + b = ${fmt(sum)} + ${fmt(state.weights.b[0])} = ${fmt(r.z[0])};  a = σ(z) = ${fmt(r.probs[1])} = p(${state.dataset.target} = ${classes[1]});  ` +
        `prediction at threshold ${fmt(state.config.threshold)}: ${classes[r.predicted]}`
      : `z[${classes[cls]}] = Σ w·x + b = ${fmt(sum)} + ${fmt(state.weights.b[cls])} = ${fmt(r.z[cls])};  softmax: ` +
        `${classes.map((c, i) => `${c} ${fmtPct(r.probs[i], 1)}`).join(', ')};  prediction: ${classes[r.predicted]}`;
  }
  const chart = ctx.charts.get('whatif');
  if (chart) {
    const order = r.contributions.map((_, j) => j).sort((a, b) => Math.abs(r.contributions[b]) - Math.abs(r.contributions[a]));
    const shown = order.slice(0, SHOWN_BARS);
    const rest = order.slice(SHOWN_BARS).reduce((s, j) => s + r.contributions[j], 0);
    const labels = shown.map((j) => state.dataset.featureNames[j]);
    const data = shown.map((j) => r.contributions[j]);
    if (order.length > SHOWN_BARS) {
      labels.push(`${fmtInt(order.length - SHOWN_BARS)} others`);
      data.push(rest);
    }
    labels.push('bias b');
    data.push(state.weights.b[cls]);
    chart.data.labels = labels;
    const ds = chart.data.datasets[0];
    ds.data = data;
    (ds as { backgroundColor?: unknown }).backgroundColor = data.map((v) => (v >= 0 ? theme.blue : theme.red));
    chart.update('none');
  }
}
