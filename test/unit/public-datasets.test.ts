/**
 * Numbers on data the project was not tuned to: scikit-learn's wine data (softmax, 3 classes, λ = 0.01),
 * statsmodels' Spector data (binary, no penalty) and its RAND health data (20,190 rows, binary), written by scripts/fixtures/public_datasets.py together with their
 * optima from scikit-learn and statsmodels on the same rows. The CLI's Newton fit must give the same coefficients,
 * log loss and accuracy, and call the run converged; on the RAND data the Evaluation tab's AUC is scikit-learn's. The views tell the truth about that reference model too: the
 * decision boundary's probabilities (raw units, other features at their means) are the reference model's, computed
 * here from its coefficients; its dots sit at the CSV's values; the information view's cross-entropy is the
 * reference log loss; and no learning-rate sweep run ends below the reference optimum J*.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { root, run } from './cli-run';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { boundary, informationView } from '../../src/engine/train/view-state';
import { RateSweep } from '../../src/engine/train/rate-sweep';
import { jsKernel } from '../../src/engine/kernels/kernel-js';

interface Case {
  target: string;
  classes: string[];
  featureNames: string[];
  lambda: number;
  coef: number[][];
  intercept: number[];
  trainLogLoss: number;
  trainAccuracy: number;
  /** randhie: scikit-learn's roc_auc_score of the reference probabilities, and how many distinct ones there are. */
  trainAuc?: number;
  distinctScores?: number;
}
const fixture = JSON.parse(readFileSync(resolve(root, 'test/fixtures/public/optima.json'), 'utf8')) as Record<string, Case>;

describe('public data sets against scikit-learn and statsmodels', () => {
  for (const name of ['wine', 'spector', 'randhie']) {
    test(`${name}: the CLI's Newton fit is the reference optimum`, () => {
      const c = fixture[name];
      const r = run('train', resolve(root, 'test/fixtures/public', `${name}.csv`), '--target', c.target, '--optimizer', 'newton',
        '--l2', String(c.lambda), '--test-size', '0', '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as {
        features: string[]; classes: string[]; weights: Record<string, Record<string, number>>; bias: Record<string, number>;
        train: { loss: number; accuracy: number }; convergence: { verdict: string };
        history: Array<{ trainAccuracy: number }>; optimum: { trainAccuracy: number } | null;
      };
      assert.deepEqual(j.features, c.featureNames);
      assert.deepEqual(j.classes, c.classes);
      const rows = c.coef.length === 1 ? [c.classes[1]] : c.classes;
      const maxCoef = Math.max(...c.coef.flat().map(Math.abs));
      rows.forEach((cls, k) => {
        c.featureNames.forEach((f, q) => assert.ok(Math.abs(j.weights[cls][f] - c.coef[k][q]) < 1e-5 * maxCoef, `${cls} ${f}: ${j.weights[cls][f]} vs ${c.coef[k][q]}`));
        assert.ok(Math.abs(j.bias[cls] - c.intercept[k]) < 1e-5 * maxCoef, `${cls} bias`);
      });
      assert.ok(Math.abs(j.train.loss - c.trainLogLoss) < 1e-6, `log loss ${j.train.loss} vs ${c.trainLogLoss}`);
      assert.equal(j.train.accuracy, c.trainAccuracy);
      // The same accuracy in the curve's last point and beside the optimum W* (both from the scores, accuracyFromScores).
      assert.equal(j.history[j.history.length - 1].trainAccuracy, c.trainAccuracy, 'the accuracy curve ends at the reference accuracy');
      assert.equal(j.optimum?.trainAccuracy, c.trainAccuracy, 'the optimum row says the reference accuracy');
      assert.equal(j.convergence.verdict, 'converged');
    });
  }
});

describe('the Evaluation tab on public data', () => {
  test('randhie (20,190 rows): the AUC is scikit-learn\'s, from the whole curve, and the drawn curve is a thinned set of its points', () => {
    const c = fixture.randhie;
    const data = prepareDataset(readCsvFile(resolve(root, 'test/fixtures/public/randhie.csv')), { target: c.target, testSize: 0 });
    const s = new TrainingSession(data, { optimizer: 'newton', l2: 0, epochs: 100 }, { kernel: jsKernel });
    while (!s.done) s.run(100);
    assert.equal(s.convergence().verdict, 'converged');
    const cm = s.evaluate('train', 0.5);
    assert.ok(c.trainAuc !== undefined && c.distinctScores !== undefined && c.distinctScores > 2000);
    assert.ok(cm.auc !== undefined && Math.abs(cm.auc - c.trainAuc) < 1e-6, `AUC ${cm.auc} vs scikit-learn ${c.trainAuc}`);
    assert.equal(cm.accuracy, c.trainAccuracy);
    // More distinct scores than the drawing keeps: the curve is thinned, and says how long the whole one is.
    assert.ok(cm.roc && cm.rocPoints !== undefined && cm.roc.fpr.length < cm.rocPoints, `${cm.roc?.fpr.length} of ${cm.rocPoints}`);
    assert.ok(Math.abs(cm.rocPoints - (c.distinctScores + 1)) <= 0.01 * c.distinctScores, `${cm.rocPoints} points for ${c.distinctScores} distinct scores`);
  });
});

describe('the views on public data tell the reference model\'s numbers', () => {
  for (const [name, fx, fy] of [['wine', 'alcohol', 'proline'], ['spector', 'GPA', 'TUCE']] as const) {
    test(`${name}: boundary p in raw units, dots at the CSV values, information = the reference log loss, no sweep run below J*`, () => {
      const c = fixture[name];
      const file = resolve(root, 'test/fixtures/public', `${name}.csv`);
      const data = prepareDataset(readCsvFile(file), { target: c.target, testSize: 0 }, file);
      assert.deepEqual(data.featureNames, c.featureNames);
      const n = data.n;
      const k = c.coef.length;
      const session = new TrainingSession(data, { l2: c.lambda }, { kernel: jsKernel, computeOptimum: false });
      session.setWeights(c.coef.flat(), c.intercept);

      // Boundary: p at a cell = the reference model at x̄ with the two features at that cell (float64, here).
      const i = data.featureNames.indexOf(fx);
      const j = data.featureNames.indexOf(fy);
      const w = session.weights();
      const g = boundary(data, w.W, w.b, w.k, 0.5, [i, j])!;
      const mean = Array.from({ length: n }, (_, q) => {
        let sum = 0;
        for (let r = 0; r < data.train.m; r++) sum += data.train.X[r * n + q];
        return sum / data.train.m;
      });
      const spec = data.preprocessing.features;
      let checked = 0;
      for (let r = 0; r < g.ys.length; r += 6) {
        for (let a = 0; a < g.xs.length; a += 6) {
          const x = mean.slice();
          x[i] = (g.xs[a] - spec[i].center) / spec[i].scale;
          x[j] = (g.ys[r] - spec[j].center) / spec[j].scale;
          const z = c.coef.map((row, cls) => row.reduce((sum, v, q) => sum + v * x[q], c.intercept[cls]));
          let p: number;
          if (k === 1) p = 1 / (1 + Math.exp(-z[0]));
          else {
            const mx = Math.max(...z);
            const e = z.map((v) => Math.exp(v - mx));
            p = Math.max(...e) / e.reduce((sum, v) => sum + v, 0);
          }
          const got = g.probability[r * g.xs.length + a];
          assert.ok(Math.abs(got - p) < 3e-4, `${name} p at (${g.xs[a]}, ${g.ys[r]}): ${got} vs the reference ${p}`);
          checked++;
        }
      }
      assert.ok(checked >= 50);
      // The dots are the rows at their CSV values (papaparse reads the file independently).
      const rows = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
      for (const pt of g.points) {
        const src = rows[data.train.sourceRows[pt.row]];
        assert.ok(Math.abs(pt.x - Number(src[fx])) < 1e-4 * Math.max(1, Math.abs(Number(src[fx]))), `${fx} of row ${pt.row}`);
        assert.ok(Math.abs(pt.y - Number(src[fy])) < 1e-4 * Math.max(1, Math.abs(Number(src[fy]))), `${fy} of row ${pt.row}`);
      }

      // Information: cross-entropy (the mean −log a of the true class) is the reference model's log loss.
      const info = informationView(session, data, 'train', jsKernel)!;
      assert.ok(Math.abs(info.crossEntropy - c.trainLogLoss) < 1e-5, `cross-entropy ${info.crossEntropy} vs ${c.trainLogLoss}`);

      // Sweep: J* (the reference log loss + its penalty) bounds every run from below.
      let sq = 0;
      for (const v of c.coef.flat()) sq += v * v;
      const jStar = c.trainLogLoss + 0.5 * c.lambda * sq;
      const fresh = new TrainingSession(data, { l2: c.lambda, epochs: 50 }, { kernel: jsKernel, computeOptimum: false });
      const sweep = new RateSweep(fresh, data, jsKernel);
      while (!sweep.runs.done) sweep.runs.advance(10);
      const res = sweep.result();
      for (const run of res.runs) {
        if (run.finalCost !== null) assert.ok(run.finalCost >= jStar - 1e-6, `α ${run.learningRate}: J ${run.finalCost} below J* ${jStar}`);
      }
      assert.ok(res.runs.some((x) => x.finalCost !== null && x.finalCost < res.startCost), 'some rate lowers J');
    });
  }
});
