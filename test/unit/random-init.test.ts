/**
 * init 'random': W ~ N(0, 1/n) from the seed (b = 0), so with standardised features the first z is spread around 0
 * with a standard deviation near 1 and the first update is not the trivial one from zeros (a = 0.5 for every row).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { jsKernel } from '../../src/engine/kernels/kernel-js';

for (const [name, target] of [['titanic.csv', 'Survived'], ['breast_cancer.csv', 'target']] as const) {
  test(`${name}: the random start gives z of spread ≈ 1 and a first step with a far from 0.5; seeded`, () => {
    const file = join(process.cwd(), 'samples', name);
    const data = prepareDataset(readCsvFile(file), { target }, file);
    const s = new TrainingSession(data, { init: 'random', seed: 7, learningRate: 0.1 }, { kernel: jsKernel, computeOptimum: false });
    const { W, b } = s.weights();
    const n = data.n;
    const mean = Array.from(W).reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(Array.from(W).reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    assert.ok(sd > 0.5 / Math.sqrt(n) && sd < 2 / Math.sqrt(n), `sd(W) ${sd} vs 1/√n = ${1 / Math.sqrt(n)}`);
    assert.equal(b[0], 0);
    const { X, m } = data.train;
    const z = Array.from({ length: m }, (_, i) => {
      let v = b[0];
      for (let j = 0; j < n; j++) v += W[j] * X[i * n + j];
      return v;
    });
    const zm = z.reduce((a, v) => a + v, 0) / m;
    const zsd = Math.sqrt(z.reduce((a, v) => a + (v - zm) ** 2, 0) / m);
    assert.ok(zsd > 0.3 && zsd < 3, `sd(z) at the start ${zsd}`);
    const far = z.filter((v) => Math.abs(1 / (1 + Math.exp(-v)) - 0.5) > 0.1).length;
    assert.ok(far > m / 4, `${far} of ${m} rows start with |a − 0.5| > 0.1`);
    const again = new TrainingSession(data, { init: 'random', seed: 7 }, { kernel: jsKernel, computeOptimum: false });
    assert.deepEqual(Array.from(again.weights().W), Array.from(W), 'the same seed, the same start');
  });
}
