/**
 * The decision boundary over any two features: raw units of their columns (the dots sit at the values papaparse
 * reads from the CSV), the other features at their training means, and each cell's probability and class equal to
 * the model's own prediction (the float32 kernel) for that row — computed here independently.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import { TrainingSession } from '../../src/engine/train/session';
import { boundary, defaultBoundaryPair } from '../../src/engine/train/view-state';
import { predictProbabilities } from '../../src/engine/model/model-io';
import { jsKernel } from '../../src/engine/kernels/kernel-js';
import type { PreparedDataset } from '../../src/engine/types';

const sample = (name: string): string => join(process.cwd(), 'samples', name);

/** The model's probabilities (the kernel) for the row: every feature at its training mean, fx = u, fy = v (model units). */
function modelAt(data: PreparedDataset, W: Float32Array, b: Float32Array, k: number, fx: number, fy: number, u: number, v: number): Float32Array {
  const { X, m } = data.train;
  const n = data.n;
  const row = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += X[i * n + j];
    row[j] = s / m;
  }
  row[fx] = u;
  row[fy] = v;
  return predictProbabilities(row, 1, n, k, W, b, jsKernel);
}

function check(data: PreparedDataset, session: TrainingSession, fx: number, fy: number, threshold: number): void {
  const w = session.weights();
  const g = boundary(data, w.W, w.b, w.k, threshold, [fx, fy]);
  assert.ok(g, 'a boundary');
  assert.equal(g.xName, data.featureNames[fx]);
  assert.equal(g.yName, data.featureNames[fy]);
  assert.equal(g.others, data.n > 2 ? 'means' : 'none');
  assert.equal(g.grid.length, g.xs.length * g.ys.length);
  const sx = data.preprocessing.features[fx];
  const sy = data.preprocessing.features[fy];
  let checked = 0;
  for (let r = 0; r < g.ys.length; r += 7) {
    for (let c = 0; c < g.xs.length; c += 5) {
      const P = modelAt(data, w.W, w.b, w.k, fx, fy, (g.xs[c] - sx.center) / sx.scale, (g.ys[r] - sy.center) / sy.scale);
      const cell: number = r * g.xs.length + c;
      if (w.k === 1) {
        assert.ok(Math.abs(P[0] - g.probability[cell]) < 2e-4, `p at (${r}, ${c}): kernel ${P[0]}, boundary ${g.probability[cell]}`);
        if (Math.abs(P[0] - threshold) > 1e-3) assert.equal(g.grid[cell], P[0] >= threshold ? 1 : 0);
      } else {
        let best = 0;
        for (let q = 1; q < P.length; q++) if (P[q] > P[best]) best = q;
        const second = Math.max(...Array.from(P).filter((_, q) => q !== best));
        assert.ok(Math.abs(P[best] - g.probability[cell]) < 2e-4, `p at (${r}, ${c})`);
        if (P[best] - second > 1e-3) assert.equal(g.grid[cell], best);
      }
      checked++;
    }
  }
  assert.ok(checked >= 60);
}

describe('decision boundary over two chosen features', () => {
  test('titanic (binary, mixed): raw units, the others at their means, p and class equal the model', () => {
    const file = sample('titanic.csv');
    const data = prepareDataset(readCsvFile(file), { target: 'Survived', testSize: 0.2, seed: 3 }, file);
    const session = new TrainingSession(data, { learningRate: 0.3, epochs: 60 }, { kernel: jsKernel });
    session.run(60);
    const fare = data.featureNames.indexOf('Fare');
    const age = data.featureNames.indexOf('Age');
    const female = data.featureNames.findIndex((f) => f.startsWith('Sex'));
    assert.ok(fare >= 0 && age >= 0 && female >= 0, data.featureNames.join(' '));
    for (const threshold of [0.5, 0.7]) check(data, session, fare, age, threshold);
    check(data, session, female, fare, 0.5);

    // The dots are the training rows at their CSV values (papaparse reads the file independently).
    const w = session.weights();
    const g = boundary(data, w.W, w.b, w.k, 0.5, [fare, age])!;
    const rows = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
    const ageFill = data.preprocessing.features[age];
    assert.equal(ageFill.kind, 'numeric');
    let missingAge = 0;
    for (const p of g.points.slice(0, 200)) {
      const src = rows[data.train.sourceRows[p.row]];
      assert.ok(Math.abs(p.x - Number(src.Fare)) < 1e-3 * Math.max(1, Number(src.Fare)), `Fare of row ${p.row}: ${p.x} vs ${src.Fare}`);
      if (src.Age === '') {
        missingAge++;
        if (ageFill.kind === 'numeric') assert.ok(Math.abs(p.y - ageFill.fill) < 1e-3, 'a missing Age sits at the fill value');
      } else {
        assert.ok(Math.abs(p.y - Number(src.Age)) < 1e-3, `Age of row ${p.row}: ${p.y} vs ${src.Age}`);
      }
      assert.equal(p.c, data.train.y[p.row]);
    }
    assert.ok(missingAge > 0, 'some rows have no Age');
    // The axes cover the raw range of the column.
    const fares = g.points.map((p) => p.x);
    assert.ok(g.xs[0] <= Math.min(...fares) && g.xs[g.xs.length - 1] >= Math.max(...fares));
  });

  test('iris (softmax): p of the predicted class and argmax equal the model', () => {
    const file = sample('iris.csv');
    const data = prepareDataset(readCsvFile(file), { target: 'species', testSize: 0.2, seed: 1 }, file);
    const session = new TrainingSession(data, { learningRate: 0.5, epochs: 80 }, { kernel: jsKernel });
    session.run(80);
    check(data, session, 2, 3, 0.5);
    check(data, session, 0, 1, 0.5);
  });

  test('two-feature data: no other features; bad pairs are refused with a message', () => {
    const file = sample('toy_train.csv');
    const data = prepareDataset(readCsvFile(file), { target: 'y' }, file);
    const session = new TrainingSession(data, { learningRate: 0.5, epochs: 20 }, { kernel: jsKernel });
    session.run(20);
    assert.deepEqual(defaultBoundaryPair(data), [0, 1]);
    check(data, session, 0, 1, 0.5);
    const w = session.weights();
    assert.throws(() => boundary(data, w.W, w.b, w.k, 0.5, [0, 0]), /two different features/);
    assert.throws(() => boundary(data, w.W, w.b, w.k, 0.5, [0, 2]), /from 0 to 1/);
  });

  test('digits: the default pair skips pixels that never vary', () => {
    const file = sample('digits.csv');
    const data = prepareDataset(readCsvFile(file), { target: 'label' }, file);
    const [a, c] = defaultBoundaryPair(data);
    const { X, m } = data.train;
    for (const j of [a, c]) {
      const v = new Set<number>();
      for (let i = 0; i < m; i++) v.add(X[i * data.n + j]);
      assert.ok(v.size > 1, `feature ${data.featureNames[j]} varies`);
    }
  });
});
