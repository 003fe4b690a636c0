/**
 * Hand-made SessionState fixtures for rendering the webviews outside VS Code (preview tests).
 * Seeded synthetic Titanic-like rows (raw Pclass, Sex, Age, SibSp, Parch, Fare, Embarked; numeric columns
 * standardised on the training rows, text columns reference- or fully one-hot coded) and a tiny, self-contained
 * gradient-descent loop and Newton solver make the numbers consistent: W after = W − α·dW (or W + t·p), cost J =
 * log loss + (λ/2)‖W‖², J − J* against the exact optimum, the cells of the confusion matrix sum to the split
 * size, and the Evaluation tab's log loss is the last history point's test log loss. The verdict, the stable
 * learning rate 2/L, the rank check and the baseline come from the engine's own pure functions
 * (src/engine/train/convergence.ts) applied to these numbers, so their texts are the real ones. Nothing here checks
 * the engine: these states only feed the views.
 */
import {
  assessConvergence,
  baselineSummary,
  hasFullColumnRank,
  lossCurvatureBound,
  smoothnessBound,
  type Convergence,
} from '../../src/engine/train/convergence';
import { exactFitMethod } from '../../src/engine/config';
import type { OptimumSummary } from '../../src/engine/train/session';
import type { ColumnReport, ConfusionMetrics, HistoryPoint, OptimizerKind, Split, StepRecord, TrainConfig } from '../../src/engine/types';
import type { BoundaryInfo, ComparisonRun, DatasetInfo, SessionState } from '../../src/protocol';

const CONFIG: TrainConfig = {
  learningRate: 0.1, epochs: 200, batchSize: 0, optimizer: 'gd', momentum: 0.9, beta1: 0.9, beta2: 0.999,
  epsilon: 1e-8, l2: 0, loss: 'bce', classWeight: null, tolerance: 0, seed: 42, init: 'zeros', threshold: 0.5, logEvery: 0,
};

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const softplus = (z: number): number => Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0);
const dot = (x: number[], w: number[], b: number): number => x.reduce((s, v, j) => s + v * w[j], b);
const sq = (w: number[]): number => w.reduce((s, v) => s + v * v, 0);

interface Data { X: number[][]; y: number[] }

/** Mean log loss (or ½·MSE) and accuracy of w, b on data, and the probabilities. */
function evaluate(d: Data, w: number[], b: number, loss: 'bce' | 'mse', t = 0.5): { loss: number; acc: number; p: number[] } {
  let L = 0;
  let ok = 0;
  const p: number[] = [];
  d.X.forEach((x, i) => {
    const z = dot(x, w, b);
    const a = sigmoid(z);
    p.push(a);
    L += loss === 'bce' ? softplus(z) - d.y[i] * z : 0.5 * (a - d.y[i]) ** 2;
    if ((a >= t ? 1 : 0) === d.y[i]) ok++;
  });
  return { loss: L / d.X.length, acc: ok / d.X.length, p };
}

/** Cost J = mean loss + (λ/2)‖w‖² (the bias is not penalised). */
function cost(d: Data, w: number[], b: number, loss: 'bce' | 'mse', l2: number): number {
  return evaluate(d, w, b, loss).loss + (l2 / 2) * sq(w);
}

/** Full-batch gradient of J (BCE or ½·MSE through σ, + λw). */
function gradient(d: Data, w: number[], b: number, loss: 'bce' | 'mse', l2: number): { dW: number[]; db: number } {
  const n = w.length;
  const m = d.X.length;
  const dW = new Array<number>(n).fill(0);
  let db = 0;
  d.X.forEach((x, i) => {
    const a = sigmoid(dot(x, w, b));
    const dz = loss === 'bce' ? a - d.y[i] : (a - d.y[i]) * a * (1 - a);
    for (let j = 0; j < n; j++) dW[j] += (x[j] * dz) / m;
    db += dz / m;
  });
  for (let j = 0; j < n; j++) dW[j] += l2 * w[j];
  return { dW, db };
}

function gradNorm(d: Data, w: number[], b: number, l2: number): number {
  const g = gradient(d, w, b, 'bce', l2);
  return Math.sqrt(sq(g.dW) + g.db * g.db);
}

/** The exact optimum to compare with (J*, and W* when it is unique). */
interface Optimum { w: number[]; b: number; cost: number; iterations: number; unique: boolean }

function historyPoint(tr: Data, te: Data, w: number[], b: number, it: number, loss: 'bce' | 'mse', l2: number, opt: Optimum | null): HistoryPoint {
  const a = evaluate(tr, w, b, 'bce');
  const c = evaluate(te, w, b, 'bce');
  const J = cost(tr, w, b, loss, l2);
  const dist = opt && opt.unique;
  return {
    iteration: it, epoch: it, trainCost: J, trainLoss: a.loss, testLoss: c.loss, trainAccuracy: a.acc, testAccuracy: c.acc,
    gap: opt ? J - opt.cost : null,
    distW: dist ? Math.hypot(...w.map((v, j) => v - opt.w[j])) : null,
    distB: dist ? Math.abs(b - opt.b) : null,
  };
}

interface Trained { w: number[]; b: number; history: HistoryPoint[]; last: StepRecord }

/** Full-batch GD for `iters` updates, recording history and the last step. */
function train(tr: Data, te: Data, names: string[], classes: string[], iters: number, alpha: number, loss: 'bce' | 'mse', l2: number, opt: Optimum | null): Trained {
  const n = names.length;
  let w = new Array<number>(n).fill(0);
  let b = 0;
  const history: HistoryPoint[] = [historyPoint(tr, te, w, b, 0, loss, l2, opt)];
  let last: StepRecord | null = null;
  const m = tr.X.length;
  for (let it = 1; it <= iters; it++) {
    const { dW, db } = gradient(tr, w, b, loss, l2);
    const samples: StepRecord['samples'] = tr.X.slice(0, 5).map((x, i) => {
      const z = dot(x, w, b);
      const a = sigmoid(z);
      return { row: i, line: i + 2, x: x.slice(), z: [z], a: [a], y: tr.y[i], dz: [loss === 'bce' ? a - tr.y[i] : (a - tr.y[i]) * a * (1 - a)] };
    });
    const wNew = w.map((v, j) => v - alpha * dW[j]);
    const bNew = b - alpha * db;
    last = {
      iteration: it, epoch: it, batch: tr.X.map((_, i) => i), m, alpha, optimizer: 'gd', loss, featureNames: names, classes, k: 1,
      samples, dW, db: [db], WBefore: w, bBefore: [b], WAfter: wNew, bAfter: [bNew],
      lossBefore: cost(tr, w, b, loss, l2), lossAfter: cost(tr, wNew, bNew, loss, l2),
    };
    w = wNew;
    b = bNew;
    history.push(historyPoint(tr, te, w, b, it, loss, l2, opt));
  }
  return { w, b, history, last: last! };
}

/** Solves A x = r (d×d, partial pivoting); A is positive definite here. */
function solve(A: number[][], r: number[]): number[] {
  const d = r.length;
  const M = A.map((row, i) => [...row, r[i]]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let i = c + 1; i < d; i++) if (Math.abs(M[i][c]) > Math.abs(M[p][c])) p = i;
    [M[c], M[p]] = [M[p], M[c]];
    for (let i = c + 1; i < d; i++) {
      const f = M[i][c] / M[c][c];
      for (let j = c; j <= d; j++) M[i][j] -= f * M[c][j];
    }
  }
  const x = new Array<number>(d).fill(0);
  for (let i = d - 1; i >= 0; i--) {
    let s = M[i][d];
    for (let j = i + 1; j < d; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

interface NewtonStep { wBefore: number[]; bBefore: number; dW: number[]; db: number; p: number[]; t: number; wAfter: number[]; bAfter: number; gBefore: number; gAfter: number }

/**
 * Newton's method on the BCE cost from zeros: H = (1/m) X̃ᵀ diag(a(1−a)) X̃ + λI (not on the bias), p = −H⁻¹∇J,
 * backtracking from t = 1 until J decreases; stops when ‖∇J‖ < 1e-12 or after `maxIter` steps.
 */
function newton(tr: Data, l2: number, maxIter = 30): { w: number[]; b: number; steps: NewtonStep[] } {
  const n = tr.X[0].length;
  const d = n + 1;
  const m = tr.X.length;
  let w = new Array<number>(n).fill(0);
  let b = 0;
  const steps: NewtonStep[] = [];
  for (let it = 0; it < maxIter; it++) {
    const { dW, db } = gradient(tr, w, b, 'bce', l2);
    const g = [...dW, db];
    const gBefore = Math.sqrt(sq(g));
    if (gBefore < 1e-12) break;
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (const x of tr.X) {
      const a = sigmoid(dot(x, w, b));
      const s = (a * (1 - a)) / m;
      const xt = [...x, 1];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) H[i][j] += s * xt[i] * xt[j];
    }
    for (let j = 0; j < n; j++) H[j][j] += l2;
    const p = solve(H, g.map((v) => -v));
    const J0 = cost(tr, w, b, 'bce', l2);
    let t = 1;
    let wNew = w;
    let bNew = b;
    for (let k = 0; k < 30; k++, t /= 2) {
      wNew = w.map((v, j) => v + t * p[j]);
      bNew = b + t * p[n];
      if (cost(tr, wNew, bNew, 'bce', l2) <= J0) break;
    }
    const gAfter = gradNorm(tr, wNew, bNew, l2);
    steps.push({ wBefore: w, bBefore: b, dW, db, p, t, wAfter: wNew, bAfter: bNew, gBefore, gAfter });
    w = wNew;
    b = bNew;
  }
  return { w, b, steps };
}

/** Binary confusion metrics with ROC and AUC at threshold t; `logLoss` is the engine's mean log loss of the split. */
export function binaryMetrics(d: Data, p: number[], classes: string[], t: number, logLoss: number): ConfusionMetrics {
  const mat = [[0, 0], [0, 0]];
  p.forEach((pi, i) => { mat[d.y[i]][pi >= t ? 1 : 0]++; });
  const support = [mat[0][0] + mat[0][1], mat[1][0] + mat[1][1]];
  const prec = [0, 1].map((c) => { const col = mat[0][c] + mat[1][c]; return col ? mat[c][c] / col : 0; });
  const rec = [0, 1].map((c) => (support[c] ? mat[c][c] / support[c] : 0));
  const f1 = [0, 1].map((c) => (prec[c] + rec[c] ? (2 * prec[c] * rec[c]) / (prec[c] + rec[c]) : 0));
  const order = p.map((_, i) => i).sort((i, j) => p[j] - p[i]);
  const P = support[1];
  const N = support[0];
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Infinity];
  let tp = 0;
  let fp = 0;
  for (const i of order) {
    if (d.y[i] === 1) tp++; else fp++;
    fpr.push(fp / N);
    tpr.push(tp / P);
    thresholds.push(p[i]);
  }
  let auc = 0;
  for (let i = 1; i < fpr.length; i++) auc += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
  return {
    classes, matrix: mat, accuracy: (mat[0][0] + mat[1][1]) / p.length, precision: prec, recall: rec, f1, support,
    macroPrecision: (prec[0] + prec[1]) / 2, macroRecall: (rec[0] + rec[1]) / 2, macroF1: (f1[0] + f1[1]) / 2, logLoss,
    roc: { fpr, tpr, thresholds }, auc, threshold: t,
  };
}

function split(d: Data): Split {
  return { X: Float32Array.from(d.X.flat()), y: Int32Array.from(d.y), m: d.X.length, sourceRows: Int32Array.from(d.X.map((_, i) => i)) };
}

/** The engine's verdict on a full-batch binary BCE run of these numbers. */
function verdict(tr: Data, config: TrainConfig, history: HistoryPoint[], w: number[], b: number, done: boolean, opt: Optimum | null, separable = false): Convergence {
  const last = history[history.length - 1];
  return assessConvergence({
    optimizer: config.optimizer, learningRate: config.learningRate, epochs: config.epochs, l2: config.l2, fullBatch: true,
    iteration: last.iteration, epoch: last.epoch, done, diverged: false,
    cost: last.trainCost, startCost: history[0].trainCost,
    costs: history.map((p) => ({ iteration: p.iteration, epoch: p.epoch, cost: p.trainCost })),
    gradNorm: gradNorm(tr, w, b, config.l2),
    optimum: opt ? { cost: opt.cost, converged: true, separable: false } : separable ? { cost: 0, converged: false, separable: true } : null,
    exactMethod: exactFitMethod(w.length + 1),
    smoothness: smoothnessBound(split(tr), 1, config.loss, config.l2, null),
    curvature: lossCurvatureBound(1, config.loss),
  });
}

// ───────────────────────────── Titanic-like data ─────────────────────────────

export type Encoding = 'reference' | 'full';

interface Raw { pclass: number; sex: 'female' | 'male'; age: number; sibsp: number; parch: number; fare: number; embarked: 'C' | 'Q' | 'S'; y: number }

/** Titanic-like passengers: the survival odds fall with class, age and being male, rise with the fare. */
function passengers(m: number, seed: number): Raw[] {
  const r = rng(seed);
  const pick = <T>(items: Array<[T, number]>): T => {
    let u = r();
    for (const [v, p] of items) { if (u < p) return v; u -= p; }
    return items[items.length - 1][0];
  };
  return Array.from({ length: m }, () => {
    const pclass = pick<number>([[1, 0.24], [2, 0.21], [3, 0.55]]);
    const sex = pick<'female' | 'male'>([['female', 0.35], ['male', 0.65]]);
    const age = Math.min(80, Math.max(0.5, Math.round(29.5 + 13.5 * gauss(r))));
    const sibsp = pick<number>([[0, 0.68], [1, 0.23], [2, 0.04], [3, 0.03], [4, 0.02]]);
    const parch = pick<number>([[0, 0.76], [1, 0.13], [2, 0.09], [3, 0.02]]);
    const fare = Math.round(100 * Math.exp(2.9 + 0.55 * (2 - pclass) + 0.6 * gauss(r))) / 100;
    const embarked = pick<'C' | 'Q' | 'S'>([['C', 0.19], ['Q', 0.09], ['S', 0.72]]);
    const z = 2.6 - 0.95 * (pclass - 2) - 0.035 * (age - 29.5) - 0.3 * sibsp - 0.1 * parch + 0.004 * fare
      - 2.6 * (sex === 'male' ? 1 : 0) - 0.3 * (embarked === 'S' ? 1 : 0) - 0.1 * (embarked === 'Q' ? 1 : 0) - 0.9;
    return { pclass, sex, age, sibsp, parch, fare, embarked, y: r() < sigmoid(z) ? 1 : 0 };
  });
}

const NUMERIC = ['Pclass', 'Age', 'SibSp', 'Parch', 'Fare'] as const;
const numericOf = (p: Raw): number[] => [p.pclass, p.age, p.sibsp, p.parch, p.fare];

interface Prepared { tr: Data; te: Data; names: string[]; features: DatasetInfo['features']; report: ColumnReport[] }

const sig4 = (x: number): string => String(Number(x.toPrecision(4)));

/** Standardised numeric columns (training mean and std) and one-hot text columns, as the engine prepares them. */
function prepare(encoding: Encoding): Prepared {
  const train = passengers(712, 1);
  const test = passengers(179, 2);
  const mean = NUMERIC.map((_, j) => train.reduce((s, p) => s + numericOf(p)[j], 0) / train.length);
  const std = NUMERIC.map((_, j) => Math.sqrt(train.reduce((s, p) => s + (numericOf(p)[j] - mean[j]) ** 2, 0) / train.length));
  const sexLevels = encoding === 'reference' ? ['male'] : ['female', 'male'];
  const embLevels = encoding === 'reference' ? ['Q', 'S'] : ['C', 'Q', 'S'];
  const names = [...NUMERIC, ...sexLevels.map((l) => `Sex=${l}`), ...embLevels.map((l) => `Embarked=${l}`)];
  const features: DatasetInfo['features'] = [
    ...NUMERIC.map((source, j) => ({ source, kind: 'numeric' as const, center: mean[j], scale: std[j] })),
    ...sexLevels.map(() => ({ source: 'Sex', kind: 'one-hot' as const, center: 0, scale: 1 })),
    ...embLevels.map(() => ({ source: 'Embarked', kind: 'one-hot' as const, center: 0, scale: 1 })),
  ];
  const row = (p: Raw): number[] => [
    ...numericOf(p).map((v, j) => (v - mean[j]) / std[j]),
    ...sexLevels.map((l) => (p.sex === l ? 1 : 0)),
    ...embLevels.map((l) => (p.embarked === l ? 1 : 0)),
  ];
  const data = (ps: Raw[]): Data => ({ X: ps.map(row), y: ps.map((p) => p.y) });
  const scaling = (j: number): string => `z-score (mean ${sig4(mean[j])}, std ${sig4(std[j])})`;
  const ref = (level: string): { reference?: string } => (encoding === 'reference' ? { reference: level } : {});
  const report: ColumnReport[] = [
    { name: 'PassengerId', sourceType: 'numeric', distinct: 891, missing: 0, action: 'dropped', reason: 'identifier: unique integer per row', features: [] },
    { name: 'Survived', sourceType: 'numeric', distinct: 2, missing: 0, action: 'target', features: [] },
    { name: 'Pclass', sourceType: 'numeric', distinct: 3, missing: 0, action: 'kept', features: ['Pclass'], scaling: scaling(0) },
    { name: 'Name', sourceType: 'categorical', distinct: 891, missing: 0, action: 'dropped', reason: 'identifier: unique value per row', features: [] },
    { name: 'Sex', sourceType: 'categorical', distinct: 2, missing: 0, action: 'one-hot', features: sexLevels.map((l) => `Sex=${l}`), scaling: 'none (0/1 indicators)', ...ref('female') },
    { name: 'Age', sourceType: 'numeric', distinct: 88, missing: 177, action: 'kept', features: ['Age'], imputed: 'median 28', scaling: scaling(1) },
    { name: 'SibSp', sourceType: 'numeric', distinct: 7, missing: 0, action: 'kept', features: ['SibSp'], scaling: scaling(2) },
    { name: 'Parch', sourceType: 'numeric', distinct: 7, missing: 0, action: 'kept', features: ['Parch'], scaling: scaling(3) },
    { name: 'Ticket', sourceType: 'categorical', distinct: 681, missing: 0, action: 'dropped', reason: 'identifier: mostly unique (681 distinct values in 891 rows)', features: [] },
    { name: 'Fare', sourceType: 'numeric', distinct: 248, missing: 0, action: 'kept', features: ['Fare'], scaling: scaling(4) },
    { name: 'Cabin', sourceType: 'categorical', distinct: 147, missing: 687, action: 'dropped', reason: 'high cardinality: 147 levels; 687 of 891 values missing', features: [] },
    { name: 'Embarked', sourceType: 'categorical', distinct: 3, missing: 2, action: 'one-hot', features: embLevels.map((l) => `Embarked=${l}`), imputed: "most frequent 'S'", scaling: 'none (0/1 indicators)', ...ref('C') },
  ];
  return { tr: data(train), te: data(test), names, features, report };
}

/** The exact optimum of the reference-coded data (the same J* as with full coding: the same set of models). */
function titanicOptimum(l2: number, encoding: Encoding, prepared: Prepared): Optimum {
  const ref = encoding === 'reference' ? prepared : prepare('reference');
  const fit = newton(ref.tr, l2);
  const unique = l2 > 0 || hasFullColumnRank(split(prepared.tr)) === true;
  return { w: fit.w, b: fit.b, cost: cost(ref.tr, fit.w, fit.b, 'bce', l2), iterations: fit.steps.length, unique };
}

/** W* as a model: its cost and, per split, log loss and accuracy (on the reference-coded rows: the same predictions). */
function optimumSummary(ref: Prepared, opt: Optimum): OptimumSummary {
  const a = evaluate(ref.tr, opt.w, opt.b, 'bce');
  const c = evaluate(ref.te, opt.w, opt.b, 'bce');
  return { cost: opt.cost, trainLoss: a.loss, testLoss: c.loss, trainAccuracy: a.acc, testAccuracy: c.acc, iterations: opt.iterations, unique: opt.unique };
}

export interface TitanicOptions {
  comparison?: boolean;
  hostileNames?: boolean;
  l2?: number;
  /** Learning rate of gradient descent (default 0.1). */
  alpha?: number;
  epochs?: number;
  /** The run is over (the verdict is final). */
  done?: boolean;
  encoding?: Encoding;
}

/**
 * A Titanic-like binary session after `iters` full-batch gradient-descent updates (712 train / 179 test rows),
 * paused unless `done`.
 */
export function titanicState(iters = 60, opts: TitanicOptions = {}): SessionState {
  const encoding = opts.encoding ?? 'reference';
  const prep = prepare(encoding);
  const l2 = opts.l2 ?? 0;
  const alpha = opts.alpha ?? 0.1;
  const names = opts.hostileNames ? [...prep.names.slice(0, -1), '<img src=x onerror="window.__pwned=1">'] : prep.names;
  const { tr, te } = prep;
  const opt = titanicOptimum(l2, encoding, prep);
  const classes = opts.hostileNames ? ['died <b>x</b>', 'survived & "ok"'] : ['0', '1'];
  const t = train(tr, te, names, classes, iters, alpha, 'bce', l2, opt);
  const comparison: ComparisonRun[] | null = opts.comparison
    ? (['bce', 'mse'] as const).map((loss) => {
      const r = train(tr, te, names, classes, 200, 0.1, loss, l2, null);
      const end = r.history[r.history.length - 1];
      return { loss, history: r.history, trainAccuracy: end.trainAccuracy, testAccuracy: end.testAccuracy };
    })
    : null;
  const config: TrainConfig = { ...CONFIG, l2, learningRate: alpha, epochs: opts.epochs ?? CONFIG.epochs };
  const last = t.history[t.history.length - 1];
  const ref = encoding === 'reference' ? prep : prepare('reference');
  return {
    prepare: { target: 'Survived' },
    dataset: {
      fileName: 'titanic.csv', filePath: '/data/samples/titanic.csv', target: opts.hostileNames ? 'Survived<script>' : 'Survived', classes,
      featureNames: names, rows: 891, mTrain: 712, mTest: 179, pixelSide: null, report: prep.report, features: prep.features, notices: [],
    },
    config,
    updatesPerSecond: 0,
    information: { train: null, test: null },
    iteration: iters,
    furthestIteration: iters,
    epoch: iters,
    running: false,
    done: opts.done ?? false,
    history: t.history,
    train: binaryMetrics(tr, evaluate(tr, t.w, t.b, 'bce').p, classes, 0.5, last.trainLoss),
    test: binaryMetrics(te, evaluate(te, t.w, t.b, 'bce').p, classes, 0.5, last.testLoss ?? NaN),
    weights: { k: 1, n: names.length, W: t.w, b: [t.b] },
    optimumConverged: true,
    optimumUnique: opt.unique,
    convergence: verdict(tr, config, t.history, t.w, t.b, opts.done ?? false, opt),
    optimum: optimumSummary(ref, opt),
    baseline: baselineSummary(classes, Int32Array.from(tr.y), Int32Array.from(te.y)),
    lastStep: { ...t.last, classes },
    boundary: null,
    comparison,
    sweep: null,
  };
}

/** Gradient descent stopped by its epoch budget short of the optimum: verdict "not converged" with the stable rate. */
export function notConvergedState(): SessionState {
  return titanicState(200, { done: true });
}

/** Gradient descent with a learning rate far above 2/L: the cost rises between updates (verdict "oscillating"). */
export function oscillatingState(): SessionState {
  return titanicState(100, { done: true, alpha: 8, epochs: 100 });
}

/** Full one-hot coding (every level has an indicator) without L2: J* is known, W* is not unique. */
export function fullCodingState(): SessionState {
  return titanicState(200, { done: true, encoding: 'full' });
}

/**
 * Newton's method (optimizer 'newton'): every update is one Newton iteration. With `steps` given, the session is
 * paused after that many updates; by default it ran until the solver converged (verdict "converged").
 */
export function newtonState(steps?: number): SessionState {
  const prep = prepare('reference');
  const { tr, te, names } = prep;
  const classes = ['0', '1'];
  const fit = newton(tr, 0);
  const opt: Optimum = { w: fit.w, b: fit.b, cost: cost(tr, fit.w, fit.b, 'bce', 0), iterations: fit.steps.length, unique: hasFullColumnRank(split(tr)) === true };
  const taken = fit.steps.slice(0, steps ?? fit.steps.length);
  const n = names.length;
  const history: HistoryPoint[] = [historyPoint(tr, te, new Array<number>(n).fill(0), 0, 0, 'bce', 0, opt)];
  taken.forEach((s, i) => history.push(historyPoint(tr, te, s.wAfter, s.bAfter, i + 1, 'bce', 0, opt)));
  const end = taken[taken.length - 1];
  const done = steps === undefined;
  const config: TrainConfig = { ...CONFIG, optimizer: 'newton' as OptimizerKind, epochs: 100 };
  const samples: StepRecord['samples'] = tr.X.slice(0, 5).map((x, i) => {
    const z = dot(x, end.wBefore, end.bBefore);
    const a = sigmoid(z);
    return { row: i, line: i + 2, x: x.slice(), z: [z], a: [a], y: tr.y[i], dz: [a - tr.y[i]] };
  });
  const lastStep: StepRecord = {
    iteration: taken.length, epoch: taken.length, batch: tr.X.map((_, i) => i), m: tr.X.length, alpha: end.t, optimizer: 'newton', loss: 'bce',
    featureNames: names, classes, k: 1, samples, dW: end.dW, db: [end.db], WBefore: end.wBefore, bBefore: [end.bBefore],
    WAfter: end.wAfter, bAfter: [end.bAfter],
    lossBefore: cost(tr, end.wBefore, end.bBefore, 'bce', 0), lossAfter: cost(tr, end.wAfter, end.bAfter, 'bce', 0),
    secondOrder: {
      method: 'newton', direction: end.p, stepSize: end.t, innerIterations: Math.min(n + 1, 4 + taken.length),
      gradNormBefore: end.gBefore, gradNormAfter: end.gAfter,
    },
  };
  const last = history[history.length - 1];
  return {
    prepare: { target: 'Survived' },
    dataset: {
      fileName: 'titanic.csv', filePath: '/data/samples/titanic.csv', target: 'Survived', classes,
      featureNames: names, rows: 891, mTrain: 712, mTest: 179, pixelSide: null, report: prep.report, features: prep.features, notices: [],
    },
    config,
    updatesPerSecond: 0,
    information: { train: null, test: null },
    iteration: taken.length, epoch: taken.length, furthestIteration: taken.length, running: false, done, history,
    train: binaryMetrics(tr, evaluate(tr, end.wAfter, end.bAfter, 'bce').p, classes, 0.5, last.trainLoss),
    test: binaryMetrics(te, evaluate(te, end.wAfter, end.bAfter, 'bce').p, classes, 0.5, last.testLoss ?? NaN),
    weights: { k: 1, n, W: end.wAfter, b: [end.bAfter] },
    optimumConverged: true,
    optimumUnique: opt.unique,
    convergence: verdict(tr, config, history, end.wAfter, end.bAfter, done, opt),
    optimum: optimumSummary(prep, opt),
    baseline: baselineSummary(classes, Int32Array.from(tr.y), Int32Array.from(te.y)),
    lastStep,
    boundary: null,
    comparison: null,
    sweep: null,
  };
}

/** The seeds' 2-feature toy data with a decision-boundary grid: separable, so no finite optimum without L2. */
export function toyState(): SessionState {
  const X = [[0.1, 1.2], [0.3, 0.8], [0.5, 1.0], [0.7, 1.5], [0.9, 0.5], [0.2, 1.1], [0.4, 0.9], [0.6, 1.3]];
  const y = [0, 0, 0, 1, 1, 0, 0, 1];
  const Xt = [[0.3, 1.0], [0.8, 0.7], [0.2, 1.1], [0.5, 0.9]];
  const yt = [0, 1, 0, 1];
  const tr = { X, y };
  const te = { X: Xt, y: yt };
  const t = train(tr, te, ['x1', 'x2'], ['0', '1'], 2000, 0.05, 'bce', 0, null);
  const xs = Array.from({ length: 41 }, (_, i) => -0.1 + i * 0.03);
  const ys = Array.from({ length: 41 }, (_, i) => 0.3 + i * 0.035);
  const grid: number[] = [];
  const probability: number[] = [];
  for (const yy of ys) {
    for (const xx of xs) {
      const p = sigmoid(t.w[0] * xx + t.w[1] * yy + t.b);
      grid.push(p >= 0.5 ? 1 : 0);
      probability.push(p);
    }
  }
  const boundary: BoundaryInfo = {
    x: 0, y: 1, xName: 'x1', yName: 'x2', others: 'none', threshold: 0.5, xs, ys, grid, probability,
    points: X.map(([a, b2], i) => ({ x: a, y: b2, c: y[i], row: i })),
  };
  const history = t.history.filter((p) => p.iteration % 100 === 0);
  const config: TrainConfig = { ...CONFIG, learningRate: 0.05, epochs: 2000 };
  const last = history[history.length - 1];
  return {
    prepare: { target: 'y' },
    dataset: {
      fileName: 'toy_train.csv', filePath: '/data/samples/toy_train.csv', target: 'y', classes: ['0', '1'], featureNames: ['x1', 'x2'],
      rows: 8, mTrain: 8, mTest: 4, pixelSide: null,
      report: [
        { name: 'x1', sourceType: 'numeric', distinct: 8, missing: 0, action: 'kept', features: ['x1'], scaling: 'none' },
        { name: 'x2', sourceType: 'numeric', distinct: 8, missing: 0, action: 'kept', features: ['x2'], scaling: 'none' },
        { name: 'y', sourceType: 'numeric', distinct: 2, missing: 0, action: 'target', features: [] },
      ],
      features: [{ source: 'x1', kind: 'numeric', center: 0, scale: 1 }, { source: 'x2', kind: 'numeric', center: 0, scale: 1 }],
      notices: [],
    },
    config,
    updatesPerSecond: 0,
    information: { train: null, test: null },
    iteration: 2000, epoch: 2000, furthestIteration: 2000, running: false, done: true, history,
    train: binaryMetrics(tr, evaluate(tr, t.w, t.b, 'bce').p, ['0', '1'], 0.5, last.trainLoss),
    test: binaryMetrics(te, evaluate(te, t.w, t.b, 'bce').p, ['0', '1'], 0.5, last.testLoss ?? NaN),
    weights: { k: 1, n: 2, W: t.w, b: [t.b] },
    optimumConverged: false,
    optimumUnique: true,
    convergence: verdict(tr, config, t.history, t.w, t.b, true, null, true),
    optimum: null,
    baseline: baselineSummary(['0', '1'], Int32Array.from(y), Int32Array.from(yt)),
    lastStep: t.last,
    boundary,
    comparison: null,
    sweep: null,
  };
}

/**
 * A digits-like softmax session (10 classes, 8×8 pixels) with synthetic weights and history, trained by mini-batch
 * SGD; the corner pixels are constant (0) in every row, so [X 1] is rank deficient and W* is not unique.
 */
export function digitsState(): SessionState {
  const r = rng(7);
  const k = 10;
  const side = 8;
  const n = side * side;
  const names = Array.from({ length: n }, (_, j) => `p${j}`);
  const classes = Array.from({ length: k }, (_, c) => String(c));
  const W: number[] = [];
  for (let c = 0; c < k; c++) {
    const cx = 3.5 + 2.5 * Math.cos(c);
    const cy = 3.5 + 2.5 * Math.sin(c);
    for (let j = 0; j < n; j++) {
      const d = Math.hypot((j % side) - cx, Math.floor(j / side) - cy);
      W.push(0.6 * Math.exp(-d * d / 4) - 0.25 * Math.exp(-(((j % side) - 3.5) ** 2) / 6) + 0.05 * gauss(r));
    }
  }
  const matrix = classes.map((_, a) => classes.map((__, p) => (a === p ? 30 + Math.floor(r() * 6) : r() < 0.25 ? Math.floor(r() * 3) : 0)));
  const support = matrix.map((row) => row.reduce((s, v) => s + v, 0));
  const colSum = classes.map((_, p) => matrix.reduce((s, row) => s + row[p], 0));
  const precision = classes.map((_, c) => matrix[c][c] / colSum[c]);
  const recall = classes.map((_, c) => matrix[c][c] / support[c]);
  const f1 = precision.map((p, c) => (2 * p * recall[c]) / (p + recall[c]));
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const total = support.reduce((s, v) => s + v, 0);
  const jStar = 0.08;
  const history: HistoryPoint[] = Array.from({ length: 121 }, (_, i) => {
    const it = i * 5;
    const excess = 2.3026 * Math.exp(-it / 60);
    return {
      iteration: it, epoch: Math.floor(it / 45), trainCost: excess + jStar, trainLoss: excess + jStar, testLoss: excess + 0.13,
      trainAccuracy: 1 - 0.9 * Math.exp(-it / 40), testAccuracy: 1 - 0.9 * Math.exp(-it / 40) - 0.03,
      gap: excess, distW: null, distB: null,
    };
  });
  const last = history[history.length - 1];
  const cm: ConfusionMetrics = {
    classes, matrix, accuracy: matrix.reduce((s, row, i) => s + row[i], 0) / total, precision, recall, f1, support,
    macroPrecision: mean(precision), macroRecall: mean(recall), macroF1: mean(f1), logLoss: last.testLoss ?? NaN,
  };
  const sampleX = Array.from({ length: n }, () => Math.round(r() * 16) / 4 - 1);
  const z = classes.map((_, c) => sampleX.reduce((s, v, j) => s + v * W[c * n + j], 0.01 * c));
  const mx = Math.max(...z);
  const e = z.map((v) => Math.exp(v - mx));
  const se = e.reduce((s, v) => s + v, 0);
  const a = e.map((v) => v / se);
  const lastStep: StepRecord = {
    iteration: 600, epoch: 13, batch: Array.from({ length: 32 }, (_, i) => i), m: 32, alpha: 0.1, optimizer: 'sgd', loss: 'bce',
    featureNames: names, classes, k, samples: [{ row: 17, line: 19, x: sampleX, z, a, y: 3, dz: a.map((v, c) => v - (c === 3 ? 1 : 0)) }],
    dW: W.map(() => 0.01 * gauss(r)), db: classes.map(() => 0.01 * gauss(r)), WBefore: W, bBefore: classes.map((_, c) => 0.01 * c),
    WAfter: W, bAfter: classes.map((_, c) => 0.01 * c), lossBefore: 0.19, lossAfter: 0.185,
  };
  lastStep.WAfter = W.map((v, i) => v - 0.1 * lastStep.dW[i]);
  lastStep.bAfter = lastStep.bBefore.map((v, c) => v - 0.1 * lastStep.db[c]);
  // Corner pixels are blank in every image: constant columns, only centred (scale 1).
  const constant = new Set([0, 7, 56, 63]);
  const config: TrainConfig = { ...CONFIG, batchSize: 32, optimizer: 'sgd', epochs: 20 };
  const convergence = assessConvergence({
    optimizer: 'sgd', learningRate: 0.1, epochs: 20, l2: 0, fullBatch: false, iteration: 600, epoch: 13, done: false, diverged: false,
    cost: last.trainCost, startCost: history[0].trainCost,
    costs: history.map((p) => ({ iteration: p.iteration, epoch: p.epoch, cost: p.trainCost })),
    gradNorm: 0.0021, optimum: { cost: jStar, converged: true, separable: false }, smoothness: null, curvature: lossCurvatureBound(k, 'bce'),
    exactMethod: exactFitMethod(k * 65),
  });
  const yTrain = Int32Array.from({ length: 1437 }, (_, i) => i % k);
  const yTest = Int32Array.from({ length: total }, (_, i) => i % k);
  return {
    prepare: { target: 'label' },
    dataset: {
      fileName: 'digits.csv', filePath: '/data/samples/digits.csv', target: 'label', classes, featureNames: names, rows: 1797,
      mTrain: 1437, mTest: total, pixelSide: side,
      report: [...names.map((name, j) => ({
        name, sourceType: 'numeric' as const, distinct: constant.has(j) ? 1 : 17, missing: 0, action: 'kept' as const, features: [name],
        scaling: constant.has(j) ? 'centred only (mean 0; constant in training rows)' : `z-score (mean ${sig4(4 + 3 * Math.sin(j))}, std ${sig4(4.5 + Math.cos(j))})`,
      })),
      { name: 'label', sourceType: 'numeric', distinct: 10, missing: 0, action: 'target', features: [] }],
      features: names.map((name, j) => ({ source: name, kind: 'numeric' as const, center: constant.has(j) ? 0 : 4, scale: constant.has(j) ? 1 : 4.5 + Math.cos(j) })),
      notices: [],
    },
    config,
    updatesPerSecond: 0,
    information: { train: null, test: null },
    iteration: 600, epoch: 13, furthestIteration: 600, running: false, done: false, history, train: cm, test: cm,
    weights: { k, n, W, b: classes.map((_, c) => 0.01 * c) },
    optimumConverged: true,
    optimumUnique: false,
    convergence,
    optimum: { cost: jStar, trainLoss: jStar, testLoss: 0.13, trainAccuracy: 0.992, testAccuracy: 0.967, iterations: 41, unique: false },
    baseline: baselineSummary(classes, yTrain, yTest),
    lastStep, boundary: null, comparison: null, sweep: null,
  };
}
