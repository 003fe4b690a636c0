/**
 * Step tab: one gradient-descent update with every number, so a learner can recompute it by hand.
 * Each formula (MathML) is followed by the real values of the last `step`:
 *   z = Wx + b,  a = σ(z) or softmax(z),  dZ = A − Y,  dW = (1/m)·X·dZᵀ (+ λW),  db = (1/m)·Σ dZ,
 *   W := W − α·dW,  b := b − α·db,  and the objective J before → after.
 * An exact fit (optimizer newton / lbfgs, `secondOrder` in the record) shows its update instead:
 *   W := W + t·p with p = −H⁻¹∇J (Newton) or p = −H̃∇J (L-BFGS), the step length t, the CG iterations and ‖∇J‖
 *   before → after, and per parameter W before, ∇J, p, W after.
 * Notation follows the lecture: X holds one column per sample (n×m), W is k×n (k = 1 for binary).
 */
import type { StepRecord } from '../../../engine/types';
import { h, label as rowLabel, m, table, type Child } from '../dom';
import { fmt, fmtExact, fmtInt, fmtTerm } from '../format';
import { hscroll } from '../overflow';
import type { DashboardContext } from './context';

const OPTIMIZER: Record<string, string> = {
  gd: 'full-batch gradient descent',
  sgd: 'mini-batch gradient descent',
  momentum: 'gradient descent with momentum',
  adam: 'Adam',
  newton: 'Newton’s method (exact fit)',
  lbfgs: 'L-BFGS (exact fit)',
};

/** Builds the Step tab. */
export function renderStep(ctx: DashboardContext, root: HTMLElement): void {
  const s = ctx.state.lastStep;
  if (!s) {
    root.append(h('section', { class: 'card', id: 'step-empty' },
      h('div', { class: 'card-head' }, h('h2', null, 'One step of the optimiser')),
      h('p', null, 'Press Step (F10) to perform exactly one parameter update. This page then shows every number of it: the batch, ',
        'the scores z, the probabilities a, the errors dZ, the gradient dW and db, and the weights before and after.'),
      h('button', { class: 'primary', onclick: () => ctx.post({ type: 'command', command: 'step' }) }, 'Step (F10)')));
    return;
  }
  const binary = s.k === 1;
  const lambda = ctx.state.config.l2;
  const cls = binary ? 0 : Math.min(ctx.view.weightClass, s.k - 1);
  const n = s.featureNames.length;
  const first = s.samples[0];

  const header = h('section', { class: 'card', id: 'step-header' },
    h('div', { class: 'card-head' }, h('h2', null, `Step ${fmtInt(s.iteration - 1)} → ${fmtInt(s.iteration)}`),
      !binary ? classSelect(ctx, s, cls) : null),
    h('div', { class: 'facts' },
      // Epochs completed after this update (full batch: one per update; mini-batch: 0 until the first pass ends).
      fact('epochs completed', fmtInt(s.epoch)),
      fact('batch size m', fmtInt(s.m), 'step-m'),
      s.secondOrder ? fact('step length t', fmt(s.secondOrder.stepSize), 'step-t') : fact('learning rate α', fmt(s.alpha), 'step-alpha'),
      fact('optimizer', OPTIMIZER[s.optimizer] ?? s.optimizer),
      fact('loss', s.loss === 'bce' ? (binary ? 'binary cross-entropy' : 'cross-entropy') : 'squared error'),
      fact('L2 λ', fmt(lambda)),
      fact('objective J', `${fmt(s.lossBefore)} → ${fmt(s.lossAfter)}`, 'step-loss')),
    h('p', { class: 'hint' }, s.samples.length < s.m
      ? `The tables show ${s.samples.length} of the ${fmtInt(s.m)} rows of this batch; dW and db average over all ${fmtInt(s.m)}.`
      : `All ${fmtInt(s.m)} rows of the batch are shown.`));

  // 1. Forward pass: scores.
  const zFormula = binary
    ? m.math(m.i('z'), m.o('='), m.b('w'), m.o('·'), m.b('x'), m.o('+'), m.i('b'), m.o('='),
      m.underover(m.o('∑'), m.row(m.i('j'), m.o('='), m.n(1)), m.i('n')), m.sub('w', 'j'), m.sub('x', 'j'), m.o('+'), m.i('b'))
    : m.math(m.b('z'), m.o('='), m.b('W'), m.b('x'), m.o('+'), m.b('b'), m.space(),
      m.text('for class c:'), m.space(), m.sub('z', 'c'), m.o('='), m.underover(m.o('∑'), m.row(m.i('j'), m.o('='), m.n(1)), m.i('n')),
      m.sub('W', m.row(m.i('c'), m.i('j'))), m.sub('x', 'j'), m.o('+'), m.sub('b', 'c'));
  const zExample = first ? workedZ(s, first, cls) : null;

  // 2. Activation.
  const aFormula = binary
    ? m.math(m.i('a'), m.o('='), m.fn('σ'), m.paren('z'), m.o('='), m.frac(m.n(1), m.row(m.n(1), m.o('+'), m.sup('e', m.row(m.o('−'), m.i('z'))))))
    : m.math(m.sub('a', 'c'), m.o('='), m.fn('softmax'), m.sub(m.paren(m.b('z')), 'c'), m.o('='),
      m.frac(m.sup('e', m.sub('z', 'c')), m.row(m.underover(m.o('∑'), m.row(m.i('j'), m.o('='), m.n(1)), m.i('k')), m.sup('e', m.sub('z', 'j')))));
  const aExample = first ? workedA(s, first, cls) : null;

  // 3. Error.
  const dzFormula = s.loss === 'bce'
    ? m.math(m.b('dZ'), m.o('='), m.b('A'), m.o('−'), m.b('Y'))
    : binary
      ? m.math(m.b('dZ'), m.o('='), m.paren(m.b('A'), m.o('−'), m.b('Y')), m.o('⊙'), m.b('A'), m.o('⊙'), m.paren(m.n(1), m.o('−'), m.b('A')))
      : m.math(m.sub('dz', 'i'), m.o('='), m.sup(m.sub('J', 'softmax'), '⊤'), m.paren(m.sub('a', 'i'), m.o('−'), m.sub('y', 'i')));
  const dzExample = first ? workedDz(s, first, cls) : null;

  const samples = sampleTable(s, cls);

  // 4–5. Gradient.
  const l2Term = lambda > 0 ? [m.o('+'), m.i('λ'), m.b('W')] : [];
  const dwFormula = m.math(m.b('dW'), m.o('='), m.frac(m.n(1), m.i('m')), m.b('X'), m.o('·'), m.sup(m.b('dZ'), '⊤'), ...l2Term);
  const dbFormula = m.math(m.i('db'), m.o('='), m.frac(m.n(1), m.i('m')), m.underover(m.o('∑'), m.row(m.i('i'), m.o('='), m.n(1)), m.i('m')), m.sub('dz', 'i'));
  const dbIdx = cls;
  const dbText = `db${binary ? '' : `[${s.classes[cls]}]`} = ${fmt(s.db[dbIdx])}` + (lambda > 0 ? '  (the bias is not penalised)' : '');

  // 6. Update.
  const so = s.secondOrder;
  const plain = s.optimizer === 'gd' || s.optimizer === 'sgd';
  const updFormula = so ? secondOrderFormula(so.method) : m.math(m.b('W'), m.o(':='), m.b('W'), m.o('−'), m.i('α'), m.o('·'), m.b('dW'), m.space(), m.space(),
    m.i('b'), m.o(':='), m.i('b'), m.o('−'), m.i('α'), m.o('·'), m.i('db'));
  const updNote = so
    ? null
    : plain
      ? `α = ${fmt(s.alpha)}. The column W − α·dW recomputes the update from the numbers on the left; it equals W after.`
      : `α = ${fmt(s.alpha)}. ${OPTIMIZER[s.optimizer] ?? s.optimizer} moves along a running average of past gradients, so W after differs from the plain W − α·dW shown for comparison.`;
  const updBody: Child[] = so ? secondOrderBody(s, so, cls, lambda) : [h('p', { class: 'hint' }, updNote), updateTable(s, cls)];

  // 7. Objective.
  const jFormula = objectiveFormula(s, binary, lambda);

  const weighted = ctx.state.config.classWeight !== null;
  const handCheck = handCheckCard(ctx, s);
  root.append(
    header,
    ...(handCheck ? [handCheck] : []),
    stepCard('1', 'Scores', zFormula, [zExample]),
    stepCard('2', 'Probabilities', aFormula, [aExample]),
    stepCard('3', 'Error of each row', dzFormula, [dzExample, samples]),
    stepCard('4', 'Gradient of the weights', dwFormula,
      [h('p', { class: 'numbers' }, `m = ${fmtInt(s.m)}`, lambda > 0 ? `, λ = ${fmt(lambda)}` : ', λ = 0 (no L2 term)',
        n > 0 ? '; one value per feature in the table of step 6.' : ''),
      first && n > 0 ? h('p', { class: 'numbers', id: 'step-dw-example' }, dwExample(s, first, cls, lambda)) : null,
      wholeBatch(s) && n > 0 && !weighted ? contributionTable(s, cls, lambda) : null]),
    stepCard('5', 'Gradient of the bias', dbFormula, [h('p', { class: 'numbers', id: 'step-db' }, dbText)]),
    stepCard('6', so ? (so.method === 'newton' ? 'Newton update' : 'L-BFGS update') : 'Update', updFormula, updBody),
    stepCard('7', 'Objective', jFormula, [h('p', { class: 'numbers', id: 'step-objective' },
      `J before = ${fmt(s.lossBefore)}, J after = ${fmt(s.lossAfter)}, change = ${fmt(s.lossAfter - s.lossBefore)} (on this batch)`)]),
  );
}

/** Rows per update in hand-check mode: few enough that every number of an update fits on the page. */
export const HAND_CHECK_ROWS = 4;

/**
 * Hand checks: with the whole batch on the page, a button copies its rows (CSV line, x, y, z, a, dz) as
 * tab-separated text at full precision; otherwise a button re-trains in hand-check mode (HAND_CHECK_ROWS rows per
 * update, mini-batch gradient descent, from small seeded random weights so that the first step is not trivial).
 */
function handCheckCard(ctx: DashboardContext, s: StepRecord): HTMLElement | null {
  if (s.secondOrder) return null;
  if (wholeBatch(s)) {
    return h('section', { class: 'card hand-check', id: 'hand-check' },
      h('p', null, `Every row of this batch is shown at full precision: the float32 values the kernels used, so a hand or spreadsheet
        computation gives the same digits.`),
      h('button', { id: 'copy-tsv', title: 'Copy the rows of this batch (CSV line, x, y, z, a, dz) as tab-separated text, for a spreadsheet',
        onclick: () => ctx.post({ type: 'copy', what: 'rows', text: batchTsv(s) }) }, 'Copy rows as TSV'));
  }
  return h('section', { class: 'card hand-check', id: 'hand-check' },
    h('p', null, `This batch has ${fmtInt(s.m)} rows, too many to show. Hand-check mode trains with ${HAND_CHECK_ROWS} rows per update
      (mini-batch gradient descent) from small random weights, so every number of an update is on this page and the first step is not
      the trivial z = 0, a = 0.5.`),
    h('button', { id: 'hand-check-on', class: 'primary', title: 'Start again from iteration 0 with these settings (dataset kept), paused: Step (F10) makes one update',
      onclick: () => ctx.post({ type: 'configure', config: { optimizer: 'sgd', batchSize: HAND_CHECK_ROWS, init: 'random' }, run: false }) },
    `Hand-check mode (${HAND_CHECK_ROWS} rows, random start)`));
}

/** The batch's rows as TSV: CSV line, the features, y (class), then z, a, dz per class; full precision. */
export function batchTsv(s: StepRecord): string {
  const per = (name: string): string[] => (s.k === 1 ? [name] : s.classes.map((c) => `${name}[${c}]`));
  const clean = (t: string): string => t.replace(/[\t\r\n]/g, ' ');
  const head = ['line', ...s.featureNames.map(clean), 'y', ...per('z'), ...per('a'), ...per('dz')];
  const rows = s.samples.map((x) => [
    x.line !== null ? String(x.line) : '',
    ...x.x.map(fmtExact),
    clean(s.k === 1 ? String(x.y) : s.classes[x.y] ?? String(x.y)),
    ...x.z.map(fmtExact), ...x.a.map(fmtExact), ...x.dz.map(fmtExact),
  ]);
  return [head, ...rows].map((r) => r.join('\t')).join('\n') + '\n';
}

/**
 * dW as a sum of the rows' contributions (selected class c): per feature j, each row's x_ij·dz_i/m, their sum,
 * the L2 term λW_j, and the recorded dW_j — the sum plus λW equals dW (to float32 rounding).
 */
function contributionTable(s: StepRecord, c: number, lambda: number): HTMLElement {
  const n = s.featureNames.length;
  const cname = s.k === 1 ? '' : `[${s.classes[c]}]`;
  const head = h('tr', null, h('th', { scope: 'col' }, 'feature'),
    ...s.samples.map((x) => h('th', { class: 'num', scope: 'col' }, x.line !== null ? `line ${fmtInt(x.line)}` : `row ${fmtInt(x.row + 1)}`)),
    h('th', { class: 'num', scope: 'col' }, 'Σ (1/m)·x·dz'),
    lambda > 0 ? h('th', { class: 'num', scope: 'col' }, '+ λW') : null,
    h('th', { class: 'num', scope: 'col' }, `dW${cname}`));
  const rows = s.featureNames.map((name, j) => {
    const parts = s.samples.map((x) => (x.x[j] * x.dz[c]) / s.m);
    const sum = parts.reduce((a, v) => a + v, 0);
    return h('tr', null, h('th', { scope: 'row', class: 'feature' }, rowLabel(name)),
      ...parts.map((v) => h('td', { class: 'num' }, fmt(v, 7))),
      h('td', { class: 'num' }, fmt(sum, 7)),
      lambda > 0 ? h('td', { class: 'num' }, fmt(lambda * s.WBefore[c * n + j], 7)) : null,
      h('td', { class: 'num' }, fmt(s.dW[c * n + j], 7)));
  });
  return h('div', { id: 'step-contributions' },
    h('p', { class: 'hint' }, `Each row's part of dW${cname}: x·dz/m per feature; the parts add up to dW${lambda > 0 ? ' with the L2 term λW' : ''} (to float32 rounding).`),
    hscroll(h('table', { class: 'samples numeric transposed contributions' }, h('thead', null, head), h('tbody', null, ...rows)), 'Contributions to dW'));
}

function fact(label: string, value: string, id?: string): HTMLElement {
  return h('div', { class: 'fact', id }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value));
}

function stepCard(num: string, title: string, formula: Element, body: Child[]): HTMLElement {
  return h('section', { class: 'card step-card' },
    h('div', { class: 'card-head' }, h('h2', null, h('span', { class: 'step-num' }, num), title)),
    hscroll(h('div', { class: 'formula' }, formula), `Formula: ${title}`),
    ...body);
}

function classSelect(ctx: DashboardContext, s: StepRecord, cls: number): HTMLElement {
  return h('label', null, 'class ', h('select', {
    id: 'step-class',
    onchange: (e: Event) => ctx.setView({ weightClass: Number((e.target as HTMLSelectElement).value) }, true),
  }, ...s.classes.map((c, i) => h('option', { value: String(i), selected: i === cls }, c))));
}

type Sample = StepRecord['samples'][number];

/** A row as the user finds it: its line in the CSV (or its place in the training split when unknown). */
function rowName(x: Sample): string {
  return x.line !== null ? `CSV line ${fmtInt(x.line)}` : `training row ${fmtInt(x.row + 1)}`;
}

/** Every row of the batch is in the record: the panel can show them all at full precision. */
function wholeBatch(s: StepRecord): boolean {
  return s.samples.length === s.m && !s.secondOrder;
}

/** z for the first sample written out term by term with W before the update. */
function workedZ(s: StepRecord, x: Sample, c: number): HTMLElement {
  const n = s.featureNames.length;
  const shown = n <= 8 ? n : 6;
  const terms: string[] = [];
  for (let j = 0; j < shown; j++) terms.push(`${fmtTerm(s.WBefore[c * n + j])}×${fmtTerm(x.x[j])}`);
  if (shown < n) terms.push(`… (${n - shown} more terms)`);
  const name = s.k === 1 ? 'z' : `z[${s.classes[c]}]`;
  return h('p', { class: 'numbers', id: 'step-z-example' },
    `${rowName(x)}: ${name} = ${terms.join(' + ')} + ${fmtTerm(s.bBefore[c])} = ${fmt(x.z[c])}`);
}

function workedA(s: StepRecord, x: Sample, c: number): HTMLElement {
  if (s.k === 1) {
    return h('p', { class: 'numbers', id: 'step-a-example' }, `Same row: a = σ(${fmt(x.z[0])}) = 1 / (1 + e^${fmtTerm(-x.z[0])}) = ${fmt(x.a[0])}`);
  }
  const exps = x.z.map((z) => `e^${fmtTerm(z, 4)}`);
  return h('p', { class: 'numbers', id: 'step-a-example' },
    `a[${s.classes[c]}] = e^${fmtTerm(x.z[c], 4)} / (${exps.join(' + ')}) = ${fmt(x.a[c])}; the k = ${s.k} probabilities sum to 1: (${x.a.map((v) => fmt(v, 4)).join(', ')})`);
}

function workedDz(s: StepRecord, x: Sample, c: number): HTMLElement {
  const label = s.classes[x.y] ?? String(x.y);
  if (s.k === 1) {
    const y = x.y;
    const core = `${fmt(x.a[0])} − ${y}`;
    const text = s.loss === 'bce'
      ? `dz = a − y = ${core} = ${fmt(x.dz[0])}`
      : `dz = (a − y)·a·(1 − a) = (${core})·${fmt(x.a[0])}·${fmt(1 - x.a[0])} = ${fmt(x.dz[0])}`;
    return h('p', { class: 'numbers', id: 'step-dz-example' }, `Same row, true class ${label} (y = ${y}): ${text}`);
  }
  const yc = x.y === c ? 1 : 0;
  const text = s.loss === 'bce'
    ? `dz[${s.classes[c]}] = a − 1[y = ${s.classes[c]}] = ${fmt(x.a[c])} − ${yc} = ${fmt(x.dz[c])}`
    : `dz[${s.classes[c]}] = ${fmt(x.dz[c])}`;
  return h('p', { class: 'numbers', id: 'step-dz-example' }, `Same row, true class ${label}: ${text}`);
}

/** How the first row enters dW for the first feature: its term x·dz of the sum. */
function dwExample(s: StepRecord, x: Sample, c: number, lambda: number): string {
  const n = s.featureNames.length;
  const name = s.featureNames[0];
  const cname = s.k === 1 ? '' : `[${s.classes[c]}]`;
  const l2 = lambda > 0 ? ` + λ·W = … + ${fmt(lambda)}×${fmtTerm(s.WBefore[c * n])}` : '';
  return `For ${name}${cname}: ${rowName(x)} adds x·dz = ${fmtTerm(x.x[0])}×${fmtTerm(x.dz[c])} = ${fmt(x.x[0] * x.dz[c])} to the sum; ` +
    `dW = (1/${fmtInt(s.m)})·(sum over all ${fmtInt(s.m)} rows)${l2} = ${fmt(s.dW[c * n])}`;
}

/** Features up to which the samples table keeps one row per sample (wider data is transposed). */
const SAMPLE_ROWS_UP_TO = 2;

/**
 * The sample rows: x…, then z, a, y, dz (for softmax: of the selected class). With more than
 * SAMPLE_ROWS_UP_TO features the table is transposed — one column per sample, one row per feature, then z, a,
 * y, dz — so it stays as narrow as the number of samples whatever the number of features.
 * Values keep 4 significant digits (enough to recompute a = σ(z) and dz = a − y by hand).
 */
function sampleTable(s: StepRecord, c: number): HTMLElement {
  const binary = s.k === 1;
  const suffix = binary ? '' : `[${s.classes[c]}]`;
  const label = (x: Sample): string => (binary ? String(x.y) : (s.classes[x.y] ?? String(x.y)));
  // The whole batch: every number at full precision (the float32 the kernels used), for an exact hand check.
  const num = wholeBatch(s) ? fmtExact : (v: number): string => fmt(v, 4);
  const outputs: Array<[string, (x: Sample) => string]> = [
    [`z${suffix}`, (x) => num(x.z[c])],
    [`a${suffix}`, (x) => num(x.a[c])],
    ['y', label],
    [`dz${suffix}`, (x) => num(x.dz[c])],
  ];
  const n = s.featureNames.length;
  const lineHead = s.samples.every((x) => x.line !== null) ? 'CSV line' : 'row';
  const where = (x: Sample): string => fmtInt(lineHead === 'CSV line' && x.line !== null ? x.line : x.row + 1);
  let tbl: HTMLTableElement;
  if (n <= SAMPLE_ROWS_UP_TO) {
    const headers: Child[] = [lineHead, ...s.featureNames, ...outputs.map(([name]) => name)];
    const rows = s.samples.map((x) => [where(x), ...x.x.map((v) => num(v)), ...outputs.map(([, f]) => f(x))]);
    tbl = table(headers, rows, { class: 'samples numeric', id: 'step-samples' });
  } else {
    const head = h('tr', null, h('th', { scope: 'col' }, lineHead), ...s.samples.map((x) => h('th', { class: 'num', scope: 'col' }, where(x))));
    const featureRows = s.featureNames.map((name, j) => h('tr', null,
      h('th', { scope: 'row', class: 'feature' }, rowLabel(name)), ...s.samples.map((x) => h('td', { class: 'num' }, num(x.x[j])))));
    const outputRows = outputs.map(([name, f], i) => h('tr', { class: i === 0 ? 'outputs' : null },
      h('th', { scope: 'row' }, name), ...s.samples.map((x) => h('td', { class: name === 'y' && !binary ? 'num class-name' : 'num' }, f(x)))));
    tbl = h('table', { class: 'samples numeric transposed', id: 'step-samples' }, h('thead', null, head), h('tbody', null, ...featureRows, ...outputRows));
  }
  return hscroll(tbl, 'Samples of the batch');
}

/**
 * Per feature: W before, dW, W − α·dW, W after (selected class); then the bias row. Five significant digits, so
 * W − α·dW can be recomputed from the columns on its left.
 */
function updateTable(s: StepRecord, c: number): HTMLElement {
  const n = s.featureNames.length;
  const rows: Child[][] = s.featureNames.map((name, j) => {
    const i = c * n + j;
    return [rowLabel(name), fmt(s.WBefore[i]), fmt(s.dW[i]), fmt(s.WBefore[i] - s.alpha * s.dW[i]), fmt(s.WAfter[i])];
  });
  rows.push([h('strong', null, 'bias b'), fmt(s.bBefore[c]), fmt(s.db[c]), fmt(s.bBefore[c] - s.alpha * s.db[c]), fmt(s.bAfter[c])]);
  return hscroll(table(['feature', 'W before', 'dW', 'W − α·dW', 'W after'], rows, { class: 'update numeric', id: 'step-update' }), 'Weight update');
}

type SecondOrder = NonNullable<StepRecord['secondOrder']>;

/** W := W + t·p, p = −H⁻¹∇J (Newton) or p = −H̃∇J (L-BFGS); the bias is part of the parameter vector. */
function secondOrderFormula(method: SecondOrder['method']): Element {
  const p = method === 'newton'
    ? [m.b('p'), m.o('='), m.o('−'), m.sup(m.b('H'), m.row(m.o('−'), m.n(1))), m.o('∇'), m.i('J')]
    : [m.b('p'), m.o('='), m.o('−'), m.b('H̃'), m.o('∇'), m.i('J'), m.space(), m.text('(L-BFGS approximation)')];
  return m.math(m.paren(m.b('W'), m.o(','), m.b('b')), m.o(':='), m.paren(m.b('W'), m.o(','), m.b('b')), m.o('+'), m.i('t'), m.o('·'), m.b('p'),
    m.o(','), m.space(), ...p);
}

/** The numbers of a Newton / L-BFGS update: t, CG iterations, ‖∇J‖ before → after, and per parameter W, ∇J, p, W after. */
function secondOrderBody(s: StepRecord, so: SecondOrder, c: number, lambda: number): Child[] {
  const newton = so.method === 'newton';
  const hessian = s.k === 1
    ? `H = (1/m)·X̃ᵀ·diag(a(1 − a))·X̃${lambda > 0 ? ' + λI (not on the bias)' : ''}, X̃ = [X 1]`
    : `H = the Hessian of the softmax cost (one block per pair of classes)${lambda > 0 ? ' + λI' : ''}`;
  const numbers = `t = ${fmt(so.stepSize)}${newton ? `, CG iterations = ${fmtInt(so.innerIterations)}` : ''}, ` +
    `‖∇J‖ = ${fmt(so.gradNormBefore)} → ${fmt(so.gradNormAfter)}`;
  return [
    h('p', { class: 'numbers', id: 'step-newton' }, numbers),
    h('p', { class: 'hint', id: 'step-newton-note' },
      newton
        ? `Newton's method uses the curvature H of J (${hessian}), not only its slope, so it takes about 10 steps where gradient descent needs thousands. ` +
          'p solves H p = −∇J (by conjugate gradients); t = 1 is the full Newton step, a smaller t was chosen by the line search. No learning rate is used.'
        : 'L-BFGS builds an approximation H̃ of the inverse curvature from the last few gradients, so it needs no Hessian and far fewer steps than gradient descent; ' +
          't was chosen by the line search. No learning rate is used.'),
    secondOrderTable(s, so, c),
  ];
}

/** Per feature: W before, ∇J, p, W after (selected class); then the bias row. W after = W before + t·p. */
function secondOrderTable(s: StepRecord, so: SecondOrder, c: number): HTMLElement {
  const n = s.featureNames.length;
  const kn = s.k * n;
  const rows: Child[][] = s.featureNames.map((name, j) => {
    const i = c * n + j;
    return [rowLabel(name), fmt(s.WBefore[i]), fmt(s.dW[i]), fmt(so.direction[i]), fmt(s.WAfter[i])];
  });
  rows.push([h('strong', null, 'bias b'), fmt(s.bBefore[c]), fmt(s.db[c]), fmt(so.direction[kn + c]), fmt(s.bAfter[c])]);
  return hscroll(table(['feature', 'W before', '∇J', 'p', 'W after'], rows, { class: 'update numeric', id: 'step-update' }), 'Newton update');
}

function objectiveFormula(s: StepRecord, binary: boolean, lambda: number): Element {
  const mean = [m.o('−'), m.frac(m.n(1), m.i('m')), m.underover(m.o('∑'), m.row(m.i('i'), m.o('='), m.n(1)), m.i('m'))];
  const l2 = lambda > 0 ? [m.o('+'), m.frac(m.i('λ'), m.n(2)), m.sup(m.norm(m.b('W')), m.n(2))] : [];
  if (s.loss === 'mse') {
    return m.math(m.i('J'), m.o('='), m.frac(m.n(1), m.i('m')), m.underover(m.o('∑'), m.row(m.i('i'), m.o('='), m.n(1)), m.i('m')),
      m.frac(m.n(1), m.n(2)), m.sup(m.norm(m.sub('a', 'i'), m.o('−'), m.sub('y', 'i')), m.n(2)), ...l2);
  }
  if (binary) {
    return m.math(m.i('J'), m.o('='), ...mean,
      m.row(m.o('['), m.sub('y', 'i'), m.fn('log'), m.sub('a', 'i'), m.o('+'), m.paren(m.n(1), m.o('−'), m.sub('y', 'i')), m.fn('log'),
        m.paren(m.n(1), m.o('−'), m.sub('a', 'i')), m.o(']')), ...l2);
  }
  return m.math(m.i('J'), m.o('='), ...mean, m.fn('log'), m.sub('a', m.row(m.i('i'), m.o(','), m.sub('y', 'i'))), ...l2);
}
