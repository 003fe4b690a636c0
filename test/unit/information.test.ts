/**
 * The information view: the mean of the rows' information −log a_true is the log loss the other tabs show; the
 * labels' entropy H(p) is the log loss of predicting the training class shares (the baseline); H(p, q̄) = H(p) +
 * D(p‖q̄) with D ≥ 0; the histogram counts every row; the most surprising rows are the largest −log a, computed
 * independently here from the predicted probabilities.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { informationView } from '../../src/engine/train/view-state';
import { jsKernel } from '../../src/engine/kernels/kernel-js';

for (const [name, target] of [['titanic.csv', 'Survived'], ['iris.csv', 'species']] as const) {
  test(`${name}: cross-entropy = log loss, H(p) = the baseline's log loss, H(p, q̄) = H(p) + KL, the worst rows`, () => {
    const file = join(process.cwd(), 'samples', name);
    const data = prepareDataset(readCsvFile(file), { target }, file);
    const session = new TrainingSession(data, { learningRate: 0.3, epochs: 40 }, { kernel: jsKernel });
    session.run(40);
    const view = informationView(session, data, 'train', jsKernel)!;
    assert.equal(view.m, data.train.m);
    assert.equal(view.crossEntropy, session.logLoss('train'), 'one value for the log loss');
    assert.ok(Math.abs(view.labelEntropy - session.baseline().trainLoss) < 1e-9, `H(p) ${view.labelEntropy} = baseline ${session.baseline().trainLoss}`);
    assert.ok(view.marginalKl >= -1e-12, 'KL ≥ 0');
    assert.ok(Math.abs(view.marginalCrossEntropy - (view.labelEntropy + view.marginalKl)) < 1e-12);
    assert.equal(view.counts.reduce((a, c) => a + c, 0), data.train.m, 'the histogram counts every row');
    assert.ok(Math.abs(view.shares.reduce((a, v) => a + v, 0) - 1) < 1e-9 && Math.abs(view.meanPredicted.reduce((a, v) => a + v, 0) - 1) < 1e-6);
    // Independently: −log of the predicted probability of the true class, from the probabilities.
    const P = session.probabilities('train');
    const K = data.classes.length;
    const infos = Array.from({ length: data.train.m }, (_, i) => {
      const y = data.train.y[i];
      const p = K === 2 ? (y === 1 ? P[i] : 1 - P[i]) : P[i * K + y];
      return -Math.log(p);
    });
    const mean = infos.reduce((a, v) => a + v, 0) / infos.length;
    assert.ok(Math.abs(mean - view.crossEntropy) < 1e-5, `mean −log a ${mean} vs log loss ${view.crossEntropy}`);
    const top = [...infos].sort((a, b) => b - a).slice(0, view.worst.length);
    view.worst.forEach((w, i) => {
      assert.ok(Math.abs(w.information - top[i]) < 1e-4 * Math.max(1, top[i]), `worst ${i}: ${w.information} vs ${top[i]}`);
      assert.ok(w.line !== null && w.line >= 2, 'named by its CSV line');
      assert.equal(w.label, data.classes[data.train.y[w.row]]);
    });
  });
}

test('what-if: z, σ(z) / softmax and the prediction of one row equal the model’s own prediction for it', async () => {
  const { whatIfNumbers } = await import('../../src/webview/lib/dashboard/whatif');
  for (const [name, target] of [['titanic.csv', 'Survived'], ['iris.csv', 'species']] as const) {
    const file = join(process.cwd(), 'samples', name);
    const data = prepareDataset(readCsvFile(file), { target }, file);
    const session = new TrainingSession(data, { learningRate: 0.3, epochs: 30 }, { kernel: jsKernel });
    session.run(30);
    const w = session.weights();
    const K = data.classes.length;
    const state = { weights: { k: w.k, n: data.n, W: Array.from(w.W), b: Array.from(w.b) }, config: { threshold: 0.5 } } as unknown as Parameters<typeof whatIfNumbers>[0];
    const P = session.probabilities('train');
    for (const i of [0, 7, 42]) {
      const x = Array.from(data.train.X.subarray(i * data.n, (i + 1) * data.n));
      const r = whatIfNumbers(state, x, 0);
      const want = K === 2 ? [1 - P[i], P[i]] : Array.from(P.subarray(i * K, (i + 1) * K));
      r.probs.forEach((p, c) => assert.ok(Math.abs(p - want[c]) < 1e-5, `${name} row ${i} class ${c}: ${p} vs ${want[c]}`));
      const sum = r.contributions.reduce((a, v) => a + v, 0) + w.b[0];
      assert.ok(Math.abs(sum - r.z[0]) < 1e-9, 'Σ w·x + b = z');
    }
  }
});
