import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { exactFitMethod } from '../../src/engine/config';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { createWasmKernel } from '../../src/engine/kernels/kernel-wasm';
import { Objective } from '../../src/engine/model/objective';
import {
  assessConvergence,
  baselineSummary,
  gramTopEigenvalue,
  hasFullColumnRank,
  roundDownRate,
  smoothnessBound,
} from '../../src/engine/train/convergence';
import type { PreparedDataset, Split } from '../../src/engine/types';

const sample = (name: string) => readCsvFile(join(process.cwd(), 'samples', name));
const titanic = prepareDataset(sample('titanic.csv'), { target: 'Survived' }, 'titanic.csv');

function split(rows: number[][], y: number[]): Split {
  return { X: Float32Array.from(rows.flat()), y: Int32Array.from(y), m: rows.length, sourceRows: Int32Array.from(y.map((_, i) => i)) };
}

/** Train until done (or divergence) and return the session. */
function trained(data: PreparedDataset, config: ConstructorParameters<typeof TrainingSession>[1]): TrainingSession {
  const s = new TrainingSession(data, config);
  try {
    while (!s.done) s.run(100_000);
  } catch {
    // divergence: the verdict reports it
  }
  return s;
}

describe('smoothness bound L = c·λmax(X̃ᵀX̃/m) + λ', () => {
  test('λmax of a design with orthogonal columns is its largest mean square', () => {
    // X̃ = [x, 1] with x = ±2 balanced: X̃ᵀX̃/m = diag(4, 1).
    const s = split([[2], [-2], [2], [-2]], [0, 1, 0, 1]);
    assert.ok(Math.abs(gramTopEigenvalue(s, null) - 4) < 4e-5);
    assert.ok(Math.abs((smoothnessBound(s, 1, 'bce', 0.5, null) ?? 0) - (0.25 * 4 + 0.5)) < 1e-5);
    assert.ok(Math.abs((smoothnessBound(s, 3, 'bce', 0, null) ?? 0) - 0.5 * 4) < 2e-5);
  });

  test('on the kernels (exactHessVec with curvature 1) λmax equals the float64 loops to 1e-5, with weights and sampled rows', () => {
    let seed = 11;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
    // 3000 × 12 (all rows) and 40,000 × 120 (beyond the work budget: evenly spaced rows), skewed columns.
    for (const [m, n] of [[3000, 12], [40_000, 120]] as const) {
      const X = Float32Array.from({ length: m * n }, (_, q) => rnd() * (1 + (q % n)) + (q % n === 0 ? 3 : 0));
      const sp: Split = { X, y: new Int32Array(m), m, sourceRows: new Int32Array(m) };
      const weights = Float32Array.from({ length: m }, () => 0.5 + rnd() + 0.5);
      for (const w of [null, weights]) {
        const plain = gramTopEigenvalue(sp, w);
        for (const kernel of [jsKernel, createWasmKernel()]) {
          const got = gramTopEigenvalue(sp, w, 50, kernel);
          assert.ok(Math.abs(got - plain) <= 1e-5 * plain, `${kernel.name} m=${m} n=${n} weights=${w !== null}: ${got} vs ${plain}`);
        }
      }
    }
  });

  test('bounds the curvature of J along random directions (finite differences of the gradient)', () => {
    for (const [data, k] of [[titanic, 1]] as const) {
      const L = smoothnessBound(data.train, k, 'bce', 0, null) ?? 0;
      const obj = new Objective(data.train, k, { loss: 'bce', l2: 0, classWeight: null, numClasses: 2 });
      const n = data.n;
      let worst = 0;
      let seed = 7;
      const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
      for (let trial = 0; trial < 20; trial++) {
        const W = Float32Array.from({ length: n }, () => rnd() * 0.2);
        const b = Float32Array.of(0);
        const v = Float64Array.from({ length: n + 1 }, rnd);
        const nv = Math.hypot(...v);
        const h = 1e-3;
        const g0 = new Float32Array(n);
        const gb0 = new Float32Array(1);
        obj.evaluate(W, b, null, g0, gb0);
        const W1 = Float32Array.from(W, (w, j) => w + (h * v[j]) / nv);
        const b1 = Float32Array.of((h * v[n]) / nv);
        const g1 = new Float32Array(n);
        const gb1 = new Float32Array(1);
        obj.evaluate(W1, b1, null, g1, gb1);
        let curv = 0;
        for (let j = 0; j < n; j++) curv += ((g1[j] - g0[j]) / h) * (v[j] / nv);
        curv += ((gb1[0] - gb0[0]) / h) * (v[n] / nv);
        worst = Math.max(worst, curv);
      }
      assert.ok(worst > 0 && worst <= L * 1.001, `curvature ${worst} vs L ${L}`);
    }
  });

  test('rates are rounded down to two significant digits', () => {
    assert.equal(roundDownRate(1.8826), 1.8);
    assert.equal(roundDownRate(0.0004567), 0.00045);
    assert.equal(roundDownRate(12.99), 12);
  });
});

describe('uniqueness of the optimum and the baseline', () => {
  test('[X 1] has full column rank with reference coding, not with full coding (indicators sum to the bias)', () => {
    assert.equal(hasFullColumnRank(titanic.train), true);
    const full = prepareDataset(sample('titanic.csv'), { target: 'Survived', encoding: 'full' }, 'titanic.csv');
    assert.equal(hasFullColumnRank(full.train), false);
    assert.equal(hasFullColumnRank(split([[1, 2], [2, 4], [3, 6]], [0, 1, 0])), false, 'proportional columns');
    assert.equal(hasFullColumnRank(split([[0], [0], [0]], [0, 1, 0])), false, 'zero column');
  });

  test('full coding without L2: no distance to the optimum is recorded; with L2 it is', () => {
    const full = prepareDataset(sample('titanic.csv'), { target: 'Survived', encoding: 'full' }, 'titanic.csv');
    const s = trained(full, { epochs: 20 });
    assert.equal(s.optimumUnique(), false);
    assert.ok(s.history().every((p) => p.distW === null && p.gap !== null));
    const r = trained(full, { epochs: 20, l2: 0.01 });
    assert.equal(r.optimumUnique(), true);
    assert.ok(r.history().every((p) => p.distW !== null));
  });

  test('majority-class baseline: accuracy and prior log loss counted by hand', () => {
    const b = baselineSummary(['a', 'b', 'c'], Int32Array.of(0, 1, 1, 1, 2), Int32Array.of(1, 2));
    assert.equal(b.majorityClass, 'b');
    assert.equal(b.trainAccuracy, 3 / 5);
    assert.equal(b.testAccuracy, 1 / 2);
    const train = -(Math.log(1 / 5) + 3 * Math.log(3 / 5) + Math.log(1 / 5)) / 5;
    assert.ok(Math.abs(b.trainLoss - train) < 1e-15);
    assert.ok(Math.abs((b.testLoss ?? 0) - -(Math.log(3 / 5) + Math.log(1 / 5)) / 2) < 1e-15);
  });
});

describe('convergence verdict', () => {
  test('a small α stops far from the optimum: not-converged, with the stable bound; the suggested α trains monotonically', () => {
    const s = trained(titanic, { learningRate: 0.01, epochs: 100 });
    const c = s.convergence();
    assert.equal(c.verdict, 'not-converged');
    assert.ok(c.final);
    assert.ok(c.lossGap !== null && c.lossGap > 1e-3, `gap ${c.lossGap}`);
    assert.ok(c.stableRate !== null && c.suggestedRate !== null);
    assert.match(c.advice, /2\/L = /);
    assert.match(c.advice, new RegExp(`try α = ${String(c.suggestedRate).replace('.', '\\.')}`));
    assert.match(c.advice, /newton/);
    const better = trained(titanic, { learningRate: c.suggestedRate ?? 0, epochs: 100 });
    const costs = better.history().map((p) => p.trainCost);
    for (let t = 1; t < costs.length; t++) assert.ok(costs[t] <= costs[t - 1] + 1e-12, `rose at ${t}`);
    const after = better.convergence();
    assert.ok((after.lossGap ?? 1) < (c.lossGap ?? 0) / 10, `gap ${after.lossGap} vs ${c.lossGap}`);
  });

  test('α far above 2/L: oscillating (cost above its start) or diverged, never converged', () => {
    const L = smoothnessBound(titanic.train, 1, 'bce', 0, null) ?? 0;
    for (const factor of [25, 500, 1e7]) {
      const s = trained(titanic, { learningRate: (2 / L) * factor, epochs: 200 });
      const v = s.convergence();
      assert.ok(v.verdict === 'oscillating' || v.verdict === 'diverged', `${factor}: ${v.verdict}`);
      assert.match(v.advice, /try α = /);
    }
    const huge = trained(titanic, { learningRate: 1e8, epochs: 200 });
    assert.equal(huge.convergence().verdict, huge.diverged ? 'diverged' : 'oscillating');
  });

  test('Newton converges in a few steps to the optimum; each update is W := W + t·p with p ≈ −H⁻¹∇J', () => {
    const s = new TrainingSession(titanic, { optimizer: 'newton' });
    const first = s.step();
    const so = first.secondOrder;
    assert.ok(so && so.method === 'newton');
    const before = [...first.WBefore, ...first.bBefore];
    const after = [...first.WAfter, ...first.bAfter];
    after.forEach((v, q) => assert.ok(Math.abs(v - (before[q] + so.stepSize * so.direction[q])) < 1e-12, `θ ${q}`));
    // H p = −g checked by a finite difference of the float64 gradient along p: ∇J(θ + εp) − ∇J(θ) ≈ ε H p.
    const obj = new Objective(titanic.train, 1, { loss: 'bce', l2: 0, classWeight: null, numClasses: 2 });
    const n = titanic.n;
    const eps = 1e-3;
    const gAt = (theta: number[]): number[] => {
      const gW = new Float32Array(n);
      const gB = new Float32Array(1);
      obj.evaluate(Float32Array.from(theta.slice(0, n)), Float32Array.of(theta[n]), null, gW, gB);
      return [...gW, gB[0]];
    };
    const g0 = gAt(before);
    const g1 = gAt(before.map((v, q) => v + eps * so.direction[q]));
    const g = [...first.dW, ...first.db];
    const res = g1.map((v, q) => (v - g0[q]) / eps + g[q]);
    assert.ok(Math.hypot(...res) < 0.05 * Math.hypot(...g), `‖Hp + g‖ ${Math.hypot(...res)} vs ‖g‖ ${Math.hypot(...g)}`);
    while (!s.done) s.step();
    assert.ok(s.iteration <= 15, `${s.iteration} Newton steps`);
    const v = s.convergence();
    assert.equal(v.verdict, 'converged');
    assert.ok((v.lossGap ?? 1) < 1e-9);
    const gd = trained(titanic, {});
    assert.equal(gd.convergence().verdict, 'not-converged', 'the default gradient descent run does not get there');
  });

  test('separable training rows without L2: no-finite-optimum, and with L2 a finite optimum', () => {
    const data = prepareDataset(
      readCsvFromText('x,y\n-2,a\n-1,a\n-0.5,a\n0.5,b\n1,b\n2,b'),
      { target: 'y', testSize: 0 },
    );
    const s = trained(data, { epochs: 200, learningRate: 1 });
    assert.equal(s.convergence().verdict, 'no-finite-optimum');
    assert.match(s.convergence().advice, /L2/);
    const r = trained(data, { optimizer: 'newton', l2: 0.1 });
    assert.equal(r.convergence().verdict, 'converged');
  });

  test('the loss on the Training and Evaluation views is one number (log loss from the scores, no penalty)', () => {
    const s = trained(titanic, { epochs: 30, l2: 0.05, classWeight: 'balanced' });
    const last = s.history().at(-1);
    assert.ok(last);
    assert.equal(last.testLoss, s.evaluate('test').logLoss);
    assert.equal(last.trainLoss, s.evaluate('train').logLoss);
    // The cost J includes the class weights and the penalty: another number, labelled so.
    assert.ok(last.trainCost > last.trainLoss - 0.1 && last.trainCost !== last.trainLoss);
  });
});

function readCsvFromText(text: string) {
  // The reader is exercised on files elsewhere; here a tiny table is enough.
  const lines = text.split('\n').map((l) => l.split(','));
  const [head, ...rows] = lines;
  return {
    columns: head.map((name, j) =>
      j === 0
        ? { kind: 'numeric' as const, name, values: Float64Array.from(rows, (r) => Number(r[j])), missing: 0 }
        : { kind: 'categorical' as const, name, codes: Int32Array.from(rows, (r) => (r[j] === 'a' ? 0 : 1)), levels: ['a', 'b'], missing: 0 },
    ),
    rowCount: rows.length,
    delimiter: ',',
    hasHeader: true,
  };
}

describe('verdict at the optimum', () => {
  test('cost jitter at float32 rounding next to J* is converged, not oscillating; a real rise still is', () => {
    // A long full-batch run that reached J*: the cost moves by ~1e-9 up and down (float32 weights).
    const jStar = 0.4425131638;
    const costs = Array.from({ length: 400 }, (_, t) => ({
      iteration: t * 100, epoch: t * 100, cost: t === 0 ? Math.LN2 : jStar + 1e-9 * (1 + 3 * (t % 2)),
    }));
    const base = {
      optimizer: 'gd' as const, learningRate: 0.1, epochs: 40_000, l2: 0, fullBatch: true, iteration: 39_900, epoch: 39_900,
      done: true, diverged: false, startCost: Math.LN2, gradNorm: 7e-8, smoothness: 0.53, curvature: 0.25,
      optimum: { cost: jStar, converged: true, separable: false }, exactMethod: 'newton' as const,
    };
    const v = assessConvergence({ ...base, cost: costs[costs.length - 1].cost, costs });
    assert.equal(v.verdict, 'converged', v.advice);
    // The same run with rises of 1e-4 in its second half oscillates.
    const bumpy = costs.map((p, t) => (t > 200 ? { ...p, cost: jStar + 1e-3 + 1e-4 * (t % 2) } : p));
    assert.equal(assessConvergence({ ...base, cost: bumpy[bumpy.length - 1].cost, costs: bumpy }).verdict, 'oscillating');
  });
});

describe('the exact fit the advice offers is the one its button runs', () => {
  /** A softmax session on random data with k classes and n features, after a few gradient-descent epochs. */
  function advice(k: number, n: number): string {
    let s = 7;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const m = 40 * k;
    const X = Float32Array.from({ length: m * n }, () => rnd() - 0.5);
    const y = Int32Array.from({ length: m }, (_, i) => i % k);
    const train: Split = { X, y, m, sourceRows: Int32Array.from({ length: m }, (_, i) => i) };
    const names = Array.from({ length: n }, (_, j) => `f${j}`);
    const data: PreparedDataset = {
      target: 'y', classes: Array.from({ length: k }, (_, c) => String(c)), featureNames: names, n,
      train, test: { X: new Float32Array(0), y: new Int32Array(0), m: 0, sourceRows: new Int32Array(0) },
      report: [], preprocessing: { target: 'y', features: names.map((name) => ({ kind: 'numeric', name, source: name, fill: 0, center: 0, scale: 1 })) },
      rows: m,
    };
    const session = new TrainingSession(data, { epochs: 3, learningRate: 0.05, l2: 0.01 }, { computeOptimum: false });
    while (!session.done) session.run(100);
    return session.convergence().advice;
  }
  test('Newton up to NEWTON_MAX_PARAMS parameters, L-BFGS above (exactFitMethod)', () => {
    // 10 classes × (150 + 1) = 1510 parameters: Newton; 10 × (250 + 1) = 2510: L-BFGS.
    assert.equal(exactFitMethod(10 * 151), 'newton');
    assert.equal(exactFitMethod(10 * 251), 'lbfgs');
    const small = advice(10, 150);
    const large = advice(10, 250);
    assert.match(small, /optimizer newton: about 10 steps/, small);
    assert.match(large, /optimizer lbfgs/, large);
    assert.doesNotMatch(large, /newton:/, 'no Newton advice for a model too large for its Hessian');
  });
});
