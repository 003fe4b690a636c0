import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { parseCsv } from '../../src/engine/data/csv';
import { readCsvFile } from '../../src/engine/node/csv-file';
import { prepareDataset } from '../../src/engine/prepare/dataset';
import {
  MODEL_FORMAT,
  parseModel,
  predictTable,
  predictionsToCsv,
  serializeModel,
} from '../../src/engine/model/model-io';
import { TrainingSession } from '../../src/engine/train/session';
import { LabError, type ExportedModel, type ParsedTable } from '../../src/engine/types';

function sample(name: string): ParsedTable {
  return readCsvFile(join(process.cwd(), 'samples', name));
}

function isBadModel(re: RegExp) {
  return (e: unknown) => e instanceof LabError && e.code === 'bad-model' && re.test(e.message);
}

/** Trains briefly and returns the session, its exported model text and the table it came from. */
function trained(file: string, target: string, config: object) {
  const table = sample(file);
  const data = prepareDataset(table, { target, testSize: 0.25, seed: 5 });
  const s = new TrainingSession(data, config, { computeOptimum: false });
  s.run(60);
  return { s, data, table, json: serializeModel(s.exportModel()) };
}

describe('export → parse → predictTable', () => {
  for (const [file, target, config] of [
    ['titanic.csv', 'Survived', { learningRate: 0.3 }],
    ['iris.csv', 'species', { optimizer: 'adam', batchSize: 16, learningRate: 0.05 }],
  ] as const) {
    test(`${file}: predictions on the source rows equal the session's test probabilities`, () => {
      const { s, data, table, json } = trained(file, target, config);
      const model = parseModel(json, 'model.json');
      assert.equal(model.format, MODEL_FORMAT);
      assert.equal(model.kind, data.classes.length === 2 ? 'binary' : 'softmax');
      assert.deepEqual(model.classes, data.classes);
      assert.ok(model.metrics?.test && model.metrics.train);
      assert.equal(model.metrics.test.accuracy, s.evaluate('test').accuracy);
      const result = predictTable(model, table, 'data.csv');
      const k = s.k;
      assert.equal(result.k, k);
      assert.equal(result.probabilities.length, table.rowCount * k);
      const expected = s.probabilities('test');
      const rows = data.test.sourceRows;
      for (let t = 0; t < rows.length; t++) {
        for (let c = 0; c < k; c++) {
          assert.equal(result.probabilities[rows[t] * k + c], expected[t * k + c], `row ${rows[t]} class ${c}`);
        }
      }
      // Predicted labels agree with the session's metrics on the test split.
      let correct = 0;
      for (let t = 0; t < rows.length; t++) if (result.predicted[rows[t]] === data.classes[data.test.y[t]]) correct++;
      assert.equal(correct / rows.length, s.evaluate('test').accuracy);
    });
  }

  test('binary probabilities by hand: σ(w·x + b) on raw values, threshold from the model', () => {
    const table = parseCsv('a,b,label\n1,2,no\n3,-1,yes\n0,0,no\n', { hasHeader: true });
    const data = prepareDataset(table, { target: 'label', testSize: 0, standardize: false });
    const s = new TrainingSession(data, {}, { computeOptimum: false });
    s.setWeights([0.5, -0.25], [0.125]);
    const model = parseModel(serializeModel(s.exportModel()));
    assert.deepEqual(model.weights, [[0.5, -0.25]]);
    assert.deepEqual(model.bias, [0.125]);
    const r = predictTable(model, parseCsv('b,a\n2,1\n-1,3\n0,0\n', { hasHeader: true }));
    const sigma = (z: number) => 1 / (1 + Math.exp(-z));
    const zs = [0.5 * 1 - 0.25 * 2 + 0.125, 0.5 * 3 + 0.25 + 0.125, 0.125];
    zs.forEach((z, i) => assert.ok(Math.abs(r.probabilities[i] - sigma(z)) < 1e-7));
    assert.deepEqual(r.predicted, ['yes', 'yes', 'yes']);
    model.threshold = 0.6;
    assert.deepEqual(predictTable(model, table).predicted, ['no', 'yes', 'no']);
  });

  test('a table without a needed column is a schema mismatch', () => {
    const { json } = trained('iris.csv', 'species', {});
    const model = parseModel(json);
    const table = parseCsv('sepal length (cm),sepal width (cm),petal length (cm)\n5,3,1\n', { hasHeader: true });
    assert.throws(() => predictTable(model, table, 'new.csv'), (e: unknown) => e instanceof LabError && e.code === 'schema-mismatch');
  });
});

describe('predictionsToCsv', () => {
  test('row id, copied columns, actual, predicted and one probability per class', () => {
    const { table, json } = trained('iris.csv', 'species', {});
    const model = parseModel(json);
    const result = predictTable(model, table);
    const csv = predictionsToCsv(table, model, result, { columns: ['petal width (cm)'] });
    const parsed = Papa.parse<string[]>(csv.trim()).data;
    assert.deepEqual(parsed[0], [
      'row', 'petal width (cm)', 'actual', 'predicted', ...model.classes.map((c) => `p(${c})`),
    ]);
    assert.equal(parsed.length, table.rowCount + 1);
    const raw = Papa.parse<string[]>(readFileSync(join(process.cwd(), 'samples/iris.csv'), 'utf8').trim()).data;
    for (let r = 0; r < table.rowCount; r++) {
      const line = parsed[r + 1];
      assert.equal(line[0], String(r + 1));
      assert.equal(Number(line[1]), Number(raw[r + 1][3]));
      assert.equal(line[2], raw[r + 1][4]);
      assert.equal(line[3], result.predicted[r]);
      const ps = line.slice(4).map(Number);
      assert.ok(Math.abs(ps.reduce((a, b) => a + b, 0) - 1) < 1e-6);
      assert.equal(model.classes[ps.indexOf(Math.max(...ps))], line[3]);
    }
  });

  test('binary: p of both classes; labels with commas and quotes are quoted', () => {
    const table = parseCsv('x,label\n1,"yes, sure"\n-1,"no ""way"""\n2,"yes, sure"\n', { hasHeader: true });
    const data = prepareDataset(table, { target: 'label', testSize: 0 });
    const s = new TrainingSession(data, {}, { computeOptimum: false });
    s.run(20);
    const model = parseModel(serializeModel(s.exportModel()));
    const result = predictTable(model, table);
    const csv = predictionsToCsv(table, model, result);
    const parsed = Papa.parse<string[]>(csv.trim()).data;
    assert.deepEqual(parsed[0], ['row', 'actual', 'predicted', `p(${model.classes[0]})`, `p(${model.classes[1]})`]);
    for (let r = 0; r < 3; r++) {
      const [, actual, predicted, p0, p1] = parsed[r + 1];
      assert.equal(actual, r === 1 ? 'no "way"' : 'yes, sure');
      assert.equal(predicted, actual);
      assert.ok(Math.abs(Number(p1) - result.probabilities[r]) < 1e-8);
      assert.ok(Math.abs(Number(p0) + Number(p1) - 1) < 1e-7);
    }
  });
});

describe('parseModel validation', () => {
  const { json } = trained('iris.csv', 'species', {});
  const good = JSON.parse(json) as ExportedModel;
  const variant = (f: (m: Record<string, unknown>) => void): string => {
    const m = JSON.parse(json) as Record<string, unknown>;
    f(m);
    return JSON.stringify(m);
  };

  test('accepts its own export', () => {
    assert.deepEqual(parseModel(json), good);
  });

  test('rejects broken files with a clear message naming the file', () => {
    assert.throws(() => parseModel('{ not json', 'm.json'), isBadModel(/^model file m\.json is not valid JSON/));
    assert.throws(() => parseModel('[1,2]', 'm.json'), isBadModel(/not a JSON object/));
    assert.throws(() => parseModel(variant((m) => (m.format = 'other')), 'm.json'), isBadModel(/is not a Logistic Regression Lab model/));
    assert.throws(() => parseModel(variant((m) => (m.version = 2))), isBadModel(/version 2.*update the extension/));
    assert.throws(() => parseModel(variant((m) => (m.kind = 'binary'))), isBadModel(/3 classes need kind 'softmax'/));
    assert.throws(() => parseModel(variant((m) => (m.classes = ['a']))), isBadModel(/at least 2 class labels/));
    assert.throws(() => parseModel(variant((m) => (m.classes = ['a', 'a', 'b']))), isBadModel(/duplicate/));
    assert.throws(() => parseModel(variant((m) => (m.weights as number[][]).pop())), isBadModel(/needs 'weights' with 3 rows/));
    assert.throws(() => parseModel(variant((m) => (m.weights as number[][])[1].push(1))), isBadModel(/5 weights in row 2, expected 4/));
    assert.throws(() => parseModel(variant((m) => ((m.weights as unknown[][])[0][2] = 'x'))), isBadModel(/non-finite weight at row 1, feature 'petal length \(cm\)'/));
    assert.throws(() => parseModel(variant((m) => (m.bias = [0, null, 0]))), isBadModel(/'bias': 3 finite numbers/));
    assert.throws(() => parseModel(variant((m) => (m.threshold = 2))), isBadModel(/threshold/));
    assert.throws(() => parseModel(variant((m) => delete m.preprocessing)), isBadModel(/preprocessing/));
    assert.throws(
      () => parseModel(variant((m) => ((m.preprocessing as { features: { name: string }[] }).features[0].name = 'zzz'))),
      isBadModel(/preprocessing feature 1 named "zzz"/),
    );
    assert.throws(
      () => parseModel(variant((m) => ((m.preprocessing as { features: { scale: number }[] }).features[0].scale = 0))),
      isBadModel(/non-zero scale/),
    );
  });
});
