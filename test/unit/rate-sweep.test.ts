/**
 * The learning-rate sweep: a log grid around the stable bound 2/L; each run is plain full-batch gradient descent at
 * its α from the session's start for the same number of epochs — its final J equals an independent float64 gradient
 * descent written here — below 2/L every run lowers J, the best α has the lowest final J, a huge α diverges and is
 * reported as such, and the worker answers a `sweep` request without touching the session it sweeps.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { RateSweep, SWEEP_MAX_EPOCHS, SWEEP_MIN_EPOCHS, SWEEP_RATES, sweepEpochs, sweepRates } from '../../src/engine/train/rate-sweep';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import { LabWorker } from '../../src/engine/node/worker';
import type { WorkerMessage, WorkerResult } from '../../src/protocol';
import type { PreparedDataset } from '../../src/engine/types';
import { bceFromLogit } from './reference-math';

const sample = (name: string): string => join(process.cwd(), 'samples', name);

/** Full-batch gradient descent on the mean BCE (float64, from zeros): J after `epochs` updates at α (NaN if it blew up). */
function referenceGd(data: PreparedDataset, alpha: number, epochs: number): number {
  const { X, y, m } = data.train;
  const n = data.n;
  const w = new Float64Array(n);
  let b = 0;
  const cost = (): number => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      let z = b;
      for (let j = 0; j < n; j++) z += w[j] * X[i * n + j];
      s += bceFromLogit(y[i], z);
    }
    return s / m;
  };
  for (let e = 0; e < epochs; e++) {
    const gw = new Float64Array(n);
    let gb = 0;
    for (let i = 0; i < m; i++) {
      let z = b;
      for (let j = 0; j < n; j++) z += w[j] * X[i * n + j];
      const dz = 1 / (1 + Math.exp(-z)) - y[i];
      for (let j = 0; j < n; j++) gw[j] += dz * X[i * n + j];
      gb += dz;
    }
    for (let j = 0; j < n; j++) w[j] -= (alpha * gw[j]) / m;
    b -= (alpha * gb) / m;
  }
  return cost();
}

function titanic(): PreparedDataset {
  const file = sample('titanic.csv');
  return prepareDataset(readCsvFile(file), { target: 'Survived', testSize: 0.2, seed: 5 }, file);
}

describe('learning-rate sweep', () => {
  test('the grid: SWEEP_RATES values evenly spaced in log α from 2/L·1e-3 to 2/L·4, else around α', () => {
    const r = sweepRates(2, 0.1);
    assert.equal(r.length, SWEEP_RATES);
    assert.ok(Math.abs(r[0] - 0.002) < 1e-12 && Math.abs(r[r.length - 1] - 8) < 1e-12, r.join(' '));
    const steps = r.slice(1).map((v, i) => Math.log10(v / r[i]));
    for (const s of steps) assert.ok(Math.abs(s - steps[0]) < 0.01, 'even in log α');
    const around = sweepRates(null, 0.5);
    assert.ok(Math.abs(around[0] - 0.005) < 1e-12 && Math.abs(around[around.length - 1] - 50) < 1e-9);
    assert.equal(sweepEpochs(1000, 10, 1, 200), SWEEP_MAX_EPOCHS);
    assert.equal(sweepEpochs(1000, 10, 1, 7), 7, 'never more than the session’s budget');
    assert.equal(sweepEpochs(1_000_000, 105, 1, 200), SWEEP_MIN_EPOCHS, 'a big table gets few epochs per run');
  });

  test('titanic: each run is gradient descent at its α (an independent float64 GD agrees); below 2/L J falls; best = lowest J', () => {
    const data = titanic();
    const base = new TrainingSession(data, { learningRate: 0.1, epochs: 200 }, { kernel: jsKernel, computeOptimum: false });
    const sweep = new RateSweep(base, data, jsKernel);
    while (!sweep.runs.done) sweep.runs.advance(7);
    const r = sweep.result();
    assert.equal(r.epochs, SWEEP_MAX_EPOCHS);
    assert.ok(r.stableRate !== null && r.stableRate > 0);
    assert.equal(r.runs.length, SWEEP_RATES);
    const start = referenceGd(data, 0, 0);
    assert.ok(Math.abs(r.startCost - start) < 1e-6, `J at the start ${r.startCost} vs ${start}`);
    for (const run of r.runs) {
      const ref = referenceGd(data, run.learningRate, r.epochs);
      if (!Number.isFinite(ref) || ref > 1e3) {
        assert.ok(run.diverged || (run.finalCost ?? 0) > 1, `α = ${run.learningRate}: the reference blew up`);
        continue;
      }
      assert.equal(run.diverged, false, `α = ${run.learningRate}`);
      assert.equal(run.iterations, r.epochs, 'one full-batch update per epoch');
      assert.ok(Math.abs(run.finalCost! - ref) < 1e-4 * Math.max(1, ref), `α = ${run.learningRate}: sweep ${run.finalCost} vs reference GD ${ref}`);
      if (run.learningRate < r.stableRate!) assert.ok(run.finalCost! < r.startCost, `below 2/L J falls (α = ${run.learningRate})`);
    }
    const finite = r.runs.filter((x) => x.finalCost !== null);
    const lowest = finite.reduce((a, x) => (x.finalCost! < a.finalCost! ? x : a));
    assert.equal(r.best, lowest.learningRate);
    const below = finite.filter((x) => x.learningRate < r.stableRate!);
    const lowestBelow = below.reduce((a, x) => (x.finalCost! < a.finalCost! ? x : a));
    assert.equal(r.bestStable, lowestBelow.learningRate, 'the best rate below 2/L');
    assert.ok(r.best! > r.stableRate! / 100, 'the best α is not at the timid end of the grid');
    assert.equal(base.iteration, 0, 'the swept session is untouched');
  });

  test('a huge α diverges and is reported as diverged, not as a cost', () => {
    const data = titanic();
    const base = new TrainingSession(data, { learningRate: 1e6, epochs: 30, optimizer: 'momentum' }, { kernel: jsKernel, computeOptimum: false });
    const sweep = new RateSweep(base, data, jsKernel);
    while (!sweep.runs.done) sweep.runs.advance(5);
    const r = sweep.result();
    const top = r.runs[r.runs.length - 1];
    assert.equal(top.learningRate, 1e8, 'momentum: a grid around its own α');
    assert.equal(top.diverged, true);
    assert.equal(top.finalCost, null);
    assert.ok(r.runs.some((x) => !x.diverged), 'the small rates do not diverge');
  });

  test('the worker answers `sweep`, keeps it in the state, and leaves the session where it was', async () => {
    const messages: WorkerMessage[] = [];
    const waiters = new Map<number, (m: WorkerMessage) => void>();
    const worker = new LabWorker((m) => {
      messages.push(m);
      if (m.type !== 'progress') waiters.get(m.id)?.(m);
    }, { kernel: jsKernel });
    const ask = (id: number): Promise<WorkerResult> => new Promise((resolve, reject) => {
      waiters.set(id, (m) => (m.type === 'reply' ? resolve(m.result) : m.type === 'error' ? reject(new Error(m.error.message)) : undefined));
    });
    const loaded = ask(1);
    worker.handle({ id: 1, type: 'load', file: sample('iris.csv'), prepare: { target: 'species' }, config: { epochs: 40, learningRate: 0.2 } });
    await loaded;
    const stepped = ask(2);
    worker.handle({ id: 2, type: 'step' });
    await stepped;
    const swept = ask(3);
    worker.handle({ id: 3, type: 'sweep' });
    const r = await swept;
    assert.equal(r.type, 'sweep');
    if (r.type !== 'sweep') return;
    assert.equal(r.sweep.epochs, 40);
    assert.equal(r.sweep.current, 0.2);
    assert.ok(r.sweep.runs.every((x) => x.diverged || x.iterations === 40 * 1));
    const st = ask(4);
    worker.handle({ id: 4, type: 'state' });
    const s = await st;
    assert.ok(s.type === 'state');
    if (s.type !== 'state') return;
    assert.deepEqual(s.state.sweep, r.sweep, 'the state carries the sweep');
    assert.equal(s.state.iteration, 1, 'the session stayed at its iteration');
  });
});
