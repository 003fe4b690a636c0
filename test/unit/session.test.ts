import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { applyPreprocessing, prepareDataset } from '../../src/engine/prepare/dataset';
import { DEFAULT_TRAIN_CONFIG, resolveConfig } from '../../src/engine/config';
import { MAX_HISTORY, TrainingSession, type SessionSnapshot } from '../../src/engine/train/session';
import { LabError, type ConfusionMetrics, type PreparedDataset, type StepRecord } from '../../src/engine/types';
import { confusionMetrics } from '../../src/engine/model/metrics';

// ───────────── Data ─────────────

function sample(name: string) {
  return readCsvFile(join(process.cwd(), 'samples', name));
}

/** The course notes' toy problem: all 8 rows for training, the 4 rows of toy_test.csv as test split, raw features. */
function toyDataset(): PreparedDataset {
  const data = prepareDataset(sample('toy_train.csv'), { target: 'y', standardize: false, testSize: 0 });
  const test = applyPreprocessing(data.preprocessing, sample('toy_test.csv'), data.classes);
  assert.ok(test.y);
  data.test = { X: test.X, y: test.y, m: test.m, sourceRows: Int32Array.from({ length: test.m }, (_, i) => i) };
  return data;
}

let irisCache: PreparedDataset | null = null;
function iris(): PreparedDataset {
  irisCache ??= prepareDataset(sample('iris.csv'), { target: 'species', testSize: 0.2, seed: 7 });
  return irisCache;
}

// ───────────── Independent reference objective (float64, written from the formulas) ─────────────

/**
 * J(W, b) over `rows` = Σ s_i ℓ_i / Σ s_i + (λ/2)‖W‖², ℓ = softplus(z) − y z (binary) or
 * logsumexp(z) − z_y (softmax); s_i = m / (K m_{y_i}) for 'balanced' (counts over the whole split).
 */
function referenceJ(
  data: PreparedDataset, rows: number[], W: number[], b: number[], l2: number, balanced: boolean,
): number {
  const { X, y, m } = data.train;
  const n = data.n;
  const K = data.classes.length;
  const k = K === 2 ? 1 : K;
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < m; i++) counts[y[i]]++;
  let num = 0;
  let den = 0;
  for (const i of rows) {
    const s = balanced ? m / (K * counts[y[i]]) : 1;
    const z: number[] = [];
    for (let c = 0; c < k; c++) {
      let v = b[c];
      for (let j = 0; j < n; j++) v += W[c * n + j] * X[i * n + j];
      z.push(v);
    }
    let loss: number;
    if (k === 1) {
      const zz = z[0];
      loss = Math.max(zz, 0) + Math.log1p(Math.exp(-Math.abs(zz))) - (y[i] === 1 ? zz : 0);
    } else {
      const mx = Math.max(...z);
      loss = mx + Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0)) - z[y[i]];
    }
    num += s * loss;
    den += s;
  }
  let sq = 0;
  for (const w of W) sq += w * w;
  return num / den + 0.5 * l2 * sq;
}

/** Central finite differences of referenceJ at the record's parameters before the update. */
function finiteDifferenceGrad(data: PreparedDataset, r: StepRecord, l2: number, balanced: boolean) {
  const h = 1e-5;
  const W = r.WBefore.slice();
  const b = r.bBefore.slice();
  const J = () => referenceJ(data, r.batch, W, b, l2, balanced);
  const dW = W.map((w, q) => {
    W[q] = w + h;
    const up = J();
    W[q] = w - h;
    const down = J();
    W[q] = w;
    return (up - down) / (2 * h);
  });
  const db = b.map((v, c) => {
    b[c] = v + h;
    const up = J();
    b[c] = v - h;
    const down = J();
    b[c] = v;
    return (up - down) / (2 * h);
  });
  return { dW, db };
}

function close(actual: number, expected: number, rel: number, abs: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= abs + rel * Math.abs(expected),
    `${what}: ${actual} vs ${expected} (diff ${Math.abs(actual - expected)})`,
  );
}

// ───────────── The course notes' toy problem ─────────────

describe('toy problem of the course notes (numpy reference)', () => {
  const ref = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/toy_seed.json'), 'utf8')) as {
    learningRate: number;
    iterations: number;
    costIterations: number[];
    exactCosts: number[];
    seedCosts: number[];
    W: number[];
    b: number;
    testProbabilities: number[];
    trainAccuracy: number;
    testAccuracy: number;
    float32Inputs: { W: number[]; b: number; exactCosts: number[] };
  };

  test('2000 full-batch iterations from zeros reproduce the costs, weights and accuracies', () => {
    const data = toyDataset();
    assert.deepEqual(data.featureNames, ['x1', 'x2']);
    assert.deepEqual(data.classes, ['0', '1']);
    const s = new TrainingSession(data, { learningRate: ref.learningRate, epochs: ref.iterations, optimizer: 'gd' });
    assert.equal(s.k, 1);
    assert.equal(s.run(1e9), ref.iterations);
    assert.equal(s.iteration, 2000);
    assert.equal(s.done, true);
    const hist = s.history();
    const byIter = new Map(hist.map((p) => [p.iteration, p]));
    ref.costIterations.forEach((it, q) => {
      const p = byIter.get(it);
      assert.ok(p, `history has iteration ${it}`);
      close(p.trainLoss, ref.exactCosts[q], 1e-6, 0, `cost at ${it}`);
      close(p.trainLoss, ref.float32Inputs.exactCosts[q], 1e-7, 0, `cost at ${it} (float32 inputs)`);
      // The notes print the cost (with their ε = 1e-5 in the logs) to 6 decimals.
      close(p.trainLoss, ref.seedCosts[q], 0, 3e-5, `printed cost at ${it}`);
    });
    // Parameters: the snapshot holds the float64 master copy.
    const snap = s.snapshot();
    const [w1, w2] = snap.W;
    const b0 = snap.b[0];
    // Same inputs (X rounded to float32): every parameter to 1e-6 relative.
    close(w1, ref.float32Inputs.W[0], 1e-6, 0, 'w1');
    close(w2, ref.float32Inputs.W[1], 1e-6, 0, 'w2');
    close(b0, ref.float32Inputs.b, 1e-6, 0, 'b');
    // The notes' exact float64 run: (w, b) to 1e-6 relative in norm.
    const diff = Math.hypot(w1 - ref.W[0], w2 - ref.W[1], b0 - ref.b);
    assert.ok(diff <= 1e-6 * Math.hypot(ref.W[0], ref.W[1], ref.b), `‖Δθ‖ = ${diff}`);
    const { W, b } = s.weights();
    assert.deepEqual([W[0], W[1], b[0]], [w1, w2, b0].map(Math.fround));
    const pTest = s.probabilities('test');
    ref.testProbabilities.forEach((p, i) => close(pTest[i], p, 1e-6, 0, `p test ${i}`));
    assert.equal(s.evaluate('train').accuracy * 100, ref.trainAccuracy);
    assert.equal(s.evaluate('test').accuracy * 100, ref.testAccuracy);
    const last = hist[hist.length - 1];
    assert.equal(last.trainAccuracy * 100, ref.trainAccuracy);
    assert.equal(last.testAccuracy! * 100, ref.testAccuracy);
  });

  test('step(): one update; dW matches finite differences; W after = W before − α·dW', () => {
    const data = toyDataset();
    const s = new TrainingSession(data, { learningRate: 0.05 });
    s.run(25);
    const r = s.step();
    assert.equal(s.iteration, 26);
    assert.equal(r.iteration, 26);
    assert.equal(r.epoch, 26);
    assert.equal(r.m, 8);
    assert.deepEqual(r.batch, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(r.k, 1);
    assert.equal(r.alpha, 0.05);
    const fd = finiteDifferenceGrad(data, r, 0, false);
    r.dW.forEach((g, q) => close(g, fd.dW[q], 1e-5, 1e-7, `dW[${q}]`));
    close(r.db[0], fd.db[0], 1e-5, 1e-7, 'db');
    r.WAfter.forEach((w, q) => assert.equal(w, r.WBefore[q] - 0.05 * r.dW[q]));
    assert.equal(r.bAfter[0], r.bBefore[0] - 0.05 * r.db[0]);
    assert.deepEqual(Array.from(s.weights().W), r.WAfter.map(Math.fround));
    close(r.lossBefore, referenceJ(data, r.batch, r.WBefore, r.bBefore, 0, false), 1e-9, 0, 'lossBefore');
    close(r.lossAfter, referenceJ(data, r.batch, r.WAfter, r.bAfter, 0, false), 1e-9, 0, 'lossAfter');
    assert.ok(r.lossAfter < r.lossBefore);
    // Samples: z = w·x + b, a = σ(z), dz = a − y (BCE).
    assert.equal(r.samples.length, 5);
    for (const smp of r.samples) {
      const z = r.WBefore[0] * smp.x[0] + r.WBefore[1] * smp.x[1] + r.bBefore[0];
      close(smp.z[0], z, 1e-6, 1e-7, 'z');
      const a = 1 / (1 + Math.exp(-z));
      close(smp.a[0], a, 1e-6, 1e-7, 'a');
      assert.equal(smp.y, data.train.y[smp.row]);
      close(smp.dz[0], a - smp.y, 1e-6, 1e-7, 'dz');
    }
  });
});

// ───────────── Softmax, mini-batches, optimisers ─────────────

describe('softmax and mini-batches', () => {
  test('mini-batch softmax gradient with L2 and balanced weights matches finite differences', () => {
    const data = iris();
    assert.equal(data.classes.length, 3);
    const cfg = { optimizer: 'momentum' as const, batchSize: 16, learningRate: 0.2, l2: 0.05, classWeight: 'balanced' as const };
    const s = new TrainingSession(data, cfg, { computeOptimum: false });
    assert.equal(s.k, 3);
    s.run(11);
    const r = s.step();
    assert.equal(r.m, 16);
    const fd = finiteDifferenceGrad(data, r, 0.05, true);
    r.dW.forEach((g, q) => close(g, fd.dW[q], 1e-4, 1e-6, `dW[${q}]`));
    r.db.forEach((g, c) => close(g, fd.db[c], 1e-4, 1e-6, `db[${c}]`));
    for (const smp of r.samples) {
      const sum = smp.a.reduce((x, y) => x + y, 0);
      close(sum, 1, 0, 1e-6, 'softmax sums to 1');
      smp.dz.forEach((d, c) => close(d, smp.a[c] - (c === smp.y ? 1 : 0), 1e-6, 1e-7, 'dz = p − onehot'));
    }
  });

  test('every training row is used exactly once per epoch, in a new order each epoch', () => {
    const data = iris();
    const m = data.train.m;
    const s = new TrainingSession(data, { optimizer: 'sgd', batchSize: 7 }, { computeOptimum: false });
    const perEpoch: number[][] = [[], []];
    const sizes: number[] = [];
    while (s.epoch < 2) {
      const e = s.epoch;
      const r = s.step();
      perEpoch[e].push(...r.batch);
      if (e === 0) sizes.push(r.m);
    }
    assert.equal(s.iteration, 2 * Math.ceil(m / 7));
    for (const rows of perEpoch) assert.deepEqual(rows.slice().sort((a, b) => a - b), Array.from({ length: m }, (_, i) => i));
    assert.notDeepEqual(perEpoch[0], perEpoch[1]);
    assert.equal(sizes.filter((x) => x === 7).length, Math.floor(m / 7));
    // stepEpoch finishes the epoch.
    s.step();
    const r = s.stepEpoch();
    assert.equal(s.epoch, 3);
    assert.equal(s.iteration, 3 * Math.ceil(m / 7));
    assert.equal(r.iteration, s.iteration);
    // Per-epoch history for mini-batch: points at epochs 0, 1, 2, 3.
    assert.deepEqual(s.history().map((p) => p.epoch), [0, 1, 2, 3]);
  });

  test('every optimiser lowers the training loss on iris', () => {
    for (const optimizer of ['gd', 'sgd', 'momentum', 'adam'] as const) {
      const s = new TrainingSession(iris(), { optimizer, batchSize: 20, learningRate: optimizer === 'adam' ? 0.05 : 0.2, epochs: 30 }, { computeOptimum: false });
      s.run(1e9);
      const h = s.history();
      assert.ok(h[h.length - 1].trainLoss < 0.5 * h[0].trainLoss, `${optimizer}: ${h[0].trainLoss} → ${h[h.length - 1].trainLoss}`);
      assert.ok(h[h.length - 1].testAccuracy! > 0.8, optimizer);
    }
  });
});

// ───────────── State ─────────────

describe('state: reset, snapshot, history, optimum', () => {
  test('reset restores zeros (or the same seeded random weights)', () => {
    const s = new TrainingSession(toyDataset(), { learningRate: 0.5 });
    s.run(10);
    assert.notEqual(s.weights().W[0], 0);
    s.reset();
    assert.equal(s.iteration, 0);
    assert.equal(s.epoch, 0);
    assert.deepEqual(Array.from(s.weights().W), [0, 0]);
    assert.deepEqual(Array.from(s.weights().b), [0]);
    assert.equal(s.history().length, 1);
    const r = new TrainingSession(iris(), { init: 'random', seed: 3 }, { computeOptimum: false });
    const w0 = Array.from(r.weights().W);
    assert.ok(w0.some((v) => v !== 0) && w0.every((v) => Math.abs(v) < 5 / Math.sqrt(4)));
    assert.deepEqual(Array.from(r.weights().b), [0, 0, 0]);
    r.run(5);
    r.reset();
    assert.deepEqual(Array.from(r.weights().W), w0);
    const other = new TrainingSession(iris(), { init: 'random', seed: 4 }, { computeOptimum: false });
    assert.notDeepEqual(Array.from(other.weights().W), w0);
  });

  test('snapshot → JSON → restore continues identically (Adam, mid-epoch)', () => {
    const data = iris();
    const cfg = { optimizer: 'adam' as const, batchSize: 32, learningRate: 0.05, epochs: 40 };
    const a = new TrainingSession(data, cfg, { computeOptimum: false });
    a.run(9); // 9 updates = 2 epochs of 4 batches + 1
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as SessionSnapshot;
    const b = TrainingSession.restore(data, snap, { computeOptimum: false });
    assert.equal(b.iteration, 9);
    assert.equal(b.epoch, a.epoch);
    const ra = a.step();
    const rb = b.step();
    assert.deepEqual(rb, ra);
    a.run(50);
    b.run(50);
    assert.deepEqual(Array.from(b.weights().W), Array.from(a.weights().W));
    assert.deepEqual(b.history(), a.history());
    assert.equal(b.done, a.done);
    // A snapshot of another dataset is refused.
    assert.throws(() => TrainingSession.restore(toyDataset(), snap), (e: unknown) => e instanceof LabError && e.code === 'schema-mismatch');
  });

  test('history keeps at most about MAX_HISTORY points: first, every stride-th, and the latest', () => {
    const s = new TrainingSession(toyDataset(), { learningRate: 0.05, epochs: 4500 }, { computeOptimum: false });
    s.run(4500);
    const h = s.history();
    assert.ok(h.length <= MAX_HISTORY + 1, `${h.length} points`);
    assert.ok(h.length >= MAX_HISTORY / 2);
    assert.equal(h[0].iteration, 0);
    assert.equal(h[h.length - 1].iteration, 4500);
    const gaps = new Set(h.slice(1).map((p, i) => p.iteration - h[i].iteration));
    assert.deepEqual([...gaps], [4]);
    // Losses decrease monotonically for this small full-batch problem.
    for (let i = 1; i < h.length; i++) assert.ok(h[i].trainLoss <= h[i - 1].trainLoss);
  });

  test('tolerance stops training when the epoch loss changes by less than tol', () => {
    const tol = 1e-4;
    const s = new TrainingSession(toyDataset(), { learningRate: 0.05, epochs: 100000, tolerance: tol }, { computeOptimum: false });
    const n = s.run(1e9);
    assert.ok(s.done);
    assert.ok(n < 100000);
    const h = s.history();
    const last = h[h.length - 1];
    const prev = h[h.length - 2];
    assert.equal(last.iteration, n);
    assert.equal(prev.iteration, n - 1);
    assert.ok(Math.abs(last.trainLoss - prev.trainLoss) < tol);
    assert.ok(Math.abs(prev.trainLoss - h[h.length - 3].trainLoss) >= tol);
  });

  test('distances to the exact optimum shrink as gradient descent converges (λ > 0)', () => {
    const s = new TrainingSession(iris(), { learningRate: 0.5, l2: 0.01, epochs: 3000 });
    const o = s.optimum();
    assert.ok(o && o.converged);
    s.run(1e9);
    const h = s.history();
    assert.ok(h[0].distW !== null && h[0].distB !== null);
    let wNorm = 0;
    for (const w of o.W) wNorm += w * w;
    close(h[0].distW!, Math.sqrt(wNorm), 1e-6, 0, 'distance from zeros = ‖W*‖');
    const last = h[h.length - 1];
    assert.ok(last.distW! < 1e-3 * h[0].distW!, `${h[0].distW} → ${last.distW}`);
    assert.ok(last.distB! < 1e-2 * h[0].distB!, `${h[0].distB} → ${last.distB}`);
    // No optimum for the MSE loss.
    assert.equal(new TrainingSession(iris(), { loss: 'mse' }).optimum(), null);
  });
});

// ───────────── Divergence ─────────────

describe('divergence', () => {
  test('α = 1e6 on unstandardised breast_cancer throws divergence naming the learning rate', () => {
    const data = prepareDataset(sample('breast_cancer.csv'), { target: 'target', standardize: false, testSize: 0.2 });
    const s = new TrainingSession(data, { learningRate: 1e6 }, { computeOptimum: false });
    let err: unknown = null;
    try {
      s.run(1000);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof LabError, String(err));
    assert.equal(err.code, 'divergence');
    assert.match(err.message, /learning rate α = 1000000/);
    // The advice is the stable rate of these data, not α/10 (which may diverge as well): applied, it trains.
    const suggested = /set the learning rate to ([\d.e+-]+) \(1\/L\)/.exec(err.message);
    assert.ok(suggested, err.message);
    assert.match(err.message, /α < 2\/L = /);
    const again = new TrainingSession(data, { learningRate: Number(suggested[1]), epochs: 50 }, { computeOptimum: false });
    again.run(50);
    const costs = again.history().map((p) => p.trainCost);
    for (let t = 1; t < costs.length; t++) assert.ok(costs[t] <= costs[t - 1] + 1e-9, `cost rose at ${t}: ${costs[t - 1]} → ${costs[t]}`);
    assert.match(err.message, new RegExp(`iteration ${s.iteration}\\b`));
    const it = s.iteration;
    const { W, b } = s.weights();
    assert.ok([...W, ...b].every(Number.isFinite));
    assert.equal(s.diverged, err);
    assert.throws(() => s.step(), (e: unknown) => e === err);
    assert.equal(s.iteration, it);
    s.reset();
    assert.equal(s.diverged, null);
    s.setWeights(new Float32Array(data.n), new Float32Array(1));
    assert.ok(s.weights().W.every((v) => v === 0));
  });

  test('a weight overflow is undone and reported', () => {
    // λ = 1e6, α = 1e12 (the largest settings): W ← W(1 − αλ) − α g grows 1e18× per update and overflows float32.
    const s = new TrainingSession(toyDataset(), { learningRate: 1e12, l2: 1e6 }, { computeOptimum: false });
    assert.throws(() => s.run(10), (e: unknown) => e instanceof LabError && e.code === 'divergence');
    assert.ok([...s.weights().W, ...s.weights().b].every(Number.isFinite));
  });
});

// ───────────── Config ─────────────

describe('resolveConfig', () => {
  test('defaults', () => {
    assert.deepEqual(resolveConfig({}), {
      learningRate: 0.1, epochs: 200, batchSize: 0, optimizer: 'gd', momentum: 0.9, beta1: 0.9, beta2: 0.999,
      epsilon: 1e-8, l2: 0, loss: 'bce', classWeight: null, tolerance: 0, seed: 42, init: 'zeros', threshold: 0.5,
      logEvery: 0,
    });
    assert.deepEqual(resolveConfig({ learningRate: undefined, epochs: 5 }), { ...DEFAULT_TRAIN_CONFIG, epochs: 5 });
    assert.equal(resolveConfig({ classWeight: 'none' as never }).classWeight, null);
    assert.equal(resolveConfig({ classWeight: 'balanced' }).classWeight, 'balanced');
  });

  test('bad values name the field, the value and an example', () => {
    const bad = (partial: Record<string, unknown>, re: RegExp) =>
      assert.throws(
        () => resolveConfig(partial as never),
        (e: unknown) => e instanceof LabError && e.code === 'bad-config' && re.test(e.message),
      );
    bad({ learningRate: -1 }, /^learning rate must be a positive number up to 1e12 \(got -1\); set logisticLab\.learningRate to e\.g\. 0\.1$/);
    // Every number is bounded (settings also arrive from the dashboard's form).
    bad({ epochs: 1e12 }, /epochs must be a whole number from 1 to 10000000 \(got 1000000000000\)/);
    bad({ learningRate: 1e300 }, /learning rate/);
    bad({ batchSize: 2 ** 40 }, /batch size/);
    bad({ l2: 1e9 }, /L2/);
    bad({ tolerance: 5 }, /tolerance/);
    bad({ logEvery: 1e15 }, /history interval/);
    bad({ optimizer: 'newton', loss: 'mse' }, /optimizer 'newton' fits the cross-entropy optimum, so it needs loss 'bce'/);
    bad({ learningRate: NaN }, /learning rate.*NaN/);
    bad({ epochs: 2.5 }, /epochs must be a whole number/);
    bad({ batchSize: -3 }, /logisticLab\.batchSize/);
    bad({ optimizer: 'rmsprop' }, /optimizer must be one of.*'newton', 'lbfgs'.*got 'rmsprop'/);
    bad({ momentum: 1 }, /momentum/);
    bad({ beta2: -0.1 }, /β₂/);
    bad({ epsilon: 0 }, /ε/);
    bad({ l2: -1 }, /L2/);
    bad({ loss: 'hinge' }, /loss/);
    bad({ classWeight: 'auto' }, /class weight/);
    bad({ tolerance: -1 }, /tolerance/);
    bad({ seed: -1 }, /seed/);
    bad({ init: 'xavier' }, /initialisation/);
    bad({ threshold: 1.5 }, /threshold/);
    bad({ logEvery: 0.5 }, /history interval/);
    bad({ learningrate: 0.1 }, /unknown training setting 'learningrate'/);
    assert.throws(() => new TrainingSession(toyDataset(), { learningRate: 0 }), (e: unknown) => e instanceof LabError && e.code === 'bad-config');
  });
});

describe('history bookkeeping', () => {
  test('recordedHistory() is history() without the point for the current parameters', () => {
    const s = new TrainingSession(iris(), { optimizer: 'sgd', batchSize: 50, epochs: 10 }, { computeOptimum: false });
    s.run(5); // 3 batches per epoch: 1 epoch + 2 updates
    const rec = s.recordedHistory();
    const all = s.history();
    assert.deepEqual(rec.map((p) => p.epoch), [0, 1]);
    assert.deepEqual(all.slice(0, rec.length), rec);
    assert.equal(all.length, rec.length + 1);
    assert.equal(all[all.length - 1].iteration, 5);
    // Full batch: every point's training loss equals a fresh evaluation at that iteration.
    const a = new TrainingSession(toyDataset(), { learningRate: 0.5 }, { computeOptimum: false });
    a.run(3);
    const losses = a.recordedHistory().map((p) => p.trainLoss);
    assert.equal(losses.length, 4);
    const b = new TrainingSession(toyDataset(), { learningRate: 0.5 }, { computeOptimum: false });
    const fresh: number[] = [];
    for (let t = 0; t <= 3; t++) {
      const W = b.snapshot().W;
      const bias = b.snapshot().b;
      fresh.push(referenceJ(b.data, Array.from({ length: 8 }, (_, i) => i), W.map(Math.fround), bias.map(Math.fround), 0, false));
      if (t < 3) b.step();
    }
    losses.forEach((l, t) => close(l, fresh[t], 1e-9, 0, `loss at ${t}`));
  });
});

describe('step records of large batches stay small', () => {
  test('a full batch of 1438 digits rows lists the first 1024 row indices and the true m', () => {
    const data = prepareDataset(sample('digits.csv'), { target: 'label', testSize: 0.2, seed: 1 });
    assert.ok(data.train.m > 1024);
    const session = new TrainingSession(data, { learningRate: 0.1 }, { computeOptimum: false });
    const r = session.step();
    assert.equal(r.m, data.train.m);
    assert.equal(r.batch.length, 1024);
    assert.deepEqual(r.batch.slice(0, 3), [0, 1, 2]);
    assert.equal(session.iteration, 1);
    assert.equal(session.epoch, 1, 'one full-batch update completes the epoch');
  });
});

describe('evaluate keeps its threshold-free part for the current parameters only', () => {
  test('every threshold, step, step back, goTo, setWeights and reset gives the metrics computed afresh', () => {
    const data = prepareDataset(readCsvFile(join(process.cwd(), 'samples', 'titanic.csv')), { target: 'Survived' });
    const s = new TrainingSession(data, { epochs: 50, learningRate: 0.3 });
    /** The metrics from scratch at the session's parameters: the probabilities, then confusionMetrics and the log loss. */
    const fresh = (split: 'train' | 'test', t: number): ConfusionMetrics => {
      const sp = split === 'train' ? data.train : data.test;
      const cm = confusionMetrics(sp.y, s.probabilities(split), data.classes, t);
      cm.logLoss = s.logLoss(split);
      return cm;
    };
    const check = (what: string): void => {
      for (const t of [0.5, 0.2, 0.8, 0.5]) {
        for (const split of ['train', 'test'] as const) assert.deepEqual(s.evaluate(split, t), fresh(split, t), `${what}, ${split}, threshold ${t}`);
      }
    };
    check('iteration 0');
    const before = s.evaluate('test', 0.5);
    s.step();
    check('after a step');
    assert.notDeepEqual(s.evaluate('test', 0.5).auc, undefined);
    assert.notEqual(s.evaluate('test', 0.5).logLoss, before.logLoss, 'a step changes the loss: nothing stale is kept');
    s.run(10);
    check('after a run');
    s.stepBack();
    check('after a step back');
    s.goTo(3);
    check('after goTo');
    const w = s.weights();
    s.setWeights(w.W.map((v) => v * 0.5), w.b);
    check('after setWeights');
    s.reset();
    check('after reset');
  });
});
