/**
 * The loss landscape: J over two parameters equals the training objective evaluated directly (Objective.evaluate,
 * the optimiser's own J) with those parameters set, for binary and softmax models, both losses, λ > 0 and class
 * weights; the BCE and MSE slices equal J along the parameter; the path is the parameters the run really had
 * (equal to the weights after going back to each recorded iteration).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { Objective } from '../../src/engine/model/objective';
import { objectiveGrid, objectiveSlice, type LandscapeInput } from '../../src/engine/model/landscape';
import { TrainingSession } from '../../src/engine/train/session';
import { landscapeView, LANDSCAPE_CELLS } from '../../src/engine/train/view-state';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import type { LossKind, PreparedDataset } from '../../src/engine/types';

const sample = (name: string): string => join(process.cwd(), 'samples', name);
const load = (name: string, target: string): PreparedDataset => prepareDataset(readCsvFile(sample(name)), { target }, sample(name));

function direct(data: PreparedDataset, k: number, theta: Float32Array, loss: LossKind, l2: number, classWeight: 'balanced' | null): number {
  const n = data.n;
  const obj = new Objective(data.train, k, { loss, l2, classWeight, numClasses: data.classes.length }, jsKernel);
  return obj.evaluate(theta.subarray(0, k * n), theta.subarray(k * n), null);
}

for (const [name, target] of [['titanic.csv', 'Survived'], ['iris.csv', 'species'], ['digits.csv', 'label']] as const) {
  test(`${name}: J on the grid equals the objective evaluated directly (both losses, λ, class weights)`, () => {
    const data = load(name, target);
    const K = data.classes.length;
    const k = K === 2 ? 1 : K;
    const n = data.n;
    for (const [loss, l2, classWeight] of [['bce', 0, null], ['mse', 0.05, null], ['bce', 0.01, 'balanced']] as const) {
      const session = new TrainingSession(data, { loss, l2, classWeight, learningRate: 0.5, epochs: 20 }, { kernel: jsKernel });
      session.run(7);
      const theta = session.parameterPath().at(-1)!.theta;
      const input: LandscapeInput = { X: data.train.X, y: data.train.y, n, k, rows: null, weights: session.trainRowWeights(), theta, l2 };
      // Two classes' parameters (a weight of class 0, the last class's bias), and two of one class (softmax).
      for (const [p, q] of k > 1 ? [[1, k * n + (k - 1)], [1, n + 2]] : [[1, k * n + (k - 1)]]) {
        const xs = [-2, -0.5, 0.75, 3].map(Math.fround);
        const ys = [-1, 0.25, 2].map(Math.fround);
        const grid = objectiveGrid(input, p, q, xs, ys, loss);
        ys.forEach((yv, r) => xs.forEach((xv, a) => {
          const t = Float32Array.from(theta);
          t[p] = xv;
          t[q] = yv;
          const want = direct(data, k, t, loss, l2, classWeight);
          const got = grid[r * xs.length + a];
          assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${loss} λ=${l2} ${classWeight}: J(${xv}, ${yv}) = ${got}, objective ${want}`);
        }));
        for (const other of ['bce', 'mse'] as const) {
          const ts = [-4, 0, 5].map(Math.fround);
          const slice = objectiveSlice(input, p, ts, other);
          ts.forEach((tv, i) => {
            const t = Float32Array.from(theta);
            t[p] = tv;
            const want = direct(data, k, t, other, l2, classWeight);
            assert.ok(Math.abs(slice[i] - want) <= 1e-6 * Math.max(1, Math.abs(want)), `slice ${other} at ${tv}: ${slice[i]} vs ${want}`);
          });
        }
      }
    }
  });
}

test('the landscape view: the path is the run’s parameters at its recorded iterations, the grid spans it and J* is lowest near W*', () => {
  const data = load('titanic.csv', 'Survived');
  const session = new TrainingSession(data, { learningRate: 0.5, epochs: 30, l2: 0.01 }, { kernel: jsKernel });
  session.run(30);
  session.optimum();
  const p = 0;
  const q = 1;
  const view = landscapeView(session, data, p, q);
  assert.equal(view.xs.length, LANDSCAPE_CELLS);
  assert.equal(view.J.length, LANDSCAPE_CELLS * LANDSCAPE_CELLS);
  assert.ok(view.J.every(Number.isFinite), 'every J is finite');
  assert.equal(view.path[0].iteration, 0);
  assert.equal(view.path.at(-1)!.iteration, 30);
  assert.deepEqual([view.path[0].x, view.path[0].y], [0, 0], 'the run starts at W = 0');
  for (const pt of view.path) {
    assert.ok(pt.x >= view.xs[0] && pt.x <= view.xs.at(-1)! && pt.y >= view.ys[0] && pt.y <= view.ys.at(-1)!, 'the grid spans the path');
  }
  // Each path point is the weights the session has at that iteration (time travel replays them exactly).
  for (const pt of [view.path[3], view.path[10], view.path.at(-1)!]) {
    session.goTo(pt.iteration);
    const w = session.weights().W;
    assert.deepEqual([w[p], w[q]], [pt.x, pt.y], `iteration ${pt.iteration}`);
  }
  assert.ok(view.optimum, 'the optimum is known');
  assert.equal(view.xName, `w[${data.featureNames[0]}]`);
  // Along the first weight, MSE flattens out for confident mistakes while BCE keeps growing linearly.
  const { ts, bce, mse } = view.slice;
  const growth = (v: number[]): number => Math.abs(v[v.length - 1] - v[v.length - 6]) / Math.abs(ts[ts.length - 1] - ts[ts.length - 6]);
  const bceSlope = Math.max(growth(bce), growth([...bce].reverse()));
  const mseSlope = Math.max(growth(mse), growth([...mse].reverse()));
  assert.ok(bceSlope > 5 * mseSlope, `at the far ends BCE keeps rising (slope ${bceSlope}) while MSE is flat (${mseSlope})`);
  assert.throws(() => landscapeView(session, data, -1, 0), /whole numbers from 0/);
});
