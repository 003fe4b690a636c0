/**
 * Evaluation tab: confusion matrix heatmap (counts and row rates), per-class precision / recall / F1 with macro
 * averages, and for binary models a threshold slider (posts `setThreshold`, redraws on the `metrics` reply)
 * and the ROC curve with its AUC.
 */
import type { ConfusionMetrics } from '../../../engine/types';
import { chartBox, lineDataset } from '../charts';
import { h, table, type Child } from '../dom';
import { fmt, fmtInt, fmtPct } from '../format';
import { hscroll } from '../overflow';
import { secondColor } from '../palette';
import { mix, textOn } from '../theme';
import { isBinary, type DashboardContext } from './context';
import { informationCard } from './information';

/** The metrics shown: the chosen split, falling back to train when there is no test set. */
export function shownMetrics(ctx: DashboardContext): { metrics: ConfusionMetrics; split: 'test' | 'train' } {
  const { state, view } = ctx;
  if (view.split === 'test' && state.test) return { metrics: state.test, split: 'test' };
  return { metrics: state.train, split: 'train' };
}

/** Builds the Evaluation tab. The slider lives outside `#metrics-body` so redraws don't interrupt a drag. */
export function renderEvaluation(ctx: DashboardContext, root: HTMLElement, onThreshold: (t: number) => void): void {
  const { state, view } = ctx;
  const controls = h('div', { class: 'controls' });
  if (state.test) {
    const sel = h('select', {
      id: 'split-select',
      onchange: (e: Event) => ctx.setView({ split: (e.target as HTMLSelectElement).value as 'test' | 'train' }, true),
    },
    h('option', { value: 'test', selected: view.split === 'test' }, `test set (${fmtInt(state.dataset.mTest)} rows)`),
    h('option', { value: 'train', selected: view.split !== 'test' }, `training set (${fmtInt(state.dataset.mTrain)} rows)`));
    controls.append(h('label', null, 'Rows: ', sel));
  } else {
    controls.append(h('span', { class: 'hint' }, 'No test set (test size 0): metrics are on the training rows.'));
  }
  if (isBinary(state)) {
    const t = view.threshold ?? shownMetrics(ctx).metrics.threshold ?? state.config.threshold;
    const value = h('output', { id: 'threshold-value' }, t.toFixed(2));
    const slider = h('input', {
      type: 'range', id: 'threshold', min: '0.01', max: '0.99', step: '0.01', value: String(t),
      'aria-label': 'Decision threshold',
      oninput: (e: Event) => {
        const v = Number((e.target as HTMLInputElement).value);
        value.textContent = v.toFixed(2);
        onThreshold(v);
      },
    });
    const pos = state.dataset.classes[1] ?? '1';
    controls.append(h('div', { class: 'threshold' },
      h('label', null, 'Threshold ', slider, ' ', value),
      h('div', { class: 'hint' }, `Predict ${state.dataset.target} = ${pos} when its probability p ≥ threshold.`)));
  }
  const body = h('div', { id: 'metrics-body' });
  root.append(h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Confusion matrix'), controls), body));
  renderMetricsBody(ctx, body);
  const shownSplit = shownMetrics(ctx).split;
  const info = informationCard(ctx, shownSplit === 'test' ? state.information.test : state.information.train, shownSplit);
  if (info) root.append(info);
}

/** (Re)draws the matrix, the metric tables and the ROC curve from the current metrics. */
export function renderMetricsBody(ctx: DashboardContext, body: HTMLElement): void {
  ctx.charts.destroy('roc');
  const { metrics, split } = shownMetrics(ctx);
  const total = metrics.matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  body.replaceChildren(h('div', { class: 'eval-layout' },
    h('div', { class: 'eval-matrix' },
      hscroll(confusionTable(ctx, metrics), 'Confusion matrix'),
      h('p', { class: 'hint', id: 'matrix-total' },
        `Rows: actual class; columns: predicted class. The ${fmtInt(total)} cells sum to the ${split === 'test' ? 'test' : 'training'} set. Each cell shows the count and the share of its row.`)),
    h('div', { class: 'eval-metrics' }, hscroll(metricsTable(metrics), 'Metrics per class'), summary(metrics, split)),
    metrics.roc && metrics.auc !== undefined ? rocBlock(ctx, metrics) : null));
}

function confusionTable(ctx: DashboardContext, cm: ConfusionMetrics): HTMLTableElement {
  const { theme } = ctx;
  const k = cm.classes.length;
  const head = h('tr', null,
    h('th', { class: 'corner' }, h('span', null, 'predicted →'), h('span', null, 'actual ↓')),
    ...cm.classes.map((c) => h('th', { class: 'num', scope: 'col' }, c)),
    h('th', { class: 'num', scope: 'col' }, 'total'));
  const rows = cm.matrix.map((row, a) => {
    const sum = row.reduce((s, v) => s + v, 0);
    return h('tr', null,
      h('th', { scope: 'row' }, cm.classes[a]),
      ...row.map((count, p) => {
        const rate = sum > 0 ? count / sum : 0;
        const tint = a === p ? theme.blue : theme.red;
        const strength = theme.kind.startsWith('high-contrast') ? 0.55 * rate : 0.75 * rate;
        const bg = mix(theme.background, tint, strength);
        return h('td', {
          class: `cm-cell${a === p ? ' diag' : ''}`,
          'data-count': String(count),
          'data-actual': String(a),
          'data-predicted': String(p),
          title: `actual ${cm.classes[a]}, predicted ${cm.classes[p]}: ${count} of ${sum} (${fmtPct(rate)})`,
          style: { backgroundColor: bg, color: textOn(bg) },
        }, h('span', { class: 'cm-count' }, fmtInt(count)), h('span', { class: 'cm-rate' }, count > 0 ? fmtPct(rate) : '\u00a0'));
      }),
      h('td', { class: 'num total' }, fmtInt(sum)));
  });
  return h('table', { class: `confusion k${Math.min(k, 10)}`, id: 'confusion' }, h('thead', null, head), h('tbody', null, ...rows));
}

function metricsTable(cm: ConfusionMetrics): HTMLTableElement {
  const rows: Child[][] = cm.classes.map((c, i) => [c, fmt(cm.precision[i], 4), fmt(cm.recall[i], 4), fmt(cm.f1[i], 4), fmtInt(cm.support[i])]);
  rows.push([h('strong', null, 'macro average'), fmt(cm.macroPrecision, 4), fmt(cm.macroRecall, 4), fmt(cm.macroF1, 4), fmtInt(cm.support.reduce((a, b) => a + b, 0))]);
  return table(['class', 'precision', 'recall', 'F1', 'support'], rows, { class: 'metrics numeric', id: 'class-metrics' });
}

/** Accuracy, log loss and AUC of the shown split (the log loss is the Training tab's "log loss (test)" for the test rows). */
function summary(cm: ConfusionMetrics, split: 'test' | 'train'): HTMLElement {
  const item = (label: string, value: string, id: string): HTMLElement => h('div', { class: 'kpi', id }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
  return h('div', { class: 'kpis' },
    item('accuracy', fmtPct(cm.accuracy, 2), 'metric-accuracy'),
    item(`log loss (${split})`, fmt(cm.logLoss), 'metric-logloss'),
    cm.auc !== undefined ? item('ROC AUC', fmt(cm.auc, 4), 'metric-auc') : null);
}

function rocBlock(ctx: DashboardContext, cm: ConfusionMetrics): HTMLElement {
  const { theme } = ctx;
  const roc = cm.roc!;
  const pts = roc.fpr.map((x, i) => ({ x, y: roc.tpr[i] }));
  // Operating point at the current threshold, straight from the matrix: FPR = FP/(FP+TN), TPR = TP/(TP+FN).
  const [[tn, fp], [fn, tp]] = cm.matrix;
  const op = { x: tn + fp > 0 ? fp / (tn + fp) : 0, y: tp + fn > 0 ? tp / (tp + fn) : 0 };
  const box = chartBox('chart-box square');
  box.canvas.id = 'roc-chart';
  const card = h('div', { class: 'eval-roc' },
    h('h3', null, `ROC curve — AUC ${fmt(cm.auc ?? null, 4)}`),
    box.box,
    h('p', { class: 'hint' }, `True-positive rate against false-positive rate for every threshold. The dot is the current threshold ${fmt(cm.threshold ?? null, 3)}: FPR ${fmt(op.x, 4)}, TPR ${fmt(op.y, 4)}.` +
      (cm.rocPoints !== undefined
        ? ` Drawn through ${fmtInt(roc.fpr.length)} of its ${fmtInt(cm.rocPoints)} points (each step under 0.001); the AUC is the whole curve's.`
        : '')));
  const opDs = lineDataset('current threshold', [op], secondColor(theme));
  opDs.pointRadius = 6;
  opDs.showLine = false;
  ctx.charts.make('roc', box.canvas, {
    type: 'line',
    data: {
      datasets: [
        { ...lineDataset('ROC', pts, theme.blue, { fill: true }), pointRadius: 0 },
        lineDataset('chance', [{ x: 0, y: 0 }, { x: 1, y: 1 }], theme.grid, { dashed: true, width: 1 }),
        opDs,
      ],
    },
    options: {
      scales: {
        x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'false-positive rate' } },
        y: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'true-positive rate' } },
      },
      plugins: { tooltip: { callbacks: { label: (it) => `${it.dataset.label}: FPR ${fmt(it.parsed.x, 4)}, TPR ${fmt(it.parsed.y, 4)}` } } },
    },
  });
  return card;
}
