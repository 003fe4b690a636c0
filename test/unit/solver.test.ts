import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExactSolver, solveExact, type SolveOptions, type SolveResult } from '../../src/engine/solve/solver';
import { Objective } from '../../src/engine/model/objective';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { createWasmKernel } from '../../src/engine/kernels/kernel-wasm';
import { createParallelKernel, stopKernelThreads } from '../../src/engine/node/parallel-kernel';
import type { LinearKernel, Split } from '../../src/engine/types';

after(() => stopKernelThreads());

/** Optimum computed by scikit-learn (scripts/fixtures/sklearn_optimum.py). */
interface Fixture {
  name: string;
  m: number;
  n: number;
  k: number;
  classes: string[];
  lambda: number;
  classWeight: 'balanced' | null;
  X: number[];
  y: number[];
  coef: number[][];
  intercept: number[];
  gradNorm: number;
}

function loadFixture(name: string): { fx: Fixture; split: Split } {
  const fx = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'sklearn', `${name}.json`), 'utf8')) as Fixture;
  const split: Split = {
    X: Float32Array.from(fx.X),
    y: Int32Array.from(fx.y),
    m: fx.m,
    sourceRows: Int32Array.from({ length: fx.m }, (_, i) => i),
  };
  return { fx, split };
}

function optsOf(fx: Fixture, extra: Partial<SolveOptions> = {}): SolveOptions {
  return { l2: fx.lambda, classWeight: fx.classWeight, numClasses: fx.classes.length, ...extra };
}

/** max |ours − sklearn| over all weights and intercepts, relative to max |coef|. */
function relativeError(fx: Fixture, W: Float64Array, b: Float64Array): number {
  const n = fx.n;
  let maxCoef = 0;
  let maxDiff = 0;
  fx.coef.forEach((row, c) => row.forEach((v, j) => {
    maxCoef = Math.max(maxCoef, Math.abs(v));
    maxDiff = Math.max(maxDiff, Math.abs(W[c * n + j] - v));
  }));
  fx.intercept.forEach((v, c) => { maxDiff = Math.max(maxDiff, Math.abs(b[c] - v)); });
  return maxDiff / maxCoef;
}

const FIXTURES = [
  'breast_cancer_l2_0.1',
  'breast_cancer_l2_0.01',
  'breast_cancer_l2_0.01_balanced',
  'iris_l2_0.1',
  'iris_l2_0.01',
  'iris_unbalanced_l2_0.01_balanced',
];

describe('solveExact matches scikit-learn', () => {
  for (const name of FIXTURES) {
    test(name, () => {
      const { fx, split } = loadFixture(name);
      assert.ok(fx.gradNorm < 1e-8, 'the fixture itself is an optimum');
      const res = solveExact(split, fx.k, optsOf(fx));
      assert.equal(res.W.length, fx.k * fx.n);
      assert.equal(res.b.length, fx.k);
      assert.ok(res.converged, `converged (gradNorm ${res.gradNorm})`);
      assert.ok(res.gradNorm < 1e-9, `gradNorm ${res.gradNorm}`);
      assert.equal(res.separable, false);
      const err = relativeError(fx, res.W, res.b);
      assert.ok(err < 1e-4, `relative difference to scikit-learn ${err}`);

      // Independent check that the solver minimises Objective's J: its float32 gradient at W* is ~0.
      const obj = new Objective(split, fx.k, { loss: 'bce', l2: fx.lambda, classWeight: fx.classWeight, numClasses: fx.classes.length });
      const gW = new Float32Array(fx.k * fx.n);
      const gB = new Float32Array(fx.k);
      const J = obj.evaluate(Float32Array.from(res.W), Float32Array.from(res.b), null, gW, gB);
      let g2 = 0;
      for (const v of gW) g2 += v * v;
      for (const v of gB) g2 += v * v;
      assert.ok(Math.sqrt(g2) < 1e-5, `Objective gradient at the optimum ${Math.sqrt(g2)}`);
      assert.ok(Math.abs(J - res.objective) < 1e-6, `J ${J} vs solver objective ${res.objective}`);
    });
  }

  test('L-BFGS and Newton with a subsampled Hessian preconditioner reach the same optimum', () => {
    for (const name of ['breast_cancer_l2_0.01', 'iris_l2_0.01']) {
      const { fx, split } = loadFixture(name);
      const lb = solveExact(split, fx.k, optsOf(fx, { method: 'lbfgs' }));
      assert.equal(lb.method, 'lbfgs');
      assert.ok(lb.converged, `${name} L-BFGS converged (gradNorm ${lb.gradNorm})`);
      assert.ok(relativeError(fx, lb.W, lb.b) < 1e-4, `${name} L-BFGS`);
      const sub = solveExact(split, fx.k, optsOf(fx, { method: 'newton', hessianBudget: 1 }));
      assert.equal(sub.method, 'newton');
      assert.ok(sub.converged, `${name} subsampled Newton converged (gradNorm ${sub.gradNorm})`);
      assert.ok(relativeError(fx, sub.W, sub.b) < 1e-4, `${name} subsampled Newton`);
    }
  });
});

/** max |θ_a − θ_b| / max |θ_b| over W and b. */
function relativeDistance(a: SolveResult, b: SolveResult): number {
  let scale = 0;
  let diff = 0;
  for (let q = 0; q < b.W.length; q++) {
    scale = Math.max(scale, Math.abs(b.W[q]));
    diff = Math.max(diff, Math.abs(a.W[q] - b.W[q]));
  }
  for (let c = 0; c < b.b.length; c++) {
    scale = Math.max(scale, Math.abs(b.b[c]));
    diff = Math.max(diff, Math.abs(a.b[c] - b.b[c]));
  }
  return diff / scale;
}

/** The kernels the session can train with; the parallel one split across threads even for these small data. */
const KERNELS: Array<[string, LinearKernel]> = [
  ['TypeScript reference kernel', jsKernel],
  ['WebAssembly SIMD kernel', createWasmKernel()],
  ['parallel kernel, 2 threads', createParallelKernel({ threads: 2, minParallelWork: 0 })],
  ['parallel kernel, 3 threads', createParallelKernel({ threads: 3, minParallelWork: 0 })],
];

describe('solveExact with the passes on the kernel layer', () => {
  for (const [label, kernel] of KERNELS) {
    describe(label, () => {
      for (const name of FIXTURES) {
        test(`${name}: the scikit-learn optimum, ‖∇J‖ ≤ 1e-9, and the float64 TypeScript solver's optimum`, () => {
          const { fx, split } = loadFixture(name);
          const res = solveExact(split, fx.k, optsOf(fx, { kernel }));
          assert.equal(res.method, 'newton');
          assert.ok(res.converged, `converged (gradNorm ${res.gradNorm})`);
          assert.ok(res.gradNorm <= 1e-9, `gradNorm ${res.gradNorm}`);
          assert.equal(res.separable, false);
          const err = relativeError(fx, res.W, res.b);
          assert.ok(err < 1e-5, `relative difference to scikit-learn ${err}`);
          const ref = solveExact(split, fx.k, optsOf(fx));
          assert.ok(relativeDistance(res, ref) < 1e-9, `distance to the reference solver's optimum ${relativeDistance(res, ref)}`);
          assert.ok(Math.abs(res.objective - ref.objective) <= 1e-14 * Math.abs(ref.objective), `J ${res.objective} vs ${ref.objective}`);
        });
      }

      test('L-BFGS and Newton with a subsampled Hessian preconditioner reach the same optimum', () => {
        for (const name of ['breast_cancer_l2_0.01', 'iris_l2_0.01', 'iris_unbalanced_l2_0.01_balanced']) {
          const { fx, split } = loadFixture(name);
          const lb = solveExact(split, fx.k, optsOf(fx, { method: 'lbfgs', kernel }));
          assert.equal(lb.method, 'lbfgs');
          assert.ok(lb.converged && lb.gradNorm <= 1e-9, `${name} L-BFGS converged (gradNorm ${lb.gradNorm})`);
          assert.ok(relativeError(fx, lb.W, lb.b) < 1e-5, `${name} L-BFGS`);
          const sub = solveExact(split, fx.k, optsOf(fx, { method: 'newton', hessianBudget: 1, kernel }));
          assert.ok(sub.converged && sub.gradNorm <= 1e-9, `${name} subsampled Newton converged (gradNorm ${sub.gradNorm})`);
          assert.ok(relativeError(fx, sub.W, sub.b) < 1e-5, `${name} subsampled Newton`);
        }
      });

      test('hand-checked and degenerate cases: intercept-only models, separable data', () => {
        const noFeatures = (y: number[]): Split => ({
          X: new Float32Array(0), y: Int32Array.from(y), m: y.length, sourceRows: Int32Array.from(y, (_, i) => i),
        });
        const bin = solveExact(noFeatures([1, 1, 1, 0]), 1, { l2: 0, classWeight: null, numClasses: 2, tol: 1e-13, kernel });
        assert.ok(bin.converged && Math.abs(bin.b[0] - Math.log(3)) < 1e-10, `b ${bin.b[0]}`);
        const y = [0, 1, 1, 2, 2, 2, 2, 2];
        const sm = solveExact(noFeatures(y), 3, { l2: 0, classWeight: null, numClasses: 3, tol: 1e-13, kernel });
        const logs = [1, 2, 5].map((c) => Math.log(c / 8));
        const mean = (logs[0] + logs[1] + logs[2]) / 3;
        for (let c = 0; c < 3; c++) assert.ok(Math.abs(sm.b[c] - (logs[c] - mean)) < 1e-10, `b${c} ${sm.b[c]}`);
        const sep: Split = {
          X: Float32Array.from([-2, 0.5, -1, -0.3, 1, 0.2, 2, -1]), y: Int32Array.from([0, 0, 1, 1]), m: 4,
          sourceRows: Int32Array.from([0, 1, 2, 3]),
        };
        for (const k of [1, 2]) {
          const r = solveExact(sep, k, { l2: 0, classWeight: null, numClasses: 2, maxIter: 50, kernel });
          assert.equal(r.converged, false);
          assert.equal(r.separable, true);
        }
        const reg = solveExact(sep, 1, { l2: 0.1, classWeight: null, numClasses: 2, kernel });
        assert.ok(reg.converged && !reg.separable);
      });
    });
  }

  test('the parallel kernel: the same bits on every run, iteration by iteration', () => {
    const kernel = KERNELS[2][1];
    for (const name of ['breast_cancer_l2_0.01_balanced', 'iris_l2_0.01']) {
      const { fx, split } = loadFixture(name);
      const runs = [0, 1].map(() => {
        const solver = new ExactSolver(split, fx.k, optsOf(fx, { kernel }));
        const trace: number[] = [solver.objective, solver.gradNorm];
        while (solver.step() !== null) trace.push(solver.objective, solver.gradNorm, ...solver.parameters);
        return trace;
      });
      assert.deepEqual(runs[1], runs[0], name);
    }
  });
});

describe('solveExact: hand-checked and degenerate cases', () => {
  const noFeatures = (y: number[]): Split => ({
    X: new Float32Array(0), y: Int32Array.from(y), m: y.length, sourceRows: Int32Array.from(y, (_, i) => i),
  });

  test('intercept-only binary model: b* = logit(mean y) = ln 3 for y = 1,1,1,0', () => {
    const res = solveExact(noFeatures([1, 1, 1, 0]), 1, { l2: 0, classWeight: null, numClasses: 2, tol: 1e-13 });
    assert.ok(res.converged);
    assert.ok(Math.abs(res.b[0] - Math.log(3)) < 1e-10, `b ${res.b[0]}`);
    // J* = BCE of predicting 3/4 for every row = −(3 ln ¾ + ln ¼)/4.
    assert.ok(Math.abs(res.objective - -(3 * Math.log(0.75) + Math.log(0.25)) / 4) < 1e-14);
  });

  test('intercept-only binary model with balanced weights: b* = 0 (classes weigh the same)', () => {
    const res = solveExact(noFeatures([1, 1, 1, 0]), 1, { l2: 0, classWeight: 'balanced', numClasses: 2, tol: 1e-13 });
    // Weights are float32 like Objective's: the positive mass 3·fround(4/6) = 2 + 6e-8 vs the negative mass 2,
    // so b* = ln((2 + 6e-8) / 2) ≈ 3e-8.
    assert.ok(Math.abs(res.b[0] - Math.log((3 * Math.fround(4 / 6)) / 2)) < 1e-12, `b ${res.b[0]}`);
    assert.ok(Math.abs(res.b[0]) < 1e-7);
  });

  test('intercept-only softmax model: b*_c = ln(freq_c) − mean, summing to 0', () => {
    const y = [0, 1, 1, 2, 2, 2, 2, 2];
    const res = solveExact(noFeatures(y), 3, { l2: 0, classWeight: null, numClasses: 3, tol: 1e-13 });
    assert.ok(res.converged);
    const logs = [1, 2, 5].map((c) => Math.log(c / 8));
    const mean = (logs[0] + logs[1] + logs[2]) / 3;
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(res.b[c] - (logs[c] - mean)) < 1e-10, `b${c} ${res.b[c]}`);
  });

  test('separable data with λ = 0: no finite optimum, converged = false', () => {
    const split: Split = {
      X: Float32Array.from([-2, 0.5, -1, -0.3, 1, 0.2, 2, -1]), y: Int32Array.from([0, 0, 1, 1]), m: 4,
      sourceRows: Int32Array.from([0, 1, 2, 3]),
    };
    const res = solveExact(split, 1, { l2: 0, classWeight: null, numClasses: 2, maxIter: 50 });
    assert.equal(res.converged, false);
    assert.equal(res.separable, true);
    assert.ok(res.W[0] > 0, 'the separating direction');
    // The same data with a penalty has a finite optimum.
    const reg = solveExact(split, 1, { l2: 0.1, classWeight: null, numClasses: 2 });
    assert.ok(reg.converged && !reg.separable);
    const sm = solveExact(split, 2, { l2: 0, classWeight: null, numClasses: 2, maxIter: 50 });
    assert.equal(sm.converged, false);
    assert.equal(sm.separable, true);
  });

  test('non-separable data with λ = 0: finite optimum; softmax with 2 classes equals the binary model', () => {
    // y is not a threshold function of x: overlapping classes.
    const xs = [-2, -1, -0.5, 0, 0.3, 0.8, 1.5, 2.2, -0.2, 1.0];
    const ys = [0, 0, 1, 0, 1, 0, 1, 1, 1, 0];
    const split: Split = {
      X: Float32Array.from(xs), y: Int32Array.from(ys), m: xs.length, sourceRows: Int32Array.from(xs, (_, i) => i),
    };
    const bin = solveExact(split, 1, { l2: 0, classWeight: null, numClasses: 2 });
    assert.ok(bin.converged && !bin.separable, `gradNorm ${bin.gradNorm}`);
    // Optimality condition by central differences of the exact objective (independent of the solver's gradient).
    const J = (w: number, b: number) => {
      let s = 0;
      for (let i = 0; i < xs.length; i++) {
        const z = w * Math.fround(xs[i]) + b;
        s += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - ys[i] * z;
      }
      return s / xs.length;
    };
    const h = 1e-5;
    const [w, b] = [bin.W[0], bin.b[0]];
    assert.ok(Math.abs((J(w + h, b) - J(w - h, b)) / (2 * h)) < 1e-8);
    assert.ok(Math.abs((J(w, b + h) - J(w, b - h)) / (2 * h)) < 1e-8);
    assert.ok(Math.abs(bin.objective - J(w, b)) < 1e-14);
    // Softmax with K = 2 (centred): W_1 − W_0 = w, b_1 − b_0 = b.
    const sm = solveExact(split, 2, { l2: 0, classWeight: null, numClasses: 2 });
    assert.ok(sm.converged);
    assert.ok(Math.abs(sm.W[1] - sm.W[0] - w) < 1e-7 && Math.abs(sm.W[0] + sm.W[1]) < 1e-12);
    assert.ok(Math.abs(sm.b[1] - sm.b[0] - b) < 1e-7 && Math.abs(sm.b[0] + sm.b[1]) < 1e-12);
  });
});

describe('gradient descent with Objective approaches the solver optimum', () => {
  for (const [name, lr, iters] of [['iris_l2_0.1', 0.5, 300], ['breast_cancer_l2_0.1', 0.25, 600]] as Array<[string, number, number]>) {
    test(`${name}: lr ${lr}, ${iters} full-batch steps`, () => {
      const { fx, split } = loadFixture(name);
      const opt = solveExact(split, fx.k, optsOf(fx));
      const obj = new Objective(split, fx.k, { loss: 'bce', l2: fx.lambda, classWeight: null, numClasses: fx.classes.length });
      const W = new Float32Array(fx.k * fx.n);
      const b = new Float32Array(fx.k);
      const gW = new Float32Array(W.length);
      const gB = new Float32Array(b.length);
      const dist = () => {
        let s = 0;
        for (let q = 0; q < W.length; q++) s += (W[q] - opt.W[q]) ** 2;
        for (let c = 0; c < b.length; c++) s += (b[c] - opt.b[c]) ** 2;
        return Math.sqrt(s);
      };
      const checkpoints: number[] = [dist()];
      let prevJ = Infinity;
      for (let t = 1; t <= iters; t++) {
        const J = obj.evaluate(W, b, null, gW, gB);
        assert.ok(J <= prevJ + 1e-6, `J increased at step ${t}: ${prevJ} → ${J}`);
        prevJ = J;
        for (let q = 0; q < W.length; q++) W[q] -= lr * gW[q];
        for (let c = 0; c < b.length; c++) b[c] -= lr * gB[c];
        if (t % (iters / 6) === 0) checkpoints.push(dist());
      }
      for (let c = 1; c < checkpoints.length; c++) {
        // Strictly shrinking until float32 parameters hit their rounding floor (~1e-6 here).
        const ok = checkpoints[c] < checkpoints[c - 1] || checkpoints[c] < 1e-5;
        assert.ok(ok, `distance shrinking: ${checkpoints.join(', ')}`);
      }
      assert.ok(checkpoints[checkpoints.length - 1] < 1e-2, `final distance ${checkpoints[checkpoints.length - 1]}`);
      assert.ok(prevJ >= opt.objective - 1e-6, 'no iterate beats the optimum');
    });
  }
});
