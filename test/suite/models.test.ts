/**
 * Export Model and Predict with Model, called programmatically with target URIs: the exported JSON
 * carries the weights and preprocessing, and the predictions file holds p = σ(w·x' + b) recomputed here
 * from that JSON (x' = (x − center) / scale) for every row of a new CSV.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportedModel } from '../../src/engine/types';
import type { SessionState } from '../../src/protocol';
import { exec, labApi, sampleUri } from './helpers';

describe('models', function () {
  this.timeout(60_000);

  it('exports the trained model and predicts a new CSV with it', async () => {
    await labApi();
    const state = await exec<SessionState | undefined>('logisticLab.train', sampleUri('toy_train.csv'), {
      target: 'y',
      prepare: { testSize: 0 },
      config: { epochs: 300, learningRate: 0.5 },
      wait: true,
      showDashboard: false,
    });
    assert.ok(state?.done);
    const dir = path.dirname(sampleUri('toy_train.csv').fsPath);
    const modelUri = vscode.Uri.file(path.join(dir, 'toy.model.json'));
    const written = await exec<vscode.Uri | undefined>('logisticLab.export', modelUri);
    assert.equal(written?.fsPath, modelUri.fsPath);
    const model = JSON.parse(readFileSync(modelUri.fsPath, 'utf8')) as ExportedModel;
    assert.equal(model.format, 'logistic-regression-lab/model');
    assert.deepEqual(model.classes, ['0', '1']);
    assert.deepEqual(model.featureNames, ['x1', 'x2']);
    assert.deepEqual(model.weights[0], state.weights.W);

    const outUri = vscode.Uri.file(path.join(dir, 'toy_test.predictions.csv'));
    const out = await exec<vscode.Uri | undefined>('logisticLab.predict', modelUri, sampleUri('toy_test.csv'), outUri);
    assert.equal(out?.fsPath, outUri.fsPath);
    const lines = readFileSync(outUri.fsPath, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    assert.deepEqual(header.slice(-3), ['predicted', 'p(0)', 'p(1)']);
    const rows = readFileSync(sampleUri('toy_test.csv').fsPath, 'utf8').trim().split('\n').slice(1);
    assert.equal(lines.length - 1, rows.length);
    rows.forEach((row, i) => {
      const [x1, x2] = row.split(',').map(Number);
      let z = model.bias[0];
      [x1, x2].forEach((x, j) => {
        const f = model.preprocessing.features[j];
        z += model.weights[0][j] * ((x - f.center) / f.scale);
      });
      const p = 1 / (1 + Math.exp(-z));
      const fields = lines[i + 1].split(',');
      const p1 = Number(fields[fields.length - 1]);
      assert.ok(Math.abs(p1 - p) < 1e-5, `row ${i + 1}: p(1) ${p1} vs σ(z) ${p}`);
      assert.equal(fields[fields.length - 3], p >= model.threshold ? '1' : '0');
    });
  });
});
