/**
 * Training tab: the engine's verdict on the run (headline, advice, ‖∇J‖, J − J*, the stable learning rate 2/L and
 * buttons that re-train with the suggested rate or fit the optimum with Newton), the latest numbers, the curves of
 * the training cost J (what the optimiser minimises: mean loss + penalty, class weights) and of the mean log loss
 * on the training and test rows, accuracy, the model beside the exact optimum W* and the majority-class baseline,
 * the gap J − J* on a logarithmic axis (with ‖W − W*‖ only when W* is unique), and the decision boundary for
 * any two chosen features (see boundary.ts). The curves, the verdict and the numbers are updated in place while training runs
 * (see {@link updateTrainingCharts}).
 */
import { exactFitMethod, runLabel } from '../../../engine/config';
import type { SessionState } from '../../../protocol';
import { chartBox, iterationAxis, lineDataset, points, valueAxis } from '../charts';
import { h, label as rowLabel, table, type Child } from '../dom';
import { fmt, fmtInt, fmtPct, MISSING } from '../format';
import { hscroll } from '../overflow';
import { seriesColors } from '../palette';
import { verdictColor } from '../verdict';
import { boundaryCard, updateBoundary, type BoundaryHandlers } from './boundary';
import type { DashboardContext } from './context';
import { runsCard, updateRuns } from './runs';

/** Values of J − J* at or below 0 (the optimum reached to rounding) are drawn at this floor of the log axis. */
export const GAP_FLOOR = 1e-16;

/** Builds the Training tab into `root`. */
export function renderTraining(ctx: DashboardContext, root: HTMLElement, boundaryHandlers: BoundaryHandlers): void {
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
  loss.canvas.setAttribute('aria-label', 'Training cost J, training and test log loss per iteration');
  const acc = chartBox('chart-box');
  acc.canvas.id = 'accuracy-chart';
  acc.canvas.setAttribute('aria-label', 'Training and test accuracy per iteration');

  const c = state.config;
  const costNote = c.l2 === 0 && c.classWeight === null && c.loss === 'bce'
    ? ' With λ = 0 and equal class weights J is the training log loss, so those two curves coincide.'
    : c.loss === 'mse'
      ? ' J is the squared error ½(a − y)² (+ penalty); the log losses measure the same predictions with cross-entropy.'
      : ' J adds the penalty (λ/2)‖W‖² and the class weights to the mean loss, so it differs from the log loss.';
  root.append(
    verdictCard(ctx),
    kpis,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' },
        h('div', { class: 'card-head' }, h('h2', null, 'Cost and log loss per iteration'), logToggle),
        loss.box,
        h('p', { class: 'hint', id: 'loss-caption' },
          'Train cost J: what the optimiser minimises. Log loss: −(1/m) Σ log p(true class), on the training and on the held-out test rows.',
          costNote)),
      h('section', { class: 'card' },
        h('div', { class: 'card-head' }, h('h2', null, 'Accuracy per iteration')),
        acc.box,
        h('p', { class: 'hint' }, `Share of rows predicted correctly${isThresholded(state) ? ` (threshold ${fmt(state.config.threshold)})` : ''}.`))),
    besideCard(state),
  );
  const runs = runsCard(ctx, runLabel(state.config, state.dataset.mTrain));
  if (runs) root.append(runs);

  const colors = seriesColors(ctx.theme);
  ctx.charts.make('loss', loss.canvas, {
    type: 'line',
    data: { datasets: lossDatasets(state, colors, ctx.theme.purple) },
    options: {
      scales: { x: iterationAxis(), y: valueAxis('cost / log loss', view.logScale) },
      plugins: { tooltip: { mode: 'nearest', intersect: false, callbacks: { label: (it) => `${it.dataset.label}: ${fmt(it.parsed.y)}` } } },
    },
  });
  ctx.charts.make('accuracy', acc.canvas, {
    type: 'line',
    data: { datasets: accuracyDatasets(state, colors) },
    options: {
      scales: { x: iterationAxis(), y: { ...valueAxis('accuracy', false, 0, 1), ticks: { callback: (v) => fmtPct(Number(v), 0) } } },
      plugins: { tooltip: { mode: 'nearest', intersect: false, callbacks: { label: (it) => `${it.dataset.label}: ${fmtPct(it.parsed.y, 2)}` } } },
    },
  });

  renderGap(ctx, root);
  if (state.boundary) root.append(boundaryCard(ctx, state.boundary, boundaryHandlers));
}

function isThresholded(state: SessionState): boolean {
  return state.weights.k === 1;
}

type Line = ReturnType<typeof lineDataset>;

/** Train cost J (dotted, on top, so a log-loss curve it coincides with still shows), train and test log loss. */
function lossDatasets(state: SessionState, c: { train: string; test: string }, costColor: string): Line[] {
  const hist = state.history;
  const cost = lineDataset('train cost J', points(hist, (p) => p.iteration, (p) => p.trainCost), costColor, { width: 2 });
  cost.borderDash = [2, 3];
  const ds = [cost, lineDataset('train log loss', points(hist, (p) => p.iteration, (p) => p.trainLoss), c.train)];
  if (state.dataset.mTest > 0) ds.push(lineDataset('test log loss', points(hist, (p) => p.iteration, (p) => p.testLoss), c.test, { dashed: true }));
  return ds;
}

function accuracyDatasets(state: SessionState, c: { train: string; test: string }): Line[] {
  const hist = state.history;
  const ds = [lineDataset('train accuracy', points(hist, (p) => p.iteration, (p) => p.trainAccuracy), c.train)];
  if (state.dataset.mTest > 0) ds.push(lineDataset('test accuracy', points(hist, (p) => p.iteration, (p) => p.testAccuracy), c.test, { dashed: true }));
  return ds;
}

/** Whether ‖W − W*‖ may be drawn: W* known and unique. */
function distanceShown(state: SessionState): boolean {
  return state.optimumUnique === true && state.history.some((p) => p.distW !== null && Number.isFinite(p.distW));
}

/** J − J* (values ≤ 0 at the floor), and ‖W − W*‖, |b − b*| when the optimum is unique. */
function gapDatasets(state: SessionState, ctx: DashboardContext): Line[] {
  const hist = state.history;
  const ds = [lineDataset('J − J*', points(hist, (p) => p.iteration, (p) => (p.gap === null ? null : Math.max(p.gap, GAP_FLOOR))), ctx.theme.blue)];
  if (distanceShown(state)) {
    const pos = (v: number | null): number | null => (v === null ? null : Math.max(v, GAP_FLOOR));
    ds.push(
      lineDataset('‖W − W*‖', points(hist, (p) => p.iteration, (p) => pos(p.distW)), ctx.theme.purple),
      lineDataset(state.weights.k === 1 ? '|b − b*|' : '‖b − b*‖', points(hist, (p) => p.iteration, (p) => pos(p.distB)), ctx.theme.yellow, { dashed: true }),
    );
  }
  return ds;
}

/** The latest numbers above the charts (the test log loss is the Evaluation tab's "log loss (test)"). */
function fillKpis(el: HTMLElement, state: SessionState): void {
  const last = state.history.length > 0 ? state.history[state.history.length - 1] : null;
  const kpi = (label: string, value: string, id: string): HTMLElement =>
    h('div', { class: 'kpi', id }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
  el.replaceChildren(...[
    kpi('train cost J', fmt(last?.trainCost ?? null), 'kpi-train-cost'),
    kpi('log loss (train)', fmt(last?.trainLoss ?? null), 'kpi-train-loss'),
    state.dataset.mTest > 0 ? kpi('log loss (test)', fmt(last?.testLoss ?? null), 'kpi-test-loss') : null,
    kpi('train accuracy', fmtPct(last?.trainAccuracy ?? null), 'kpi-train-acc'),
    state.dataset.mTest > 0 ? kpi('test accuracy', fmtPct(last?.testAccuracy ?? null), 'kpi-test-acc') : null,
  ].filter((e): e is HTMLElement => e !== null));
}

// ───────────────────────────── Verdict ─────────────────────────────

/**
 * The verdict box: headline, the engine's advice, ‖∇J‖, J − J* and (gradient descent) the stable bound 2/L, and
 * buttons that re-train with the suggested learning rate or fit the optimum directly (both post `configure`).
 */
function verdictCard(ctx: DashboardContext): HTMLElement {
  const { state } = ctx;
  const c = state.convergence;
  const exact = state.config.optimizer === 'newton' || state.config.optimizer === 'lbfgs';
  const numbers: Child[] = [
    numberFact('‖∇J‖', fmt(c.gradNorm, 3), 'verdict-grad'),
    c.lossGap !== null ? numberFact('J − J*', fmt(c.lossGap, 3), 'verdict-gap') : null,
    c.stableRate !== null
      ? numberFact('gradient descent is stable for', `α < 2/L = ${fmt(c.stableRate, 3)}`, 'verdict-stable')
      : null,
    c.stableRate !== null ? numberFact('now', `α = ${fmt(state.config.learningRate, 3)}`) : null,
  ];
  const method = exactFitMethod(state.weights.k * (state.weights.n + 1));
  const rate = c.suggestedRate;
  const actions: Child[] = [
    // Only where a smaller or larger step is the cure (not for a converged run nor for a cost without a minimum).
    !exact && rate !== null && rate > 0 && rate !== state.config.learningRate && c.verdict !== 'converged' && c.verdict !== 'no-finite-optimum'
      ? h('button', {
        id: 'use-suggested-rate', class: 'primary',
        title: `Re-train with learning rate ${fmt(rate)} (1/L rounded down)`,
        onclick: () => ctx.post({ type: 'configure', config: { learningRate: rate } }),
      }, `Use α = ${fmt(rate)}`)
      : null,
    !exact && state.config.loss === 'bce' && c.verdict !== 'no-finite-optimum'
      ? h('button', {
        id: 'fit-optimum',
        title: method === 'newton'
          ? 'Re-train with Newton’s method: each update uses the curvature H, about 10 updates reach the optimum'
          : 'Re-train with L-BFGS (too many parameters for Newton’s dense Hessian)',
        onclick: () => ctx.post({ type: 'configure', config: { optimizer: method } }),
      }, method === 'newton' ? 'Fit optimum (Newton)' : 'Fit optimum (L-BFGS)')
      : null,
    // Still improving and stopped by the budget: go on from here, weights kept.
    !exact && c.verdict === 'not-converged' && state.done
      ? h('button', {
        id: 'train-more',
        title: `Keep the weights and train ${fmtInt(state.config.epochs)} more epochs from iteration ${fmtInt(state.iteration)}`,
        onclick: () => ctx.post({ type: 'extend', epochs: state.config.epochs }),
      }, `Train ${fmtInt(state.config.epochs)} more epochs`)
      : null,
    c.verdict === 'no-finite-optimum' && state.config.l2 === 0
      ? h('button', {
        id: 'add-l2', class: 'primary', title: 'Re-train with an L2 penalty λ = 0.01 (finite, unique optimum)',
        onclick: () => ctx.post({ type: 'configure', config: { l2: 0.01 } }),
      }, 'Use L2 λ = 0.01')
      : null,
  ];
  const heading = c.final ? 'Verdict' : state.iteration > 0 ? 'So far' : 'Before training';
  return h('section', {
    class: `card verdict-card ${c.verdict}`, id: 'verdict-card', 'data-verdict': c.verdict,
    style: { borderLeftColor: verdictColor(ctx.theme, c.verdict) },
  },
  h('div', { class: 'card-head' }, h('h2', { id: 'verdict-headline' }, `${heading}: ${c.headline}`)),
  h('p', { id: 'verdict-advice' }, c.advice),
  h('div', { class: 'facts verdict-numbers' }, ...numbers),
  actions.some((a) => a) ? h('div', { class: 'verdict-actions' }, ...actions) : null);
}

function numberFact(label: string, value: string, id?: string): HTMLElement {
  return h('div', { class: 'fact', id }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value numbers' }, value));
}

// ───────────────────────────── Beside this model ─────────────────────────────

/** This model, the exact optimum W* and the majority-class baseline on the same rows (log loss and accuracy). */
function besideCard(state: SessionState): HTMLElement {
  const last = state.history.length > 0 ? state.history[state.history.length - 1] : null;
  const o = state.optimum;
  const b = state.baseline;
  const test = state.dataset.mTest > 0;
  const row = (name: Child, v: { trainLoss: number | null; testLoss: number | null; trainAccuracy: number | null; testAccuracy: number | null } | null): Child[] => [
    name,
    fmt(v?.trainLoss ?? null),
    ...(test ? [fmt(v?.testLoss ?? null)] : []),
    fmtPct(v?.trainAccuracy ?? null),
    ...(test ? [fmtPct(v?.testAccuracy ?? null)] : []),
  ];
  const rows: Child[][] = [
    row('this model', last),
    row('optimum W* (exact fit)', o),
    row(h('span', null, 'majority class ', rowLabel(`‘${b.majorityClass}’`)), b),
  ];
  const headers: Child[] = ['model', 'log loss (train)', ...(test ? ['log loss (test)'] : []), 'accuracy (train)', ...(test ? ['accuracy (test)'] : [])];
  const why = o === null ? optimumMissing(state) : null;
  return h('section', { class: 'card', id: 'beside-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Beside this model')),
    hscroll(table(headers, rows, { class: 'metrics numeric beside', id: 'beside-table' }), 'Beside this model'),
    h('p', { class: 'hint' },
      why
        ? `The exact optimum W* would be the best this model can do on the training rows; it is missing (${MISSING}) here: ${why}. `
        : `The exact optimum W* is the best this model can do on the training rows (J* = ${fmt(o?.cost ?? null)}, ${o?.iterations ?? 0} solver iterations). `,
      'The majority class ignores the features and predicts the training class shares for every row: any useful model beats it.'));
}

/** Why the optimum W* is not shown (no finite optimum, squared error, too costly). */
function optimumMissing(state: SessionState): string {
  if (state.config.loss !== 'bce') return 'it is not computed for the squared-error loss (the exact solver fits cross-entropy)';
  if (state.convergence.verdict === 'no-finite-optimum' || state.optimumConverged === false) {
    return 'there is no finite optimum (the classes are separable in the training rows and λ = 0)';
  }
  if (state.optimumConverged === null) return 'too costly to compute for this many rows and parameters';
  return 'it is not known for this session';
}

// ───────────────────────────── J − J* ─────────────────────────────

/** Why ‖W − W*‖ is not drawn although the optimum is known. */
function notUniqueNote(state: SessionState): string {
  const full = state.dataset.report.some((r) => r.action === 'one-hot' && r.reference === undefined && r.features.length > 1);
  if (state.optimumUnique === null) {
    return 'Whether the optimum is unique could not be checked for this many rows and features, so ‖W − W*‖ is not drawn; J − J* is.';
  }
  return full
    ? 'The optimum is not unique (full one-hot coding without L2: the indicators of a column sum to the bias), so ‖W − W*‖ is not drawn; J − J* is.'
    : 'The optimum is not unique ([X 1] has dependent columns, e.g. a constant column, and λ = 0): many W reach J*, so ‖W − W*‖ is not drawn; J − J* is.';
}

function renderGap(ctx: DashboardContext, root: HTMLElement): void {
  const { state } = ctx;
  const hasGap = state.history.some((p) => p.gap !== null && Number.isFinite(p.gap));
  const dist = distanceShown(state);
  let note: string | null = null;
  let warn = false;
  if (state.optimum === null || !hasGap) {
    const why = optimumMissing(state);
    warn = state.convergence.verdict === 'no-finite-optimum' || state.optimumConverged === false;
    note = warn
      ? 'No finite optimum without L2 (the classes are separable in the training rows): J keeps falling towards 0 while the weights grow, so J − J* and ‖W − W*‖ cannot be drawn. Add an L2 penalty in Settings for a finite, unique optimum.'
      : `The exact optimum W* is not shown: ${why}, so J − J* and ‖W − W*‖ cannot be drawn.`;
  } else if (!dist) {
    note = notUniqueNote(state);
  }
  const caption = `J − J* on a logarithmic axis (J* = ${fmt(state.optimum?.cost ?? null)}, the cost at the exact optimum): ` +
    'a straight falling line is linear convergence, a bend downwards faster (Newton). ' +
    `Values ≤ 0 (the optimum reached to rounding) are drawn at ${fmt(GAP_FLOOR)}.` +
    (dist ? ' ‖W − W*‖ is drawn on the same axis because the optimum is unique (λ > 0 or [X 1] of full column rank).' : '');
  const card = h('section', { class: 'card', id: 'distance-card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Gap to the optimum J − J*')),
    note ? h('p', { class: warn ? 'note warn' : 'note', id: 'distance-note' }, note) : null);
  root.append(card);
  if (!hasGap) return;
  const box = chartBox('chart-box');
  box.canvas.id = 'gap-chart';
  box.canvas.setAttribute('aria-label', 'J − J* per iteration, logarithmic axis');
  card.append(box.box, h('p', { class: 'hint', id: 'gap-caption' }, caption));
  ctx.charts.make('gap', box.canvas, {
    type: 'line',
    data: { datasets: gapDatasets(state, ctx) },
    options: {
      scales: { x: iterationAxis(), y: valueAxis(dist ? 'J − J*, distance (log)' : 'J − J* (log)', true) },
      plugins: {
        tooltip: {
          mode: 'nearest', intersect: false,
          callbacks: { label: (it) => `${it.dataset.label}: ${(it.parsed.y ?? 0) <= GAP_FLOOR ? `≤ ${fmt(GAP_FLOOR)}` : fmt(it.parsed.y)}` },
        },
      },
    },
  });
}

/** Replaces the data of the live charts, the verdict box, the numbers and the table after a progress message. */
export function updateTrainingCharts(ctx: DashboardContext, boundaryHandlers: BoundaryHandlers): void {
  const { state, charts } = ctx;
  const c = seriesColors(ctx.theme);
  const pairs: Array<[string, Line[]]> = [
    ['loss', lossDatasets(state, c, ctx.theme.purple)],
    ['accuracy', accuracyDatasets(state, c)],
    ['gap', gapDatasets(state, ctx)],
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
  document.getElementById('verdict-card')?.replaceWith(verdictCard(ctx));
  document.getElementById('beside-card')?.replaceWith(besideCard(state));
  updateRuns(ctx);
  // The decision boundary of the current weights (sent a few times a second while training runs).
  updateBoundary(ctx, boundaryHandlers);
}


