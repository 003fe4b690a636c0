/**
 * Training through the commands, in the real extension host with the real worker thread:
 * titanic trains to a sensible accuracy, Step One Update is exactly one update whose gradient matches a
 * finite-difference estimate computed here from the same prepared rows, pause stops a long run, and
 * reset restores the initial (zero) weights.
 */
import assert from 'node:assert/strict';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import type { PrepareOptions, StepRecord } from '../../src/engine/types';
import type { SessionState } from '../../src/protocol';
import { exec, labApi, sampleUri, waitFor } from './helpers';

const PREPARE = { testSize: 0.2, seed: 42, standardize: true } as const;

/** Mean binary cross-entropy from logits plus (λ/2)‖w‖², in float64: J = (1/m) Σ softplus(z_i) − y_i z_i. */
function objective(X: Float32Array, y: Int32Array, m: number, n: number, w: number[], b: number, l2: number): number {
  let sum = 0;
  for (let i = 0; i < m; i++) {
    let z = b;
    for (let j = 0; j < n; j++) z += X[i * n + j] * w[j];
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    sum += softplus - y[i] * z;
  }
  let reg = 0;
  for (const v of w) reg += v * v;
  return sum / m + (l2 / 2) * reg;
}

describe('training', function () {
  this.timeout(60_000);

  before(async () => {
    await labApi();
  });

  it('trains titanic.csv on Survived to a sensible accuracy, with Sex reference-coded (Sex=male against female)', async () => {
    const api = await labApi();
    const state = await exec<SessionState | undefined>('logisticLab.train', sampleUri('titanic.csv'), {
      target: 'Survived',
      prepare: PREPARE,
      config: { learningRate: 0.1, epochs: 200 },
      wait: true,
      showDashboard: false,
    });
    assert.ok(state, 'train returned a state');
    assert.equal(state.done, true);
    assert.equal(state.running, false);
    assert.equal(state.iteration, 200);
    assert.deepEqual(state.dataset.classes, ['0', '1']);
    assert.ok(state.dataset.featureNames.includes('Sex=male'), state.dataset.featureNames.join(', '));
    assert.ok(!state.dataset.featureNames.includes('PassengerId'), 'the identifier column is dropped');
    assert.ok(state.test, 'there is a test split');
    assert.ok(state.test.accuracy >= 0.74 && state.test.accuracy <= 0.88, `test accuracy ${state.test.accuracy}`);
    assert.ok(state.train.accuracy >= 0.74 && state.train.accuracy <= 0.88, `train accuracy ${state.train.accuracy}`);
    const losses = state.history.map((p) => p.trainLoss);
    assert.ok(losses[losses.length - 1] < losses[0], 'the training loss went down');
    assert.ok(losses.every(Number.isFinite));
    assert.equal(api.hasSession, true);
    assert.equal(api.running, false);
  });

  it('Step One Update is exactly one update and its dW equals a finite-difference gradient', async () => {
    const uri = sampleUri('titanic.csv');
    const loaded = await exec<SessionState | undefined>('logisticLab.train', uri, {
      target: 'Survived',
      prepare: PREPARE,
      config: { learningRate: 0.5, epochs: 100, l2: 0.01 },
      autoRun: false,
      showDashboard: false,
    });
    assert.ok(loaded);
    assert.equal(loaded.iteration, 0);
    // Leave the all-zero start so the check is not at a special point.
    for (let t = 0; t < 3; t++) await exec<StepRecord>('logisticLab.step');
    const before = await exec<SessionState | undefined>('logisticLab.state');
    assert.ok(before);
    assert.equal(before.iteration, 3);

    const rec = await exec<StepRecord | undefined>('logisticLab.step');
    assert.ok(rec, 'step returned a record');
    assert.equal(rec.iteration, before.iteration + 1);
    const after = await exec<SessionState | undefined>('logisticLab.state');
    assert.equal(after?.iteration, before.iteration + 1, 'the session advanced by exactly one update');
    // The state shows the float32 weights; the record may carry the optimiser's float64 master copy.
    rec.WBefore.forEach((v, j) => assert.ok(Math.abs(v - before.weights.W[j]) <= 1e-6 * Math.max(1, Math.abs(v)), `W[${j}]`));

    // Rebuild the same training rows independently of the session and differentiate numerically.
    const options: PrepareOptions = { target: 'Survived', ...PREPARE };
    const data = prepareDataset(readCsvFile(uri.fsPath), options, uri.fsPath);
    assert.deepEqual(rec.featureNames, data.featureNames);
    assert.equal(rec.m, data.train.m, 'full batch: every training row');
    const { X, y, m } = data.train;
    const n = data.n;
    const w = rec.WBefore.slice();
    const b = rec.bBefore[0];
    const J = (ww: number[], bb: number): number => objective(X, y, m, n, ww, bb, 0.01);
    const h = 1e-4;
    for (let j = 0; j < n; j++) {
      const wp = w.slice();
      const wm = w.slice();
      wp[j] += h;
      wm[j] -= h;
      const fd = (J(wp, b) - J(wm, b)) / (2 * h);
      assert.ok(Math.abs(rec.dW[j] - fd) <= 1e-4 + 1e-3 * Math.abs(fd), `dW[${rec.featureNames[j]}] = ${rec.dW[j]}, FD ${fd}`);
    }
    const fdB = (J(w, b + h) - J(w, b - h)) / (2 * h);
    assert.ok(Math.abs(rec.db[0] - fdB) <= 1e-4 + 1e-3 * Math.abs(fdB), `db = ${rec.db[0]}, FD ${fdB}`);
    // Plain gradient descent: W after = W before − α·dW.
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(rec.WAfter[j] - (w[j] - 0.5 * rec.dW[j])) < 1e-5, `W[${j}] after the update`);
    }
    assert.ok(Math.abs(rec.lossBefore - J(w, b)) < 1e-5, `lossBefore ${rec.lossBefore} vs ${J(w, b)}`);
  });

  it('the default run is not converged; Fit Optimum (Newton) reaches the optimum: every finite-difference slope ≈ 0', async () => {
    const uri = sampleUri('titanic.csv');
    const gd = await exec<SessionState | undefined>('logisticLab.train', uri, {
      target: 'Survived',
      prepare: PREPARE,
      config: { optimizer: 'gd', learningRate: 0.1, epochs: 200, l2: 0 },
      wait: true,
      showDashboard: false,
    });
    assert.ok(gd);
    assert.equal(gd.convergence.verdict, 'not-converged');
    assert.ok(gd.convergence.lossGap !== null && gd.convergence.lossGap > 0.01, `gap ${gd.convergence.lossGap}`);
    assert.equal(gd.dataset.report.find((r) => r.name === 'Sex')?.reference, 'female');

    await exec<SessionState>('logisticLab.fitOptimum');
    let fit = await exec<SessionState | undefined>('logisticLab.state');
    for (let t = 0; t < 100 && fit && !fit.done; t++) {
      await new Promise((r) => setTimeout(r, 100));
      fit = await exec<SessionState | undefined>('logisticLab.state');
    }
    assert.ok(fit && fit.done, 'the fit finished');
    assert.equal(fit.config.optimizer, 'newton');
    assert.equal(fit.convergence.verdict, 'converged');
    assert.ok(fit.iteration <= 15, `${fit.iteration} Newton steps`);

    // Independently of the engine: at the optimum every partial derivative of J (no penalty) is ~0.
    const data = prepareDataset(readCsvFile(uri.fsPath), { target: 'Survived', ...PREPARE }, uri.fsPath);
    const { X, y, m } = data.train;
    const n = data.n;
    const w = fit.weights.W.slice();
    const b = fit.weights.b[0];
    const J = (ww: number[], bb: number): number => objective(X, y, m, n, ww, bb, 0);
    const h = 1e-4;
    for (let j = 0; j <= n; j++) {
      const slope = j < n
        ? (J(w.map((v, q) => (q === j ? v + h : v)), b) - J(w.map((v, q) => (q === j ? v - h : v)), b)) / (2 * h)
        : (J(w, b + h) - J(w, b - h)) / (2 * h);
      assert.ok(Math.abs(slope) < 2e-5, `∂J/∂θ[${j}] = ${slope} at the fitted optimum`);
    }
    assert.ok(J(w, b) < gd.history[gd.history.length - 1].trainCost, 'lower cost than the gradient-descent run');
  });

  it('Pause stops a long run, Run continues, and the run command resolves when the run ends', async () => {
    const api = await labApi();
    await exec('logisticLab.train', sampleUri('titanic.csv'), {
      target: 'Survived',
      prepare: PREPARE,
      config: { epochs: 1_000_000 },
      autoRun: false,
      showDashboard: false,
    });
    const run = exec<SessionState | undefined>('logisticLab.run');
    await waitFor('the run to start', () => api.running);
    await new Promise((r) => setTimeout(r, 300));
    const paused = await exec<SessionState | undefined>('logisticLab.pause');
    const ended = await run;
    assert.ok(paused && ended);
    assert.equal(paused.running, false);
    assert.equal(paused.done, false);
    assert.ok(paused.iteration > 0, 'some updates were made');
    assert.equal(ended.iteration, paused.iteration);
    assert.equal(api.running, false);
    const step = await exec<StepRecord | undefined>('logisticLab.step');
    assert.equal(step?.iteration, paused.iteration + 1, 'stepping continues where the run stopped');
  });

  it('Reset Weights restores zero weights at iteration 0', async () => {
    await exec('logisticLab.train', sampleUri('titanic.csv'), {
      target: 'Survived',
      prepare: PREPARE,
      config: { epochs: 20 },
      wait: true,
      showDashboard: false,
    });
    const trained = await exec<SessionState | undefined>('logisticLab.state');
    assert.ok(trained && trained.weights.W.some((v) => v !== 0), 'training moved the weights');
    const reset = await exec<SessionState | undefined>('logisticLab.reset');
    assert.ok(reset);
    assert.equal(reset.iteration, 0);
    assert.equal(reset.epoch, 0);
    assert.ok(reset.weights.W.every((v) => v === 0), 'W = 0');
    assert.ok(reset.weights.b.every((v) => v === 0), 'b = 0');
    assert.equal(reset.history.length, 1, 'only the starting point remains');
    assert.ok(Math.abs(reset.history[0].trainLoss - Math.LN2) < 1e-6, 'J(0) = ln 2');
  });

  it('Compare BCE vs MSE stores both histories in the state', async () => {
    await exec('logisticLab.train', sampleUri('toy_train.csv'), {
      target: 'y',
      prepare: { testSize: 0 },
      config: { epochs: 50, learningRate: 0.5 },
      autoRun: false,
      showDashboard: false,
    });
    const runs = await exec<Array<{ loss: string; history: unknown[] }> | undefined>('logisticLab.compare');
    assert.deepEqual(runs?.map((r) => r.loss), ['bce', 'mse']);
    const state = await exec<SessionState | undefined>('logisticLab.state');
    assert.equal(state?.comparison?.length, 2);
    assert.ok(state?.boundary, 'a 2-feature dataset has a decision boundary');
  });

  it('Sweep the Learning Rate returns the final cost of each α, keeps it in the state and keeps earlier runs for the overlay', async () => {
    await exec('logisticLab.train', sampleUri('titanic.csv'), {
      target: 'Survived', prepare: PREPARE, config: { epochs: 20, learningRate: 0.05 }, autoRun: false, showDashboard: false,
    });
    const sweep = await exec<{ runs: Array<{ learningRate: number; finalCost: number | null; diverged: boolean }>; best: number | null; stableRate: number | null } | undefined>('logisticLab.sweep');
    assert.equal(sweep?.runs.length, 13);
    assert.ok(sweep?.stableRate && sweep.best, 'a bound and a best rate');
    const state = await exec<SessionState | undefined>('logisticLab.state');
    assert.deepEqual(state?.sweep?.runs, sweep?.runs, 'the state carries the sweep');
    assert.equal(state?.iteration, 0, 'the sweep leaves the session where it was');
    // A run, then other settings: the first run is kept for the overlay.
    await exec('logisticLab.run');
    await exec('logisticLab.configure', { learningRate: sweep!.best! }, false);
    const after = await exec<SessionState | undefined>('logisticLab.state');
    assert.equal(after?.earlierRuns?.length, 1);
    assert.match(after!.earlierRuns![0].label, /^gd · α 0\.05 · full batch$/);
    assert.equal(after!.earlierRuns![0].iterations, 20);
  });
});

describe('going back', function () {
  this.timeout(60_000);
  it('Step Back One Update returns to the previous iteration with the same record; Go to Iteration goes forward again', async () => {
    await exec('logisticLab.train', sampleUri('titanic.csv'), {
      target: 'Survived', prepare: PREPARE, config: { optimizer: 'adam', batchSize: 64, epochs: 5 }, autoRun: false, showDashboard: false,
    });
    const recs: StepRecord[] = [];
    for (let t = 0; t < 3; t++) recs.push(await exec<StepRecord>('logisticLab.step'));
    const back = await exec<StepRecord | null>('logisticLab.stepBack');
    assert.deepEqual(back, recs[1]);
    assert.equal((await exec<SessionState>('logisticLab.state')).iteration, 2);
    const fwd = await exec<SessionState>('logisticLab.goTo', 3);
    assert.equal(fwd.iteration, 3);
    assert.deepEqual(fwd.lastStep, recs[2]);
  });
});

describe('train more epochs', function () {
  this.timeout(60_000);
  it('Train More Epochs… keeps the weights and runs on to the new budget', async () => {
    const done = await exec<SessionState | undefined>('logisticLab.train', sampleUri('titanic.csv'), {
      target: 'Survived', prepare: PREPARE, config: { optimizer: 'gd', learningRate: 0.1, epochs: 40 }, wait: true, showDashboard: false,
    });
    assert.ok(done?.done);
    const w40 = done.weights.W.slice();
    await exec('logisticLab.trainMore', 10);
    let s = await exec<SessionState>('logisticLab.state');
    for (let t = 0; t < 100 && (s.running || s.iteration < 50); t++) {
      await new Promise((r) => setTimeout(r, 100));
      s = await exec<SessionState>('logisticLab.state');
    }
    assert.equal(s.iteration, 50);
    assert.equal(s.config.epochs, 50);
    assert.equal(s.history[0].iteration, 0, 'the history goes on from the start');
    assert.notDeepEqual(s.weights.W, w40);
  });
});
