/**
 * Hand-made SessionState fixtures for rendering the webviews outside VS Code (preview tests).
 * A tiny, self-contained gradient-descent loop on seeded synthetic data makes the numbers consistent
 * (W after = W − α·dW, z = w·x + b, cells of the confusion matrix sum to the split size), but nothing here
 * checks the engine: these states only feed the views.
 */
import type { ConfusionMetrics, HistoryPoint, StepRecord, TrainConfig } from '../../src/engine/types';
import type { BoundaryInfo, ComparisonRun, SessionState } from '../../src/protocol';

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

interface Data { X: number[][]; y: number[] }

function binaryData(m: number, wTrue: number[], bTrue: number, seed: number): Data {
  const r = rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < m; i++) {
    const x = wTrue.map(() => gauss(r));
    X.push(x);
    y.push(r() < sigmoid(x.reduce((s, v, j) => s + v * wTrue[j], bTrue)) ? 1 : 0);
  }
  return { X, y };
}

/** Mean BCE (or ½·MSE) and accuracy of w, b on data. */
function evaluate(d: Data, w: number[], b: number, loss: 'bce' | 'mse', t = 0.5): { loss: number; acc: number; p: number[] } {
  let L = 0;
  let ok = 0;
  const p: number[] = [];
  d.X.forEach((x, i) => {
    const z = x.reduce((s, v, j) => s + v * w[j], b);
    const a = sigmoid(z);
    p.push(a);
    L += loss === 'bce' ? Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - d.y[i] * z : 0.5 * (a - d.y[i]) ** 2;
    if ((a >= t ? 1 : 0) === d.y[i]) ok++;
  });
  return { loss: L / d.X.length, acc: ok / d.X.length, p };
}

interface Trained { w: number[]; b: number; history: HistoryPoint[]; last: StepRecord }

/** Full-batch GD for `iters` updates, recording history and the last step. */
function train(tr: Data, te: Data, names: string[], classes: string[], iters: number, alpha: number, loss: 'bce' | 'mse', wStar: number[] | null, bStar: number): Trained {
  const n = names.length;
  let w = new Array<number>(n).fill(0);
  let b = 0;
  const history: HistoryPoint[] = [];
  let last: StepRecord | null = null;
  const record = (it: number): void => {
    const a = evaluate(tr, w, b, loss);
    const c = evaluate(te, w, b, loss);
    history.push({
      iteration: it, epoch: it, trainLoss: a.loss, testLoss: c.loss, trainAccuracy: a.acc, testAccuracy: c.acc,
      distW: wStar ? Math.hypot(...w.map((v, j) => v - wStar[j])) : null,
      distB: wStar ? Math.abs(b - bStar) : null,
    });
  };
  record(0);
  const m = tr.X.length;
  for (let it = 1; it <= iters; it++) {
    const dW = new Array<number>(n).fill(0);
    let db = 0;
    const samples: StepRecord['samples'] = [];
    tr.X.forEach((x, i) => {
      const z = x.reduce((s, v, j) => s + v * w[j], b);
      const a = sigmoid(z);
      const dz = loss === 'bce' ? a - tr.y[i] : (a - tr.y[i]) * a * (1 - a);
      for (let j = 0; j < n; j++) dW[j] += (x[j] * dz) / m;
      db += dz / m;
      if (i < 5) samples.push({ row: i, x: x.slice(), z: [z], a: [a], y: tr.y[i], dz: [dz] });
    });
    const before = evaluate(tr, w, b, loss).loss;
    const wNew = w.map((v, j) => v - alpha * dW[j]);
    const bNew = b - alpha * db;
    last = {
      iteration: it, epoch: it, batch: tr.X.map((_, i) => i), m, alpha, optimizer: 'gd', loss, featureNames: names, classes, k: 1,
      samples, dW, db: [db], WBefore: w, bBefore: [b], WAfter: wNew, bAfter: [bNew], lossBefore: before, lossAfter: evaluate(tr, wNew, bNew, loss).loss,
    };
    w = wNew;
    b = bNew;
    record(it);
  }
  return { w, b, history, last: last! };
}

/** Binary confusion metrics with ROC and AUC at threshold t. */
export function binaryMetrics(d: Data, p: number[], classes: string[], t: number): ConfusionMetrics {
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
  const logLoss = -p.reduce((s, pi, i) => s + Math.log(Math.min(1 - 1e-15, Math.max(1e-15, d.y[i] ? pi : 1 - pi))), 0) / p.length;
  return {
    classes, matrix: mat, accuracy: (mat[0][0] + mat[1][1]) / p.length, precision: prec, recall: rec, f1, support,
    macroPrecision: (prec[0] + prec[1]) / 2, macroRecall: (rec[0] + rec[1]) / 2, macroF1: (f1[0] + f1[1]) / 2, logLoss,
    roc: { fpr, tpr, thresholds }, auc, threshold: t,
  };
}

const TITANIC_FEATURES = ['Pclass', 'Age', 'SibSp', 'Parch', 'Fare', 'Sex=male', 'Embarked=C', 'Embarked=Q', 'Embarked=S'];

/** A Titanic-like binary session after `iters` full-batch updates (712 train / 179 test rows). */
export function titanicState(iters = 60, opts: { comparison?: boolean; hostileNames?: boolean; l2?: number } = {}): SessionState {
  const names = opts.hostileNames ? [...TITANIC_FEATURES.slice(0, -1), '<img src=x onerror="window.__pwned=1">'] : TITANIC_FEATURES;
  const wTrue = [-0.9, -0.5, -0.3, -0.1, 0.2, -1.3, 0.2, 0.05, -0.15];
  const tr = binaryData(712, wTrue, -0.5, 1);
  const te = binaryData(179, wTrue, -0.5, 2);
  const star = train(tr, te, names, ['0', '1'], 3000, 1, 'bce', null, 0);
  const t = train(tr, te, names, ['0', '1'], iters, 0.1, 'bce', star.w, star.b);
  const classes = opts.hostileNames ? ['died <b>x</b>', 'survived & "ok"'] : ['0', '1'];
  const comparison: ComparisonRun[] | null = opts.comparison
    ? (['bce', 'mse'] as const).map((loss) => {
      const r = train(tr, te, names, classes, 200, 0.1, loss, null, 0);
      return { loss, history: r.history, trainAccuracy: r.history[r.history.length - 1].trainAccuracy, testAccuracy: r.history[r.history.length - 1].testAccuracy };
    })
    : null;
  const last = { ...t.last, classes };
  return {
    dataset: {
      fileName: 'titanic.csv', filePath: '/data/samples/titanic.csv', target: opts.hostileNames ? 'Survived<script>' : 'Survived', classes,
      featureNames: names, rows: 891, mTrain: 712, mTest: 179, pixelSide: null,
      report: [
        { name: 'PassengerId', sourceType: 'numeric', distinct: 891, missing: 0, action: 'dropped', reason: 'identifier: unique value per row', features: [] },
        { name: 'Survived', sourceType: 'numeric', distinct: 2, missing: 0, action: 'target', features: [] },
        { name: 'Pclass', sourceType: 'numeric', distinct: 3, missing: 0, action: 'kept', features: ['Pclass'], scaling: 'z-score (mean 2.31, std 0.836)' },
        { name: 'Name', sourceType: 'categorical', distinct: 891, missing: 0, action: 'dropped', reason: 'identifier: unique value per row', features: [] },
        { name: 'Sex', sourceType: 'categorical', distinct: 2, missing: 0, action: 'one-hot', features: ['Sex=male'], scaling: 'z-score (mean 0.647, std 0.478)' },
        { name: 'Age', sourceType: 'numeric', distinct: 88, missing: 177, action: 'kept', features: ['Age'], imputed: 'median 28', scaling: 'z-score (mean 29.4, std 13)' },
        { name: 'SibSp', sourceType: 'numeric', distinct: 7, missing: 0, action: 'kept', features: ['SibSp'], scaling: 'z-score (mean 0.523, std 1.1)' },
        { name: 'Parch', sourceType: 'numeric', distinct: 7, missing: 0, action: 'kept', features: ['Parch'], scaling: 'z-score (mean 0.382, std 0.806)' },
        { name: 'Ticket', sourceType: 'categorical', distinct: 681, missing: 0, action: 'dropped', reason: 'high cardinality: 681 levels (> 50)', features: [] },
        { name: 'Fare', sourceType: 'numeric', distinct: 248, missing: 0, action: 'kept', features: ['Fare'], scaling: 'z-score (mean 32.2, std 49.7)' },
        { name: 'Cabin', sourceType: 'categorical', distinct: 147, missing: 687, action: 'dropped', reason: 'mostly missing (77%)', features: [] },
        { name: 'Embarked', sourceType: 'categorical', distinct: 3, missing: 2, action: 'one-hot', features: ['Embarked=C', 'Embarked=Q', 'Embarked=S'], imputed: "most frequent 'S'", scaling: 'z-score' },
      ],
    },
    config: { ...CONFIG, l2: opts.l2 ?? 0 },
    iteration: iters,
    epoch: iters,
    running: false,
    done: false,
    history: t.history,
    train: binaryMetrics(tr, evaluate(tr, t.w, t.b, 'bce').p, classes, 0.5),
    test: binaryMetrics(te, evaluate(te, t.w, t.b, 'bce').p, classes, 0.5),
    weights: { k: 1, n: names.length, W: t.w, b: [t.b] },
    optimumConverged: true,
    lastStep: last,
    boundary: null,
    comparison,
  };
}

/** The seeds' 2-feature toy data with a decision-boundary grid. */
export function toyState(): SessionState {
  const X = [[0.1, 1.2], [0.3, 0.8], [0.5, 1.0], [0.7, 1.5], [0.9, 0.5], [0.2, 1.1], [0.4, 0.9], [0.6, 1.3]];
  const y = [0, 0, 0, 1, 1, 0, 0, 1];
  const Xt = [[0.3, 1.0], [0.8, 0.7], [0.2, 1.1], [0.5, 0.9]];
  const yt = [0, 1, 0, 1];
  const tr = { X, y };
  const te = { X: Xt, y: yt };
  const t = train(tr, te, ['x1', 'x2'], ['0', '1'], 2000, 0.05, 'bce', null, 0);
  const xs = Array.from({ length: 41 }, (_, i) => -0.1 + i * 0.03);
  const ys = Array.from({ length: 41 }, (_, i) => 0.3 + i * 0.035);
  const grid: number[] = [];
  for (const yy of ys) for (const xx of xs) grid.push(sigmoid(t.w[0] * xx + t.w[1] * yy + t.b) >= 0.5 ? 1 : 0);
  const boundary: BoundaryInfo = { xName: 'x1', yName: 'x2', xs, ys, grid, points: X.map(([a, b2], i) => ({ x: a, y: b2, c: y[i] })) };
  const history = t.history.filter((p) => p.iteration % 100 === 0);
  return {
    dataset: {
      fileName: 'toy_train.csv', filePath: '/data/samples/toy_train.csv', target: 'y', classes: ['0', '1'], featureNames: ['x1', 'x2'],
      rows: 8, mTrain: 8, mTest: 4, pixelSide: null,
      report: [
        { name: 'x1', sourceType: 'numeric', distinct: 8, missing: 0, action: 'kept', features: ['x1'] },
        { name: 'x2', sourceType: 'numeric', distinct: 8, missing: 0, action: 'kept', features: ['x2'] },
        { name: 'y', sourceType: 'numeric', distinct: 2, missing: 0, action: 'target', features: [] },
      ],
    },
    config: { ...CONFIG, learningRate: 0.05, epochs: 2000 },
    iteration: 2000, epoch: 2000, running: false, done: true, history,
    train: binaryMetrics(tr, evaluate(tr, t.w, t.b, 'bce').p, ['0', '1'], 0.5),
    test: binaryMetrics(te, evaluate(te, t.w, t.b, 'bce').p, ['0', '1'], 0.5),
    weights: { k: 1, n: 2, W: t.w, b: [t.b] },
    optimumConverged: false,
    lastStep: t.last,
    boundary,
    comparison: null,
  };
}

/** A digits-like softmax session (10 classes, 8×8 pixels) with synthetic weights and history. */
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
  const cm: ConfusionMetrics = {
    classes, matrix, accuracy: matrix.reduce((s, row, i) => s + row[i], 0) / total, precision, recall, f1, support,
    macroPrecision: mean(precision), macroRecall: mean(recall), macroF1: mean(f1), logLoss: 0.21,
  };
  const history: HistoryPoint[] = Array.from({ length: 121 }, (_, i) => {
    const it = i * 5;
    return {
      iteration: it, epoch: Math.floor(it / 45), trainLoss: 2.3026 * Math.exp(-it / 60) + 0.08, testLoss: 2.3026 * Math.exp(-it / 60) + 0.13,
      trainAccuracy: 1 - 0.9 * Math.exp(-it / 40), testAccuracy: 1 - 0.9 * Math.exp(-it / 40) - 0.03,
      distW: 9 * Math.exp(-it / 150), distB: 0.8 * Math.exp(-it / 120),
    };
  });
  const sampleX = Array.from({ length: n }, () => Math.round(r() * 16) / 4 - 1);
  const z = classes.map((_, c) => sampleX.reduce((s, v, j) => s + v * W[c * n + j], 0.01 * c));
  const mx = Math.max(...z);
  const e = z.map((v) => Math.exp(v - mx));
  const se = e.reduce((s, v) => s + v, 0);
  const a = e.map((v) => v / se);
  const lastStep: StepRecord = {
    iteration: 600, epoch: 13, batch: Array.from({ length: 32 }, (_, i) => i), m: 32, alpha: 0.1, optimizer: 'sgd', loss: 'bce',
    featureNames: names, classes, k, samples: [{ row: 17, x: sampleX, z, a, y: 3, dz: a.map((v, c) => v - (c === 3 ? 1 : 0)) }],
    dW: W.map(() => 0.01 * gauss(r)), db: classes.map(() => 0.01 * gauss(r)), WBefore: W, bBefore: classes.map((_, c) => 0.01 * c),
    WAfter: W, bAfter: classes.map((_, c) => 0.01 * c), lossBefore: 0.19, lossAfter: 0.185,
  };
  lastStep.WAfter = W.map((v, i) => v - 0.1 * lastStep.dW[i]);
  lastStep.bAfter = lastStep.bBefore.map((v, c) => v - 0.1 * lastStep.db[c]);
  return {
    dataset: {
      fileName: 'digits.csv', filePath: '/data/samples/digits.csv', target: 'label', classes, featureNames: names, rows: 1797,
      mTrain: 1437, mTest: total, pixelSide: side,
      report: [...names.map((name) => ({ name, sourceType: 'numeric' as const, distinct: 17, missing: 0, action: 'kept' as const, features: [name], scaling: 'z-score' })),
        { name: 'label', sourceType: 'numeric', distinct: 10, missing: 0, action: 'target', features: [] }],
    },
    config: { ...CONFIG, batchSize: 32, optimizer: 'sgd', epochs: 20 },
    iteration: 600, epoch: 13, running: false, done: false, history, train: cm, test: cm,
    weights: { k, n, W, b: classes.map((_, c) => 0.01 * c) },
    optimumConverged: true, lastStep, boundary: null, comparison: null,
  };
}
