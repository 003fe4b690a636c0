/**
 * Numbers on data the project was not tuned to: scikit-learn's wine data (softmax, 3 classes, λ = 0.01) and
 * statsmodels' Spector data (binary, no penalty), written by scripts/fixtures/public_datasets.py together with their
 * optima from scikit-learn and statsmodels on the same rows. The CLI's Newton fit must give the same coefficients,
 * log loss and accuracy, and call the run converged.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { root, run } from './cli-run';

interface Case {
  target: string;
  classes: string[];
  featureNames: string[];
  lambda: number;
  coef: number[][];
  intercept: number[];
  trainLogLoss: number;
  trainAccuracy: number;
}
const fixture = JSON.parse(readFileSync(resolve(root, 'test/fixtures/public/optima.json'), 'utf8')) as Record<string, Case>;

describe('public data sets against scikit-learn and statsmodels', () => {
  for (const name of ['wine', 'spector']) {
    test(`${name}: the CLI's Newton fit is the reference optimum`, () => {
      const c = fixture[name];
      const r = run('train', resolve(root, 'test/fixtures/public', `${name}.csv`), '--target', c.target, '--optimizer', 'newton',
        '--l2', String(c.lambda), '--test-size', '0', '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as {
        features: string[]; classes: string[]; weights: Record<string, Record<string, number>>; bias: Record<string, number>;
        train: { loss: number; accuracy: number }; convergence: { verdict: string };
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
      assert.equal(j.convergence.verdict, 'converged');
    });
  }
});
